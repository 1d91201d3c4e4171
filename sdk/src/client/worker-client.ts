/**
 * `createWorkerClient`: the engine in a Web Worker (workers/mls.worker.ts), driven through Comlink with the same
 * MlsClient interface as `createClient`. Secrets, storage and crypto stay in the worker; the page holds wire
 * messages, plaintext, member lists and exporter outputs. Bytes cross as transferables (transfer.ts); errors
 * cross as MlsError with their code. An AbortSignal cannot cross: aborting posts `abort(opId)` to the worker,
 * which fires the operation's own signal there; `onProgress` crosses as a Comlink proxy.
 */
import * as Comlink from 'comlink';
import { MlsError } from '../errors.ts';
import { asMlsError } from './as-error.ts';
import { setDebugHook } from './debug.ts';
import { ClientFacade, type Backend } from './facade.ts';
import { engineInit } from './engine-init.ts';
import type { WorkerApi } from './protocol.ts';
import { EVENT_KEY, registerErrorTransfer, transferBytes } from './transfer.ts';
import type { GroupEvent, MlsClient, WorkerClientOptions } from './types.ts';
import { startMlsWorker } from './worker-url.ts';

let nextOpId = 1;

/**
 * Create a client whose engine runs in a Web Worker. Same interface as `createClient`; storage defaults to
 * IndexedDB (sealed at rest), database `options.databaseName ?? 'webmls'`.
 * @throws MlsError UNSUPPORTED where Web Workers are missing; the engine's errors (STATE, STORAGE, …).
 * @example
 *   const client = await createWorkerClient({ identity: 'alice@example.com' });
 *   for (const g of await client.listGroups()) await client.openGroup(g.groupId);
 */
export async function createWorkerClient(options: WorkerClientOptions = {}): Promise<MlsClient> {
  if (typeof Worker !== 'function' && options.worker === undefined) throw new MlsError('UNSUPPORTED', 'Web Workers are not available here');
  if (options.storage !== undefined && options.storage !== 'indexeddb' && options.storage !== 'memory')
    throw new MlsError('STATE', "createWorkerClient takes storage 'indexeddb' or 'memory' (a provider object cannot cross to a worker)");
  registerErrorTransfer();
  const worker = options.worker ?? startMlsWorker();
  const api = Comlink.wrap<WorkerApi>(worker);
  // Comlink makes (and registers for finalization) a new proxy on every property read: take `call` once.
  const remoteCall = api.call;
  let facade: ClientFacade | undefined;
  const dispatch = (events: readonly GroupEvent[]) => {
    for (const e of events) facade?.onEngineEvent(e);
  };
  const onMessage = (m: MessageEvent) => {
    const events = (m.data as { [EVENT_KEY]?: GroupEvent[] } | null)?.[EVENT_KEY];
    if (events) dispatch(events);
  };
  worker.addEventListener('message', onMessage);
  const backend: Backend = {
    async call(method, params, ctl) {
      let opId: number | undefined;
      let stop: (() => void) | undefined;
      if (ctl) {
        opId = nextOpId++;
        const id = opId;
        const signal = ctl.signal;
        if (signal) {
          if (signal.aborted) throw new MlsError('ABORTED', `${method} was aborted`, { cause: signal.reason });
          const onAbort = () => void api.abort(id);
          signal.addEventListener('abort', onAbort, { once: true });
          stop = () => signal.removeEventListener('abort', onAbort);
        }
      }
      try {
        const progress = ctl?.onProgress ? Comlink.proxy(ctl.onProgress) : undefined;
        const { value, events } = await remoteCall(method, transferBytes(params), opId, progress);
        dispatch(events);
        return value as never;
      } finally {
        stop?.();
      }
    },
    async close() {
      try {
        await remoteCall('close', {});
      } finally {
        api[Comlink.releaseProxy]();
        worker.removeEventListener('message', onMessage);
        worker.terminate();
      }
    },
  };
  try {
    const init = { ...engineInit(options), ...(options.storage !== undefined ? { storage: options.storage } : {}) };
    await api.init(init);
  } catch (e) {
    worker.terminate();
    throw asMlsError(e);
  }
  facade = new ClientFacade(backend);
  setDebugHook(facade, (req) => api.debug(req));
  return facade;
}

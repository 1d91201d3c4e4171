/**
 * The webmls worker: hosts the engine (client/engine.ts) and exposes it through Comlink as `WorkerApi`
 * (client/protocol.ts). Started by `createWorkerClient`. Secrets, storage (IndexedDB, sealed at rest) and the
 * crypto core live here only; results leave as plain data with their bytes transferred, errors as MlsError with
 * their code (client/transfer.ts registers the handler on both sides).
 */
import * as Comlink from 'comlink';
import { MlsError } from '../sdk/src/errors.ts';
import { asMlsError } from '../sdk/src/client/as-error.ts';
import { Engine } from '../sdk/src/client/engine.ts';
import { openStorage } from '../sdk/src/client/local.ts';
import type { Ctl, DebugRequest, EngineInit, EngineMethod, Reply, ParamsOf, ResultOf, WorkerApi } from '../sdk/src/client/protocol.ts';
import type { GroupEvent } from '../sdk/src/client/types.ts';
import { EVENT_KEY, registerErrorTransfer, transferBytes, withOwnBuffers } from '../sdk/src/client/transfer.ts';

registerErrorTransfer();

let engine: Engine | undefined;
let starting: Promise<unknown> | undefined;
const aborts = new Map<number, AbortController>();

/**
 * Engine events wait in an outbox and leave with the next call result (client/protocol.ts `Reply`): a message
 * to the page costs a thread wake-up (~200 µs measured in headless Chromium here), and a received message's
 * event would otherwise be a second one. Events raised while no call is running (a reload announced by another
 * tab) and those of a call that fails leave on their own, one-way (EVENT_KEY), ahead of the failure.
 */
let outbox: GroupEvent[] = [];
let running = 0;
let flushTimer: ReturnType<typeof setTimeout> | undefined;
function raise(e: GroupEvent): void {
  outbox.push(e);
  if (running === 0) flushTimer ??= setTimeout(flush, 0);
}
function takeOutbox(): GroupEvent[] {
  const events = outbox;
  outbox = [];
  return events;
}
function flush(): void {
  flushTimer = undefined;
  if (outbox.length === 0) return;
  const [events, buffers] = withOwnBuffers(takeOutbox());
  self.postMessage({ [EVENT_KEY]: events }, buffers);
}

function ready(): Engine {
  if (!engine) throw new MlsError('NOT_INITIALIZED', 'the worker has not been initialised (init first)');
  return engine;
}

const api: WorkerApi = {
  async init(init: EngineInit & { readonly storage?: 'indexeddb' | 'memory' }) {
    if (starting) throw new MlsError('STATE', 'this worker is initialised already');
    const p = (async () => {
      const { storage: kind, ...rest } = init;
      const storage = await openStorage(kind, rest.databaseName);
      try {
        engine = await Engine.open(rest, storage, raise);
      } catch (e) {
        await storage.close().catch(() => {});
        throw e;
      }
      return engine.identity();
    })();
    starting = p;
    try {
      return transferBytes(await p);
    } catch (e) {
      starting = undefined;
      throw asMlsError(e);
    }
  },

  async call<K extends EngineMethod>(
    method: K,
    params: ParamsOf<K>,
    opId?: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Reply<ResultOf<K>>> {
    const e = ready();
    let ctl: Ctl | undefined;
    if (opId !== undefined) {
      const ac = new AbortController();
      aborts.set(opId, ac);
      ctl = { signal: ac.signal, ...(onProgress ? { onProgress } : {}) };
    }
    running++;
    try {
      const f = e[method] as (p: unknown, c?: Ctl) => Promise<ResultOf<K>>;
      const value = await f.call(e, params, ctl);
      return transferBytes({ value, events: takeOutbox() });
    } catch (err) {
      flush();
      throw asMlsError(err);
    } finally {
      running--;
      if (opId !== undefined) aborts.delete(opId);
    }
  },

  abort(opId: number) {
    aborts.get(opId)?.abort(new MlsError('ABORTED', 'aborted by the page'));
  },

  async debug(req: DebugRequest) {
    return transferBytes(await ready().debug(req));
  },
};

Comlink.expose(api);

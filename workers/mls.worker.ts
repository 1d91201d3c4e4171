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
import type { Ctl, DebugRequest, EngineInit, EngineListener, EngineMethod, ParamsOf, ResultOf, WorkerApi } from '../sdk/src/client/protocol.ts';
import { registerErrorTransfer, transferBytes } from '../sdk/src/client/transfer.ts';

registerErrorTransfer();

let engine: Engine | undefined;
let starting: Promise<unknown> | undefined;
const aborts = new Map<number, AbortController>();

function ready(): Engine {
  if (!engine) throw new MlsError('NOT_INITIALIZED', 'the worker has not been initialised (init first)');
  return engine;
}

const api: WorkerApi = {
  async init(init: EngineInit & { readonly storage?: 'indexeddb' | 'memory' }, onEvent: EngineListener) {
    if (starting) throw new MlsError('STATE', 'this worker is initialised already');
    const p = (async () => {
      const { storage: kind, ...rest } = init;
      const storage = await openStorage(kind, rest.databaseName);
      try {
        engine = await Engine.open(rest, storage, (e) => {
          // Events leave with their bytes transferred; a closed page end must not break the engine.
          void Promise.resolve(onEvent(transferBytes(e))).catch(() => {});
        });
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
  ): Promise<ResultOf<K>> {
    const e = ready();
    let ctl: Ctl | undefined;
    if (opId !== undefined) {
      const ac = new AbortController();
      aborts.set(opId, ac);
      ctl = { signal: ac.signal, ...(onProgress ? { onProgress } : {}) };
    }
    try {
      const f = e[method] as (p: unknown, c?: Ctl) => Promise<ResultOf<K>>;
      return transferBytes(await f.call(e, params, ctl));
    } catch (err) {
      throw asMlsError(err);
    } finally {
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

/**
 * `createClient`: the engine in the calling thread (Node, tests, or code that already runs in a worker).
 */
import { MlsError } from '../errors.ts';
import { IndexedDbStorage, DEFAULT_DB_NAME } from '../storage/indexeddb.ts';
import { MemoryStorage } from '../storage/memory.ts';
import type { StorageProvider } from '../storage/provider.ts';
import { asMlsError } from './as-error.ts';
import { Engine } from './engine.ts';
import { ClientFacade, type Backend } from './facade.ts';
import { setDebugHook } from './debug.ts';
import type { EngineListener } from './protocol.ts';
import { engineInit } from './engine-init.ts';
import type { ClientOptions, MlsClient } from './types.ts';

/** The StorageProvider an option names (the default: IndexedDB where it exists, else memory). */
export async function openStorage(storage: ClientOptions['storage'], databaseName: string | undefined): Promise<StorageProvider> {
  const kind = storage ?? (typeof indexedDB !== 'undefined' ? 'indexeddb' : 'memory');
  if (kind === 'indexeddb') return IndexedDbStorage.open(databaseName ?? DEFAULT_DB_NAME);
  if (kind === 'memory') return new MemoryStorage();
  if (typeof kind === 'object' && kind !== null && typeof (kind as StorageProvider).commit === 'function') return kind;
  throw new MlsError('STATE', `storage must be 'indexeddb', 'memory' or a StorageProvider, got ${String(kind)}`);
}

/** A Backend that calls an Engine directly. */
export function localBackend(engine: Engine): Backend {
  return {
    call(method, params, ctl) {
      const f = engine[method] as (p: unknown, c?: unknown) => Promise<never>;
      return f.call(engine, params, ctl);
    },
    close: () => engine.close(),
  };
}

/**
 * Create a client whose engine runs in this thread. In a page, prefer `createWorkerClient`: it keeps secrets
 * and the crypto work off the main thread.
 * @throws MlsError STATE (no identity for a new database, or another identity's database), STORAGE, UNSUPPORTED.
 * @example
 *   const alice = await createClient({ identity: 'alice', storage: 'memory' });
 *   const group = await alice.createGroup();
 */
export async function createClient(options: ClientOptions = {}): Promise<MlsClient> {
  let storage: StorageProvider | undefined;
  try {
    storage = await openStorage(options.storage, options.databaseName);
    let facade: ClientFacade | undefined;
    const listener: EngineListener = (e) => facade?.onEngineEvent(e);
    const engine = await Engine.open(engineInit(options), storage, listener, storage !== options.storage);
    facade = new ClientFacade(localBackend(engine));
    setDebugHook(facade, (req) => engine.debug(req));
    return facade;
  } catch (e) {
    // Close what we opened (a provider the app passed in stays the app's).
    if (storage !== undefined && storage !== options.storage) await storage.close().catch(() => {});
    throw asMlsError(e);
  }
}

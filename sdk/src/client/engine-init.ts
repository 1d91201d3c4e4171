// Client options → engine options, shared by the in-thread and worker clients (kept apart from local.ts so the
// worker client does not pull the engine into the page's bundle).
import type { EngineInit } from './protocol.ts';
import type { ClientOptions, WorkerClientOptions } from './types.ts';

/** The engine options of client options (everything but the storage and the worker; a test's `debug` passes). */
export function engineInit(o: ClientOptions | WorkerClientOptions): EngineInit {
  const { storage: _storage, ...rest } = o as ClientOptions & { worker?: unknown };
  delete (rest as { worker?: unknown }).worker;
  return rest;
}

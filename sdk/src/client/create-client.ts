import type { ClientOptions, MlsClient } from './types.ts';

/**
 * Create a client whose engine runs in this thread (Node, tests, or code that already runs in a worker). In a
 * page, prefer `createWorkerClient`: it keeps secrets and the crypto work off the main thread. The engine is
 * loaded on first use, so apps that only use the worker client do not download it twice.
 * @throws MlsError STATE (no identity for a new database, or another identity's database), STORAGE, UNSUPPORTED.
 * @example
 *   const alice = await createClient({ identity: 'alice', storage: 'memory' });
 *   const group = await alice.createGroup();
 */
export async function createClient(options: ClientOptions = {}): Promise<MlsClient> {
  const local = await import('./local.ts');
  return local.createClient(options);
}

/**
 * Test-only debug hooks. A client started with `debug: true` (an undocumented option, never for apps) answers
 * `debugHooks(client)` with functions that read every stored record through the storage's own decoding (IndexedDB
 * records unsealed) and copies of a group's in-memory secrets — so tests can prove that consumed keys and old
 * epoch secrets are gone from storage and that nothing is stored in the clear. Not exported from the package
 * index. Over a worker, the hooks are answered by the worker (which refuses them unless started with debug).
 */
import { MlsError } from '../errors.ts';
import type { DebugRequest } from './protocol.ts';
import type { MlsClient } from './types.ts';

const HOOK: unique symbol = Symbol('webmls.debug');

type Hook = (req: DebugRequest) => Promise<unknown>;

/** Attach the hook to a client (createClient / createWorkerClient). */
export function setDebugHook(client: MlsClient, hook: Hook): void {
  Object.defineProperty(client, HOOK, { value: hook, enumerable: false });
}

/** A stored record as the storage decodes it (IndexedDB: unsealed). */
export interface DebugRecord {
  readonly store: string;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly meta: Record<string, unknown>;
}

/** Copies of the secrets a group's loaded state holds. */
export interface DebugSecrets {
  readonly epoch: bigint;
  readonly signaturePrivateKey: Uint8Array;
  readonly privateKeys: Uint8Array[];
  readonly epochSecrets: Record<string, Uint8Array>;
  readonly secretTree: Uint8Array[];
  readonly identityPrivateKey: Uint8Array;
}

/** A leaf's ratchets in a group's secret tree (undefined when they have not started). */
export interface DebugRatchets {
  readonly application: { readonly generation: number; readonly secret: Uint8Array };
  readonly handshake: { readonly generation: number; readonly secret: Uint8Array };
}

/** The debug hooks of a client started with `debug: true`. */
export function debugHooks(client: MlsClient) {
  const hook = (client as unknown as Record<symbol, Hook | undefined>)[HOOK];
  if (!hook) throw new MlsError('STATE', 'this client has no debug hooks');
  return {
    records: () => hook({ kind: 'records' }) as Promise<DebugRecord[]>,
    secrets: (groupId: Uint8Array) => hook({ kind: 'secrets', groupId }) as Promise<DebugSecrets>,
    ratchet: (groupId: Uint8Array, leafIndex: number) => hook({ kind: 'ratchet', groupId, leafIndex }) as Promise<DebugRatchets | undefined>,
    /** Make the storage's next commit fail and roll back (MemoryStorage / IndexedDbStorage fault injection). */
    failNextCommit: () => hook({ kind: 'failNextCommit' }) as Promise<void>,
  };
}

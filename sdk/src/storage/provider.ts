/**
 * The StorageProvider interface: coarse, atomic writes over a few named stores.
 *
 * The engine serializes its state itself; storage sees byte strings. One epoch change (new group state, new
 * epoch secrets, deletion of the old epoch's secrets and of consumed KeyPackages) is ONE {@link WriteBatch} and
 * ONE `commit()`; so is one decrypted message's key deletion. A commit applies all of its operations or none
 * (see DESIGN.md "Processing: validate, then merge": the in-memory state is swapped only after `commit()`
 * resolved).
 *
 * Stores and the key layout the engine is expected to use (keys built with `storageKey(...)`, see keys.ts):
 *   - `groups`      storageKey(groupId)                   → the group state of the current epoch without its secret
 *                                                           tree; meta `{ epoch, v, active }`
 *   - `secrets`     storageKey(groupId, epoch)            → that epoch's secret tree, the only record a message
 *                                                           rewrites (O(1) in the group size); meta `{ v, s, epoch }`;
 *                                                           an epoch change deletes the group's others with
 *                                                           `deleteRange({ prefix: storageKey(groupId) })`
 *                                                           (versions and atomicity: client/engine.ts header)
 *   - `keyPackages` storageKey(keyPackageRef)             → private keys of a published KeyPackage
 *   - `identity`    storageKey('signer') etc.             → the client's signature key and credential
 *   - `pending`     storageKey(groupId, epoch, seq)       → early messages buffered per group (bounded by the
 *                                                           engine; `count({ prefix })` tells how many)
 *
 * Values are opaque `Uint8Array`s and are always treated as secret (IndexedDB seals every one of them at rest).
 * A record may carry a small `meta` object of plain values (e.g. `{ epoch: 7n }`): it is stored in the clear so
 * that a tab can learn the newest epoch without unsealing, and is authenticated with the value (a record whose
 * meta was altered fails to open). Never put secrets in meta or in keys.
 *
 * Every failure is an `MlsError` with code `STORAGE`, the underlying error attached as `cause`.
 */
import { MlsError, isMlsError } from '../errors.ts';
import { keyBytes, resolveRange, toHex, type ByteRange, type KeyRange, type StorageKey } from './keys.ts';

export type { StorageKey, KeyRange, KeyPart } from './keys.ts';

/** The stores every provider has. Adding one is a schema change (IndexedDB version bump). */
export const STORES = ['groups', 'secrets', 'keyPackages', 'identity', 'pending'] as const;
export type StoreName = (typeof STORES)[number];

/** A plain metadata value: stored in the clear, authenticated with the record. */
export type MetaValue = string | number | boolean | bigint | null;
/** Small plain metadata of a record (e.g. `{ epoch: 7n }`). `{}` when none was given. */
export type RecordMeta = Readonly<Record<string, MetaValue>>;

/** A record as read back: key bytes, a private copy of the value, and its meta. */
export interface StoredRecord {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly meta: RecordMeta;
}

/** A record's key and meta, read without unsealing its value. */
export interface RecordInfo {
  readonly key: Uint8Array;
  readonly meta: RecordMeta;
}

/** Options of `list` / `listMeta`: a key range, a maximum count, and the direction (ascending by default). */
export interface ListOptions extends KeyRange {
  readonly limit?: number;
  readonly reverse?: boolean;
}

/** One operation of a batch. Operations apply in order; `check`s are evaluated before any write. */
export type WriteOp =
  | {
      readonly kind: 'put';
      readonly store: StoreName;
      readonly key: StorageKey;
      readonly value: Uint8Array;
      readonly meta?: RecordMeta;
    }
  | { readonly kind: 'delete'; readonly store: StoreName; readonly key: StorageKey }
  | { readonly kind: 'deleteRange'; readonly store: StoreName; readonly range: KeyRange }
  | {
      /** Precondition: the record exists and each given meta field equals the stored one (`null`: it is absent). */
      readonly kind: 'check';
      readonly store: StoreName;
      readonly key: StorageKey;
      readonly meta: RecordMeta | null;
    };

/**
 * Collects the operations of one atomic write.
 * @example
 *   const b = new WriteBatch()
 *     .check('groups', storageKey(gid), { epoch: 6n })           // nobody else merged epoch 7 meanwhile
 *     .put('groups', storageKey(gid), state, { epoch: 7n })
 *     .deleteRange('secrets', { prefix: storageKey(gid, 6n) })
 *     .put('secrets', storageKey(gid, 7n), secretTree);
 *   await storage.commit(b);
 */
export class WriteBatch {
  readonly ops: WriteOp[] = [];
  /** Write a record (replacing any record under that key). The value is read when `commit()` is called. */
  put(store: StoreName, key: StorageKey, value: Uint8Array, meta?: RecordMeta): this {
    this.ops.push(meta === undefined ? { kind: 'put', store, key, value } : { kind: 'put', store, key, value, meta });
    return this;
  }
  /** Delete one record (no error when it does not exist). */
  delete(store: StoreName, key: StorageKey): this {
    this.ops.push({ kind: 'delete', store, key });
    return this;
  }
  /** Delete every record in a key range, e.g. `{ prefix: storageKey(groupId) }` for all records of a group. */
  deleteRange(store: StoreName, range: KeyRange): this {
    this.ops.push({ kind: 'deleteRange', store, range });
    return this;
  }
  /**
   * Make the commit fail (MlsError STORAGE, {@link isStorageConflict}) unless the record exists and each given
   * meta field equals the stored one; `null` requires that the record does not exist. Optimistic concurrency on
   * top of the group lock: a tab that missed another tab's merge cannot overwrite it.
   */
  check(store: StoreName, key: StorageKey, meta: RecordMeta | null): this {
    this.ops.push({ kind: 'check', store, key, meta });
    return this;
  }
  get size(): number {
    return this.ops.length;
  }
}

/**
 * Storage used by the engine. Implementations: `MemoryStorage` (memory.ts) and `IndexedDbStorage`
 * (indexeddb.ts). Reads return private copies; `commit` copies (or seals) the values synchronously when called,
 * so the caller may wipe its buffers as soon as `commit()` returned its promise.
 */
export interface StorageProvider {
  /** 'memory', 'indexeddb', or a custom provider's name. */
  readonly kind: string;
  /** One record, or undefined. */
  get(store: StoreName, key: StorageKey): Promise<StoredRecord | undefined>;
  /** One record's meta without unsealing the value, or undefined when absent. */
  getMeta(store: StoreName, key: StorageKey): Promise<RecordMeta | undefined>;
  /** Records in a key range, in bytewise key order (reverse: descending). */
  list(store: StoreName, options?: ListOptions): Promise<StoredRecord[]>;
  /** Keys and meta in a key range, without unsealing any value. */
  listMeta(store: StoreName, options?: ListOptions): Promise<RecordInfo[]>;
  /** How many records lie in a key range. */
  count(store: StoreName, range?: KeyRange): Promise<number>;
  /** Apply every operation of the batch, or none of them. */
  commit(batch: WriteBatch | readonly WriteOp[]): Promise<void>;
  /** Release the provider; later calls fail with MlsError STORAGE. */
  close(): Promise<void>;
}

/**
 * Decides whether a commit fails after its writes were issued (tests only). Called once per non-empty commit
 * with the batch's operations; return true to make that commit fail and roll back.
 */
export type FaultInjector = (ops: readonly WriteOp[]) => boolean;

/** Options common to the built-in providers. */
export interface ProviderOptions {
  /** Tests: make chosen commits fail after their writes were issued (see also `failNextCommit`). */
  readonly faultInjector?: FaultInjector;
}

/** A STORAGE error with its cause; passes an MlsError through unchanged. */
export function storageError(message: string, cause?: unknown): MlsError {
  if (isMlsError(cause)) return cause;
  return new MlsError('STORAGE', cause === undefined ? message : `${message}: ${describe(cause)}`, { cause });
}

function describe(e: unknown): string {
  if (e instanceof Error || (typeof DOMException !== 'undefined' && e instanceof DOMException))
    return `${(e as Error).name}: ${(e as Error).message}`;
  return String(e);
}

/** The cause attached to a failed `check` (see {@link isStorageConflict}). */
export interface StorageConflict {
  readonly conflict: true;
  readonly store: StoreName;
  readonly key: string; // hex
  readonly expected: RecordMeta | null;
  readonly found: RecordMeta | null;
}

/** True for the error of a commit whose `check` failed (another writer got there first). */
export function isStorageConflict(e: unknown): boolean {
  return isMlsError(e, 'STORAGE') && (e.cause as Partial<StorageConflict> | undefined)?.conflict === true;
}

export function conflictError(store: StoreName, key: Uint8Array, expected: RecordMeta | null, found: RecordMeta | null) {
  const cause: StorageConflict = { conflict: true, store, key: toHex(key), expected, found };
  return new MlsError('STORAGE', `commit refused: ${store}/${cause.key} changed (another writer committed first)`, {
    cause,
  });
}

/** True when the stored meta (null: absent) satisfies a check's expectation. */
export function checkMatches(expected: RecordMeta | null, found: RecordMeta | null): boolean {
  if (expected === null) return found === null;
  if (found === null) return false;
  for (const k of Object.keys(expected)) if (!Object.is(expected[k], found[k])) return false;
  return true;
}

// ---- validation shared by the providers -------------------------------------------------------------------

const STORE_SET: ReadonlySet<string> = new Set(STORES);

export function assertStore(store: unknown): asserts store is StoreName {
  if (typeof store !== 'string' || !STORE_SET.has(store))
    throw new MlsError('STORAGE', `unknown store ${JSON.stringify(store)} (stores: ${STORES.join(', ')})`);
}

/** A validated, frozen copy of a meta object ({} when undefined). */
export function copyMeta(meta: RecordMeta | undefined | null): RecordMeta {
  if (meta === undefined || meta === null) return EMPTY_META;
  if (typeof meta !== 'object' || Array.isArray(meta)) throw new MlsError('STORAGE', 'meta must be a plain object');
  const out: Record<string, MetaValue> = {};
  for (const [k, v] of Object.entries(meta)) {
    const t = typeof v;
    if (!(v === null || t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint'))
      throw new MlsError('STORAGE', `meta field ${k} must be a string, number, boolean, bigint or null`);
    out[k] = v;
  }
  return Object.freeze(out);
}
const EMPTY_META: RecordMeta = Object.freeze({});

/** An operation after validation: store checked, key bytes copied, value copied, range resolved. */
export type ResolvedOp =
  | { readonly kind: 'put'; readonly store: StoreName; readonly key: Uint8Array; readonly value: Uint8Array; readonly meta: RecordMeta }
  | { readonly kind: 'delete'; readonly store: StoreName; readonly key: Uint8Array }
  | { readonly kind: 'deleteRange'; readonly store: StoreName; readonly range: ByteRange }
  | { readonly kind: 'check'; readonly store: StoreName; readonly key: Uint8Array; readonly meta: RecordMeta | null };

/**
 * Validate a batch and take private copies of its keys and values, synchronously (so the caller may reuse its
 * buffers once `commit()` returned). `copyValues: false` leaves values as given (a sealing provider encrypts them
 * synchronously instead, which also snapshots them).
 */
export function resolveOps(batch: WriteBatch | readonly WriteOp[], copyValues: boolean): ResolvedOp[] {
  const ops = batch instanceof WriteBatch ? batch.ops : batch;
  if (!Array.isArray(ops)) throw new MlsError('STORAGE', 'commit takes a WriteBatch or an array of operations');
  return ops.map((op: WriteOp, i): ResolvedOp => {
    assertStore(op?.store);
    switch (op.kind) {
      case 'put': {
        if (!(op.value instanceof Uint8Array)) throw new MlsError('STORAGE', `operation ${i}: value must be a Uint8Array`);
        return {
          kind: 'put',
          store: op.store,
          key: recordKey(op.key),
          value: copyValues ? op.value.slice() : op.value,
          meta: copyMeta(op.meta),
        };
      }
      case 'delete':
        return { kind: 'delete', store: op.store, key: recordKey(op.key) };
      case 'deleteRange':
        return { kind: 'deleteRange', store: op.store, range: resolveRange(op.range) };
      case 'check':
        return { kind: 'check', store: op.store, key: recordKey(op.key), meta: op.meta === null ? null : copyMeta(op.meta) };
      default:
        throw new MlsError('STORAGE', `operation ${i}: unknown kind ${JSON.stringify((op as { kind?: unknown }).kind)}`);
    }
  });
}

/** Key bytes of one record; empty keys are refused. */
export function recordKey(key: StorageKey): Uint8Array {
  const k = keyBytes(key);
  if (k.length === 0) throw new MlsError('STORAGE', 'empty key');
  return k;
}

/** Validate `limit` of list options. */
export function listLimit(options: ListOptions | undefined): number {
  const limit = options?.limit ?? Infinity;
  if (limit !== Infinity && !(Number.isInteger(limit) && limit >= 0))
    throw new MlsError('STORAGE', `limit must be a non-negative integer, got ${String(limit)}`);
  return limit;
}

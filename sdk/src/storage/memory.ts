/**
 * In-memory StorageProvider: one Map per store, keyed by the key's hex (hex order = byte order).
 *
 * Atomic: a commit validates and copies the whole batch first, evaluates its checks, then applies the writes with
 * an undo log; a failure (or an injected fault) rolls every write back before the promise rejects. The whole
 * commit runs synchronously inside the call, so no other operation can observe half a batch.
 * Values are copied on put and on get: a caller that mutates (or wipes) its array never changes stored bytes.
 * Nothing is sealed: use it for tests, Node, and apps that persist nothing.
 */
import { MlsError } from '../errors.ts';
import { fromHex, inRange, resolveRange, toHex, type KeyRange, type StorageKey } from './keys.ts';
import {
  STORES,
  assertStore,
  checkMatches,
  conflictError,
  listLimit,
  recordKey,
  resolveOps,
  storageError,
  type FaultInjector,
  type ListOptions,
  type ProviderOptions,
  type RecordInfo,
  type RecordMeta,
  type StorageProvider,
  type StoreName,
  type StoredRecord,
  type WriteBatch,
  type WriteOp,
} from './provider.ts';

interface Entry {
  readonly value: Uint8Array;
  readonly meta: RecordMeta;
}

/**
 * @example
 *   const storage = new MemoryStorage();
 *   await storage.commit(new WriteBatch().put('groups', storageKey(gid), state, { epoch: 0n }));
 */
export class MemoryStorage implements StorageProvider {
  readonly kind = 'memory';
  private readonly maps = new Map<StoreName, Map<string, Entry>>(STORES.map((s) => [s, new Map()]));
  private readonly injector: FaultInjector | undefined;
  private pendingFaults = 0;
  private closed = false;

  constructor(options: ProviderOptions = {}) {
    this.injector = options.faultInjector;
  }

  /** Tests: the next `count` non-empty commits fail after applying their writes, and roll back. */
  failNextCommit(count = 1): void {
    this.pendingFaults += count;
  }

  async get(store: StoreName, key: StorageKey): Promise<StoredRecord | undefined> {
    const k = this.lookup(store, key);
    const e = this.map(store).get(k);
    return e && { key: fromHex(k), value: e.value.slice(), meta: e.meta };
  }

  async getMeta(store: StoreName, key: StorageKey): Promise<RecordMeta | undefined> {
    return this.map(store).get(this.lookup(store, key))?.meta;
  }

  async list(store: StoreName, options?: ListOptions): Promise<StoredRecord[]> {
    return this.select(store, options).map(([k, e]) => ({ key: fromHex(k), value: e.value.slice(), meta: e.meta }));
  }

  async listMeta(store: StoreName, options?: ListOptions): Promise<RecordInfo[]> {
    return this.select(store, options).map(([k, e]) => ({ key: fromHex(k), meta: e.meta }));
  }

  async count(store: StoreName, range?: KeyRange): Promise<number> {
    return this.select(store, range).length;
  }

  async commit(batch: WriteBatch | readonly WriteOp[]): Promise<void> {
    this.open();
    const ops = resolveOps(batch, true); // validates and copies synchronously
    if (ops.length === 0) return;
    // Checks first, against the state before the batch.
    for (const op of ops) {
      if (op.kind !== 'check') continue;
      const found = this.map(op.store).get(toHex(op.key));
      if (!checkMatches(op.meta, found ? found.meta : null)) throw conflictError(op.store, op.key, op.meta, found?.meta ?? null);
    }
    const undo: Array<[Map<string, Entry>, string, Entry | undefined]> = [];
    const set = (m: Map<string, Entry>, k: string, e: Entry | undefined) => {
      undo.push([m, k, m.get(k)]);
      if (e) m.set(k, e);
      else m.delete(k);
    };
    try {
      for (const op of ops) {
        const m = this.map(op.store);
        if (op.kind === 'put') set(m, toHex(op.key), { value: op.value, meta: op.meta });
        else if (op.kind === 'delete') set(m, toHex(op.key), undefined);
        else if (op.kind === 'deleteRange') {
          for (const k of [...m.keys()]) if (inRange(fromHex(k), op.range)) set(m, k, undefined);
        }
      }
      if (this.faultDue(Array.isArray(batch) ? batch : (batch as WriteBatch).ops))
        throw new MlsError('STORAGE', 'commit aborted (injected fault); nothing was written');
    } catch (e) {
      for (let i = undo.length - 1; i >= 0; i--) {
        const [m, k, prev] = undo[i]!;
        if (prev) m.set(k, prev);
        else m.delete(k);
      }
      throw storageError('commit failed; nothing was written', e);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private faultDue(ops: readonly WriteOp[]): boolean {
    let fail = false;
    if (this.pendingFaults > 0) {
      this.pendingFaults--;
      fail = true;
    }
    if (this.injector?.(ops)) fail = true;
    return fail;
  }

  private open(): void {
    if (this.closed) throw new MlsError('STORAGE', 'storage is closed');
  }

  private map(store: StoreName): Map<string, Entry> {
    this.open();
    assertStore(store);
    return this.maps.get(store)!;
  }

  private lookup(store: StoreName, key: StorageKey): string {
    assertStore(store);
    return toHex(recordKey(key));
  }

  private select(store: StoreName, options?: ListOptions): Array<[string, Entry]> {
    const m = this.map(store);
    const r = resolveRange(options);
    const limit = listLimit(options);
    if (r.empty || limit === 0) return [];
    const lo = r.lower && toHex(r.lower);
    const hi = r.upper && toHex(r.upper);
    const keys = [...m.keys()].filter((k) => (lo === undefined || k >= lo) && (hi === undefined || k < hi)).sort();
    if (options?.reverse) keys.reverse();
    return keys.slice(0, limit).map((k) => [k, m.get(k)!]);
  }
}

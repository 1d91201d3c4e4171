/**
 * Multi-tab safety (DESIGN.md "Persistence and tabs").
 *
 * `withGroupLock(groupId, fn)` runs `fn` while holding an exclusive lock on one group: Web Locks
 * (`navigator.locks`) where present, which excludes every tab and worker of the origin; otherwise an in-process
 * async mutex (Node, old browsers), which excludes callers in this JavaScript realm only. Every operation that
 * advances a group (merge, commit, processing a message that deletes keys) takes the lock, re-reads the group's
 * record version from storage inside it (a `getMeta`, no unsealing; see client/engine.ts for which record), and
 * reloads when another tab wrote the group.
 * Locks are not re-entrant: calling withGroupLock for the same group inside `fn` waits forever.
 *
 * `EpochChannel` is a hint on top: after merging, a tab announces (groupId, epoch) over BroadcastChannel so other
 * tabs can reload early. It is only a hint (messages can be missed, e.g. by a tab that is frozen); the lock plus
 * the re-read inside it is what prevents forks.
 */
import { MlsError } from '../errors.ts';
import { fromHex, toHex } from './keys.ts';

/** Options of {@link withGroupLock} and {@link withLock}. */
export interface LockOptions {
  /**
   * Separates lock names of different databases (identities) in one origin, e.g. the database name, so two
   * clients of one origin that are members of the same group do not wait on each other.
   */
  readonly scope?: string;
  /** Give up waiting for the lock: rejects with MlsError ABORTED (once held, `fn` runs to its end). */
  readonly signal?: AbortSignal;
  /** 'auto' (default): Web Locks when present, else the in-process mutex. 'local': always the mutex. */
  readonly backend?: 'auto' | 'local';
}

/** The Web Locks name of a group's lock: `webmls:group:<hex id>`, or `webmls:<scope>:group:<hex id>`. */
export function groupLockName(groupId: Uint8Array, scope?: string): string {
  if (!(groupId instanceof Uint8Array)) throw new MlsError('STORAGE', 'groupId must be a Uint8Array');
  return scope === undefined ? `webmls:group:${toHex(groupId)}` : `webmls:${scope}:group:${toHex(groupId)}`;
}

/**
 * Run `fn` holding the exclusive lock of one group; resolves to `fn`'s result, rejects with `fn`'s error.
 * @throws MlsError ABORTED when `signal` aborts before the lock was granted.
 * @example await withGroupLock(groupId, async () => { await reloadIfNewer(); await merge(staged); }, { scope: dbName });
 */
export function withGroupLock<T>(groupId: Uint8Array, fn: () => T | Promise<T>, options: LockOptions = {}): Promise<T> {
  return withLock(groupLockName(groupId, options.scope), fn, options);
}

/** True when the Web Locks API is available in this realm. */
export function hasWebLocks(): boolean {
  const nav = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
  return typeof nav?.locks?.request === 'function';
}

/** Run `fn` holding the exclusive lock `name` (see {@link withGroupLock}). */
export async function withLock<T>(name: string, fn: () => T | Promise<T>, options: LockOptions = {}): Promise<T> {
  const { signal } = options;
  if (signal?.aborted) throw abortError(name, signal.reason);
  if (options.backend !== 'local' && hasWebLocks()) {
    let entered = false;
    try {
      return await navigator.locks.request(name, { mode: 'exclusive', ...(signal ? { signal } : {}) }, async () => {
        entered = true;
        return await fn();
      });
    } catch (e) {
      if (!entered && signal?.aborted) throw abortError(name, e);
      throw e;
    }
  }
  return withLocalLock(name, fn, signal);
}

// ---- in-process mutex ------------------------------------------------------------------------------------

/** Tail of each lock's queue: resolves when the last queued holder released. */
const tails = new Map<string, Promise<void>>();

async function withLocalLock<T>(name: string, fn: () => T | Promise<T>, signal?: AbortSignal): Promise<T> {
  const prev = tails.get(name) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  // The next caller waits for our predecessor AND us; if we give up (abort), releasing `mine` early keeps FIFO.
  const tail = prev.then(() => mine);
  tails.set(name, tail);
  try {
    if (signal) await raceAbort(prev, signal, name);
    else await prev;
    return await fn();
  } finally {
    release();
    if (tails.get(name) === tail) tails.delete(name);
  }
}

function raceAbort(p: Promise<void>, signal: AbortSignal, name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(abortError(name, signal.reason));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

function abortError(name: string, cause: unknown): MlsError {
  return new MlsError('ABORTED', `gave up waiting for lock ${name}`, { cause });
}

// ---- cross-tab epoch notifications -----------------------------------------------------------------------

/** "Group `groupId` now has epoch `epoch` in storage" (sent by the tab that merged it). */
export interface EpochChangedEvent {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
}

interface WireEvent {
  readonly t: 'webmls-epoch';
  readonly g: string; // hex group id
  readonly e: bigint;
}

/** Same-realm fallback when BroadcastChannel is absent: channel name → open channels. */
const localChannels = new Map<string, Set<EpochChannel>>();

/**
 * Cross-tab "epoch changed" hints over BroadcastChannel `webmls:<scope>:epochs` (where BroadcastChannel is
 * absent: delivered to the other EpochChannels of this realm only). Like BroadcastChannel, an announcement is not
 * delivered to the channel that sent it.
 * @example
 *   const ch = new EpochChannel(dbName);
 *   const stop = ch.subscribe(({ groupId, epoch }) => { if (epoch > loadedEpoch(groupId)) reload(groupId); });
 *   ch.announce(groupId, 8n); // after our merge committed
 */
export class EpochChannel {
  /** The BroadcastChannel name. */
  readonly name: string;
  private readonly bc: BroadcastChannel | undefined;
  private readonly listeners = new Set<(e: EpochChangedEvent) => void>();
  private closed = false;

  constructor(scope = 'default') {
    this.name = `webmls:${scope}:epochs`;
    if (typeof BroadcastChannel === 'function') {
      this.bc = new BroadcastChannel(this.name);
      this.bc.onmessage = (ev: MessageEvent) => this.deliver(ev.data);
    } else {
      let set = localChannels.get(this.name);
      if (!set) localChannels.set(this.name, (set = new Set()));
      set.add(this);
    }
  }

  /** Tell other tabs that `groupId` reached `epoch` (call after the merge's commit resolved). */
  announce(groupId: Uint8Array, epoch: bigint): void {
    if (this.closed) throw new MlsError('STORAGE', 'epoch channel is closed');
    if (!(groupId instanceof Uint8Array) || typeof epoch !== 'bigint' || epoch < 0n)
      throw new MlsError('STORAGE', 'announce takes a Uint8Array group id and a non-negative bigint epoch');
    const msg: WireEvent = { t: 'webmls-epoch', g: toHex(groupId), e: epoch };
    if (this.bc) this.bc.postMessage(msg);
    else
      for (const ch of localChannels.get(this.name) ?? [])
        if (ch !== this) setTimeout(() => ch.deliver(msg), 0); // asynchronous, as BroadcastChannel is
  }

  /** Listen for announcements from other tabs; returns the function that stops listening. */
  subscribe(listener: (e: EpochChangedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stop sending and receiving. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    if (this.bc) this.bc.close();
    else localChannels.get(this.name)?.delete(this);
  }

  private deliver(data: unknown): void {
    if (this.closed) return;
    // Same-origin senders only, but still check the shape: a hint must never throw into the app.
    const m = data as Partial<WireEvent> | null;
    if (!m || m.t !== 'webmls-epoch' || typeof m.g !== 'string' || !/^(?:[0-9a-f]{2})*$/.test(m.g)) return;
    if (typeof m.e !== 'bigint' || m.e < 0n) return;
    for (const l of [...this.listeners]) {
      try {
        l({ groupId: fromHex(m.g), epoch: m.e });
      } catch {
        // a listener's error must not stop the others
      }
    }
  }
}

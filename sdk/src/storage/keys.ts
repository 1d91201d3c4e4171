/**
 * Storage keys: every key is a byte string, ordered bytewise (the order IndexedDB gives binary keys). Strings are
 * stored as their UTF-8 bytes, so `'ab'` and `Uint8Array.of(0x61, 0x62)` name the same record.
 *
 * `storageKey(...parts)` builds composite keys whose byte order follows the parts' order, so "all records of a
 * group" or "all secrets of one epoch" are one prefix range:
 *   - a byte string or string part is written as u16 length ‖ bytes (length-prefixed, so group id `ab` is never
 *     a prefix of group id `abc`'s records);
 *   - a number or bigint part is written as 8 bytes big-endian (uint64), so epochs and generations sort
 *     numerically.
 * Public inputs only: keys are not secret (they are stored in the clear, also in IndexedDB).
 */
import { MlsError } from '../errors.ts';

/** A record key: a byte string, or a string that stands for its UTF-8 bytes. */
export type StorageKey = string | Uint8Array;

/** One part of a composite key (see {@link storageKey}). */
export type KeyPart = Uint8Array | string | number | bigint;

/**
 * A key range: `prefix` selects every key that starts with it; `lower` (inclusive) and `upper` (exclusive) bound
 * the range. Given together, the range is their intersection. An empty range object selects the whole store.
 */
export interface KeyRange {
  readonly prefix?: StorageKey;
  readonly lower?: StorageKey;
  readonly upper?: StorageKey;
}

const enc = new TextEncoder();
const U64_MAX = (1n << 64n) - 1n;

/** The key's bytes, always a fresh copy (callers may wipe or reuse their array). */
export function keyBytes(key: StorageKey, what = 'key'): Uint8Array<ArrayBuffer> {
  if (typeof key === 'string') return enc.encode(key);
  if (key instanceof Uint8Array) return key.slice();
  throw new MlsError('STORAGE', `${what} must be a string or a Uint8Array`);
}

/**
 * A composite key whose byte order follows its parts (see the file header).
 * @throws MlsError STORAGE for a part longer than 65,535 bytes or a number outside uint64.
 * @example storageKey(groupId, 7n, 'leaf', 3) // records of epoch 7 of one group sort before those of epoch 8
 */
export function storageKey(...parts: KeyPart[]): Uint8Array<ArrayBuffer> {
  // Two passes (sizes, then bytes): one allocation, since every group call builds a key or two.
  const bytes: (Uint8Array | undefined)[] = new Array(parts.length);
  let total = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (typeof p === 'number' || typeof p === 'bigint') {
      const v = typeof p === 'bigint' ? p : Number.isSafeInteger(p) ? BigInt(p) : -1n;
      if (v < 0n || v > U64_MAX) throw new MlsError('STORAGE', `key part ${String(p)} is not a uint64`);
      total += 8;
    } else {
      const b = typeof p === 'string' ? enc.encode(p) : p;
      if (!(b instanceof Uint8Array)) throw new MlsError('STORAGE', 'key part must be bytes, a string or a number');
      if (b.length > 0xffff) throw new MlsError('STORAGE', `key part of ${b.length} bytes exceeds 65535`);
      bytes[i] = b;
      total += 2 + b.length;
    }
  }
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    const b = bytes[i];
    if (b === undefined) {
      const p = parts[i] as number | bigint;
      dv.setBigUint64(at, typeof p === 'bigint' ? p : BigInt(p));
      at += 8;
    } else {
      dv.setUint16(at, b.length);
      out.set(b, at + 2);
      at += 2 + b.length;
    }
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex; its string order equals the bytes' order (fixed two characters per byte). */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!]!;
  return s;
}

/** Bytes of a lower-case hex string produced by {@link toHex}. */
export function fromHex(h: string): Uint8Array {
  const out = new Uint8Array(h.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Bytewise comparison: negative, zero or positive (shorter prefix first). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * The smallest byte string greater than every string that starts with `prefix`, or undefined when there is none
 * (the prefix is empty or all 0xff).
 */
export function prefixSuccessor(prefix: Uint8Array): Uint8Array | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const out = prefix.slice(0, end);
  out[end - 1]!++;
  return out;
}

/** A resolved range: lower inclusive, upper exclusive; `empty` when nothing can match. */
export interface ByteRange {
  readonly lower?: Uint8Array;
  readonly upper?: Uint8Array;
  readonly empty: boolean;
}

/** Resolve a {@link KeyRange} into byte bounds (lower inclusive, upper exclusive). */
export function resolveRange(range: KeyRange | undefined): ByteRange {
  let lower: Uint8Array | undefined;
  let upper: Uint8Array | undefined;
  if (range?.prefix !== undefined) {
    const p = keyBytes(range.prefix, 'prefix');
    if (p.length > 0) {
      lower = p;
      upper = prefixSuccessor(p);
    }
  }
  if (range?.lower !== undefined) {
    const l = keyBytes(range.lower, 'lower bound');
    if (l.length > 0 && (lower === undefined || compareBytes(l, lower) > 0)) lower = l;
  }
  if (range?.upper !== undefined) {
    const u = keyBytes(range.upper, 'upper bound');
    if (upper === undefined || compareBytes(u, upper) < 0) upper = u;
  }
  const empty = upper !== undefined && (upper.length === 0 || (lower !== undefined && compareBytes(lower, upper) >= 0));
  return { lower, upper, empty };
}

/** True when `key` lies in the resolved range. */
export function inRange(key: Uint8Array, r: ByteRange): boolean {
  if (r.empty) return false;
  if (r.lower !== undefined && compareBytes(key, r.lower) < 0) return false;
  if (r.upper !== undefined && compareBytes(key, r.upper) >= 0) return false;
  return true;
}

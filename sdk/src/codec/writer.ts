/**
 * TLS presentation-language encoder (RFC 8446 §3) with the MLS additions of RFC 9420 §2.1: `optional<T>`
 * (§2.1.1) and `<V>` vectors with a varint length prefix (§2.1.2).
 *
 * One growable buffer per encoding: a struct tree is written in a single pass, nested `<V>` vectors reserve four
 * prefix bytes and close up the gap when the final length needs fewer (one `copyWithin` of the body), so nothing
 * is encoded twice and no per-field arrays are concatenated. Public data only; a Writer that held secrets should
 * be `wipe()`d by its owner.
 *
 * @example
 * const bytes = encode((w) => { w.u16(1); w.opaque(groupId); w.vector(ids, (w, id) => w.u32(id)); });
 */
import { MlsError } from '../errors.ts';
import { VARINT_MAX, varintSize } from './varint.ts';

/** Writes one value of type T. */
export type Encoder<T> = (w: Writer, value: T) => void;

const U32 = 0x1_0000_0000;

function checkUint(field: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max)
    throw new MlsError('BAD_LENGTH', `${field}: ${v} is not an integer in 0..${max}`);
}

export class Writer {
  #buf: Uint8Array;
  #dv: DataView;
  #len = 0;
  /** Highest offset ever written (a vector's closed-up prefix gap leaves bytes past #len). */
  #high = 0;

  constructor(initialCapacity = 256) {
    this.#buf = new Uint8Array(Math.max(16, initialCapacity));
    this.#dv = new DataView(this.#buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#len;
  }

  /** Make room for n more bytes; returns the write offset. */
  #reserve(n: number): number {
    const at = this.#len;
    const need = at + n;
    if (need > this.#buf.length) {
      let cap = this.#buf.length * 2;
      while (cap < need) cap *= 2;
      const b = new Uint8Array(cap);
      b.set(this.#buf.subarray(0, at));
      this.#buf.fill(0, 0, this.#high); // the old buffer may hold secrets of the encoding
      this.#buf = b;
      this.#dv = new DataView(b.buffer);
    }
    this.#len = need;
    if (need > this.#high) this.#high = need;
    return at;
  }

  u8(v: number): this {
    checkUint('uint8', v, 0xff);
    const at = this.#reserve(1); // reserve first: it may replace #buf
    this.#buf[at] = v;
    return this;
  }
  u16(v: number): this {
    checkUint('uint16', v, 0xffff);
    const at = this.#reserve(2);
    this.#dv.setUint16(at, v);
    return this;
  }
  u32(v: number): this {
    checkUint('uint32', v, U32 - 1);
    const at = this.#reserve(4);
    this.#dv.setUint32(at, v);
    return this;
  }
  /** uint64 (e.g. `epoch`). Accepts a bigint or a safe integer. */
  u64(v: bigint | number): this {
    const b = typeof v === 'bigint' ? v : Number.isSafeInteger(v) ? BigInt(v) : -1n;
    if (b < 0n || b > 0xffff_ffff_ffff_ffffn) throw new MlsError('BAD_LENGTH', `uint64: ${v} out of range`);
    const at = this.#reserve(8);
    this.#dv.setBigUint64(at, b);
    return this;
  }
  /** An MLS varint (RFC 9420 §2.1.2), minimum encoding. */
  varint(n: number): this {
    checkUint('varint', n, VARINT_MAX);
    const size = varintSize(n);
    const at = this.#reserve(size);
    if (size === 1) this.#buf[at] = n;
    else if (size === 2) this.#dv.setUint16(at, 0x4000 | n);
    else this.#dv.setUint32(at, (0x80000000 | n) >>> 0);
    return this;
  }
  /** Raw bytes with no prefix (fixed-length fields, or a pre-encoded struct). */
  bytes(b: Uint8Array): this {
    const at = this.#reserve(b.length);
    this.#buf.set(b, at);
    return this;
  }
  /** `opaque x<V>`: varint length, then the bytes. */
  opaque(b: Uint8Array): this {
    this.varint(b.length);
    return this.bytes(b);
  }
  /** `T x<V>`: the items, prefixed by their total encoded byte length as a varint. */
  vector<T>(items: readonly T[], enc: Encoder<T>): this {
    return this.lengthPrefixed(() => {
      for (let i = 0; i < items.length; i++) enc(this, items[i]!);
    });
  }
  /**
   * Run `body` and prefix what it wrote with its byte length as a varint: the building block of `<V>` vectors,
   * usable for vectors built from an iterator or a computed sequence.
   */
  lengthPrefixed(body: () => void): this {
    const start = this.#reserve(4);
    body();
    const n = this.#len - start - 4;
    const size = varintSize(n);
    if (size === 4) {
      this.#dv.setUint32(start, (0x80000000 | n) >>> 0);
    } else {
      // Close the gap left by the reserved 4 bytes (RFC 9420 §2.1.2 requires the minimal prefix).
      this.#buf.copyWithin(start + size, start + 4, this.#len);
      this.#len -= 4 - size;
      if (size === 1) this.#buf[start] = n;
      else this.#dv.setUint16(start, 0x4000 | n);
    }
    return this;
  }
  /** `optional<T>` (RFC 9420 §2.1.1): presence octet 0 or 1, then the value. `undefined` and `null` are absent. */
  optional<T>(v: T | undefined | null, enc: Encoder<T>): this {
    if (v === undefined || v === null) return this.u8(0);
    this.u8(1);
    enc(this, v);
    return this;
  }

  /** A copy of the bytes written (the Writer stays usable). */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
  /** A view of the bytes written, without a copy: valid until the next write. */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }
  /** Zero what was written (for encodings that contained secrets) and reset. */
  wipe(): void {
    this.#buf.fill(0, 0, Math.max(this.#high, this.#len));
    this.#len = 0;
    this.#high = 0;
  }
  /** Bytes the buffer holds before it must grow. */
  get capacity(): number {
    return this.#buf.length;
  }
}

/** The reusable Writer of `encode`, and whether an `encode` is using it now (a nested call takes a fresh one). */
let scratch: Writer | undefined;
let scratchBusy = false;
/** A scratch buffer grown past this (a whole ratchet tree) is dropped after use rather than kept. */
const SCRATCH_KEEP = 1 << 16;

/**
 * Encode and return the bytes (an exact-size copy the caller owns). The working buffer is reused across calls —
 * one allocation per encoding instead of three, which counts on the message path (a dozen small encodings per
 * message) — and zeroed after each use, so encoded secrets do not linger in it.
 * @example const kdfLabel = encode((w) => w.u16(len).opaque(label).opaque(context));
 */
export function encode(body: (w: Writer) => void, initialCapacity?: number): Uint8Array {
  return encodeWith(body, (bytes) => bytes.slice(), initialCapacity);
}

/**
 * Encode, hand the encoding to `use` as a view of the working buffer, and return what `use` returns — for an
 * encoding that is consumed at once (a KDF label, a signature's input): no copy. The view is zeroed when `use`
 * returns: `use` must not keep it.
 * @example const key = encodeWith((w) => w.u16(16).opaque(label).opaque(ctx), (info) => cs.kdfExpand(prk, info, 16));
 */
export function encodeWith<T>(body: (w: Writer) => void, use: (bytes: Uint8Array) => T, initialCapacity?: number): T {
  if (scratchBusy) {
    const w = new Writer(initialCapacity);
    try {
      body(w);
      return use(w.view());
    } finally {
      w.wipe();
    }
  }
  scratchBusy = true;
  const w = (scratch ??= new Writer(4096));
  try {
    body(w);
    return use(w.view());
  } finally {
    if (w.capacity > SCRATCH_KEEP) scratch = undefined;
    w.wipe();
    scratchBusy = false;
  }
}
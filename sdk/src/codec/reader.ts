/**
 * Strict TLS presentation-language decoder (RFC 8446 §3, RFC 9420 §2.1). Every read names the field it reads, so
 * a failure says what was wrong where: `MlsError('DECODE', "truncated input reading cipher_suite (in
 * proposals[2]) at offset 17")`. Rejected: truncated input, vector lengths past the end of the input or of the
 * enclosing vector, non-minimal varints and the invalid "11" prefix (§2.1.2), optional presence octets other than
 * 0/1 (§2.1.1), enum values outside an allowed set, and trailing bytes (`end()`).
 *
 * Speed: one DataView over the input, absolute offsets, no sub-reader objects; `bytes`/`opaque` return
 * `subarray` views into the input, so decoded values share its memory: do not mutate an input after decoding it
 * (copy first if you must). Public data only.
 *
 * @example
 * const kp = decode(bytes, (r) => ({ version: r.u16('version'), suite: r.u16('cipher_suite'),
 *   ids: r.vector('ids', (r) => r.opaque('id')) }), 'KeyPackage');
 */
import { MlsError } from '../errors.ts';

/** Reads one value of type T. */
export type Decoder<T> = (r: Reader) => T;

export class Reader {
  readonly #buf: Uint8Array;
  readonly #dv: DataView;
  #pos = 0;
  /** End of the current region: the input, or the innermost vector being read. */
  #end: number;
  /** Names and current item indices of the vectors being read, for error messages. */
  readonly #path: string[] = [];
  readonly #index: number[] = [];

  constructor(bytes: Uint8Array) {
    if (!(bytes instanceof Uint8Array)) throw new MlsError('DECODE', 'input is not a Uint8Array');
    this.#buf = bytes;
    this.#dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#end = bytes.length;
  }

  /** Offset of the next byte to read, from the start of the input. */
  get offset(): number {
    return this.#pos;
  }
  /** A view of the bytes read since offset `start` (e.g. a struct's encoding, to intern its decoded value). */
  since(start: number): Uint8Array {
    return this.#buf.subarray(start, this.#pos);
  }
  /** Bytes left in the current region (the input, or the vector being read). */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  /** Throw DECODE naming `field`, the vector path and the offset. */
  fail(field: string, what: string, at: number = this.#pos): never {
    let where = '';
    if (this.#path.length) {
      const parts: string[] = [];
      for (let i = 0; i < this.#path.length; i++) parts.push(`${this.#path[i]}[${this.#index[i]}]`);
      where = ` (in ${parts.join('.')})`;
    }
    throw new MlsError('DECODE', `${what} reading ${field}${where} at offset ${at}`);
  }

  /** Claim n bytes; returns their start. */
  #take(field: string, n: number): number {
    const at = this.#pos;
    if (n > this.#end - at) {
      this.fail(field, this.#end < this.#buf.length ? `${n} bytes needed past the end of the enclosing vector` :
        `truncated input: ${n} bytes needed, ${this.#end - at} left`);
    }
    this.#pos = at + n;
    return at;
  }

  u8(field: string): number {
    return this.#buf[this.#take(field, 1)]!;
  }
  u16(field: string): number {
    return this.#dv.getUint16(this.#take(field, 2));
  }
  u32(field: string): number {
    return this.#dv.getUint32(this.#take(field, 4));
  }
  /** uint64 as a bigint (e.g. `epoch`). */
  u64(field: string): bigint {
    return this.#dv.getBigUint64(this.#take(field, 8));
  }

  /** An MLS varint (RFC 9420 §2.1.2): 1, 2 or 4 bytes, minimum encoding, never the "11" prefix. */
  varint(field: string): number {
    const at = this.#pos;
    const first = this.u8(field);
    const prefix = first >> 6;
    if (prefix === 0) return first;
    if (prefix === 1) {
      const v = ((first & 0x3f) << 8) | this.u8(field);
      if (v < 0x40) this.fail(field, `non-minimal varint 0x${hex(this.#buf, at, 2)} (RFC 9420 §2.1.2)`, at);
      return v;
    }
    if (prefix === 2) {
      this.#pos = at;
      const v = this.u32(field) & 0x3fffffff;
      if (v < 0x4000) this.fail(field, `non-minimal varint 0x${hex(this.#buf, at, 4)} (RFC 9420 §2.1.2)`, at);
      return v;
    }
    return this.fail(field, `invalid varint prefix 0b11 in 0x${hex(this.#buf, at, 1)}: lengths must be < 2^30 (RFC 9420 §2.1.2)`, at);
  }

  /** n raw bytes (a fixed-length field), as a view into the input. */
  bytes(field: string, n: number): Uint8Array {
    const at = this.#take(field, n);
    return this.#buf.subarray(at, at + n);
  }

  /** `opaque x<V>`, as a view into the input. */
  opaque(field: string): Uint8Array {
    const at = this.#pos;
    const n = this.varint(field);
    if (n > this.#end - this.#pos) this.fail(field, `length ${n} runs past the end (${this.#end - this.#pos} bytes left)`, at);
    return this.bytes(field, n);
  }

  /**
   * `T x<V>`: a varint byte length, then items read with `item` until exactly that many bytes are consumed.
   * An item that runs past the vector's end, or that consumes nothing, is a DECODE error.
   */
  vector<T>(field: string, item: Decoder<T>): T[] {
    const out: T[] = [];
    this.region(field, () => {
      const depth = this.#index.length - 1;
      while (this.#pos < this.#end) {
        const before = this.#pos;
        out.push(item(this));
        if (this.#pos === before) this.fail(field, 'vector item consumed no bytes');
        this.#index[depth]!++;
      }
    });
    return out;
  }

  /**
   * Read a varint length and run `body` confined to that many bytes; `body` must consume them all. The basis of
   * `vector`; also for `<V>` fields whose content is one struct or a stream the caller walks itself.
   */
  region<T>(field: string, body: (r: Reader) => T): T {
    const at = this.#pos;
    const n = this.varint(field);
    const outer = this.#end;
    if (n > outer - this.#pos) this.fail(field, `length ${n} runs past the end (${outer - this.#pos} bytes left)`, at);
    this.#end = this.#pos + n;
    this.#path.push(field);
    this.#index.push(0);
    const v = body(this);
    if (this.#pos !== this.#end) this.fail(field, `${this.#end - this.#pos} unread bytes at the end of the vector`);
    this.#path.pop();
    this.#index.pop();
    this.#end = outer;
    return v;
  }

  /** `optional<T>` (RFC 9420 §2.1.1): presence octet 0 → undefined, 1 → the value, anything else → DECODE. */
  optional<T>(field: string, item: Decoder<T>): T | undefined {
    const at = this.#pos;
    const present = this.u8(field);
    if (present === 0) return undefined;
    if (present !== 1) this.fail(field, `optional presence octet ${present} is not 0 or 1 (RFC 9420 §2.1.1)`, at);
    return item(this);
  }

  /** A uint8 enum value that must be in `allowed`. */
  enumU8<E extends number>(field: string, allowed: ReadonlySet<E>): E {
    const at = this.#pos;
    const v = this.u8(field) as E;
    if (!allowed.has(v)) this.fail(field, `unknown or forbidden value ${v}`, at);
    return v;
  }
  /** A uint16 enum value that must be in `allowed` (e.g. `r.enumU16('proposal_type', KNOWN_PROPOSALS)`). */
  enumU16<E extends number>(field: string, allowed: ReadonlySet<E>): E {
    const at = this.#pos;
    const v = this.u16(field) as E;
    if (!allowed.has(v)) this.fail(field, `unknown or forbidden value 0x${v.toString(16).padStart(4, '0')}`, at);
    return v;
  }

  /** Require the input to be fully consumed. */
  end(what = 'input'): void {
    if (this.#pos !== this.#buf.length)
      this.fail(what, `${this.#buf.length - this.#pos} trailing bytes after the end`);
  }
}

function hex(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < at + n && i < b.length; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

/**
 * Decode a whole input with `f` and reject trailing bytes.
 * @throws MlsError DECODE naming the field and offset.
 * @example const kp = decode(bytes, decodeKeyPackage, 'KeyPackage');
 */
export function decode<T>(bytes: Uint8Array, f: Decoder<T>, what = 'input'): T {
  const r = new Reader(bytes);
  const v = f(r);
  r.end(what);
  return v;
}

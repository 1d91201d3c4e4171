/**
 * Byte helpers for the crypto layer.
 */

/**
 * Constant-time equality of two byte strings (OR-accumulate, no early exit). The lengths are treated as public:
 * different lengths return false at once. Use it for every tag and secret comparison (confirmation and
 * membership tags, RFC 9420 §6.2, §8.1).
 * @example if (!constantTimeEqual(tag, expected)) throw new MlsError('INVALID_MESSAGE', 'bad membership tag');
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Concatenate byte strings. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const enc = new TextEncoder();
/** UTF-8 bytes of a string (MLS labels are ASCII). */
export const utf8 = (s: string): Uint8Array => enc.encode(s);

/** I2OSP(n, len) of RFC 8017 §4.1, for n < 2^53. */
export function i2osp(n: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0 && n > 0; i--) {
    out[i] = n % 256;
    n = Math.floor(n / 256);
  }
  return out;
}

/**
 * Public bytes as a Map key: one char per byte (latin-1), half the size of hex. Never for secrets (strings
 * cannot be wiped).
 */
export function bytesKey(b: Uint8Array): string {
  return String.fromCharCode.apply(null, b as unknown as number[]);
}

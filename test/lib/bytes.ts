// Small helpers shared by tests (Node and browser).
export const hex = (h: string): Uint8Array => {
  if (h.length % 2) throw new Error('odd hex');
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
};
export const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
/** Deterministic PRNG (xorshift128+) so random tests are reproducible; seed printed on failure by callers. */
export function prng(seed: number): (n: number) => Uint8Array {
  let s0 = (BigInt(seed) << 1n) | 1n,
    s1 = 0x9e3779b97f4a7c15n;
  const M = (1n << 64n) - 1n;
  const next = (): bigint => {
    let x = s0;
    const y = s1;
    s0 = y;
    x = (x ^ (x << 23n)) & M;
    s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return (s1 + y) & M;
  };
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 8) {
      let v = next();
      for (let j = i; j < Math.min(n, i + 8); j++) {
        out[j] = Number(v & 0xffn);
        v >>= 8n;
      }
    }
    return out;
  };
}
/** Throws unless f throws an MlsError with this code; returns the error. */
export function throwsCode(f: () => unknown, code: string): Error {
  try {
    f();
  } catch (e) {
    if ((e as { code?: string }).code !== code)
      throw new Error(`expected MlsError ${code}, got ${(e as Error).name}: ${(e as Error).message}`);
    return e as Error;
  }
  throw new Error(`expected MlsError ${code}, nothing was thrown`);
}

/** `p` rejects with an MlsError of `code` (also across a worker boundary, where only name and code survive). */
export async function rejectsCode(p: Promise<unknown>, code: string): Promise<Error> {
  try {
    await p;
  } catch (e) {
    if ((e as { name?: string }).name !== 'MlsError' || (e as { code?: string }).code !== code)
      throw new Error(`expected MlsError ${code}, got ${(e as Error).name}: ${(e as Error).message}`);
    return e as Error;
  }
  throw new Error(`expected MlsError ${code}, nothing was thrown`);
}

/** Ed25519's group order L and field prime p (RFC 8032 §5.1), for tests that build edge-case encodings. */
export const ED25519_L = (1n << 252n) + 27742317777372353535851937790883648493n;
export const ED25519_P = (1n << 255n) - 19n;
/** Little-endian bytes → bigint. */
export const leToBig = (b: Uint8Array): bigint => {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
};
/** bigint → n little-endian bytes. */
export const bigToLe = (v: bigint, n = 32): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
};

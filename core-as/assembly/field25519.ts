// Arithmetic modulo p = 2^255 - 19 for X25519 and Ed25519 (internal: not exported by index.ts).
//
// Representation (the ref10 layout): an element is ten signed limbs h0..h9 in radix 2^25.5, i.e.
//   h = h0 + h1 2^26 + h2 2^51 + h3 2^77 + h4 2^102 + h5 2^128 + h6 2^153 + h7 2^179 + h8 2^204 + h9 2^230,
// even limbs nominally 26 bits, odd limbs 25 bits. Each limb is stored as an i64 (8 bytes, 80 bytes per element)
// so that WASM's native 64-bit multiply forms the 100 partial products of a multiplication without any
// sign-extension; "reduced" limbs (after a carry chain) fit in |h_even| <= 2^25, |h_odd| <= 2^24.
// add/sub do not carry: ref10's bound analysis allows one or two of them before the next mul/sq.
//
// An element is a pointer (usize) to 80 bytes of static memory (memory.data); nothing here allocates.
//
// Constant time: every function here except feIsCanonical (public inputs only) runs in time independent of
// the limb values (straight-line code or fixed loops, no branch or memory index on data), so they may touch
// secrets. The only data-dependent results are the bits returned by feIsNegative/feIsZero, which callers use
// as masks or (on public data) in branches. Scratch that holds powers of an input is wiped after use.
//
// The multiplication kernels (feMul, feSq, feSq2, feSqN and the ladder's fused feMulDiffSum, feSqSum, feSqDiff,
// feLadderZ2) are unrolled, written out by a small generator and checked by the tests against @noble/curves:
// h_k is the sum of f_i g_j over i + j = k (mod 10), times 19 when i + j >= 10 (2^255 = 19 mod p), times 2
// when i and j are both odd (the two half bits of radix 2^25.5); then ref10's interleaved rounding carries.

/** Bytes per field element. */
export const FE = 80;

@inline function ld(p: usize, i: i32): i64 {
  return load<i64>(p + (<usize>i << 3));
}
@inline function st(p: usize, i: i32, v: i64): void {
  store<i64>(p + (<usize>i << 3), v);
}

/** h = 0 */
export function feZero(h: usize): void {
  store<i64>(h, 0, 0);
  store<i64>(h, 0, 8);
  store<i64>(h, 0, 16);
  store<i64>(h, 0, 24);
  store<i64>(h, 0, 32);
  store<i64>(h, 0, 40);
  store<i64>(h, 0, 48);
  store<i64>(h, 0, 56);
  store<i64>(h, 0, 64);
  store<i64>(h, 0, 72);
}

/** h = 1 */
export function feOne(h: usize): void {
  store<i64>(h, 1, 0);
  store<i64>(h, 0, 8);
  store<i64>(h, 0, 16);
  store<i64>(h, 0, 24);
  store<i64>(h, 0, 32);
  store<i64>(h, 0, 40);
  store<i64>(h, 0, 48);
  store<i64>(h, 0, 56);
  store<i64>(h, 0, 64);
  store<i64>(h, 0, 72);
}

/** h = f */
export function feCopy(h: usize, f: usize): void {
  store<i64>(h, load<i64>(f, 0), 0);
  store<i64>(h, load<i64>(f, 8), 8);
  store<i64>(h, load<i64>(f, 16), 16);
  store<i64>(h, load<i64>(f, 24), 24);
  store<i64>(h, load<i64>(f, 32), 32);
  store<i64>(h, load<i64>(f, 40), 40);
  store<i64>(h, load<i64>(f, 48), 48);
  store<i64>(h, load<i64>(f, 56), 56);
  store<i64>(h, load<i64>(f, 64), 64);
  store<i64>(h, load<i64>(f, 72), 72);
}

/** h = f + g (no carry). */
export function feAdd(h: usize, f: usize, g: usize): void {
  const a0 = load<i64>(f, 0) + load<i64>(g, 0);
  const a1 = load<i64>(f, 8) + load<i64>(g, 8);
  const a2 = load<i64>(f, 16) + load<i64>(g, 16);
  const a3 = load<i64>(f, 24) + load<i64>(g, 24);
  const a4 = load<i64>(f, 32) + load<i64>(g, 32);
  const a5 = load<i64>(f, 40) + load<i64>(g, 40);
  const a6 = load<i64>(f, 48) + load<i64>(g, 48);
  const a7 = load<i64>(f, 56) + load<i64>(g, 56);
  const a8 = load<i64>(f, 64) + load<i64>(g, 64);
  const a9 = load<i64>(f, 72) + load<i64>(g, 72);
  store<i64>(h, a0, 0);
  store<i64>(h, a1, 8);
  store<i64>(h, a2, 16);
  store<i64>(h, a3, 24);
  store<i64>(h, a4, 32);
  store<i64>(h, a5, 40);
  store<i64>(h, a6, 48);
  store<i64>(h, a7, 56);
  store<i64>(h, a8, 64);
  store<i64>(h, a9, 72);
}

/** h = f - g (no carry). */
export function feSub(h: usize, f: usize, g: usize): void {
  const a0 = load<i64>(f, 0) - load<i64>(g, 0);
  const a1 = load<i64>(f, 8) - load<i64>(g, 8);
  const a2 = load<i64>(f, 16) - load<i64>(g, 16);
  const a3 = load<i64>(f, 24) - load<i64>(g, 24);
  const a4 = load<i64>(f, 32) - load<i64>(g, 32);
  const a5 = load<i64>(f, 40) - load<i64>(g, 40);
  const a6 = load<i64>(f, 48) - load<i64>(g, 48);
  const a7 = load<i64>(f, 56) - load<i64>(g, 56);
  const a8 = load<i64>(f, 64) - load<i64>(g, 64);
  const a9 = load<i64>(f, 72) - load<i64>(g, 72);
  store<i64>(h, a0, 0);
  store<i64>(h, a1, 8);
  store<i64>(h, a2, 16);
  store<i64>(h, a3, 24);
  store<i64>(h, a4, 32);
  store<i64>(h, a5, 40);
  store<i64>(h, a6, 48);
  store<i64>(h, a7, 56);
  store<i64>(h, a8, 64);
  store<i64>(h, a9, 72);
}

/** h = -f (no carry). */
export function feNeg(h: usize, f: usize): void {
  store<i64>(h, -load<i64>(f, 0), 0);
  store<i64>(h, -load<i64>(f, 8), 8);
  store<i64>(h, -load<i64>(f, 16), 16);
  store<i64>(h, -load<i64>(f, 24), 24);
  store<i64>(h, -load<i64>(f, 32), 32);
  store<i64>(h, -load<i64>(f, 40), 40);
  store<i64>(h, -load<i64>(f, 48), 48);
  store<i64>(h, -load<i64>(f, 56), 56);
  store<i64>(h, -load<i64>(f, 64), 64);
  store<i64>(h, -load<i64>(f, 72), 72);
}

/**
 * Swap f and g when mask is all ones, leave them when it is zero (mask: 0 or -1). Constant time: RFC 7748 §5
 * asks for cswap "in constant time (independent of swap)", so this is an xor with a masked difference.
 */
export function feCswap(f: usize, g: usize, mask: i64): void {
  const x0 = mask & (load<i64>(f, 0) ^ load<i64>(g, 0));
  const x1 = mask & (load<i64>(f, 8) ^ load<i64>(g, 8));
  const x2 = mask & (load<i64>(f, 16) ^ load<i64>(g, 16));
  const x3 = mask & (load<i64>(f, 24) ^ load<i64>(g, 24));
  const x4 = mask & (load<i64>(f, 32) ^ load<i64>(g, 32));
  const x5 = mask & (load<i64>(f, 40) ^ load<i64>(g, 40));
  const x6 = mask & (load<i64>(f, 48) ^ load<i64>(g, 48));
  const x7 = mask & (load<i64>(f, 56) ^ load<i64>(g, 56));
  const x8 = mask & (load<i64>(f, 64) ^ load<i64>(g, 64));
  const x9 = mask & (load<i64>(f, 72) ^ load<i64>(g, 72));
  store<i64>(f, load<i64>(f, 0) ^ x0, 0);
  store<i64>(f, load<i64>(f, 8) ^ x1, 8);
  store<i64>(f, load<i64>(f, 16) ^ x2, 16);
  store<i64>(f, load<i64>(f, 24) ^ x3, 24);
  store<i64>(f, load<i64>(f, 32) ^ x4, 32);
  store<i64>(f, load<i64>(f, 40) ^ x5, 40);
  store<i64>(f, load<i64>(f, 48) ^ x6, 48);
  store<i64>(f, load<i64>(f, 56) ^ x7, 56);
  store<i64>(f, load<i64>(f, 64) ^ x8, 64);
  store<i64>(f, load<i64>(f, 72) ^ x9, 72);
  store<i64>(g, load<i64>(g, 0) ^ x0, 0);
  store<i64>(g, load<i64>(g, 8) ^ x1, 8);
  store<i64>(g, load<i64>(g, 16) ^ x2, 16);
  store<i64>(g, load<i64>(g, 24) ^ x3, 24);
  store<i64>(g, load<i64>(g, 32) ^ x4, 32);
  store<i64>(g, load<i64>(g, 40) ^ x5, 40);
  store<i64>(g, load<i64>(g, 48) ^ x6, 48);
  store<i64>(g, load<i64>(g, 56) ^ x7, 56);
  store<i64>(g, load<i64>(g, 64) ^ x8, 64);
  store<i64>(g, load<i64>(g, 72) ^ x9, 72);
}

/** f = g when mask is all ones, unchanged when zero (mask: 0 or -1). Constant time. */
export function feCmov(f: usize, g: usize, mask: i64): void {
  const a0 = load<i64>(f, 0);
  const a1 = load<i64>(f, 8);
  const a2 = load<i64>(f, 16);
  const a3 = load<i64>(f, 24);
  const a4 = load<i64>(f, 32);
  const a5 = load<i64>(f, 40);
  const a6 = load<i64>(f, 48);
  const a7 = load<i64>(f, 56);
  const a8 = load<i64>(f, 64);
  const a9 = load<i64>(f, 72);
  store<i64>(f, a0 ^ (mask & (a0 ^ load<i64>(g, 0))), 0);
  store<i64>(f, a1 ^ (mask & (a1 ^ load<i64>(g, 8))), 8);
  store<i64>(f, a2 ^ (mask & (a2 ^ load<i64>(g, 16))), 16);
  store<i64>(f, a3 ^ (mask & (a3 ^ load<i64>(g, 24))), 24);
  store<i64>(f, a4 ^ (mask & (a4 ^ load<i64>(g, 32))), 32);
  store<i64>(f, a5 ^ (mask & (a5 ^ load<i64>(g, 40))), 40);
  store<i64>(f, a6 ^ (mask & (a6 ^ load<i64>(g, 48))), 48);
  store<i64>(f, a7 ^ (mask & (a7 ^ load<i64>(g, 56))), 56);
  store<i64>(f, a8 ^ (mask & (a8 ^ load<i64>(g, 64))), 64);
  store<i64>(f, a9 ^ (mask & (a9 ^ load<i64>(g, 72))), 72);
}

/** h = f with its limbs carried into the reduced range (same residue). */
export function feCarry(h: usize, f: usize): void {
  let h0 = ld(f, 0), h1 = ld(f, 1), h2 = ld(f, 2), h3 = ld(f, 3), h4 = ld(f, 4);
  let h5 = ld(f, 5), h6 = ld(f, 6), h7 = ld(f, 7), h8 = ld(f, 8), h9 = ld(f, 9);
  let c: i64;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + 16777216) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + 16777216) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + 33554432) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + 33554432) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + 16777216) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + 16777216) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + 33554432) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + 16777216) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  st(h, 0, h0); st(h, 1, h1); st(h, 2, h2); st(h, 3, h3); st(h, 4, h4);
  st(h, 5, h5); st(h, 6, h6); st(h, 7, h7); st(h, 8, h8); st(h, 9, h9);
}

const M25: u64 = (1 << 25) - 1;
const M26: u64 = (1 << 26) - 1;

/**
 * Decode 32 little-endian bytes. The top bit (bit 255) is ignored, as RFC 7748 §5 requires for u-coordinates
 * and as RFC 8032 §5.1.3 does for y (the caller reads the sign bit itself). Values in [p, 2^255) are kept
 * as they are: they are valid representatives of their residue (RFC 7748 §5 "non-canonical values ... MUST be
 * accepted and processed as if reduced modulo p"); Ed25519 rejects them separately (feIsCanonical).
 */
export function feFromBytes(h: usize, s: usize): void {
  const w0 = load<u64>(s, 0);
  const w1 = load<u64>(s, 8);
  const w2 = load<u64>(s, 16);
  const w3 = load<u64>(s, 24);
  st(h, 0, <i64>(w0 & M26));
  st(h, 1, <i64>((w0 >> 26) & M25));
  st(h, 2, <i64>(((w0 >> 51) | (w1 << 13)) & M26));
  st(h, 3, <i64>((w1 >> 13) & M25));
  st(h, 4, <i64>((w1 >> 38) & M26));
  st(h, 5, <i64>(w2 & M25));
  st(h, 6, <i64>((w2 >> 25) & M26));
  st(h, 7, <i64>(((w2 >> 51) | (w3 << 13)) & M25));
  st(h, 8, <i64>((w3 >> 12) & M26));
  st(h, 9, <i64>((w3 >> 38) & M25)); // bits 230..254: bit 255 is dropped here
}

/**
 * 1 when the 32 bytes at s, with the top bit masked, encode an integer < p (public inputs only: variable time).
 * RFC 8032 §5.1.3 step 1: "If the resulting value is >= p, decoding fails."
 */
export function feIsCanonical(s: usize): bool {
  // p = 2^255 - 19: little-endian ed ff .. ff 7f. A value is >= p iff bytes 1..30 are 0xff,
  // byte 31 (masked) is 0x7f and byte 0 >= 0xed.
  if ((load<u8>(s, 31) & 0x7f) != 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (load<u8>(s + i) != 0xff) return true;
  return load<u8>(s) < 0xed;
}

/**
 * Encode f as 32 little-endian bytes, fully reduced to [0, p) (RFC 7748 §5 / RFC 8032 §5.1.2 need the
 * canonical form). Constant time. ref10's method: q = floor((f + 19) / 2^255) is 1 iff f >= p (for f in the
 * reduced range), then f + 19 q - 2^255 q by a carry chain that drops the final carry out of bit 255.
 */
export function feToBytes(s: usize, f: usize): void {
  let h0 = ld(f, 0), h1 = ld(f, 1), h2 = ld(f, 2), h3 = ld(f, 3), h4 = ld(f, 4);
  let h5 = ld(f, 5), h6 = ld(f, 6), h7 = ld(f, 7), h8 = ld(f, 8), h9 = ld(f, 9);
  // Bring the limbs into the reduced range first so that callers may pass sums or differences.
  let c: i64;
  c = (h9 + 16777216) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  c = (h1 + 16777216) >> 25; h2 += c; h1 -= c << 25;
  c = (h2 + 33554432) >> 26; h3 += c; h2 -= c << 26;
  c = (h3 + 16777216) >> 25; h4 += c; h3 -= c << 25;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h5 + 16777216) >> 25; h6 += c; h5 -= c << 25;
  c = (h6 + 33554432) >> 26; h7 += c; h6 -= c << 26;
  c = (h7 + 16777216) >> 25; h8 += c; h7 -= c << 25;
  c = (h8 + 33554432) >> 26; h9 += c; h8 -= c << 26;
  let q: i64 = (19 * h9 + 16777216) >> 25;
  q = (h0 + q) >> 26;
  q = (h1 + q) >> 25;
  q = (h2 + q) >> 26;
  q = (h3 + q) >> 25;
  q = (h4 + q) >> 26;
  q = (h5 + q) >> 25;
  q = (h6 + q) >> 26;
  q = (h7 + q) >> 25;
  q = (h8 + q) >> 26;
  q = (h9 + q) >> 25;
  // Now h - q p is in [0, p): add 19 q, carry with floor shifts, and drop the carry out of limb 9 (-2^255 q).
  h0 += 19 * q;
  c = h0 >> 26; h1 += c; h0 -= c << 26;
  c = h1 >> 25; h2 += c; h1 -= c << 25;
  c = h2 >> 26; h3 += c; h2 -= c << 26;
  c = h3 >> 25; h4 += c; h3 -= c << 25;
  c = h4 >> 26; h5 += c; h4 -= c << 26;
  c = h5 >> 25; h6 += c; h5 -= c << 25;
  c = h6 >> 26; h7 += c; h6 -= c << 26;
  c = h7 >> 25; h8 += c; h7 -= c << 25;
  c = h8 >> 26; h9 += c; h8 -= c << 26;
  c = h9 >> 25; h9 -= c << 25;
  // Pack the ten limbs (now all non-negative) into four 64-bit words.
  const u0 = <u64>h0, u1 = <u64>h1, u2 = <u64>h2, u3 = <u64>h3, u4 = <u64>h4;
  const u5 = <u64>h5, u6 = <u64>h6, u7 = <u64>h7, u8 = <u64>h8, u9 = <u64>h9;
  store<u64>(s, u0 | (u1 << 26) | (u2 << 51), 0);
  store<u64>(s, (u2 >> 13) | (u3 << 13) | (u4 << 38), 8);
  store<u64>(s, u5 | (u6 << 25) | (u7 << 51), 16);
  store<u64>(s, (u7 >> 13) | (u8 << 12) | (u9 << 38), 24);
}

const BYTES = memory.data(32, 8);

/** Bit 0 of the canonical encoding of f ("negative" in RFC 8032 §5.1.2). Constant time; returns 0 or 1. */
export function feIsNegative(f: usize): i32 {
  feToBytes(BYTES, f);
  const r = <i32>(load<u8>(BYTES) & 1);
  store<u64>(BYTES, 0, 0); store<u64>(BYTES, 0, 8); store<u64>(BYTES, 0, 16); store<u64>(BYTES, 0, 24);
  return r;
}

/** 1 when f = 0 mod p, else 0. Constant time (OR-accumulate over the canonical bytes, no early exit). */
export function feIsZero(f: usize): i32 {
  feToBytes(BYTES, f);
  const acc = load<u64>(BYTES, 0) | load<u64>(BYTES, 8) | load<u64>(BYTES, 16) | load<u64>(BYTES, 24);
  store<u64>(BYTES, 0, 0); store<u64>(BYTES, 0, 8); store<u64>(BYTES, 0, 16); store<u64>(BYTES, 0, 24);
  return <i32>((((acc | (0 - acc)) >> 63) ^ 1) & 1);
}

// Scratch for the exponentiation chains: one block, wiped at the end of each chain (it holds powers of secrets).
const T0: usize = memory.data(4 * FE, 8);
const T1: usize = T0 + FE;
const T2: usize = T0 + 2 * FE;
const T3: usize = T0 + 3 * FE;

/** Zero n bytes at p (secret scratch). */
export function wipe(p: usize, n: usize): void {
  memory.fill(p, 0, n);
}

/**
 * out = z^(p-2) = 1/z (Fermat; 0 maps to 0). Constant time: the ref10 addition chain,
 * 254 squarings and 11 multiplications.
 */
export function feInvert(out: usize, z: usize): void {
  feSq(T0, z); //                2
  feSqN(T1, T0, 2); //           8
  feMul(T1, z, T1); //           9
  feMul(T0, T0, T1); //          11
  feSq(T2, T0); //               22
  feMul(T1, T1, T2); //          2^5 - 1
  feSqN(T2, T1, 5); //
  feMul(T1, T2, T1); //          2^10 - 1
  feSqN(T2, T1, 10);
  feMul(T2, T2, T1); //          2^20 - 1
  feSqN(T3, T2, 20);
  feMul(T2, T3, T2); //          2^40 - 1
  feSqN(T2, T2, 10);
  feMul(T1, T2, T1); //          2^50 - 1
  feSqN(T2, T1, 50);
  feMul(T2, T2, T1); //          2^100 - 1
  feSqN(T3, T2, 100);
  feMul(T2, T3, T2); //          2^200 - 1
  feSqN(T2, T2, 50);
  feMul(T1, T2, T1); //          2^250 - 1
  feSqN(T1, T1, 5); //           2^255 - 2^5
  feMul(out, T1, T0); //         2^255 - 21 = p - 2
  wipe(T0, 4 * FE);
}

/**
 * out = z^((p-5)/8) = z^(2^252 - 3), the exponent of the square-root computation in RFC 8032 §5.1.3 step 3.
 * Constant time.
 */
export function fePow22523(out: usize, z: usize): void {
  feSq(T0, z); //                2
  feSqN(T1, T0, 2); //           8
  feMul(T1, z, T1); //           9
  feMul(T0, T0, T1); //          11
  feSq(T0, T0); //               22
  feMul(T0, T1, T0); //          2^5 - 1
  feSqN(T1, T0, 5);
  feMul(T0, T1, T0); //          2^10 - 1
  feSqN(T1, T0, 10);
  feMul(T1, T1, T0); //          2^20 - 1
  feSqN(T2, T1, 20);
  feMul(T1, T2, T1); //          2^40 - 1
  feSqN(T1, T1, 10);
  feMul(T0, T1, T0); //          2^50 - 1
  feSqN(T1, T0, 50);
  feMul(T1, T1, T0); //          2^100 - 1
  feSqN(T2, T1, 100);
  feMul(T1, T2, T1); //          2^200 - 1
  feSqN(T1, T1, 50);
  feMul(T0, T1, T0); //          2^250 - 1
  feSqN(T0, T0, 2); //           2^252 - 4
  feMul(out, T0, z); //          2^252 - 3
  wipe(T0, 4 * FE);
}

// ---- Generated kernels (multiplication, squaring, and their fused forms for the X25519 ladder) ----
// Input bounds (ref10's analysis): each limb at most about 2^26.7 in magnitude, i.e. a sum or difference of
// two or three reduced elements; then no partial sum exceeds 2^62. Outputs are reduced.

/** h = f g. */
export function feMul(h: usize, f: usize, g: usize): void {
  const f0 = load<i64>(f, 0);
  const f1 = load<i64>(f, 8);
  const f2 = load<i64>(f, 16);
  const f3 = load<i64>(f, 24);
  const f4 = load<i64>(f, 32);
  const f5 = load<i64>(f, 40);
  const f6 = load<i64>(f, 48);
  const f7 = load<i64>(f, 56);
  const f8 = load<i64>(f, 64);
  const f9 = load<i64>(f, 72);
  const g0 = load<i64>(g, 0);
  const g1 = load<i64>(g, 8);
  const g2 = load<i64>(g, 16);
  const g3 = load<i64>(g, 24);
  const g4 = load<i64>(g, 32);
  const g5 = load<i64>(g, 40);
  const g6 = load<i64>(g, 48);
  const g7 = load<i64>(g, 56);
  const g8 = load<i64>(g, 64);
  const g9 = load<i64>(g, 72);
  const f1_2 = f1 * 2;
  const f3_2 = f3 * 2;
  const f5_2 = f5 * 2;
  const f7_2 = f7 * 2;
  const f9_2 = f9 * 2;
  const g1_19 = g1 * 19;
  const g2_19 = g2 * 19;
  const g3_19 = g3 * 19;
  const g4_19 = g4 * 19;
  const g5_19 = g5 * 19;
  const g6_19 = g6 * 19;
  const g7_19 = g7 * 19;
  const g8_19 = g8 * 19;
  const g9_19 = g9 * 19;
  let h0 = f0 * g0 + f1_2 * g9_19 + f2 * g8_19 + f3_2 * g7_19 + f4 * g6_19 + f5_2 * g5_19 + f6 * g4_19 + f7_2 * g3_19 + f8 * g2_19 + f9_2 * g1_19;
  let h1 = f0 * g1 + f1 * g0 + f2 * g9_19 + f3 * g8_19 + f4 * g7_19 + f5 * g6_19 + f6 * g5_19 + f7 * g4_19 + f8 * g3_19 + f9 * g2_19;
  let h2 = f0 * g2 + f1_2 * g1 + f2 * g0 + f3_2 * g9_19 + f4 * g8_19 + f5_2 * g7_19 + f6 * g6_19 + f7_2 * g5_19 + f8 * g4_19 + f9_2 * g3_19;
  let h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9_19 + f5 * g8_19 + f6 * g7_19 + f7 * g6_19 + f8 * g5_19 + f9 * g4_19;
  let h4 = f0 * g4 + f1_2 * g3 + f2 * g2 + f3_2 * g1 + f4 * g0 + f5_2 * g9_19 + f6 * g8_19 + f7_2 * g7_19 + f8 * g6_19 + f9_2 * g5_19;
  let h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9_19 + f7 * g8_19 + f8 * g7_19 + f9 * g6_19;
  let h6 = f0 * g6 + f1_2 * g5 + f2 * g4 + f3_2 * g3 + f4 * g2 + f5_2 * g1 + f6 * g0 + f7_2 * g9_19 + f8 * g8_19 + f9_2 * g7_19;
  let h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9_19 + f9 * g8_19;
  let h8 = f0 * g8 + f1_2 * g7 + f2 * g6 + f3_2 * g5 + f4 * g4 + f5_2 * g3 + f6 * g2 + f7_2 * g1 + f8 * g0 + f9_2 * g9_19;
  let h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
  let c: i64;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + 16777216) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + 16777216) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + 33554432) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + 33554432) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + 16777216) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + 16777216) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + 33554432) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + 16777216) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = f^2. */
export function feSq(h: usize, f: usize): void {
  const f0 = load<i64>(f, 0);
  const f1 = load<i64>(f, 8);
  const f2 = load<i64>(f, 16);
  const f3 = load<i64>(f, 24);
  const f4 = load<i64>(f, 32);
  const f5 = load<i64>(f, 40);
  const f6 = load<i64>(f, 48);
  const f7 = load<i64>(f, 56);
  const f8 = load<i64>(f, 64);
  const f9 = load<i64>(f, 72);
  const f0_2 = f0 * 2;
  const f1_2 = f1 * 2;
  const f1_4 = f1 * 4;
  const f2_2 = f2 * 2;
  const f3_2 = f3 * 2;
  const f3_4 = f3 * 4;
  const f4_2 = f4 * 2;
  const f5_19 = f5 * 19;
  const f5_2 = f5 * 2;
  const f5_4 = f5 * 4;
  const f6_19 = f6 * 19;
  const f6_2 = f6 * 2;
  const f7_19 = f7 * 19;
  const f7_2 = f7 * 2;
  const f7_4 = f7 * 4;
  const f8_19 = f8 * 19;
  const f8_2 = f8 * 2;
  const f9_19 = f9 * 19;
  const f9_2 = f9 * 2;
  let h0 = f0 * f0 + f1_4 * f9_19 + f2_2 * f8_19 + f3_4 * f7_19 + f4_2 * f6_19 + f5_2 * f5_19;
  let h1 = f0_2 * f1 + f2_2 * f9_19 + f3_2 * f8_19 + f4_2 * f7_19 + f5_2 * f6_19;
  let h2 = f0_2 * f2 + f1_2 * f1 + f3_4 * f9_19 + f4_2 * f8_19 + f5_4 * f7_19 + f6 * f6_19;
  let h3 = f0_2 * f3 + f1_2 * f2 + f4_2 * f9_19 + f5_2 * f8_19 + f6_2 * f7_19;
  let h4 = f0_2 * f4 + f1_4 * f3 + f2 * f2 + f5_4 * f9_19 + f6_2 * f8_19 + f7_2 * f7_19;
  let h5 = f0_2 * f5 + f1_2 * f4 + f2_2 * f3 + f6_2 * f9_19 + f7_2 * f8_19;
  let h6 = f0_2 * f6 + f1_4 * f5 + f2_2 * f4 + f3_2 * f3 + f7_4 * f9_19 + f8 * f8_19;
  let h7 = f0_2 * f7 + f1_2 * f6 + f2_2 * f5 + f3_2 * f4 + f8_2 * f9_19;
  let h8 = f0_2 * f8 + f1_4 * f7 + f2_2 * f6 + f3_4 * f5 + f4 * f4 + f9_2 * f9_19;
  let h9 = f0_2 * f9 + f1_2 * f8 + f2_2 * f7 + f3_2 * f6 + f4_2 * f5;
  let c: i64;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + 16777216) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + 16777216) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + 33554432) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + 33554432) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + 16777216) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + 16777216) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + 33554432) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + 16777216) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = 2 f^2 (ref10 fe_sq2, for point doubling). */
export function feSq2(h: usize, f: usize): void {
  const f0 = load<i64>(f, 0);
  const f1 = load<i64>(f, 8);
  const f2 = load<i64>(f, 16);
  const f3 = load<i64>(f, 24);
  const f4 = load<i64>(f, 32);
  const f5 = load<i64>(f, 40);
  const f6 = load<i64>(f, 48);
  const f7 = load<i64>(f, 56);
  const f8 = load<i64>(f, 64);
  const f9 = load<i64>(f, 72);
  const f0_2 = f0 * 2;
  const f1_2 = f1 * 2;
  const f1_4 = f1 * 4;
  const f2_2 = f2 * 2;
  const f3_2 = f3 * 2;
  const f3_4 = f3 * 4;
  const f4_2 = f4 * 2;
  const f5_19 = f5 * 19;
  const f5_2 = f5 * 2;
  const f5_4 = f5 * 4;
  const f6_19 = f6 * 19;
  const f6_2 = f6 * 2;
  const f7_19 = f7 * 19;
  const f7_2 = f7 * 2;
  const f7_4 = f7 * 4;
  const f8_19 = f8 * 19;
  const f8_2 = f8 * 2;
  const f9_19 = f9 * 19;
  const f9_2 = f9 * 2;
  let h0 = f0 * f0 + f1_4 * f9_19 + f2_2 * f8_19 + f3_4 * f7_19 + f4_2 * f6_19 + f5_2 * f5_19;
  let h1 = f0_2 * f1 + f2_2 * f9_19 + f3_2 * f8_19 + f4_2 * f7_19 + f5_2 * f6_19;
  let h2 = f0_2 * f2 + f1_2 * f1 + f3_4 * f9_19 + f4_2 * f8_19 + f5_4 * f7_19 + f6 * f6_19;
  let h3 = f0_2 * f3 + f1_2 * f2 + f4_2 * f9_19 + f5_2 * f8_19 + f6_2 * f7_19;
  let h4 = f0_2 * f4 + f1_4 * f3 + f2 * f2 + f5_4 * f9_19 + f6_2 * f8_19 + f7_2 * f7_19;
  let h5 = f0_2 * f5 + f1_2 * f4 + f2_2 * f3 + f6_2 * f9_19 + f7_2 * f8_19;
  let h6 = f0_2 * f6 + f1_4 * f5 + f2_2 * f4 + f3_2 * f3 + f7_4 * f9_19 + f8 * f8_19;
  let h7 = f0_2 * f7 + f1_2 * f6 + f2_2 * f5 + f3_2 * f4 + f8_2 * f9_19;
  let h8 = f0_2 * f8 + f1_4 * f7 + f2_2 * f6 + f3_4 * f5 + f4 * f4 + f9_2 * f9_19;
  let h9 = f0_2 * f9 + f1_2 * f8 + f2_2 * f7 + f3_2 * f6 + f4_2 * f5;
  h0 += h0;
  h1 += h1;
  h2 += h2;
  h3 += h3;
  h4 += h4;
  h5 += h5;
  h6 += h6;
  h7 += h7;
  h8 += h8;
  h9 += h9;
  let c: i64;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + 16777216) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + 16777216) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + 33554432) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + 33554432) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + 16777216) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + 16777216) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + 33554432) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + 16777216) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = (a - b)(u + v): two additions fused into a multiplication (the X25519 ladder's DA and CB). */
export function feMulDiffSum(h: usize, a: usize, b: usize, u: usize, v: usize): void {
  const f0 = load<i64>(a, 0) - load<i64>(b, 0);
  const f1 = load<i64>(a, 8) - load<i64>(b, 8);
  const f2 = load<i64>(a, 16) - load<i64>(b, 16);
  const f3 = load<i64>(a, 24) - load<i64>(b, 24);
  const f4 = load<i64>(a, 32) - load<i64>(b, 32);
  const f5 = load<i64>(a, 40) - load<i64>(b, 40);
  const f6 = load<i64>(a, 48) - load<i64>(b, 48);
  const f7 = load<i64>(a, 56) - load<i64>(b, 56);
  const f8 = load<i64>(a, 64) - load<i64>(b, 64);
  const f9 = load<i64>(a, 72) - load<i64>(b, 72);
  const g0 = load<i64>(u, 0) + load<i64>(v, 0);
  const g1 = load<i64>(u, 8) + load<i64>(v, 8);
  const g2 = load<i64>(u, 16) + load<i64>(v, 16);
  const g3 = load<i64>(u, 24) + load<i64>(v, 24);
  const g4 = load<i64>(u, 32) + load<i64>(v, 32);
  const g5 = load<i64>(u, 40) + load<i64>(v, 40);
  const g6 = load<i64>(u, 48) + load<i64>(v, 48);
  const g7 = load<i64>(u, 56) + load<i64>(v, 56);
  const g8 = load<i64>(u, 64) + load<i64>(v, 64);
  const g9 = load<i64>(u, 72) + load<i64>(v, 72);
  const f1_2 = f1 * 2;
  const f3_2 = f3 * 2;
  const f5_2 = f5 * 2;
  const f7_2 = f7 * 2;
  const f9_2 = f9 * 2;
  const g1_19 = g1 * 19;
  const g2_19 = g2 * 19;
  const g3_19 = g3 * 19;
  const g4_19 = g4 * 19;
  const g5_19 = g5 * 19;
  const g6_19 = g6 * 19;
  const g7_19 = g7 * 19;
  const g8_19 = g8 * 19;
  const g9_19 = g9 * 19;
  let h0 = f0 * g0 + f1_2 * g9_19 + f2 * g8_19 + f3_2 * g7_19 + f4 * g6_19 + f5_2 * g5_19 + f6 * g4_19 + f7_2 * g3_19 + f8 * g2_19 + f9_2 * g1_19;
  let h1 = f0 * g1 + f1 * g0 + f2 * g9_19 + f3 * g8_19 + f4 * g7_19 + f5 * g6_19 + f6 * g5_19 + f7 * g4_19 + f8 * g3_19 + f9 * g2_19;
  let h2 = f0 * g2 + f1_2 * g1 + f2 * g0 + f3_2 * g9_19 + f4 * g8_19 + f5_2 * g7_19 + f6 * g6_19 + f7_2 * g5_19 + f8 * g4_19 + f9_2 * g3_19;
  let h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9_19 + f5 * g8_19 + f6 * g7_19 + f7 * g6_19 + f8 * g5_19 + f9 * g4_19;
  let h4 = f0 * g4 + f1_2 * g3 + f2 * g2 + f3_2 * g1 + f4 * g0 + f5_2 * g9_19 + f6 * g8_19 + f7_2 * g7_19 + f8 * g6_19 + f9_2 * g5_19;
  let h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9_19 + f7 * g8_19 + f8 * g7_19 + f9 * g6_19;
  let h6 = f0 * g6 + f1_2 * g5 + f2 * g4 + f3_2 * g3 + f4 * g2 + f5_2 * g1 + f6 * g0 + f7_2 * g9_19 + f8 * g8_19 + f9_2 * g7_19;
  let h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9_19 + f9 * g8_19;
  let h8 = f0 * g8 + f1_2 * g7 + f2 * g6 + f3_2 * g5 + f4 * g4 + f5_2 * g3 + f6 * g2 + f7_2 * g1 + f8 * g0 + f9_2 * g9_19;
  let h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
  let c: i64;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + 16777216) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + 16777216) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + 33554432) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + 33554432) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + 16777216) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + 16777216) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + 33554432) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + 16777216) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = (a + b)^2. */
export function feSqSum(h: usize, a: usize, b: usize): void {
  const f0 = load<i64>(a, 0) + load<i64>(b, 0);
  const f1 = load<i64>(a, 8) + load<i64>(b, 8);
  const f2 = load<i64>(a, 16) + load<i64>(b, 16);
  const f3 = load<i64>(a, 24) + load<i64>(b, 24);
  const f4 = load<i64>(a, 32) + load<i64>(b, 32);
  const f5 = load<i64>(a, 40) + load<i64>(b, 40);
  const f6 = load<i64>(a, 48) + load<i64>(b, 48);
  const f7 = load<i64>(a, 56) + load<i64>(b, 56);
  const f8 = load<i64>(a, 64) + load<i64>(b, 64);
  const f9 = load<i64>(a, 72) + load<i64>(b, 72);
  const f0_2 = f0 * 2;
  const f1_2 = f1 * 2;
  const f1_4 = f1 * 4;
  const f2_2 = f2 * 2;
  const f3_2 = f3 * 2;
  const f3_4 = f3 * 4;
  const f4_2 = f4 * 2;
  const f5_19 = f5 * 19;
  const f5_2 = f5 * 2;
  const f5_4 = f5 * 4;
  const f6_19 = f6 * 19;
  const f6_2 = f6 * 2;
  const f7_19 = f7 * 19;
  const f7_2 = f7 * 2;
  const f7_4 = f7 * 4;
  const f8_19 = f8 * 19;
  const f8_2 = f8 * 2;
  const f9_19 = f9 * 19;
  const f9_2 = f9 * 2;
  let h0 = f0 * f0 + f1_4 * f9_19 + f2_2 * f8_19 + f3_4 * f7_19 + f4_2 * f6_19 + f5_2 * f5_19;
  let h1 = f0_2 * f1 + f2_2 * f9_19 + f3_2 * f8_19 + f4_2 * f7_19 + f5_2 * f6_19;
  let h2 = f0_2 * f2 + f1_2 * f1 + f3_4 * f9_19 + f4_2 * f8_19 + f5_4 * f7_19 + f6 * f6_19;
  let h3 = f0_2 * f3 + f1_2 * f2 + f4_2 * f9_19 + f5_2 * f8_19 + f6_2 * f7_19;
  let h4 = f0_2 * f4 + f1_4 * f3 + f2 * f2 + f5_4 * f9_19 + f6_2 * f8_19 + f7_2 * f7_19;
  let h5 = f0_2 * f5 + f1_2 * f4 + f2_2 * f3 + f6_2 * f9_19 + f7_2 * f8_19;
  let h6 = f0_2 * f6 + f1_4 * f5 + f2_2 * f4 + f3_2 * f3 + f7_4 * f9_19 + f8 * f8_19;
  let h7 = f0_2 * f7 + f1_2 * f6 + f2_2 * f5 + f3_2 * f4 + f8_2 * f9_19;
  let h8 = f0_2 * f8 + f1_4 * f7 + f2_2 * f6 + f3_4 * f5 + f4 * f4 + f9_2 * f9_19;
  let h9 = f0_2 * f9 + f1_2 * f8 + f2_2 * f7 + f3_2 * f6 + f4_2 * f5;
  let c: i64;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + 16777216) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + 16777216) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + 33554432) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + 33554432) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + 16777216) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + 16777216) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + 33554432) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + 16777216) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = (a - b)^2. */
export function feSqDiff(h: usize, a: usize, b: usize): void {
  const f0 = load<i64>(a, 0) - load<i64>(b, 0);
  const f1 = load<i64>(a, 8) - load<i64>(b, 8);
  const f2 = load<i64>(a, 16) - load<i64>(b, 16);
  const f3 = load<i64>(a, 24) - load<i64>(b, 24);
  const f4 = load<i64>(a, 32) - load<i64>(b, 32);
  const f5 = load<i64>(a, 40) - load<i64>(b, 40);
  const f6 = load<i64>(a, 48) - load<i64>(b, 48);
  const f7 = load<i64>(a, 56) - load<i64>(b, 56);
  const f8 = load<i64>(a, 64) - load<i64>(b, 64);
  const f9 = load<i64>(a, 72) - load<i64>(b, 72);
  const f0_2 = f0 * 2;
  const f1_2 = f1 * 2;
  const f1_4 = f1 * 4;
  const f2_2 = f2 * 2;
  const f3_2 = f3 * 2;
  const f3_4 = f3 * 4;
  const f4_2 = f4 * 2;
  const f5_19 = f5 * 19;
  const f5_2 = f5 * 2;
  const f5_4 = f5 * 4;
  const f6_19 = f6 * 19;
  const f6_2 = f6 * 2;
  const f7_19 = f7 * 19;
  const f7_2 = f7 * 2;
  const f7_4 = f7 * 4;
  const f8_19 = f8 * 19;
  const f8_2 = f8 * 2;
  const f9_19 = f9 * 19;
  const f9_2 = f9 * 2;
  let h0 = f0 * f0 + f1_4 * f9_19 + f2_2 * f8_19 + f3_4 * f7_19 + f4_2 * f6_19 + f5_2 * f5_19;
  let h1 = f0_2 * f1 + f2_2 * f9_19 + f3_2 * f8_19 + f4_2 * f7_19 + f5_2 * f6_19;
  let h2 = f0_2 * f2 + f1_2 * f1 + f3_4 * f9_19 + f4_2 * f8_19 + f5_4 * f7_19 + f6 * f6_19;
  let h3 = f0_2 * f3 + f1_2 * f2 + f4_2 * f9_19 + f5_2 * f8_19 + f6_2 * f7_19;
  let h4 = f0_2 * f4 + f1_4 * f3 + f2 * f2 + f5_4 * f9_19 + f6_2 * f8_19 + f7_2 * f7_19;
  let h5 = f0_2 * f5 + f1_2 * f4 + f2_2 * f3 + f6_2 * f9_19 + f7_2 * f8_19;
  let h6 = f0_2 * f6 + f1_4 * f5 + f2_2 * f4 + f3_2 * f3 + f7_4 * f9_19 + f8 * f8_19;
  let h7 = f0_2 * f7 + f1_2 * f6 + f2_2 * f5 + f3_2 * f4 + f8_2 * f9_19;
  let h8 = f0_2 * f8 + f1_4 * f7 + f2_2 * f6 + f3_4 * f5 + f4 * f4 + f9_2 * f9_19;
  let h9 = f0_2 * f9 + f1_2 * f8 + f2_2 * f7 + f3_2 * f6 + f4_2 * f5;
  let c: i64;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + 16777216) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + 16777216) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + 33554432) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + 33554432) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + 16777216) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + 16777216) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + 33554432) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + 16777216) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = E (BB + 121666 E) with E = AA - BB: the ladder's z_2 (RFC 7748 §5, as z_2 = E (AA + a24 E)). */
export function feLadderZ2(h: usize, aa: usize, bb: usize): void {
  const f0 = load<i64>(aa, 0) - load<i64>(bb, 0);
  const f1 = load<i64>(aa, 8) - load<i64>(bb, 8);
  const f2 = load<i64>(aa, 16) - load<i64>(bb, 16);
  const f3 = load<i64>(aa, 24) - load<i64>(bb, 24);
  const f4 = load<i64>(aa, 32) - load<i64>(bb, 32);
  const f5 = load<i64>(aa, 40) - load<i64>(bb, 40);
  const f6 = load<i64>(aa, 48) - load<i64>(bb, 48);
  const f7 = load<i64>(aa, 56) - load<i64>(bb, 56);
  const f8 = load<i64>(aa, 64) - load<i64>(bb, 64);
  const f9 = load<i64>(aa, 72) - load<i64>(bb, 72);
  let t0 = f0 * 121666;
  let t1 = f1 * 121666;
  let t2 = f2 * 121666;
  let t3 = f3 * 121666;
  let t4 = f4 * 121666;
  let t5 = f5 * 121666;
  let t6 = f6 * 121666;
  let t7 = f7 * 121666;
  let t8 = f8 * 121666;
  let t9 = f9 * 121666;
  let c: i64;
  c = (t9 + 16777216) >> 25; t0 += c * 19; t9 -= c << 25;
  c = (t1 + 16777216) >> 25; t2 += c; t1 -= c << 25;
  c = (t3 + 16777216) >> 25; t4 += c; t3 -= c << 25;
  c = (t5 + 16777216) >> 25; t6 += c; t5 -= c << 25;
  c = (t7 + 16777216) >> 25; t8 += c; t7 -= c << 25;
  c = (t0 + 33554432) >> 26; t1 += c; t0 -= c << 26;
  c = (t2 + 33554432) >> 26; t3 += c; t2 -= c << 26;
  c = (t4 + 33554432) >> 26; t5 += c; t4 -= c << 26;
  c = (t6 + 33554432) >> 26; t7 += c; t6 -= c << 26;
  c = (t8 + 33554432) >> 26; t9 += c; t8 -= c << 26;
  const g0 = t0 + load<i64>(bb, 0);
  const g1 = t1 + load<i64>(bb, 8);
  const g2 = t2 + load<i64>(bb, 16);
  const g3 = t3 + load<i64>(bb, 24);
  const g4 = t4 + load<i64>(bb, 32);
  const g5 = t5 + load<i64>(bb, 40);
  const g6 = t6 + load<i64>(bb, 48);
  const g7 = t7 + load<i64>(bb, 56);
  const g8 = t8 + load<i64>(bb, 64);
  const g9 = t9 + load<i64>(bb, 72);
  const f1_2 = f1 * 2;
  const f3_2 = f3 * 2;
  const f5_2 = f5 * 2;
  const f7_2 = f7 * 2;
  const f9_2 = f9 * 2;
  const g1_19 = g1 * 19;
  const g2_19 = g2 * 19;
  const g3_19 = g3 * 19;
  const g4_19 = g4 * 19;
  const g5_19 = g5 * 19;
  const g6_19 = g6 * 19;
  const g7_19 = g7 * 19;
  const g8_19 = g8 * 19;
  const g9_19 = g9 * 19;
  let h0 = f0 * g0 + f1_2 * g9_19 + f2 * g8_19 + f3_2 * g7_19 + f4 * g6_19 + f5_2 * g5_19 + f6 * g4_19 + f7_2 * g3_19 + f8 * g2_19 + f9_2 * g1_19;
  let h1 = f0 * g1 + f1 * g0 + f2 * g9_19 + f3 * g8_19 + f4 * g7_19 + f5 * g6_19 + f6 * g5_19 + f7 * g4_19 + f8 * g3_19 + f9 * g2_19;
  let h2 = f0 * g2 + f1_2 * g1 + f2 * g0 + f3_2 * g9_19 + f4 * g8_19 + f5_2 * g7_19 + f6 * g6_19 + f7_2 * g5_19 + f8 * g4_19 + f9_2 * g3_19;
  let h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9_19 + f5 * g8_19 + f6 * g7_19 + f7 * g6_19 + f8 * g5_19 + f9 * g4_19;
  let h4 = f0 * g4 + f1_2 * g3 + f2 * g2 + f3_2 * g1 + f4 * g0 + f5_2 * g9_19 + f6 * g8_19 + f7_2 * g7_19 + f8 * g6_19 + f9_2 * g5_19;
  let h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9_19 + f7 * g8_19 + f8 * g7_19 + f9 * g6_19;
  let h6 = f0 * g6 + f1_2 * g5 + f2 * g4 + f3_2 * g3 + f4 * g2 + f5_2 * g1 + f6 * g0 + f7_2 * g9_19 + f8 * g8_19 + f9_2 * g7_19;
  let h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9_19 + f9 * g8_19;
  let h8 = f0 * g8 + f1_2 * g7 + f2 * g6 + f3_2 * g5 + f4 * g4 + f5_2 * g3 + f6 * g2 + f7_2 * g1 + f8 * g0 + f9_2 * g9_19;
  let h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + 16777216) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + 16777216) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + 33554432) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + 33554432) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + 16777216) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + 16777216) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + 33554432) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + 16777216) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
  store<i64>(h, h0, 0);
  store<i64>(h, h1, 8);
  store<i64>(h, h2, 16);
  store<i64>(h, h3, 24);
  store<i64>(h, h4, 32);
  store<i64>(h, h5, 40);
  store<i64>(h, h6, 48);
  store<i64>(h, h7, 56);
  store<i64>(h, h8, 64);
  store<i64>(h, h9, 72);
}

/** h = f^(2^n), n >= 1: the limbs stay in locals between squarings (for the inversion chains). */
export function feSqN(h: usize, f: usize, n: i32): void {
  let f0 = load<i64>(f, 0);
  let f1 = load<i64>(f, 8);
  let f2 = load<i64>(f, 16);
  let f3 = load<i64>(f, 24);
  let f4 = load<i64>(f, 32);
  let f5 = load<i64>(f, 40);
  let f6 = load<i64>(f, 48);
  let f7 = load<i64>(f, 56);
  let f8 = load<i64>(f, 64);
  let f9 = load<i64>(f, 72);
  let c: i64;
  do {
    const f0_2 = f0 * 2;
    const f1_2 = f1 * 2;
    const f1_4 = f1 * 4;
    const f2_2 = f2 * 2;
    const f3_2 = f3 * 2;
    const f3_4 = f3 * 4;
    const f4_2 = f4 * 2;
    const f5_19 = f5 * 19;
    const f5_2 = f5 * 2;
    const f5_4 = f5 * 4;
    const f6_19 = f6 * 19;
    const f6_2 = f6 * 2;
    const f7_19 = f7 * 19;
    const f7_2 = f7 * 2;
    const f7_4 = f7 * 4;
    const f8_19 = f8 * 19;
    const f8_2 = f8 * 2;
    const f9_19 = f9 * 19;
    const f9_2 = f9 * 2;
    let h0 = f0 * f0 + f1_4 * f9_19 + f2_2 * f8_19 + f3_4 * f7_19 + f4_2 * f6_19 + f5_2 * f5_19;
    let h1 = f0_2 * f1 + f2_2 * f9_19 + f3_2 * f8_19 + f4_2 * f7_19 + f5_2 * f6_19;
    let h2 = f0_2 * f2 + f1_2 * f1 + f3_4 * f9_19 + f4_2 * f8_19 + f5_4 * f7_19 + f6 * f6_19;
    let h3 = f0_2 * f3 + f1_2 * f2 + f4_2 * f9_19 + f5_2 * f8_19 + f6_2 * f7_19;
    let h4 = f0_2 * f4 + f1_4 * f3 + f2 * f2 + f5_4 * f9_19 + f6_2 * f8_19 + f7_2 * f7_19;
    let h5 = f0_2 * f5 + f1_2 * f4 + f2_2 * f3 + f6_2 * f9_19 + f7_2 * f8_19;
    let h6 = f0_2 * f6 + f1_4 * f5 + f2_2 * f4 + f3_2 * f3 + f7_4 * f9_19 + f8 * f8_19;
    let h7 = f0_2 * f7 + f1_2 * f6 + f2_2 * f5 + f3_2 * f4 + f8_2 * f9_19;
    let h8 = f0_2 * f8 + f1_4 * f7 + f2_2 * f6 + f3_4 * f5 + f4 * f4 + f9_2 * f9_19;
    let h9 = f0_2 * f9 + f1_2 * f8 + f2_2 * f7 + f3_2 * f6 + f4_2 * f5;
    c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
    c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
    c = (h1 + 16777216) >> 25; h2 += c; h1 -= c << 25;
    c = (h5 + 16777216) >> 25; h6 += c; h5 -= c << 25;
    c = (h2 + 33554432) >> 26; h3 += c; h2 -= c << 26;
    c = (h6 + 33554432) >> 26; h7 += c; h6 -= c << 26;
    c = (h3 + 16777216) >> 25; h4 += c; h3 -= c << 25;
    c = (h7 + 16777216) >> 25; h8 += c; h7 -= c << 25;
    c = (h4 + 33554432) >> 26; h5 += c; h4 -= c << 26;
    c = (h8 + 33554432) >> 26; h9 += c; h8 -= c << 26;
    c = (h9 + 16777216) >> 25; h0 += c * 19; h9 -= c << 25;
    c = (h0 + 33554432) >> 26; h1 += c; h0 -= c << 26;
    f0 = h0;
    f1 = h1;
    f2 = h2;
    f3 = h3;
    f4 = h4;
    f5 = h5;
    f6 = h6;
    f7 = h7;
    f8 = h8;
    f9 = h9;
  } while (--n > 0);
  store<i64>(h, f0, 0);
  store<i64>(h, f1, 8);
  store<i64>(h, f2, 16);
  store<i64>(h, f3, 24);
  store<i64>(h, f4, 32);
  store<i64>(h, f5, 40);
  store<i64>(h, f6, 48);
  store<i64>(h, f7, 56);
  store<i64>(h, f8, 64);
  store<i64>(h, f9, 72);
}


// GHASH (NIST SP 800-38D §6.4), constant-time. Internal to the core (used by aes-gcm.ts).
//
// Constant-time: multiplication in GF(2^128) uses the BearSSL "ghash_ctmul64" technique (Thomas Pornin). A
// carry-less 64x64 product is computed with ordinary integer multiplications on operands split into four
// parts with "holes" (only every fourth bit kept), so that carries land in the holes and are masked off;
// the upper half of the product comes from the same trick on bit-reversed operands. Karatsuba gives the
// 128x128 product from three such pairs; reduction by x^128 + x^7 + x^2 + x + 1 is shifts and XORs. There is
// no table, no branch and no memory index on H or on the data; loops run on the (public) length only.
//
// Internal API (one state, not re-entrant):
//   ghashInit(h16): starts a hash with subkey H (16 bytes, big-endian as in SP 800-38D §6.4), Y = 0.
//   ghashUpdate(p, len): absorbs len bytes, zero-padding a final partial block to 16 bytes (§7.1 step 5:
//     A and C are each padded to a multiple of 128 bits, so call it once for A and once for C).
//   ghashFinish(lenA, lenC, out16): absorbs [len(A)]64 || [len(C)]64 (bit lengths) and writes Y.
//   ghashWipe(): zeroes H, Y and the padding block.

/** Hash state: h1 (first 8 bytes of H as a big-endian u64), h0 (last 8), y1, y0 (same split for Y). Secret. */
const GS: usize = memory.data(32, 16);
/** Zero-padded last block, then the length block. Holds message bytes: wiped. */
const PAD: usize = memory.data(16, 16);

const B0: u64 = 0x1111111111111111;
const B1: u64 = 0x2222222222222222;
const B2: u64 = 0x4444444444444444;
const B3: u64 = 0x8888888888888888;

/**
 * Carry-less product of x and y, low 64 bits, where y is given as its four pre-masked parts y & B0..B3.
 * Each integer product of a "holed" x part and y part accumulates at most 15 bits per kept position below
 * bit 64 (4 bits of room), so carries never reach the next kept bit (BearSSL bmul64).
 */
@inline
function bmul(x: u64, y0: u64, y1: u64, y2: u64, y3: u64): u64 {
  const x0 = x & B0, x1 = x & B1, x2 = x & B2, x3 = x & B3;
  const z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
  const z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
  const z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
  const z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);
  return (z0 & B0) | (z1 & B1) | (z2 & B2) | (z3 & B3);
}

/** Bit reversal of a u64 (fixed masks and shifts). */
@inline
function rev64(x: u64): u64 {
  x = ((x & 0x5555555555555555) << 1) | ((x >> 1) & 0x5555555555555555);
  x = ((x & 0x3333333333333333) << 2) | ((x >> 2) & 0x3333333333333333);
  x = ((x & 0x0f0f0f0f0f0f0f0f) << 4) | ((x >> 4) & 0x0f0f0f0f0f0f0f0f);
  return bswap<u64>(x);
}

/** Start GHASH_H (§6.4) with the hash subkey H = CIPH_K(0^128) at h. */
export function ghashInit(h: usize): void {
  store<u64>(GS, bswap<u64>(load<u64>(h, 0)), 0);
  store<u64>(GS, bswap<u64>(load<u64>(h, 8)), 8);
  store<u64>(GS, 0, 16);
  store<u64>(GS, 0, 24);
}

/**
 * §6.4: Y_i = (Y_{i-1} xor X_i) * H for each 16-byte block X_i of the input; a final partial block is
 * zero-padded. Constant-time in H and the data.
 */
export function ghashUpdate(p: usize, len: usize): void {
  const h1 = load<u64>(GS, 0), h0 = load<u64>(GS, 8);
  let y1 = load<u64>(GS, 16), y0 = load<u64>(GS, 24);
  const h0r = rev64(h0), h1r = rev64(h1), h2 = h0 ^ h1, h2r = h0r ^ h1r;
  // The six multiplier operands, pre-split into their holed parts once per call.
  const a0 = h0 & B0, a1 = h0 & B1, a2 = h0 & B2, a3 = h0 & B3;
  const b0 = h1 & B0, b1 = h1 & B1, b2 = h1 & B2, b3 = h1 & B3;
  const c0 = h2 & B0, c1 = h2 & B1, c2 = h2 & B2, c3 = h2 & B3;
  const d0 = h0r & B0, d1 = h0r & B1, d2 = h0r & B2, d3 = h0r & B3;
  const e0 = h1r & B0, e1 = h1r & B1, e2 = h1r & B2, e3 = h1r & B3;
  const f0 = h2r & B0, f1 = h2r & B1, f2 = h2r & B2, f3 = h2r & B3;
  while (len > 0) {
    let src = p;
    if (len >= 16) {
      p += 16;
      len -= 16;
    } else {
      // §6.4 via §7.1: the last partial block is padded with zero bits (branch on the public length).
      memory.fill(PAD, 0, 16);
      memory.copy(PAD, p, len);
      src = PAD;
      len = 0;
    }
    // Bit order of §6.3: the first byte holds the coefficients of x^0..x^7 from its most significant bit,
    // which in a big-endian u64 is the "reflected" representation the ctmul64 method works in.
    y1 ^= bswap<u64>(load<u64>(src, 0));
    y0 ^= bswap<u64>(load<u64>(src, 8));
    const y0r = rev64(y0), y1r = rev64(y1), y2 = y0 ^ y1, y2r = y0r ^ y1r;
    // Karatsuba: three low-half products, three high-half products (from the reversed operands).
    const z0 = bmul(y0, a0, a1, a2, a3);
    const z1 = bmul(y1, b0, b1, b2, b3);
    let z2 = bmul(y2, c0, c1, c2, c3);
    let z0h = bmul(y0r, d0, d1, d2, d3);
    let z1h = bmul(y1r, e0, e1, e2, e3);
    let z2h = bmul(y2r, f0, f1, f2, f3);
    z2 ^= z0 ^ z1;
    z2h ^= z0h ^ z1h;
    z0h = rev64(z0h) >> 1;
    z1h = rev64(z1h) >> 1;
    z2h = rev64(z2h) >> 1;
    // The 256-bit product v3:v2:v1:v0, shifted left by one for the reflected representation.
    let v0 = z0, v1 = z0h ^ z2, v2 = z1 ^ z2h, v3 = z1h;
    v3 = (v3 << 1) | (v2 >> 63);
    v2 = (v2 << 1) | (v1 >> 63);
    v1 = (v1 << 1) | (v0 >> 63);
    v0 = v0 << 1;
    // Reduce modulo x^128 + x^7 + x^2 + x + 1 (§6.3, R = 11100001 || 0^120 in reflected form).
    v2 ^= v0 ^ (v0 >> 1) ^ (v0 >> 2) ^ (v0 >> 7);
    v1 ^= (v0 << 63) ^ (v0 << 62) ^ (v0 << 57);
    v3 ^= v1 ^ (v1 >> 1) ^ (v1 >> 2) ^ (v1 >> 7);
    v2 ^= (v1 << 63) ^ (v1 << 62) ^ (v1 << 57);
    y0 = v2;
    y1 = v3;
  }
  store<u64>(GS, y1, 16);
  store<u64>(GS, y0, 24);
}

/** §7.1 step 5: absorb [len(A)]64 || [len(C)]64 (lengths in bits) and write GHASH's output Y to out. */
export function ghashFinish(lenA: usize, lenC: usize, out: usize): void {
  store<u64>(PAD, bswap<u64>(<u64>lenA << 3), 0);
  store<u64>(PAD, bswap<u64>(<u64>lenC << 3), 8);
  ghashUpdate(PAD, 16);
  store<u64>(out, bswap<u64>(load<u64>(GS, 16)), 0);
  store<u64>(out, bswap<u64>(load<u64>(GS, 24)), 8);
}

/** Zero H, Y and the padding block: H is key material, Y and the pad depend on the message. */
export function ghashWipe(): void {
  memory.fill(GS, 0, 32);
  memory.fill(PAD, 0, 16);
}

// GHASH (NIST SP 800-38D §6.4), constant-time. Internal to the core (used by aes-gcm.ts).
//
// Constant-time: multiplication in GF(2^128) uses the BearSSL "ghash_ctmul64" technique (Thomas Pornin). A
// carry-less 64x64 product is computed with ordinary integer multiplications on operands split into four
// parts with "holes" (only every fourth bit kept), so that carries land in the holes and are masked off;
// the upper half of the product comes from the same trick on bit-reversed operands. Karatsuba gives the
// 128x128 product from three such pairs; reduction by x^128 + x^7 + x^2 + x + 1 is shifts and XORs. Blocks
// are taken two at a time as (Y ^ X1)·H^2 ^ X2·H with one reduction per pair (aggregated reduction). There
// is no table, no branch and no memory index on H or on the data; branches depend on the (public) length only.
//
// Internal API (one state, not re-entrant):
//   ghashInit(h16): starts a hash with subkey H (16 bytes, big-endian as in SP 800-38D §6.4), Y = 0;
//     precomputes H^2.
//   ghashUpdate(p, len): absorbs len bytes, zero-padding a final partial block to 16 bytes (§7.1 step 5:
//     A and C are each padded to a multiple of 128 bits, so call it once for A and once for C).
//   ghashFinish(lenA, lenC, out16): absorbs [len(A)]64 || [len(C)]64 (bit lengths) and writes Y.
//   ghashWipe(): zeroes H, H^2, Y, the accumulators and the padding blocks.

/** Y as two big-endian u64: y1 (first 8 bytes), y0 (last 8). Depends on the message: wiped. */
const GS: usize = memory.data(16, 16);
/**
 * H and H^2, each as its six Karatsuba operands (lo, hi, lo^hi, and their bit reversals) pre-split into the
 * four holed parts bmul needs: 2 x 24 words. Key material: wiped.
 */
const HP: usize = memory.data(384, 16);
const HP1: usize = HP;
const HP2: usize = HP + 192;
/** The six unreduced Karatsuba partial products, accumulated over one or two blocks. Secret: wiped. */
const ACC: usize = memory.data(48, 16);
/** The input's last one or two blocks, zero-padded. Holds message bytes: wiped. */
const PAD: usize = memory.data(32, 16);
/** The length block of §7.1 step 5. */
const LENS: usize = memory.data(16, 16);

const B0: u64 = 0x1111111111111111;
const B1: u64 = 0x2222222222222222;
const B2: u64 = 0x4444444444444444;
const B3: u64 = 0x8888888888888888;

/**
 * Carry-less product of x and y, low 64 bits, where y is given as its four pre-masked parts y & B0..B3.
 * In each integer product of a "holed" x part and y part, at most 15 one-bits add up at any kept position
 * below bit 64, and a sum below 16 fits in the 4-bit gap, so carries never reach the next kept bit (only
 * the low 64 bits are used; the high half comes from the bit-reversed operands). BearSSL bmul64.
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

/** Store x split into its four holed parts at p. */
@inline
function split(p: usize, x: u64): void {
  store<u64>(p, x & B0, 0);
  store<u64>(p, x & B1, 8);
  store<u64>(p, x & B2, 16);
  store<u64>(p, x & B3, 24);
}

/** Pre-split the Karatsuba operands of a field element (hi:lo) at p (24 words). */
function splitPower(p: usize, lo: u64, hi: u64): void {
  const lor = rev64(lo), hir = rev64(hi);
  split(p, lo);
  split(p + 32, hi);
  split(p + 64, lo ^ hi);
  split(p + 96, lor);
  split(p + 128, hir);
  split(p + 160, lor ^ hir);
}

/**
 * ACC (+)= the six partial products of (x1:x0) by the power of H pre-split at p: the low 64 bits of the three
 * Karatsuba products, and (from the bit-reversed operands) their high 64 bits, reversed. Everything after
 * this step is linear, so products of several blocks can be summed here and reduced once (aggregated
 * reduction). `first` is a compile-time constant: store instead of accumulate.
 */
@inline
function kmul(x0: u64, x1: u64, p: usize, first: bool): void {
  const x0r = rev64(x0), x1r = rev64(x1);
  const z0 = bmul(x0, load<u64>(p, 0), load<u64>(p, 8), load<u64>(p, 16), load<u64>(p, 24));
  const z1 = bmul(x1, load<u64>(p, 32), load<u64>(p, 40), load<u64>(p, 48), load<u64>(p, 56));
  const z2 = bmul(x0 ^ x1, load<u64>(p, 64), load<u64>(p, 72), load<u64>(p, 80), load<u64>(p, 88));
  const z0h = bmul(x0r, load<u64>(p, 96), load<u64>(p, 104), load<u64>(p, 112), load<u64>(p, 120));
  const z1h = bmul(x1r, load<u64>(p, 128), load<u64>(p, 136), load<u64>(p, 144), load<u64>(p, 152));
  const z2h = bmul(x0r ^ x1r, load<u64>(p, 160), load<u64>(p, 168), load<u64>(p, 176), load<u64>(p, 184));
  if (first) {
    store<u64>(ACC, z0, 0); store<u64>(ACC, z1, 8); store<u64>(ACC, z2, 16);
    store<u64>(ACC, z0h, 24); store<u64>(ACC, z1h, 32); store<u64>(ACC, z2h, 40);
  } else {
    store<u64>(ACC, load<u64>(ACC, 0) ^ z0, 0); store<u64>(ACC, load<u64>(ACC, 8) ^ z1, 8);
    store<u64>(ACC, load<u64>(ACC, 16) ^ z2, 16); store<u64>(ACC, load<u64>(ACC, 24) ^ z0h, 24);
    store<u64>(ACC, load<u64>(ACC, 32) ^ z1h, 32); store<u64>(ACC, load<u64>(ACC, 40) ^ z2h, 40);
  }
}

/**
 * Finish the Karatsuba combination of the six partial products, reduce modulo the GCM polynomial (§6.3)
 * and store Y.
 */
@inline
function reduceTo(z0: u64, z1: u64, z2: u64, z0h: u64, z1h: u64, z2h: u64): void {
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
  store<u64>(GS, v3, 0);
  store<u64>(GS, v2, 8);
}

/** Reduce the partial products accumulated in ACC into Y. */
function reduce(): void {
  reduceTo(load<u64>(ACC, 0), load<u64>(ACC, 8), load<u64>(ACC, 16),
    load<u64>(ACC, 24), load<u64>(ACC, 32), load<u64>(ACC, 40));
}

/**
 * Y = (Y xor X)·H for the block X at q. Not inlined (nor mulPair): every caller shares one copy of the
 * multiplication, which is most of this file's code.
 */
function mulOne(q: usize): void {
  kmul(load<u64>(GS, 8) ^ bswap<u64>(load<u64>(q, 8)), load<u64>(GS, 0) ^ bswap<u64>(load<u64>(q, 0)), HP1, true);
  reduce();
}

/** Y = (Y xor X1)·H^2 xor X2·H for the blocks X1, X2 at q: one reduction for the pair. */
function mulPair(q: usize): void {
  kmul(load<u64>(GS, 8) ^ bswap<u64>(load<u64>(q, 8)), load<u64>(GS, 0) ^ bswap<u64>(load<u64>(q, 0)), HP2, true);
  kmul(bswap<u64>(load<u64>(q, 24)), bswap<u64>(load<u64>(q, 16)), HP1, false);
  reduce();
}

/** Start GHASH_H (§6.4) with the hash subkey H = CIPH_K(0^128) at h: Y = 0, precompute H and H^2. */
export function ghashInit(h: usize): void {
  // Bit order of §6.3: the first byte holds the coefficients of x^0..x^7 from its most significant bit,
  // which in a big-endian u64 is the "reflected" representation the ctmul64 method works in.
  const h1 = bswap<u64>(load<u64>(h, 0)), h0 = bswap<u64>(load<u64>(h, 8));
  splitPower(HP1, h0, h1);
  store<u64>(GS, 0, 0);
  store<u64>(GS, 0, 8);
  mulOne(h); // Y = H·H
  splitPower(HP2, load<u64>(GS, 8), load<u64>(GS, 0));
  store<u64>(GS, 0, 0);
  store<u64>(GS, 0, 8);
}

/**
 * §6.4: Y_i = (Y_{i-1} xor X_i) * H for each 16-byte block X_i of the input; a final partial block is
 * zero-padded. Two blocks at a time as Y = (Y xor X_1)·H^2 xor X_2·H, one reduction per pair.
 * Constant-time in H and the data; branches on the public length only.
 */
export function ghashUpdate(p: usize, len: usize): void {
  while (len >= 32) {
    mulPair(p);
    p += 32;
    len -= 32;
  }
  if (len > 0) {
    // §6.4 via §7.1: the last partial block is padded with zero bits.
    memory.fill(PAD, 0, 32);
    memory.copy(PAD, p, len);
    if (len > 16) mulPair(PAD);
    else mulOne(PAD);
    memory.fill(PAD, 0, 32);
  }
}

/** §7.1 step 5: absorb [len(A)]64 || [len(C)]64 (lengths in bits) and write GHASH's output Y to out. */
export function ghashFinish(lenA: usize, lenC: usize, out: usize): void {
  store<u64>(LENS, bswap<u64>(<u64>lenA << 3), 0);
  store<u64>(LENS, bswap<u64>(<u64>lenC << 3), 8);
  mulOne(LENS);
  store<u64>(out, bswap<u64>(load<u64>(GS, 0)), 0);
  store<u64>(out, bswap<u64>(load<u64>(GS, 8)), 8);
}

/** Zero H's powers, Y, the accumulators and the padding blocks: all key- or message-dependent. */
export function ghashWipe(): void {
  memory.fill(GS, 0, 16);
  memory.fill(HP, 0, 384);
  memory.fill(ACC, 0, 48);
  memory.fill(PAD, 0, 32);
  memory.fill(LENS, 0, 16);
}

/**
 * SHA-256 and SHA-512 (FIPS 180-4), plus hashMany for batched tree hashing.
 *
 * Public ABI (pointers into linear memory, lengths in bytes):
 *   sha256(ptr, len, out32) / sha512(ptr, len, out64): one-shot.
 *   hashMany(dataPtr, lensPtr, count, outPtr): count messages laid end to end at dataPtr, their lengths
 *     as little-endian u32 at lensPtr; writes count * 32 bytes of SHA-256 digests at outPtr.
 * Internal streaming API for hmac/hkdf/ed25519 (one state per hash function, not re-entrant):
 *   sha256Init(), sha256Update(ptr, len), sha256Final(out32); sha512Init(), sha512Update(ptr, len), sha512Final(out64).
 * Context-passing variants (sha256CtxInit/Update/Final, sha512Ctx*) take a caller-owned context of
 * SHA256_CTX_LEN / SHA512_CTX_LEN bytes, so hmac.ts and hkdf.ts keep their own states and never clobber a
 * caller's stream.
 *
 * Constant time: every function here is constant-time in the message *contents* (SHA-2 has no data-dependent
 * branch or index); running time depends only on lengths, which are public. Final wipes its context, and the
 * one-shot functions wipe their scratch context, because the hashed data may be a key (HMAC, HKDF, Ed25519).
 * hashMany is meant for public inputs (tree hashes) but is constant-time in contents as well. It hashes four
 * messages at a time in the 32-bit lanes of WASM simd128 (sha256x4, multi-buffer), the last count % 4 one by one.
 */

// ---------------------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4 §4.1.2, §4.2.2, §5.3.3, §6.2)
// ---------------------------------------------------------------------------------------------------------

/** FIPS 180-4 §4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K256: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** FIPS 180-4 §5.3.3: initial hash value H(0). */
const IV256: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

// §4.1.2 functions.
@inline function ch32(e: u32, f: u32, g: u32): u32 {
  return g ^ (e & (f ^ g));
}
@inline function maj32(a: u32, b: u32, c: u32): u32 {
  return (a & b) | (c & (a | b));
}
@inline function bsig0_32(x: u32): u32 {
  return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22);
}
@inline function bsig1_32(x: u32): u32 {
  return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25);
}
@inline function ssig0_32(x: u32): u32 {
  return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3);
}
@inline function ssig1_32(x: u32): u32 {
  return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10);
}
/** Big-endian 32-bit load (§3.1: words are big-endian). */
@inline function be32(p: usize, o: usize): u32 {
  return bswap<u32>(load<u32>(p + o));
}

/**
 * Compress n 64-byte blocks at p into the state H (8 native-endian u32 at h). §6.2.2.
 * State and the 16-word rolling message schedule live in locals; rounds are unrolled 16 at a time, so the
 * eight working variables come back to their own names after each group (no shuffling moves).
 */
function sha256Blocks(h: usize, p: usize, n: usize): void {
  let a = load<u32>(h, 0), b = load<u32>(h, 4), c = load<u32>(h, 8), d = load<u32>(h, 12);
  let e = load<u32>(h, 16), f = load<u32>(h, 20), g = load<u32>(h, 24), hh = load<u32>(h, 28);
  while (n--) {
    const a0 = a, b0 = b, c0 = c, d0 = d, e0 = e, f0 = f, g0 = g, h0 = hh;
    let w0 = be32(p, 0), w1 = be32(p, 4), w2 = be32(p, 8), w3 = be32(p, 12);
    let w4 = be32(p, 16), w5 = be32(p, 20), w6 = be32(p, 24), w7 = be32(p, 28);
    let w8 = be32(p, 32), w9 = be32(p, 36), w10 = be32(p, 40), w11 = be32(p, 44);
    let w12 = be32(p, 48), w13 = be32(p, 52), w14 = be32(p, 56), w15 = be32(p, 60);
    let t: u32;
    for (let r: usize = 0; r < 64; r += 16) {
      if (r != 0) {
        // §6.2.2 step 1: W_t = σ1(W_{t-2}) + W_{t-7} + σ0(W_{t-15}) + W_{t-16}, in a 16-word window.
        w0 += ssig1_32(w14) + w9 + ssig0_32(w1);
        w1 += ssig1_32(w15) + w10 + ssig0_32(w2);
        w2 += ssig1_32(w0) + w11 + ssig0_32(w3);
        w3 += ssig1_32(w1) + w12 + ssig0_32(w4);
        w4 += ssig1_32(w2) + w13 + ssig0_32(w5);
        w5 += ssig1_32(w3) + w14 + ssig0_32(w6);
        w6 += ssig1_32(w4) + w15 + ssig0_32(w7);
        w7 += ssig1_32(w5) + w0 + ssig0_32(w8);
        w8 += ssig1_32(w6) + w1 + ssig0_32(w9);
        w9 += ssig1_32(w7) + w2 + ssig0_32(w10);
        w10 += ssig1_32(w8) + w3 + ssig0_32(w11);
        w11 += ssig1_32(w9) + w4 + ssig0_32(w12);
        w12 += ssig1_32(w10) + w5 + ssig0_32(w13);
        w13 += ssig1_32(w11) + w6 + ssig0_32(w14);
        w14 += ssig1_32(w12) + w7 + ssig0_32(w15);
        w15 += ssig1_32(w13) + w8 + ssig0_32(w0);
      }
      // §6.2.2 step 3: T1 = h + Σ1(e) + Ch(e,f,g) + K_t + W_t; e = d + T1; a = T1 + Σ0(a) + Maj(a,b,c),
      // with the renaming done by rotating which local plays which role.
      const k = K256 + (r << 2);
      t = hh + bsig1_32(e) + ch32(e, f, g) + load<u32>(k, 0) + w0; d += t; hh = t + bsig0_32(a) + maj32(a, b, c);
      t = g + bsig1_32(d) + ch32(d, e, f) + load<u32>(k, 4) + w1; c += t; g = t + bsig0_32(hh) + maj32(hh, a, b);
      t = f + bsig1_32(c) + ch32(c, d, e) + load<u32>(k, 8) + w2; b += t; f = t + bsig0_32(g) + maj32(g, hh, a);
      t = e + bsig1_32(b) + ch32(b, c, d) + load<u32>(k, 12) + w3; a += t; e = t + bsig0_32(f) + maj32(f, g, hh);
      t = d + bsig1_32(a) + ch32(a, b, c) + load<u32>(k, 16) + w4; hh += t; d = t + bsig0_32(e) + maj32(e, f, g);
      t = c + bsig1_32(hh) + ch32(hh, a, b) + load<u32>(k, 20) + w5; g += t; c = t + bsig0_32(d) + maj32(d, e, f);
      t = b + bsig1_32(g) + ch32(g, hh, a) + load<u32>(k, 24) + w6; f += t; b = t + bsig0_32(c) + maj32(c, d, e);
      t = a + bsig1_32(f) + ch32(f, g, hh) + load<u32>(k, 28) + w7; e += t; a = t + bsig0_32(b) + maj32(b, c, d);
      t = hh + bsig1_32(e) + ch32(e, f, g) + load<u32>(k, 32) + w8; d += t; hh = t + bsig0_32(a) + maj32(a, b, c);
      t = g + bsig1_32(d) + ch32(d, e, f) + load<u32>(k, 36) + w9; c += t; g = t + bsig0_32(hh) + maj32(hh, a, b);
      t = f + bsig1_32(c) + ch32(c, d, e) + load<u32>(k, 40) + w10; b += t; f = t + bsig0_32(g) + maj32(g, hh, a);
      t = e + bsig1_32(b) + ch32(b, c, d) + load<u32>(k, 44) + w11; a += t; e = t + bsig0_32(f) + maj32(f, g, hh);
      t = d + bsig1_32(a) + ch32(a, b, c) + load<u32>(k, 48) + w12; hh += t; d = t + bsig0_32(e) + maj32(e, f, g);
      t = c + bsig1_32(hh) + ch32(hh, a, b) + load<u32>(k, 52) + w13; g += t; c = t + bsig0_32(d) + maj32(d, e, f);
      t = b + bsig1_32(g) + ch32(g, hh, a) + load<u32>(k, 56) + w14; f += t; b = t + bsig0_32(c) + maj32(c, d, e);
      t = a + bsig1_32(f) + ch32(f, g, hh) + load<u32>(k, 60) + w15; e += t; a = t + bsig0_32(b) + maj32(b, c, d);
    }
    // §6.2.2 step 4.
    a += a0; b += b0; c += c0; d += d0; e += e0; f += f0; g += g0; hh += h0;
    p += 64;
  }
  store<u32>(h, a, 0); store<u32>(h, b, 4); store<u32>(h, c, 8); store<u32>(h, d, 12);
  store<u32>(h, e, 16); store<u32>(h, f, 20); store<u32>(h, g, 24); store<u32>(h, hh, 28);
}

/** Bytes in a SHA-256 context: H (32) at 0, total length as u64 at 32, pending block (64) at 64. */
export const SHA256_CTX_LEN: usize = 128;

/** Start a SHA-256 computation in ctx (SHA256_CTX_LEN bytes). */
export function sha256CtxInit(ctx: usize): void {
  memory.copy(ctx, IV256, 32);
  store<u64>(ctx, 0, 32);
}

/** Start from a saved midstate (32 bytes, native-endian words) that has absorbed `absorbed` bytes (a multiple of 64). */
export function sha256CtxResume(ctx: usize, midstate: usize, absorbed: u64): void {
  memory.copy(ctx, midstate, 32);
  store<u64>(ctx, absorbed, 32);
}

/** Set a raw 32-byte state to H(0) (for callers that keep their own midstates, like HMAC). */
export function sha256StateInit(state: usize): void {
  memory.copy(state, IV256, 32);
}

/** Absorb one 64-byte block into a raw 32-byte state (used by HMAC to precompute its pad midstates). */
export function sha256Compress(state: usize, block: usize): void {
  sha256Blocks(state, block, 1);
}

/** Absorb len bytes at p. Full blocks are compressed straight from the input; only a tail is buffered. */
export function sha256CtxUpdate(ctx: usize, p: usize, len: usize): void {
  const total = load<u64>(ctx, 32);
  store<u64>(ctx, total + <u64>len, 32);
  const buf = ctx + 64;
  let have = <usize>(total & 63);
  if (have != 0) {
    let take: usize = 64 - have;
    if (take > len) take = len;
    memory.copy(buf + have, p, take);
    have += take;
    p += take;
    len -= take;
    if (have < 64) return;
    sha256Blocks(ctx, buf, 1);
  }
  const nb = len >>> 6;
  if (nb != 0) {
    sha256Blocks(ctx, p, nb);
    p += nb << 6;
    len &= 63;
  }
  if (len != 0) memory.copy(buf, p, len);
}

/** Pad (§5.1.1), write the 32-byte digest big-endian at out (§6.2.2), and wipe ctx. */
export function sha256CtxFinal(ctx: usize, out: usize): void {
  const total = load<u64>(ctx, 32);
  const buf = ctx + 64;
  let have = <usize>(total & 63);
  store<u8>(buf + have, 0x80);
  have++;
  if (have > 56) {
    memory.fill(buf + have, 0, 64 - have);
    sha256Blocks(ctx, buf, 1);
    have = 0;
  }
  memory.fill(buf + have, 0, 56 - have);
  store<u64>(buf, bswap<u64>(total << 3), 56); // message length in bits, big-endian
  sha256Blocks(ctx, buf, 1);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(out + i, bswap<u32>(load<u32>(ctx + i)));
  memory.fill(ctx, 0, SHA256_CTX_LEN); // the state may derive from a key
}

const CTX256: usize = memory.data(<i32>SHA256_CTX_LEN, 16); // the streaming API's state
const ONE256: usize = memory.data(<i32>SHA256_CTX_LEN, 16); // one-shot and hashMany scratch

/** Start the module's own SHA-256 stream (one stream; not re-entrant). */
export function sha256Init(): void {
  sha256CtxInit(CTX256);
}
/** Absorb [ptr, ptr+len) into the SHA-256 stream. */
export function sha256Update(ptr: usize, len: usize): void {
  sha256CtxUpdate(CTX256, ptr, len);
}
/** Write the stream's 32-byte digest at out and wipe the stream state. */
export function sha256Final(out: usize): void {
  sha256CtxFinal(CTX256, out);
}

/** SHA-256 of [ptr, ptr+len) into out (32 bytes). Does not touch the streaming state. */
export function sha256(ptr: usize, len: usize, out: usize): void {
  sha256CtxInit(ONE256);
  sha256CtxUpdate(ONE256, ptr, len);
  sha256CtxFinal(ONE256, out);
}

/**
 * SHA-256 of each of count messages laid end to end; lengths are little-endian u32 at lensPtr. Four messages
 * at a time in the lanes of simd128 (sha256x4 below) while at least four remain, the rest one by one.
 */
export function hashMany(dataPtr: usize, lensPtr: usize, count: u32, outPtr: usize): void {
  let i: u32 = 0;
  while (count - i >= 4) {
    for (let j: usize = 0; j < 4; j++) {
      const n = load<u32>(lensPtr + ((<usize>i + j) << 2));
      store<u32>(MSG4 + (j << 3), <u32>dataPtr);
      store<u32>(MSG4 + (j << 3), n, 4);
      dataPtr += <usize>n;
    }
    sha256x4(outPtr + (<usize>i << 5));
    i += 4;
  }
  for (; i < count; i++) {
    const n = <usize>load<u32>(lensPtr + (<usize>i << 2));
    sha256CtxInit(ONE256);
    sha256CtxUpdate(ONE256, dataPtr, n);
    sha256CtxFinal(ONE256, outPtr + (<usize>i << 5));
    dataPtr += n;
  }
  memory.fill(S4, 0, 8 * 16);
  memory.fill(W4, 0, 16 * 16);
  memory.fill(PAD4, 0, 4 * 128);
}

// ---------------------------------------------------------------------------------------------------------
// hashMany, four messages at a time: one SHA-256 per 32-bit lane of WASM simd128 (multi-buffer). The round
// function is the scalar one (§6.2.2) with u32 replaced by i32x4; each lane reads its own message's blocks.
// Messages of different lengths run max(blocks) block steps; a lane whose message has ended keeps computing
// on a dummy block but its state is not updated (masked add), so the result equals four one-by-one digests.
// Lengths are public, contents are handled in constant time as in the scalar path.
// ---------------------------------------------------------------------------------------------------------

@inline function rotr4(x: v128, n: i32): v128 {
  return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n));
}
@inline function ch4(e: v128, f: v128, g: v128): v128 {
  return v128.xor(g, v128.and(e, v128.xor(f, g)));
}
@inline function maj4(a: v128, b: v128, c: v128): v128 {
  return v128.or(v128.and(a, b), v128.and(c, v128.or(a, b)));
}
@inline function bsig0_4(x: v128): v128 {
  return v128.xor(v128.xor(rotr4(x, 2), rotr4(x, 13)), rotr4(x, 22));
}
@inline function bsig1_4(x: v128): v128 {
  return v128.xor(v128.xor(rotr4(x, 6), rotr4(x, 11)), rotr4(x, 25));
}
@inline function ssig0_4(x: v128): v128 {
  return v128.xor(v128.xor(rotr4(x, 7), rotr4(x, 18)), i32x4.shr_u(x, 3));
}
@inline function ssig1_4(x: v128): v128 {
  return v128.xor(v128.xor(rotr4(x, 17), rotr4(x, 19)), i32x4.shr_u(x, 10));
}
/** W_t + σ1(W_{t-2}) + W_{t-7} + σ0(W_{t-15}) (§6.2.2 step 1, 16-word window). */
@inline function sched4(w: v128, w14: v128, w9: v128, w1: v128): v128 {
  return i32x4.add(i32x4.add(w, ssig1_4(w14)), i32x4.add(w9, ssig0_4(w1)));
}
/** T1 = h + Σ1(e) + Ch(e,f,g) + K_t + W_t (§6.2.2 step 3). */
@inline function t1_4(h: v128, e: v128, f: v128, g: v128, k: usize, w: v128): v128 {
  return i32x4.add(i32x4.add(i32x4.add(h, bsig1_4(e)), i32x4.add(ch4(e, f, g), v128.load32_splat(k))), w);
}
/** T2 = Σ0(a) + Maj(a,b,c). */
@inline function t2_4(a: v128, b: v128, c: v128): v128 {
  return i32x4.add(bsig0_4(a), maj4(a, b, c));
}

/** Four lanes' states (8 x v128: word i of each lane), the interleaved block (16 x v128), per-lane scratch. */
const S4: usize = memory.data(8 * 16, 16);
const W4: usize = memory.data(16 * 16, 16);
const PAD4: usize = memory.data(4 * 128, 16); // each lane's padded tail (up to two blocks)
const MSG4: usize = memory.data(4 * 8, 8); //    per lane: message pointer, length (u32 each)

/** Compress the interleaved block at W4 into S4, in the lanes where mask is all ones. §6.2.2. */
function sha256x4Block(mask: v128): void {
  let a = v128.load(S4, 0), b = v128.load(S4, 16), c = v128.load(S4, 32), d = v128.load(S4, 48);
  let e = v128.load(S4, 64), f = v128.load(S4, 80), g = v128.load(S4, 96), hh = v128.load(S4, 112);
  const a0 = a, b0 = b, c0 = c, d0 = d, e0 = e, f0 = f, g0 = g, h0 = hh;
  let w0 = v128.load(W4, 0), w1 = v128.load(W4, 16), w2 = v128.load(W4, 32), w3 = v128.load(W4, 48);
  let w4 = v128.load(W4, 64), w5 = v128.load(W4, 80), w6 = v128.load(W4, 96), w7 = v128.load(W4, 112);
  let w8 = v128.load(W4, 128), w9 = v128.load(W4, 144), w10 = v128.load(W4, 160), w11 = v128.load(W4, 176);
  let w12 = v128.load(W4, 192), w13 = v128.load(W4, 208), w14 = v128.load(W4, 224), w15 = v128.load(W4, 240);
  let t: v128;
  for (let r: usize = 0; r < 64; r += 16) {
    if (r != 0) {
      w0 = sched4(w0, w14, w9, w1);
      w1 = sched4(w1, w15, w10, w2);
      w2 = sched4(w2, w0, w11, w3);
      w3 = sched4(w3, w1, w12, w4);
      w4 = sched4(w4, w2, w13, w5);
      w5 = sched4(w5, w3, w14, w6);
      w6 = sched4(w6, w4, w15, w7);
      w7 = sched4(w7, w5, w0, w8);
      w8 = sched4(w8, w6, w1, w9);
      w9 = sched4(w9, w7, w2, w10);
      w10 = sched4(w10, w8, w3, w11);
      w11 = sched4(w11, w9, w4, w12);
      w12 = sched4(w12, w10, w5, w13);
      w13 = sched4(w13, w11, w6, w14);
      w14 = sched4(w14, w12, w7, w15);
      w15 = sched4(w15, w13, w8, w0);
    }
    const k = K256 + (r << 2);
    t = t1_4(hh, e, f, g, k, w0); d = i32x4.add(d, t); hh = i32x4.add(t, t2_4(a, b, c));
    t = t1_4(g, d, e, f, k + 4, w1); c = i32x4.add(c, t); g = i32x4.add(t, t2_4(hh, a, b));
    t = t1_4(f, c, d, e, k + 8, w2); b = i32x4.add(b, t); f = i32x4.add(t, t2_4(g, hh, a));
    t = t1_4(e, b, c, d, k + 12, w3); a = i32x4.add(a, t); e = i32x4.add(t, t2_4(f, g, hh));
    t = t1_4(d, a, b, c, k + 16, w4); hh = i32x4.add(hh, t); d = i32x4.add(t, t2_4(e, f, g));
    t = t1_4(c, hh, a, b, k + 20, w5); g = i32x4.add(g, t); c = i32x4.add(t, t2_4(d, e, f));
    t = t1_4(b, g, hh, a, k + 24, w6); f = i32x4.add(f, t); b = i32x4.add(t, t2_4(c, d, e));
    t = t1_4(a, f, g, hh, k + 28, w7); e = i32x4.add(e, t); a = i32x4.add(t, t2_4(b, c, d));
    t = t1_4(hh, e, f, g, k + 32, w8); d = i32x4.add(d, t); hh = i32x4.add(t, t2_4(a, b, c));
    t = t1_4(g, d, e, f, k + 36, w9); c = i32x4.add(c, t); g = i32x4.add(t, t2_4(hh, a, b));
    t = t1_4(f, c, d, e, k + 40, w10); b = i32x4.add(b, t); f = i32x4.add(t, t2_4(g, hh, a));
    t = t1_4(e, b, c, d, k + 44, w11); a = i32x4.add(a, t); e = i32x4.add(t, t2_4(f, g, hh));
    t = t1_4(d, a, b, c, k + 48, w12); hh = i32x4.add(hh, t); d = i32x4.add(t, t2_4(e, f, g));
    t = t1_4(c, hh, a, b, k + 52, w13); g = i32x4.add(g, t); c = i32x4.add(t, t2_4(d, e, f));
    t = t1_4(b, g, hh, a, k + 56, w14); f = i32x4.add(f, t); b = i32x4.add(t, t2_4(c, d, e));
    t = t1_4(a, f, g, hh, k + 60, w15); e = i32x4.add(e, t); a = i32x4.add(t, t2_4(b, c, d));
  }
  // §6.2.2 step 4, only in the lanes whose message still has this block.
  v128.store(S4, i32x4.add(a0, v128.and(a, mask)), 0);
  v128.store(S4, i32x4.add(b0, v128.and(b, mask)), 16);
  v128.store(S4, i32x4.add(c0, v128.and(c, mask)), 32);
  v128.store(S4, i32x4.add(d0, v128.and(d, mask)), 48);
  v128.store(S4, i32x4.add(e0, v128.and(e, mask)), 64);
  v128.store(S4, i32x4.add(f0, v128.and(f, mask)), 80);
  v128.store(S4, i32x4.add(g0, v128.and(g, mask)), 96);
  v128.store(S4, i32x4.add(h0, v128.and(hh, mask)), 112);
}

/** Padded blocks of an n-byte message (§5.1.1: n + 1 + 8 bytes rounded up to 64). */
@inline function blocks256(n: usize): usize {
  return ((n + 8) >>> 6) + 1;
}

/** SHA-256 of the four messages described at MSG4 into out + 32 j (lane j). */
function sha256x4(out: usize): void {
  let nbMax: usize = 0;
  for (let j: usize = 0; j < 4; j++) {
    const n = <usize>load<u32>(MSG4 + (j << 3), 4);
    const nb = blocks256(n);
    if (nb > nbMax) nbMax = nb;
    // The tail: the bytes after the last full block, 0x80, zeros, the bit length (§5.1.1), in PAD4 + 128 j.
    const full = n & ~(<usize>63);
    const pad = PAD4 + (j << 7);
    memory.fill(pad, 0, 128);
    memory.copy(pad, <usize>load<u32>(MSG4 + (j << 3)) + full, n - full);
    store<u8>(pad + (n - full), 0x80);
    store<u64>(pad + ((nb << 6) - full) - 8, bswap<u64>(<u64>n << 3));
    for (let i: usize = 0; i < 8; i++) store<u32>(S4 + (i << 4) + (j << 2), load<u32>(IV256 + (i << 2)));
  }
  for (let blk: usize = 0; blk < nbMax; blk++) {
    const off = blk << 6;
    for (let j: usize = 0; j < 4; j++) {
      const m = <usize>load<u32>(MSG4 + (j << 3));
      const n = <usize>load<u32>(MSG4 + (j << 3), 4);
      const full = n & ~(<usize>63);
      // A full block of the message, or the padded tail (a finished lane reads its tail again: masked out).
      let src = off < full ? m + off : PAD4 + (j << 7) + (off - full);
      if (blocks256(n) <= blk) src = PAD4 + (j << 7);
      for (let i: usize = 0; i < 16; i++) store<u32>(W4 + (i << 4) + (j << 2), bswap<u32>(load<u32>(src + (i << 2))));
    }
    const bv = i32x4.splat(<i32>blk);
    let nbv = i32x4.splat(<i32>blocks256(<usize>load<u32>(MSG4, 4)));
    nbv = i32x4.replace_lane(nbv, 1, <i32>blocks256(<usize>load<u32>(MSG4, 12)));
    nbv = i32x4.replace_lane(nbv, 2, <i32>blocks256(<usize>load<u32>(MSG4, 20)));
    nbv = i32x4.replace_lane(nbv, 3, <i32>blocks256(<usize>load<u32>(MSG4, 28)));
    sha256x4Block(i32x4.lt_s(bv, nbv));
  }
  for (let j: usize = 0; j < 4; j++) {
    for (let i: usize = 0; i < 8; i++) store<u32>(out + (j << 5) + (i << 2), bswap<u32>(load<u32>(S4 + (i << 4) + (j << 2))));
  }
}

// ---------------------------------------------------------------------------------------------------------
// SHA-512 (FIPS 180-4 §4.1.3, §4.2.3, §5.3.5, §6.4)
// ---------------------------------------------------------------------------------------------------------

/** FIPS 180-4 §4.2.3: first 64 bits of the fractional parts of the cube roots of the first 80 primes. */
const K512: usize = memory.data<u64>([
  0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
  0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
  0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
  0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
  0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
  0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
  0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
  0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
  0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
  0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
  0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
  0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
  0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
  0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
  0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
  0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
  0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
  0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
  0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
  0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
]);

/** FIPS 180-4 §5.3.5: initial hash value H(0). */
const IV512: usize = memory.data<u64>([
  0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
  0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
]);

@inline function ch64(e: u64, f: u64, g: u64): u64 {
  return g ^ (e & (f ^ g));
}
@inline function maj64(a: u64, b: u64, c: u64): u64 {
  return (a & b) | (c & (a | b));
}
@inline function bsig0_64(x: u64): u64 {
  return rotr<u64>(x, 28) ^ rotr<u64>(x, 34) ^ rotr<u64>(x, 39);
}
@inline function bsig1_64(x: u64): u64 {
  return rotr<u64>(x, 14) ^ rotr<u64>(x, 18) ^ rotr<u64>(x, 41);
}
@inline function ssig0_64(x: u64): u64 {
  return rotr<u64>(x, 1) ^ rotr<u64>(x, 8) ^ (x >>> 7);
}
@inline function ssig1_64(x: u64): u64 {
  return rotr<u64>(x, 19) ^ rotr<u64>(x, 61) ^ (x >>> 6);
}
@inline function be64(p: usize, o: usize): u64 {
  return bswap<u64>(load<u64>(p + o));
}

/** Compress n 128-byte blocks at p into the state (8 native-endian u64 at h). §6.4.2; same layout as SHA-256. */
function sha512Blocks(h: usize, p: usize, n: usize): void {
  let a = load<u64>(h, 0), b = load<u64>(h, 8), c = load<u64>(h, 16), d = load<u64>(h, 24);
  let e = load<u64>(h, 32), f = load<u64>(h, 40), g = load<u64>(h, 48), hh = load<u64>(h, 56);
  while (n--) {
    const a0 = a, b0 = b, c0 = c, d0 = d, e0 = e, f0 = f, g0 = g, h0 = hh;
    let w0 = be64(p, 0), w1 = be64(p, 8), w2 = be64(p, 16), w3 = be64(p, 24);
    let w4 = be64(p, 32), w5 = be64(p, 40), w6 = be64(p, 48), w7 = be64(p, 56);
    let w8 = be64(p, 64), w9 = be64(p, 72), w10 = be64(p, 80), w11 = be64(p, 88);
    let w12 = be64(p, 96), w13 = be64(p, 104), w14 = be64(p, 112), w15 = be64(p, 120);
    let t: u64;
    for (let r: usize = 0; r < 80; r += 16) {
      if (r != 0) {
        // §6.4.2 step 1.
        w0 += ssig1_64(w14) + w9 + ssig0_64(w1);
        w1 += ssig1_64(w15) + w10 + ssig0_64(w2);
        w2 += ssig1_64(w0) + w11 + ssig0_64(w3);
        w3 += ssig1_64(w1) + w12 + ssig0_64(w4);
        w4 += ssig1_64(w2) + w13 + ssig0_64(w5);
        w5 += ssig1_64(w3) + w14 + ssig0_64(w6);
        w6 += ssig1_64(w4) + w15 + ssig0_64(w7);
        w7 += ssig1_64(w5) + w0 + ssig0_64(w8);
        w8 += ssig1_64(w6) + w1 + ssig0_64(w9);
        w9 += ssig1_64(w7) + w2 + ssig0_64(w10);
        w10 += ssig1_64(w8) + w3 + ssig0_64(w11);
        w11 += ssig1_64(w9) + w4 + ssig0_64(w12);
        w12 += ssig1_64(w10) + w5 + ssig0_64(w13);
        w13 += ssig1_64(w11) + w6 + ssig0_64(w14);
        w14 += ssig1_64(w12) + w7 + ssig0_64(w15);
        w15 += ssig1_64(w13) + w8 + ssig0_64(w0);
      }
      // §6.4.2 step 3.
      const k = K512 + (r << 3);
      t = hh + bsig1_64(e) + ch64(e, f, g) + load<u64>(k, 0) + w0; d += t; hh = t + bsig0_64(a) + maj64(a, b, c);
      t = g + bsig1_64(d) + ch64(d, e, f) + load<u64>(k, 8) + w1; c += t; g = t + bsig0_64(hh) + maj64(hh, a, b);
      t = f + bsig1_64(c) + ch64(c, d, e) + load<u64>(k, 16) + w2; b += t; f = t + bsig0_64(g) + maj64(g, hh, a);
      t = e + bsig1_64(b) + ch64(b, c, d) + load<u64>(k, 24) + w3; a += t; e = t + bsig0_64(f) + maj64(f, g, hh);
      t = d + bsig1_64(a) + ch64(a, b, c) + load<u64>(k, 32) + w4; hh += t; d = t + bsig0_64(e) + maj64(e, f, g);
      t = c + bsig1_64(hh) + ch64(hh, a, b) + load<u64>(k, 40) + w5; g += t; c = t + bsig0_64(d) + maj64(d, e, f);
      t = b + bsig1_64(g) + ch64(g, hh, a) + load<u64>(k, 48) + w6; f += t; b = t + bsig0_64(c) + maj64(c, d, e);
      t = a + bsig1_64(f) + ch64(f, g, hh) + load<u64>(k, 56) + w7; e += t; a = t + bsig0_64(b) + maj64(b, c, d);
      t = hh + bsig1_64(e) + ch64(e, f, g) + load<u64>(k, 64) + w8; d += t; hh = t + bsig0_64(a) + maj64(a, b, c);
      t = g + bsig1_64(d) + ch64(d, e, f) + load<u64>(k, 72) + w9; c += t; g = t + bsig0_64(hh) + maj64(hh, a, b);
      t = f + bsig1_64(c) + ch64(c, d, e) + load<u64>(k, 80) + w10; b += t; f = t + bsig0_64(g) + maj64(g, hh, a);
      t = e + bsig1_64(b) + ch64(b, c, d) + load<u64>(k, 88) + w11; a += t; e = t + bsig0_64(f) + maj64(f, g, hh);
      t = d + bsig1_64(a) + ch64(a, b, c) + load<u64>(k, 96) + w12; hh += t; d = t + bsig0_64(e) + maj64(e, f, g);
      t = c + bsig1_64(hh) + ch64(hh, a, b) + load<u64>(k, 104) + w13; g += t; c = t + bsig0_64(d) + maj64(d, e, f);
      t = b + bsig1_64(g) + ch64(g, hh, a) + load<u64>(k, 112) + w14; f += t; b = t + bsig0_64(c) + maj64(c, d, e);
      t = a + bsig1_64(f) + ch64(f, g, hh) + load<u64>(k, 120) + w15; e += t; a = t + bsig0_64(b) + maj64(b, c, d);
    }
    a += a0; b += b0; c += c0; d += d0; e += e0; f += f0; g += g0; hh += h0;
    p += 128;
  }
  store<u64>(h, a, 0); store<u64>(h, b, 8); store<u64>(h, c, 16); store<u64>(h, d, 24);
  store<u64>(h, e, 32); store<u64>(h, f, 40); store<u64>(h, g, 48); store<u64>(h, hh, 56);
}

/** Bytes in a SHA-512 context: H (64) at 0, total length as u64 at 64, pending block (128) at 128. */
export const SHA512_CTX_LEN: usize = 256;

/** Start a SHA-512 computation in ctx (SHA512_CTX_LEN bytes). */
export function sha512CtxInit(ctx: usize): void {
  memory.copy(ctx, IV512, 64);
  store<u64>(ctx, 0, 64);
}

/** Absorb len bytes at p; full blocks are compressed straight from the input. */
export function sha512CtxUpdate(ctx: usize, p: usize, len: usize): void {
  const total = load<u64>(ctx, 64);
  store<u64>(ctx, total + <u64>len, 64);
  const buf = ctx + 128;
  let have = <usize>(total & 127);
  if (have != 0) {
    let take: usize = 128 - have;
    if (take > len) take = len;
    memory.copy(buf + have, p, take);
    have += take;
    p += take;
    len -= take;
    if (have < 128) return;
    sha512Blocks(ctx, buf, 1);
  }
  const nb = len >>> 7;
  if (nb != 0) {
    sha512Blocks(ctx, p, nb);
    p += nb << 7;
    len &= 127;
  }
  if (len != 0) memory.copy(buf, p, len);
}

/** Pad (§5.1.2: 0x80, zeros, 128-bit big-endian bit length), write 64 bytes at out, wipe ctx. */
export function sha512CtxFinal(ctx: usize, out: usize): void {
  const total = load<u64>(ctx, 64);
  const buf = ctx + 128;
  let have = <usize>(total & 127);
  store<u8>(buf + have, 0x80);
  have++;
  if (have > 112) {
    memory.fill(buf + have, 0, 128 - have);
    sha512Blocks(ctx, buf, 1);
    have = 0;
  }
  memory.fill(buf + have, 0, 120 - have); // includes the high 64 bits of the length, zero here
  store<u64>(buf, bswap<u64>(total << 3), 120);
  sha512Blocks(ctx, buf, 1);
  for (let i: usize = 0; i < 64; i += 8) store<u64>(out + i, bswap<u64>(load<u64>(ctx + i)));
  memory.fill(ctx, 0, SHA512_CTX_LEN);
}

const CTX512: usize = memory.data(<i32>SHA512_CTX_LEN, 16);
const ONE512: usize = memory.data(<i32>SHA512_CTX_LEN, 16);

/** Start the module's own SHA-512 stream (one stream; not re-entrant). Ed25519 uses it. */
export function sha512Init(): void {
  sha512CtxInit(CTX512);
}
/** Absorb [ptr, ptr+len) into the SHA-512 stream. */
export function sha512Update(ptr: usize, len: usize): void {
  sha512CtxUpdate(CTX512, ptr, len);
}
/** Write the stream's 64-byte digest at out and wipe the stream state. */
export function sha512Final(out: usize): void {
  sha512CtxFinal(CTX512, out);
}

/** SHA-512 of [ptr, ptr+len) into out (64 bytes). Does not touch the streaming state. */
export function sha512(ptr: usize, len: usize, out: usize): void {
  sha512CtxInit(ONE512);
  sha512CtxUpdate(ONE512, ptr, len);
  sha512CtxFinal(ONE512, out);
}

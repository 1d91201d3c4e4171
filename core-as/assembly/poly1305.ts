// Poly1305 one-time authenticator (RFC 8439 §2.5), internal to the core (used by chacha20poly1305.ts).
// Layout: poly1305-donna-32 — the accumulator h and the key r in five 26-bit limbs, products in u64 (i64).
//
// Constant-time: fixed limb loops, carries by shifts and masks, the final reduction mod 2^130 - 5 by a
// masked select; no branch, memory index or table lookup on the key, the accumulator or the message
// bytes. Branches depend only on lengths (public).
//
// Internal API (one state, not re-entrant; the AEAD drives it start to finish within one call):
//   poly1305Init(key32)            r <- clamp(key[0..16]), s <- key[16..32], h <- 0   (§2.5.1)
//   poly1305Padded(m, len)         absorbs m zero-padded to a multiple of 16 bytes, every block with
//                                  the 2^128 bit set: exactly the pad16() of RFC 8439 §2.8.
//   poly1305Finish(out16)          writes the tag and wipes the state.

const MASK26: u32 = 0x3ffffff;

/** State: r0..r4 at 0, h0..h4 at 20, s (pad) at 40. Secret: wiped by poly1305Finish. */
const ST: usize = memory.data(56);
/** One zero-padded block for a message tail (§2.8 pad16). Secret (plaintext or ciphertext bytes): wiped. */
const BLK: usize = memory.data(16);

/** §2.5.1: r is clamped (top four bits of bytes 3, 7, 11, 15 and bottom two of 4, 8, 12 cleared), s kept. */
export function poly1305Init(key: usize): void {
  store<u32>(ST, load<u32>(key, 0) & 0x3ffffff, 0);
  store<u32>(ST, (load<u32>(key, 3) >> 2) & 0x3ffff03, 4);
  store<u32>(ST, (load<u32>(key, 6) >> 4) & 0x3ffc0ff, 8);
  store<u32>(ST, (load<u32>(key, 9) >> 6) & 0x3f03fff, 12);
  store<u32>(ST, (load<u32>(key, 12) >> 8) & 0x00fffff, 16);
  memory.fill(ST + 20, 0, 20);
  memory.copy(ST + 40, key + 16, 16);
}

/** Absorbs `n` whole 16-byte blocks at m, each with the 2^128 bit set (§2.5.1: "add one bit beyond"). */
function blocks(m: usize, n: usize): void {
  const r0 = load<u32>(ST, 0), r1 = load<u32>(ST, 4), r2 = load<u32>(ST, 8), r3 = load<u32>(ST, 12), r4 = load<u32>(ST, 16);
  // Clamping keeps r1..r4 < 2^26 with the low two bits of bytes 4, 8, 12 clear, so 5*r fits and every
  // sum of five 52-bit products stays below 2^64 (donna-32's bound).
  const s1: u64 = <u64>(r1 * 5), s2: u64 = <u64>(r2 * 5), s3: u64 = <u64>(r3 * 5), s4: u64 = <u64>(r4 * 5);
  const R0: u64 = r0, R1: u64 = r1, R2: u64 = r2, R3: u64 = r3, R4: u64 = r4;
  let h0 = load<u32>(ST, 20), h1 = load<u32>(ST, 24), h2 = load<u32>(ST, 28), h3 = load<u32>(ST, 32), h4 = load<u32>(ST, 36);
  while (n > 0) {
    // h += m (little-endian 130-bit number with the 2^128 bit).
    h0 += load<u32>(m, 0) & MASK26;
    h1 += (load<u32>(m, 3) >> 2) & MASK26;
    h2 += (load<u32>(m, 6) >> 4) & MASK26;
    h3 += (load<u32>(m, 9) >> 6) & MASK26;
    h4 += (load<u32>(m, 12) >> 8) | (1 << 24);
    // h *= r mod 2^130 - 5: limbs above 2^130 fold back multiplied by 5 (the s_i = 5 r_i).
    const H0: u64 = h0, H1: u64 = h1, H2: u64 = h2, H3: u64 = h3, H4: u64 = h4;
    let d0 = H0 * R0 + H1 * s4 + H2 * s3 + H3 * s2 + H4 * s1;
    let d1 = H0 * R1 + H1 * R0 + H2 * s4 + H3 * s3 + H4 * s2;
    let d2 = H0 * R2 + H1 * R1 + H2 * R0 + H3 * s4 + H4 * s3;
    let d3 = H0 * R3 + H1 * R2 + H2 * R1 + H3 * R0 + H4 * s4;
    let d4 = H0 * R4 + H1 * R3 + H2 * R2 + H3 * R1 + H4 * R0;
    // Partial carry propagation: h stays below 2^131 between blocks, enough for the next products.
    d1 += d0 >> 26; h0 = <u32>d0 & MASK26;
    d2 += d1 >> 26; h1 = <u32>d1 & MASK26;
    d3 += d2 >> 26; h2 = <u32>d2 & MASK26;
    d4 += d3 >> 26; h3 = <u32>d3 & MASK26;
    const c = <u32>(d4 >> 26); h4 = <u32>d4 & MASK26;
    h0 += c * 5;
    h1 += h0 >> 26; h0 &= MASK26;
    m += 16;
    n--;
  }
  store<u32>(ST, h0, 20); store<u32>(ST, h1, 24); store<u32>(ST, h2, 28); store<u32>(ST, h3, 32); store<u32>(ST, h4, 36);
}

/** Absorbs m[0..len) followed by zeros up to a multiple of 16 (RFC 8439 §2.8 pad16). */
export function poly1305Padded(m: usize, len: usize): void {
  const full = len >> 4;
  if (full > 0) blocks(m, full);
  const rest = len & 15;
  if (rest > 0) {
    memory.fill(BLK, 0, 16);
    memory.copy(BLK, m + (full << 4), rest);
    blocks(BLK, 1);
    memory.fill(BLK, 0, 16);
  }
}

/** §2.5.1: tag = (h mod 2^130 - 5) + s mod 2^128, little-endian. Wipes the state (the one-time key). */
export function poly1305Finish(out: usize): void {
  let h0 = load<u32>(ST, 20), h1 = load<u32>(ST, 24), h2 = load<u32>(ST, 28), h3 = load<u32>(ST, 32), h4 = load<u32>(ST, 36);
  // Full carry propagation. donna-32 does one pass, which can leave h1 = 2^26; a second pass (once per
  // message, so free) leaves every limb below 2^26 and h < 2^130, so one conditional subtraction of p
  // fully reduces it and the repacking below never has overlapping bits.
  for (let i = 0; i < 2; i++) {
    h2 += h1 >> 26; h1 &= MASK26;
    h3 += h2 >> 26; h2 &= MASK26;
    h4 += h3 >> 26; h3 &= MASK26;
    h0 += (h4 >> 26) * 5; h4 &= MASK26;
    h1 += h0 >> 26; h0 &= MASK26;
  }
  // g = h + 5 - 2^130; if g does not borrow, h >= p and h - p = g is the reduced value.
  let g0 = h0 + 5; let c = g0 >> 26; g0 &= MASK26;
  let g1 = h1 + c; c = g1 >> 26; g1 &= MASK26;
  let g2 = h2 + c; c = g2 >> 26; g2 &= MASK26;
  let g3 = h3 + c; c = g3 >> 26; g3 &= MASK26;
  let g4 = h4 + c - (1 << 26);
  // Select by mask, not by branch: mask = all ones when g4 did not borrow (top bit clear).
  const mask: u32 = (g4 >> 31) - 1;
  const keep = ~mask;
  h0 = (h0 & keep) | (g0 & mask);
  h1 = (h1 & keep) | (g1 & mask);
  h2 = (h2 & keep) | (g2 & mask);
  h3 = (h3 & keep) | (g3 & mask);
  h4 = (h4 & keep) | (g4 & mask);
  // Repack into four 32-bit words (mod 2^128) and add s with carries.
  const w0 = h0 | (h1 << 26);
  const w1 = (h1 >> 6) | (h2 << 20);
  const w2 = (h2 >> 12) | (h3 << 14);
  const w3 = (h3 >> 18) | (h4 << 8);
  let f: u64 = <u64>w0 + <u64>load<u32>(ST, 40);
  store<u32>(out, <u32>f, 0);
  f = <u64>w1 + <u64>load<u32>(ST, 44) + (f >> 32);
  store<u32>(out, <u32>f, 4);
  f = <u64>w2 + <u64>load<u32>(ST, 48) + (f >> 32);
  store<u32>(out, <u32>f, 8);
  f = <u64>w3 + <u64>load<u32>(ST, 52) + (f >> 32);
  store<u32>(out, <u32>f, 12);
  // r and s are the one-time key: wipe them with the accumulator.
  memory.fill(ST, 0, 56);
}

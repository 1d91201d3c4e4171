// AES-128-GCM (FIPS 197, NIST SP 800-38D), constant-time (bitsliced AES in aes.ts, ctmul GHASH in ghash.ts).
// Public ABI (nonce is 12 bytes, key 16 bytes, tag 16 bytes; out must not overlap the inputs):
//   aes128gcmSeal(key, nonce, aad, aadLen, pt, ptLen, out): writes ptLen + 16 bytes (ciphertext || tag).
//   aes128gcmOpen(key, nonce, aad, aadLen, ct, ctLen, out): ctLen includes the tag (>= 16, checked by JS);
//     returns 1 and writes ctLen - 16 bytes of plaintext when the tag verifies (compared in constant time),
//     else returns 0 and writes nothing.
//
// Both functions are constant-time in the key, the nonce, the plaintext and the tag: AES runs as a bitsliced
// circuit four blocks at a time (no S-box table), GHASH multiplies with integer multiplications on "holed"
// operands (no table indexed by H or data), and the tag comparison OR-accumulates all 16 bytes with no early
// exit. The only branches are on lengths (public) and, in Open, on the comparison's verdict (which the caller
// learns anyway). Open authenticates before it decrypts: no plaintext reaches `out` unless the tag verifies.
// The key schedule is computed per call (no key cache survives a call); the round keys, H, E_K(J0), the
// computed tag, counter blocks and keystream are wiped before each function returns.

import { AES128_SK_LEN, aes128Schedule, aes128Encrypt4, aesWipe } from './aes';
import { ghashInit, ghashUpdate, ghashFinish, ghashWipe } from './ghash';

/** Bitsliced round keys (704 bytes). Secret: wiped. */
const SK: usize = memory.data(<i32>AES128_SK_LEN, 16);
/** Four counter blocks (input of CIPH_K). The nonce is public but wiped with the rest for hygiene. */
const CB: usize = memory.data(64, 16);
/** Four keystream blocks (output of CIPH_K): the first call also yields H and E_K(J0). Secret: wiped. */
const KS: usize = memory.data(64, 16);
/** E_K(J0), the tag mask (§7.1 step 6), then the tag computed by Open. Secret: wiped. */
const TM: usize = memory.data(16, 16);
const TAG: usize = memory.data(16, 16);

/** Fill the four counter blocks: nonce || [ctr + i]32 big-endian (§7.1 step 2: J0 = IV || 0^31 || 1). */
@inline
function setCounters(ctr: u32): void {
  store<u32>(CB, bswap<u32>(ctr), 12);
  store<u32>(CB, bswap<u32>(ctr + 1), 28);
  store<u32>(CB, bswap<u32>(ctr + 2), 44);
  store<u32>(CB, bswap<u32>(ctr + 3), 60);
}

/**
 * Key schedule, then one four-block call giving H = CIPH_K(0^128) (§6.4) and E_K(J0) (§7.1 step 6), and
 * the nonce copied into all four counter blocks for the CTR pass.
 */
function setup(key: usize, nonce: usize): void {
  aes128Schedule(key, SK);
  memory.fill(CB, 0, 64);
  // Block 0 stays all zero (for H); block 1 is J0 = IV || 0^31 || 1 (§7.1 step 2, 96-bit IV).
  memory.copy(CB + 16, nonce, 12);
  store<u32>(CB, bswap<u32>(1), 28);
  aes128Encrypt4(SK, CB, KS);
  ghashInit(KS);
  memory.copy(TM, KS + 16, 16);
  memory.copy(CB, nonce, 12);
  memory.copy(CB + 32, nonce, 12);
  memory.copy(CB + 48, nonce, 12);
}

/**
 * GCTR_K(inc32(J0), src) (§6.5) into dst: counter blocks from 2 on, four at a time. inc32 wraps modulo 2^32
 * (§6.2), as u32 arithmetic does.
 */
function gctr(src: usize, dst: usize, len: usize): void {
  let ctr: u32 = 2;
  while (len >= 64) {
    setCounters(ctr);
    aes128Encrypt4(SK, CB, KS);
    for (let i: usize = 0; i < 64; i += 8) store<u64>(dst + i, load<u64>(src + i) ^ load<u64>(KS + i));
    src += 64;
    dst += 64;
    len -= 64;
    ctr += 4;
  }
  if (len > 0) {
    // §6.5 step 7: the last partial block uses the most significant bits of its keystream block.
    setCounters(ctr);
    aes128Encrypt4(SK, CB, KS);
    for (let i: usize = 0; i < len; i++) store<u8>(dst + i, load<u8>(src + i) ^ load<u8>(KS + i));
  }
}

/** Zero every secret scratch buffer of this file, aes.ts and ghash.ts. */
function wipe(): void {
  memory.fill(SK, 0, AES128_SK_LEN);
  memory.fill(CB, 0, 64);
  memory.fill(KS, 0, 64);
  memory.fill(TM, 0, 16);
  memory.fill(TAG, 0, 16);
  aesWipe();
  ghashWipe();
}

/** SP 800-38D §7.1 GCM-AE_K(IV, P, A) with a 96-bit IV and a 128-bit tag. Constant-time. */
export function aes128gcmSeal(key: usize, nonce: usize, aad: usize, aadLen: usize, pt: usize, ptLen: usize, out: usize): void {
  setup(key, nonce);
  gctr(pt, out, ptLen); // §7.1 step 3: C = GCTR_K(inc32(J0), P)
  // §7.1 steps 5-6: S = GHASH_H(A || 0^v || C || 0^u || [len(A)]64 || [len(C)]64); T = MSB_t(GCTR_K(J0, S)).
  ghashUpdate(aad, aadLen);
  ghashUpdate(out, ptLen);
  const t = out + ptLen;
  ghashFinish(aadLen, ptLen, t);
  store<u64>(t, load<u64>(t, 0) ^ load<u64>(TM, 0), 0);
  store<u64>(t, load<u64>(t, 8) ^ load<u64>(TM, 8), 8);
  wipe();
}

/**
 * SP 800-38D §7.2 GCM-AD_K(IV, C, A, T) with a 96-bit IV and a 128-bit tag. Constant-time; the tag is checked
 * (§7.2 step 8) before anything is decrypted, so a forged message leaves `out` untouched.
 */
export function aes128gcmOpen(key: usize, nonce: usize, aad: usize, aadLen: usize, ct: usize, ctLen: usize, out: usize): i32 {
  const n = ctLen - 16;
  setup(key, nonce);
  ghashUpdate(aad, aadLen);
  ghashUpdate(ct, n);
  ghashFinish(aadLen, n, TAG);
  // Constant-time comparison of T' = S xor E_K(J0) with T: OR of the XORs of both u64 halves, no early exit.
  const d = (load<u64>(TAG, 0) ^ load<u64>(TM, 0) ^ load<u64>(ct + n, 0))
    | (load<u64>(TAG, 8) ^ load<u64>(TM, 8) ^ load<u64>(ct + n, 8));
  // ok = 1 iff d == 0, without a data-dependent branch: (d | -d) has its top bit set iff d != 0.
  const ok = <i32>(((d | (0 - d)) >> 63) ^ 1);
  if (ok != 0) gctr(ct, out, n); // the verdict is public: the caller learns it from the return value
  wipe();
  return ok;
}

// ChaCha20-Poly1305 AEAD (RFC 8439 §2.8), constant-time.
// Public ABI (key 32 bytes, nonce 12, tag 16; out must not overlap the inputs):
//   chacha20poly1305Seal(key, nonce, aad, aadLen, pt, ptLen, out): writes ptLen + 16 bytes (ciphertext || tag).
//   chacha20poly1305Open(key, nonce, aad, aadLen, ct, ctLen, out): ctLen includes the tag (>= 16, checked by JS);
//     returns 1 and writes the plaintext when the tag verifies (constant-time compare), else returns 0, writes nothing.
//
// Both functions are constant-time in the key, the nonce, the plaintext and the tag: ChaCha20 (chacha20.ts) is
// pure ARX, Poly1305 (poly1305.ts) uses fixed limb arithmetic with masked reduction, and the tag comparison is
// an OR-accumulate over all 16 bytes with no early exit. The only branches are on lengths (public) and, in
// Open, on the comparison's final verdict (which the caller learns anyway). Open authenticates the ciphertext
// before it decrypts anything: no plaintext reaches `out` unless the tag verifies.
// Secret scratch (the one-time Poly1305 key, the expected tag, the Poly1305 state, keystream tails) is wiped
// before each function returns.

import { chacha20Xor } from './chacha20';
import { poly1305Init, poly1305Padded, poly1305Finish } from './poly1305';

/** One-time Poly1305 key (32 bytes), then the 16-byte length block. Secret (the key half): wiped. */
const OTK: usize = memory.data(32);
const LENS: usize = memory.data(16);
/** The tag computed by Open, compared against the received one. Secret until the verdict: wiped. */
const TAG: usize = memory.data(16);
const ZERO32: usize = memory.data(32);

/** §2.6: the Poly1305 key is the first 32 bytes of ChaCha20 block 0 for (key, nonce). */
@inline
function polyKey(key: usize, nonce: usize): void {
  chacha20Xor(key, 0, nonce, ZERO32, OTK, 32);
  poly1305Init(OTK);
  memory.fill(OTK, 0, 32);
}

/** §2.8: mac_data = aad || pad16 || ct || pad16 || le64(aadLen) || le64(ctLen); tag -> out. */
@inline
function polyAead(aad: usize, aadLen: usize, ct: usize, ctLen: usize, out: usize): void {
  poly1305Padded(aad, aadLen);
  poly1305Padded(ct, ctLen);
  store<u64>(LENS, <u64>aadLen, 0);
  store<u64>(LENS, <u64>ctLen, 8);
  poly1305Padded(LENS, 16);
  poly1305Finish(out);
}

/** RFC 8439 §2.8 AEAD_CHACHA20_POLY1305 encryption. Constant-time. See the file header for the ABI. */
export function chacha20poly1305Seal(key: usize, nonce: usize, aad: usize, aadLen: usize, pt: usize, ptLen: usize, out: usize): void {
  polyKey(key, nonce);
  // §2.8: the plaintext is encrypted with ChaCha20 from block counter 1.
  chacha20Xor(key, 1, nonce, pt, out, ptLen);
  polyAead(aad, aadLen, out, ptLen, out + ptLen);
}

/** RFC 8439 §2.8 AEAD_CHACHA20_POLY1305 decryption. Constant-time; verifies before it decrypts. */
export function chacha20poly1305Open(key: usize, nonce: usize, aad: usize, aadLen: usize, ct: usize, ctLen: usize, out: usize): i32 {
  if (ctLen < 16) return 0; // the JS face checks this too; a length is public, so the branch is safe.
  const n = ctLen - 16;
  polyKey(key, nonce);
  polyAead(aad, aadLen, ct, n, TAG);
  // Constant-time comparison: OR of the XORs of all 16 bytes (two u64 words), no early exit.
  const d = (load<u64>(TAG, 0) ^ load<u64>(ct + n, 0)) | (load<u64>(TAG, 8) ^ load<u64>(ct + n, 8));
  memory.fill(TAG, 0, 16);
  // ok = 1 iff d == 0, without a data-dependent branch: (d | -d) has its top bit set iff d != 0.
  const ok = <i32>(((d | (0 - d)) >> 63) ^ 1);
  if (ok == 0) return 0; // the verdict is public: the caller is told the message is forged.
  chacha20Xor(key, 1, nonce, ct, out, n);
  return 1;
}

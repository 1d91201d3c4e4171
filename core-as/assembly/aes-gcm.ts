// AES-128-GCM (FIPS 197, NIST SP 800-38D), constant-time (bitsliced AES, ctmul GHASH).
// Public ABI (nonce is 12 bytes, key 16 bytes, tag 16 bytes; out must not overlap the inputs):
//   aes128gcmSeal(key, nonce, aad, aadLen, pt, ptLen, out): writes ptLen + 16 bytes (ciphertext || tag).
//   aes128gcmOpen(key, nonce, aad, aadLen, ct, ctLen, out): ctLen includes the tag (>= 16, checked by JS);
//     returns 1 and writes ctLen - 16 bytes of plaintext when the tag verifies (compared in constant time),
//     else returns 0 and writes nothing.
// STUB: to be implemented.

export function aes128gcmSeal(key: usize, nonce: usize, aad: usize, aadLen: usize, pt: usize, ptLen: usize, out: usize): void { unreachable(); }
export function aes128gcmOpen(key: usize, nonce: usize, aad: usize, aadLen: usize, ct: usize, ctLen: usize, out: usize): i32 { unreachable(); return 0; }

// ChaCha20-Poly1305 AEAD (RFC 8439), constant-time.
// Public ABI (key 32 bytes, nonce 12, tag 16; out must not overlap the inputs):
//   chacha20poly1305Seal(key, nonce, aad, aadLen, pt, ptLen, out): writes ptLen + 16 bytes (ciphertext || tag).
//   chacha20poly1305Open(key, nonce, aad, aadLen, ct, ctLen, out): ctLen includes the tag (>= 16, checked by JS);
//     returns 1 and writes the plaintext when the tag verifies (constant-time compare), else returns 0, writes nothing.
// STUB: to be implemented.

export function chacha20poly1305Seal(key: usize, nonce: usize, aad: usize, aadLen: usize, pt: usize, ptLen: usize, out: usize): void { unreachable(); }
export function chacha20poly1305Open(key: usize, nonce: usize, aad: usize, aadLen: usize, ct: usize, ctLen: usize, out: usize): i32 { unreachable(); return 0; }

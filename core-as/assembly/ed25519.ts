// Ed25519 (RFC 8032 §5.1), strict verification.
// Public ABI: ed25519PublicKey(seed32, out32); ed25519Sign(seed32, msg, msgLen, out64);
//   ed25519Verify(pk32, msg, msgLen, sig64): 1 valid, 0 invalid.
// STUB: to be implemented.

export function ed25519PublicKey(seed: usize, out: usize): void { unreachable(); }
export function ed25519Sign(seed: usize, msg: usize, msgLen: usize, out: usize): void { unreachable(); }
export function ed25519Verify(pk: usize, msg: usize, msgLen: usize, sig: usize): i32 { unreachable(); return 0; }

// X25519 (RFC 7748): Montgomery ladder with constant-time conditional swaps.
// Public ABI: x25519(scalar32, u32, out32): returns 1, or 0 when the result is all zero (low-order input; out is
//   still written); x25519Base(scalar32, out32).
// STUB: to be implemented.

export function x25519(scalar: usize, u: usize, out: usize): i32 { unreachable(); return 0; }
export function x25519Base(scalar: usize, out: usize): void { unreachable(); }

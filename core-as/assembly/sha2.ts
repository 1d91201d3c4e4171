// SHA-256 and SHA-512 (FIPS 180-4), plus hashMany for batched tree hashing.
// Public ABI (pointers into linear memory, lengths in bytes):
//   sha256(ptr, len, out32) / sha512(ptr, len, out64): one-shot.
//   hashMany(dataPtr, lensPtr, count, outPtr): count messages laid end to end at dataPtr, their lengths
//     as little-endian u32 at lensPtr; writes count * 32 bytes of SHA-256 digests at outPtr.
// Internal streaming API for hmac/hkdf/ed25519 (one state per hash function, not re-entrant):
//   sha256Init(), sha256Update(ptr, len), sha256Final(out32); sha512Init(), sha512Update(ptr, len), sha512Final(out64).
// STUB: to be implemented.

export function sha256Init(): void { unreachable(); }
export function sha256Update(ptr: usize, len: usize): void { unreachable(); }
export function sha256Final(out: usize): void { unreachable(); }
export function sha256(ptr: usize, len: usize, out: usize): void { unreachable(); }

export function sha512Init(): void { unreachable(); }
export function sha512Update(ptr: usize, len: usize): void { unreachable(); }
export function sha512Final(out: usize): void { unreachable(); }
export function sha512(ptr: usize, len: usize, out: usize): void { unreachable(); }

export function hashMany(dataPtr: usize, lensPtr: usize, count: u32, outPtr: usize): void { unreachable(); }

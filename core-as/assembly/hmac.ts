// HMAC-SHA256 (RFC 2104 / RFC 4231).
// Public ABI: hmacSha256(key, keyLen, msg, msgLen, out32).
// Internal streaming API (used by hkdf): hmacSha256Init(key, keyLen), hmacSha256Update(ptr, len), hmacSha256Final(out32).
// STUB: to be implemented.

export function hmacSha256Init(key: usize, keyLen: usize): void { unreachable(); }
export function hmacSha256Update(ptr: usize, len: usize): void { unreachable(); }
export function hmacSha256Final(out: usize): void { unreachable(); }
export function hmacSha256(key: usize, keyLen: usize, msg: usize, msgLen: usize, out: usize): void { unreachable(); }

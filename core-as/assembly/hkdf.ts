// HKDF-SHA256 (RFC 5869).
// Public ABI: hkdfExtract(salt, saltLen, ikm, ikmLen, out32); hkdfExpand(prk, prkLen, info, infoLen, out, outLen).
// outLen <= HKDF_MAX_OUT is checked by the JS face.
// STUB: to be implemented.

export function hkdfExtract(salt: usize, saltLen: usize, ikm: usize, ikmLen: usize, out: usize): void { unreachable(); }
export function hkdfExpand(prk: usize, prkLen: usize, info: usize, infoLen: usize, out: usize, outLen: usize): void { unreachable(); }

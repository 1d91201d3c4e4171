// HPKE (RFC 9180) base mode: KEM 0x0020 DHKEM(X25519, HKDF-SHA256), KDF 0x0001 HKDF-SHA256,
// AEAD 0x0001 AES-128-GCM and 0x0003 ChaCha20-Poly1305, plus the secret export interface.
// A context is HPKE_CTX_LEN bytes at ctx (layout in constants.ts); the sequence number is kept by the caller.
// Public ABI:
//   hpkeDeriveKeyPair(ikm, ikmLen, skOut32, pkOut32)                                  RFC 9180 §7.1.3
//   hpkeSetupBaseS(aead, pkR, ikmE, ikmELen, info, infoLen, encOut32, ctxOut): i32    §5.1.1 (ikmE: ephemeral DeriveKeyPair input)
//   hpkeSetupBaseR(aead, enc, skR, info, infoLen, ctxOut): i32                        §5.1.1
//     both return 0 when a DH result is all zero (ctx is then not written), else 1
//   hpkeSeal(aead, ctx, seq: u64, aad, aadLen, pt, ptLen, out)   out = ct || tag      §5.2
//   hpkeOpen(aead, ctx, seq: u64, aad, aadLen, ct, ctLen, out): i32                   §5.2
//   hpkeExport(ctx, exporterContext, exporterContextLen, out, L)  L <= 255*32 (JS checks) §5.3
// STUB: to be implemented.

export function hpkeDeriveKeyPair(ikm: usize, ikmLen: usize, skOut: usize, pkOut: usize): void { unreachable(); }
export function hpkeSetupBaseS(aead: u32, pkR: usize, ikmE: usize, ikmELen: usize, info: usize, infoLen: usize, encOut: usize, ctxOut: usize): i32 { unreachable(); return 0; }
export function hpkeSetupBaseR(aead: u32, enc: usize, skR: usize, info: usize, infoLen: usize, ctxOut: usize): i32 { unreachable(); return 0; }
export function hpkeSeal(aead: u32, ctx: usize, seq: u64, aad: usize, aadLen: usize, pt: usize, ptLen: usize, out: usize): void { unreachable(); }
export function hpkeOpen(aead: u32, ctx: usize, seq: u64, aad: usize, aadLen: usize, ct: usize, ctLen: usize, out: usize): i32 { unreachable(); return 0; }
export function hpkeExport(ctx: usize, exporterContext: usize, exporterContextLen: usize, out: usize, outLen: usize): void { unreachable(); }

// Sizes shared by the AssemblyScript core and its JS face (sdk/src/crypto/wasm.ts).
// This file must stay valid in both AssemblyScript and TypeScript: plain integer constants only.

export const SHA256_LEN = 32;
export const SHA256_BLOCK = 64;
export const SHA512_LEN = 64;
export const SHA512_BLOCK = 128;
export const HKDF_MAX_OUT = 255 * 32; // RFC 5869 §2.3: L <= 255 * HashLen

export const AES128_KEY_LEN = 16;
export const CHACHA20_KEY_LEN = 32;
export const AEAD_NONCE_LEN = 12;
export const AEAD_TAG_LEN = 16;

export const X25519_LEN = 32;
export const ED25519_SEED_LEN = 32;
export const ED25519_PUBLIC_LEN = 32;
export const ED25519_SIG_LEN = 64;

// RFC 9180 §7.3 AEAD identifiers supported by the core.
export const HPKE_AEAD_AES128GCM = 0x0001;
export const HPKE_AEAD_CHACHA20POLY1305 = 0x0003;
// An HPKE context as laid out in memory: key (32 bytes reserved; AES-128 uses the first 16),
// base_nonce (12), exporter_secret (32), the AEAD id (u32, so export and seal can check the context's suite).
export const HPKE_CTX_KEY = 0;
export const HPKE_CTX_NONCE = 32;
export const HPKE_CTX_EXPORTER = 44;
export const HPKE_CTX_AEAD = 76;
export const HPKE_CTX_LEN = 80;
export const HPKE_ENC_LEN = 32; // DHKEM(X25519) Nenc

/**
 * 'webmls/core': the WebAssembly crypto core on its own, synchronous after `await initCore()` (SHA-2, HMAC, HKDF,
 * AES-128-GCM, ChaCha20-Poly1305, X25519, Ed25519, HPKE). The MLS API does not need it: the engine loads the core
 * itself.
 * @packageDocumentation
 */
export * from './crypto/wasm.ts';
export { MlsError, isMlsError, type MlsErrorCode } from './errors.ts';

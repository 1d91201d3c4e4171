/**
 * webmls: Messaging Layer Security (RFC 9420) for web apps.
 * @packageDocumentation
 */
export { MlsError, isMlsError, type MlsErrorCode } from './errors.ts';
export * as core from './crypto/wasm.ts';
export { initCore } from './crypto/wasm.ts';

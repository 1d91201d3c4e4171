// The IIFE build's entry (window.webmls): the MLS API, custom storage providers and the crypto core in one file.
export * from './index.ts';
export * from './storage/index.ts';
export * as core from './core.ts';
export { initCore } from './crypto/wasm.ts';

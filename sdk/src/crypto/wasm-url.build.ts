// Library-build twin of wasm-url.ts: Vite inlines the wasm as a data: URL (no import.meta in the bundle).
import url from '../../../build/core.wasm?url';
export const wasmUrl: string = url;

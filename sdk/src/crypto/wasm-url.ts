// Where core.wasm lives during development, tests and the dev server. Library builds replace this module
// (vite.config.ts alias) with wasm-url.build.ts, which inlines the module so the bundle loads from any path.
export const wasmUrl: string = new URL('../../../build/core.wasm', import.meta.url).href;

// Library-build twin of wasm-url.ts: core.wasm is emitted next to the bundles (dist/core.wasm) and found relative
// to the script that loaded this code, so the SDK loads from any path, a CDN included. An IIFE has no
// import.meta (Rolldown empties it), so a classic <script> uses document.currentScript, read while it runs.
import { scriptBase } from './script-base.ts';

export const wasmUrl: string = new URL(/* emitted by scripts/build.mjs */ 'core.wasm', scriptBase).href;

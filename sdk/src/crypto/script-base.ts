// The URL that emitted files (core.wasm, mls.worker.js) are resolved against in library builds: the classic
// <script> that is running (IIFE build), else this module's own URL (ESM build, module worker, Node).
const current = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
export const scriptBase: string = current?.src || import.meta.url;

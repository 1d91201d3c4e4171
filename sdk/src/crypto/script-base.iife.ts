// IIFE-build twin of script-base.ts (scripts/build.mjs aliases it): a classic <script> has no import.meta, so the
// emitted files are resolved against the running script, else the page.
const current = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
export const scriptBase: string = current?.src || (typeof location !== 'undefined' ? location.href : '');

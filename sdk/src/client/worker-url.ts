// Starts workers/mls.worker.ts during development, tests and the dev server (a module worker next to the source).
// Library builds replace this module (vite.config.ts alias) with worker-url.build.ts, which inlines the worker
// so the bundle needs no import.meta and loads from any path.
export function startMlsWorker(): Worker {
  return new Worker(new URL('../../../workers/mls.worker.ts', import.meta.url), { type: 'module', name: 'webmls' });
}

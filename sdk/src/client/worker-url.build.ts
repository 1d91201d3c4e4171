// Library-build twin of worker-url.ts: Vite bundles the worker (format iife, see vite.config.ts) and inlines it as
// a Blob URL, so neither the ESM nor the IIFE bundle contains import.meta.
import MlsWorker from '../../../workers/mls.worker.ts?worker&inline';

export function startMlsWorker(): Worker {
  return new MlsWorker({ name: 'webmls' });
}

// Library-build twin of worker-url.ts: the worker is emitted as dist/mls.worker.js (an ES module worker, see
// scripts/build.mjs) and resolved relative to the SDK's script. Workers must be same-origin, so a worker served
// from another origin (a CDN) starts through a same-origin blob that imports it (the CDN must send CORS headers).
import { scriptBase } from '../crypto/script-base.ts';

export function startMlsWorker(): Worker {
  const url = new URL(/* emitted by scripts/build.mjs */ 'mls.worker.js', scriptBase);
  if (typeof location === 'undefined' || url.origin === location.origin)
    return new Worker(url, { type: 'module', name: 'webmls' });
  const trampoline = URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' }));
  return new Worker(trampoline, { type: 'module', name: 'webmls' });
}

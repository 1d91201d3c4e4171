// npm start: the demo chat on 127.0.0.1 — builds core.wasm, then starts the delivery service and a Vite dev
// server over examples/ (examples/chat/serve.ts, loaded through tsx: Node 20 cannot import .ts by itself).
// PORT (default 5173) and DS_PORT (default 8787) pick the ports; DS_DATA the delivery service's data file.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';

// Rebuild core.wasm only when it is missing or older than a core-as source (an -O3 build takes a while).
const wasm = 'build/core.wasm';
const sources = readdirSync('core-as/assembly', { recursive: true })
  .map((f) => `core-as/assembly/${f}`)
  .filter((f) => f.endsWith('.ts'));
const stale = !existsSync(wasm) || sources.some((f) => statSync(f).mtimeMs > statSync(wasm).mtimeMs);
if (stale) {
  console.log('building core.wasm…');
  execFileSync('npx', ['asc', '--config', 'asconfig.json', '--target', 'release'], { stdio: 'inherit' });
}
// Kept under node_modules/.cache (git-ignored) so the DS remembers accounts and groups across restarts.
mkdirSync('node_modules/.cache/webmls-demo', { recursive: true });
const { startDemo } = await tsImport('../examples/chat/serve.ts', import.meta.url);
const demo = await startDemo({
  port: Number(process.env.PORT ?? 5173),
  dsPort: Number(process.env.DS_PORT ?? 8787),
  dataFile: process.env.DS_DATA ?? 'node_modules/.cache/webmls-demo/delivery-service.json',
  log: (line) => console.log(`[ds] ${line}`),
});
console.log(`\nwebmls demo chat: ${demo.chatUrl}`);
console.log(`  open it in two or three browser profiles (or private windows), sign in as different names, and invite.`);
console.log(`  delivery service: ${demo.ds.url}   (other examples: ${demo.baseUrl})\n`);
const stop = async () => {
  await demo.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

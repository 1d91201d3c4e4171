// npm start: the demo on 127.0.0.1 (Vite dev server over examples/), after building core.wasm.
import { execFileSync } from 'node:child_process';
import { createServer } from 'vite';

execFileSync('npx', ['asc', '--config', 'asconfig.json', '--target', 'release'], { stdio: 'inherit' });
const port = Number(process.env.PORT ?? 5173);
const server = await createServer({
  configFile: false,
  root: 'examples',
  server: { host: '127.0.0.1', port, strictPort: false, fs: { allow: ['..'] } },
  clearScreen: false,
});
await server.listen();
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
console.log(`\nwebmls demo: ${url}\n`);

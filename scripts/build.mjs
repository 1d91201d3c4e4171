// Library build: dist/webmls.js (ESM; the in-thread engine is a lazily loaded chunk), dist/webmls.iife.js
// (window.webmls, one file), dist/mls.worker.js (+ chunks; the ES module worker that hosts the engine) and
// dist/core.wasm. Emitted files are found relative to the loading script, so dist/ can be served from anywhere.
// Prints the gzip weight of what a worker-based app downloads (ESM + worker + wasm).
import { build } from 'vite';
import { copyFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const common = {
  configFile: false,
  base: './',
  logLevel: 'warn',
  resolve: {
    alias: [
      { find: /^\.\/wasm-url\.ts$/, replacement: here('sdk/src/crypto/wasm-url.build.ts') },
      { find: /^\.\/worker-url\.ts$/, replacement: here('sdk/src/client/worker-url.build.ts') },
    ],
  },
};
const lib = (entry, format, fileName, { output = {}, alias = [], emptyOutDir = false } = {}) => ({
  ...common,
  resolve: { alias: [...common.resolve.alias, ...alias] },
  build: {
    outDir: 'dist',
    emptyOutDir,
    minify: true,
    target: 'es2022',
    lib: { entry: here(entry), name: 'webmls', formats: [format], fileName: () => fileName },
    rolldownOptions: { output: { chunkFileNames: `${fileName.replace(/\.js$/, '')}-[name]-[hash].js`, ...output } },
  },
});

await build(lib('sdk/src/index.ts', 'es', 'webmls.js', { emptyOutDir: true }));
await build(
  lib('sdk/src/index.ts', 'iife', 'webmls.iife.js', {
    output: { codeSplitting: false },
    // A classic script has no import.meta.
    alias: [{ find: /^.*\/script-base\.ts$/, replacement: here('sdk/src/crypto/script-base.iife.ts') }],
  }),
);
await build(lib('workers/mls.worker.ts', 'es', 'mls.worker.js'));
copyFileSync(here('build/core.wasm'), here('dist/core.wasm'));

const files = readdirSync(here('dist'));
const gz = (f) => gzipSync(readFileSync(here(`dist/${f}`)), { level: 9 }).length;
if (readFileSync(here('dist/webmls.iife.js'), 'utf8').includes('import.meta')) {
  console.error('dist/webmls.iife.js contains import.meta: it would break in a classic <script>');
  process.exit(1);
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const f of files) console.log(`dist/${f.padEnd(40)} ${kb(statSync(here(`dist/${f}`)).size).padStart(9)}  gzip ${kb(gz(f))}`);
const app = ['webmls.js', 'core.wasm', ...files.filter((f) => f.startsWith('mls.worker'))];
console.log(`worker-based app downloads (ESM + worker + wasm, gzip): ${kb(app.reduce((n, f) => n + gz(f), 0))}`);

// Library build: dist/webmls.js (ESM; the in-thread engine is a lazily loaded chunk), dist/webmls.iife.js
// (window.webmls, one file), dist/mls.worker.js (+ chunks; the ES module worker that hosts the engine) and
// dist/core.wasm. Emitted files are found relative to the loading script, so dist/ can be served from anywhere.
// Prints the gzip weight of what a worker-based app downloads up front (the ESM and the worker with their static
// imports, and the wasm), then the worker's chunks that load on demand only.
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
    lib: {
      // One entry file, or (ESM) named entries: { name: file } emitted as name.js.
      entry: typeof entry === 'string' ? here(entry) : Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, here(v)])),
      name: 'webmls',
      formats: [format],
      fileName: (_format, entryName) => (typeof entry === 'string' ? fileName : `${entryName}.js`),
    },
    rolldownOptions: { output: { chunkFileNames: `${fileName.replace(/\.js$/, '')}-[name]-[hash].js`, ...output } },
  },
});

// 'webmls' (the MLS API), 'webmls/core' (the crypto core alone), 'webmls/storage' (providers for custom storage).
const esmEntries = { webmls: 'sdk/src/index.ts', 'webmls-core': 'sdk/src/core.ts', 'webmls-storage': 'sdk/src/storage/index.ts' };
const esm = await build(lib(esmEntries, 'es', 'webmls.js', { emptyOutDir: true }));
await build(
  lib('sdk/src/iife.ts', 'iife', 'webmls.iife.js', {
    output: { codeSplitting: false },
    // A classic script has no import.meta.
    alias: [{ find: /^.*\/script-base\.ts$/, replacement: here('sdk/src/crypto/script-base.iife.ts') }],
  }),
);
// The worker is a final artifact (loaded by URL, never re-bundled): full minification, whitespace included (lib
// mode keeps the whitespace of 'es' output for downstream tree-shaking). Modules it shares with its on-demand chunk
// (noble.ts and @noble, for suite 2 or crypto: 'noble') go to a shared chunk rather than being imported from
// mls.worker.js itself, which would evaluate the worker a second time if it was started from another URL.
const worker = await build(lib('workers/mls.worker.ts', 'es', 'mls.worker.js', { output: { minify: true } }));
copyFileSync(here('build/core.wasm'), here('dist/core.wasm'));

const files = readdirSync(here('dist'));
const gz = (f) => gzipSync(readFileSync(here(`dist/${f}`)), { level: 9 }).length;
if (readFileSync(here('dist/webmls.iife.js'), 'utf8').includes('import.meta')) {
  console.error('dist/webmls.iife.js contains import.meta: it would break in a classic <script>');
  process.exit(1);
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const f of files) console.log(`dist/${f.padEnd(40)} ${kb(statSync(here(`dist/${f}`)).size).padStart(9)}  gzip ${kb(gz(f))}`);
// What loads up front: each entry chunk and its static imports; chunks reached only through import() load on demand.
const chunks = [esm, worker].flatMap((r) => (Array.isArray(r) ? r : [r]).flatMap((o) => o.output)).filter((c) => c.type === 'chunk');
const byName = new Map(chunks.map((c) => [c.fileName, c]));
const upFront = new Set();
const visit = (f) => !upFront.has(f) && (upFront.add(f), byName.get(f)?.imports.forEach(visit));
visit('webmls.js');
visit('mls.worker.js');
const sum = (fs) => fs.reduce((n, f) => n + gz(f), 0);
const esmFiles = [...upFront].filter((f) => f.startsWith('webmls'));
const workerFiles = [...upFront].filter((f) => f.startsWith('mls.worker'));
console.log(
  `worker-based app downloads (ESM + worker + wasm, gzip): ${kb(sum([...esmFiles, ...workerFiles, 'core.wasm']))}` +
    ` = ESM ${kb(sum(esmFiles))} (${esmFiles.join(' ')}) + worker ${kb(sum(workerFiles))} (${workerFiles.join(' ')})` +
    ` + core.wasm ${kb(gz('core.wasm'))}`,
);
// The default path (suites 1 and 3 on the WASM core) must carry no @noble and no TS HPKE: they load on demand.
const leaked = [...upFront].flatMap((f) =>
  Object.keys(byName.get(f)?.modules ?? {})
    .filter((m) => /@noble|crypto\/(noble|hpke)\.ts/.test(m))
    .map((m) => `${f}: ${m}`),
);
if (leaked.length) {
  console.error(`@noble code on the default path (it must load through import()):\n  ${leaked.join('\n  ')}`);
  process.exit(1);
}
const lazy = files.filter((f) => f.startsWith('mls.worker') && !upFront.has(f));
if (lazy.length) console.log(`  + on demand in the worker (suite 2, crypto: 'noble'): ${lazy.map((f) => `${f} ${kb(gz(f))}`).join(', ')}`);

import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig(({ command }) => ({
  base: './',
  resolve: {
    // Library builds inline the wasm and the worker (an IIFE has no import.meta); dev, vitest and wtr keep new URL(…).
    alias:
      command === 'build'
        ? [
            { find: /^\.\/wasm-url\.ts$/, replacement: here('./sdk/src/crypto/wasm-url.build.ts') },
            // The worker is bundled (worker.format iife) and inlined: `?worker&inline`, no import.meta.
            { find: /^\.\/worker-url\.ts$/, replacement: here('./sdk/src/client/worker-url.build.ts') },
          ]
        : [],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    lib: {
      entry: here('./sdk/src/index.ts'),
      name: 'webmls',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'webmls.js' : 'webmls.iife.js'),
    },
  },
  worker: { format: 'iife' },
  test: {
    globals: true,
    reporters: ['default', './test/setup/summary-reporter.ts'],
    include: ['test/unit/**/*.test.ts', 'test/vectors/**/*.test.ts'],
    globalSetup: ['test/setup/build-wasm.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
}));

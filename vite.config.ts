// Vite for the dev server (npm start), vitest and the browser tests. The library build is scripts/build.mjs.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  base: './',
  worker: { format: 'es' },
  test: {
    globals: true,
    reporters: ['default', './test/setup/summary-reporter.ts'],
    include: ['test/unit/**/*.test.ts', 'test/vectors/**/*.test.ts', 'test/node/**/*.test.ts'],
    globalSetup: ['test/setup/build-wasm.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

// @web/test-runner: the same unit and vector suites as vitest, plus browser-only tests, in headless Chromium.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { vectorDirs } from './test/lib/vector-dirs.mjs';
import { findChrome, CHROME_ARGS } from './scripts/find-chrome.mjs';

const dirs = vectorDirs();

/** Serves the interop vectors under /__vectors__/{mls,hpke}/ without copying them into the repository. */
function serveVectors(ctx, next) {
  const m = /^\/__vectors__\/(mls|hpke)\/([\w.-]+\.json)$/.exec(ctx.path);
  if (!m) return next();
  const dir = dirs[m[1]];
  const file = dir && normalize(join(dir, m[2]));
  if (!file || !existsSync(file) || !statSync(file).isFile()) {
    ctx.status = 404;
    return;
  }
  ctx.type = 'application/json';
  ctx.body = createReadStream(file);
}

const files = process.env.WTR_FILES
  ? process.env.WTR_FILES.split(',')
  : ['test/unit/**/*.test.ts', 'test/vectors/**/*.test.ts', 'test/browser/**/*.test.ts'];

export default {
  files,
  nodeResolve: true,
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60_000,
  testsStartTimeout: 120_000,
  testsFinishTimeout: 600_000,
  middleware: [serveVectors],
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022' }),
    // @hpke/core (a test oracle) has a Node fallback `import("crypto")`; in the browser it is WebCrypto.
    {
      name: 'stub-node-crypto',
      resolveImport({ source }) {
        if (source === 'crypto') return '/__stub__/crypto.js';
      },
      serve(ctx) {
        if (ctx.path === '/__stub__/crypto.js')
          return { body: 'export const webcrypto = globalThis.crypto; export default { webcrypto };', type: 'js' };
      },
    },
  ],
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: findChrome(), headless: true, args: CHROME_ARGS },
    }),
  ],
  testFramework: { config: { timeout: 120_000 } },
  testRunnerHtml: (framework) => `<!doctype html><html><body>
    <script type="module" src="/test/browser/setup.ts"></script>
    <script type="module" src="${framework}"></script>
  </body></html>`,
};

/**
 * `npm run test:e2e`: end-to-end tests in headless Debian Chromium driven by playwright-core (no browser is ever
 * downloaded: scripts/find-chrome.mjs). Starts the delivery service on a temporary data file and a Vite dev server
 * over examples/ on free 127.0.0.1 ports, runs the chat scenarios (chat.ts) and the script-tag page from the built
 * IIFE bundle (script-tag.ts; needs `npm run build` first), writes screenshots to test-results/, and ends with
 * "N passed, N failed" and a non-zero exit code on failure.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROME_ARGS, findChrome } from '../../scripts/find-chrome.mjs';
import { startDemo } from '../../examples/chat/serve.ts';
import { chatScenarios } from './chat.ts';
import { scriptTagScenario } from './script-tag.ts';
import { RESULTS_DIR, outcomes, step } from './lib.ts';

const t0 = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'webmls-e2e-'));
const demo = await startDemo({ port: 0, dsPort: 0, dataFile: join(dir, 'ds.json'), durable: false, watch: false });
const browser = await chromium.launch({ executablePath: findChrome(), args: CHROME_ARGS });
console.log(`e2e: chat at ${demo.chatUrl}, delivery service ${demo.ds.url}, Chromium ${browser.version()}`);
// E2E_ONLY=chat or E2E_ONLY=script-tag runs one part.
const only = process.env.E2E_ONLY;
try {
  if (!only || only === 'chat') await chatScenarios(browser, demo);
  if (only === 'chat') {
    /* skip */
  } else if (existsSync(new URL('../../dist/webmls.iife.js', import.meta.url)))
    await scriptTagScenario(browser);
  else
    await step('script tag: dist/webmls.iife.js exists (run `npm run build` first)', async () => {
      throw new Error('dist/webmls.iife.js is missing: run `npm run build` first');
    });
} finally {
  await browser.close().catch(() => {});
  await demo.close();
  rmSync(dir, { recursive: true, force: true });
}
const passed = outcomes.filter((o) => o.ok).length;
const failed = outcomes.length - passed;
console.log(`\nscreenshots in ${RESULTS_DIR}`);
console.log(`e2e took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || outcomes.length === 0 ? 1 : 0);

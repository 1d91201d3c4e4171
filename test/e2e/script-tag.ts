/**
 * The one-tag drop-in: examples/script-tag/index.html loads only dist/webmls.iife.js (window.webmls). Served by a
 * static server that offers nothing but that page and the build output in dist/ (the IIFE finds its worker,
 * dist/mls.worker.js, and dist/core.wasm next to itself): no source file, no dev server, no import map.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { RESULTS_DIR, assert, openPages, step } from './lib.ts';

const repo = new URL('../../', import.meta.url).pathname;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

function staticServer(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const allowed = path === '/examples/script-tag/index.html' || /^\/dist\/[\w.-]+\.(js|wasm)$/.test(path);
    if (!allowed) {
      res.writeHead(404).end();
      return;
    }
    readFile(repo + path.slice(1)).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[path.slice(path.lastIndexOf('.'))]! }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function scriptTagScenario(browser: Browser): Promise<void> {
  const server = await staticServer();
  const port = (server.address() as AddressInfo).port;
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  openPages.set('script-tag', page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const loaded: string[] = [];
  page.on('requestfinished', (r) => loaded.push(new URL(r.url()).pathname));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await step('script tag: two in-page clients from dist/webmls.iife.js make a group of two and exchange a message', async () => {
    await page.goto(`http://127.0.0.1:${port}/examples/script-tag/index.html`);
    await page.waitForSelector('body[data-result]', { state: 'attached', timeout: 30_000 }).catch(async (e: Error) => {
      throw new Error(`${e.message.split('\n')[0]}; log: ${await page.textContent('#log')}; errors: ${errors.join('; ')}`);
    });
    const result = await page.getAttribute('body', 'data-result');
    const log = await page.textContent('#log');
    await page.screenshot({ path: `${RESULTS_DIR}script-tag.png` });
    assert(result === "ok", `page result ${result}: ${log}; errors: ${errors.join("; ")}`);
    assert(log?.includes('bob received: "hello from a script tag"'), `log: ${log}`);
    assert(errors.length === 0, `errors: ${errors.join('; ')}`);
    const scripts = loaded.filter((p) => p.endsWith('.js'));
    assert(scripts.includes('/dist/webmls.iife.js'), `the page loaded the IIFE bundle: ${loaded.join(' ')}`);
    assert(scripts.every((p) => p.startsWith('/dist/')), `only build output was loaded: ${loaded.join(' ')}`);
  });
  openPages.delete('script-tag');
  await ctx.close();
  await new Promise((r) => server.close(r));
}

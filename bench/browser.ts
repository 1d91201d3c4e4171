// `npm run bench:browser`: the MLS group benchmarks of bench/run.ts in headless Chromium (Debian's /usr/bin/chromium
// or CHROME_PATH, driven by playwright-core; nothing is downloaded), the same scenarios and options:
//
//   npm run bench:browser -- --sizes 2,100,1000 --libs ts-mls,core-crypto
//
// A Vite dev server (no config file: plain TypeScript and the packages' ESM builds) serves bench/browser.html from
// the repository root; each (library, N) gets a fresh browser (so a fresh heap), with V8's heap capped at
// --max-mem-gb, and a watchdog that closes it when one operation exceeds --op-timeout; a renderer crash (out of
// memory) is recorded with the operation it happened in. Results go to bench/results/browser-<lib>.json (not
// charted: the charts show the Node run). No heap rows: Chromium's heap figure does not see WASM memory.
import os from 'node:os';
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { findChrome, CHROME_ARGS } from '../scripts/find-chrome.mjs';
import type { ChildEvent } from './scenarios.ts';
import { args, machine, printTable, RESULTS_DIR, type LibResults, type SizeResult } from './run.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function runPage(base: string, lib: string, n: number, opTimeoutS: number, maxMemGB: number) {
  const r: SizeResult = {
    n,
    status: 'ok',
    samples: {},
    info: [],
    peakRssMB: 0,
    wallSeconds: 0,
    date: new Date().toISOString(),
    loadAverage: { before: os.loadavg()[0]!, after: NaN },
    machine: { ...machine(), platform: `${machine().platform}, Chromium` },
  };
  const t0 = performance.now();
  const browser = await chromium.launch({
    executablePath: findChrome() as string,
    args: [...(CHROME_ARGS as string[]), `--js-flags=--max-old-space-size=${Math.round(maxMemGB * 1024)}`],
  });
  let version: string | undefined;
  let op = 'load';
  let opStart = performance.now();
  const finished = new Promise<void>((resolve) => {
    const watchdog = setInterval(() => {
      const s = (performance.now() - opStart) / 1000;
      process.stderr.write(`\r\x1b[K  ${lib} N=${n} (browser): ${op} (${s.toFixed(0)} s)`.slice(0, 160));
      if (s > opTimeoutS) {
        r.status = 'timeout';
        r.stoppedIn = op;
        r.detail = `one operation ran longer than ${opTimeoutS} s`;
        end();
      }
    }, 250);
    const end = () => {
      clearInterval(watchdog);
      process.stderr.write('\r\x1b[K');
      resolve();
    };
    void (async () => {
      const page = await browser.newPage();
      page.on('crash', () => {
        r.status = 'memory';
        r.stoppedIn = op;
        r.detail = 'renderer crashed (out of memory?)';
        end();
      });
      page.on('pageerror', (e) => r.info.push(`page error: ${e.message}`));
      await page.exposeFunction('benchEmit', (json: string) => {
        const e = JSON.parse(json) as ChildEvent;
        if (e.kind === 'start') {
          op = e.op;
          opStart = performance.now();
        } else if (e.kind === 'sample') r.samples[e.sample.scenario] = e.sample;
        else if (e.kind === 'meta') version = e.version;
        else if (e.kind === 'info') r.info.push(e.text);
        else if (e.kind === 'done') end();
        else if (e.kind === 'error') {
          r.status = 'error';
          r.stoppedIn = e.op;
          r.detail = e.message;
          end();
        }
      });
      await page.goto(`${base}bench/browser.html?lib=${encodeURIComponent(lib)}&n=${n}`);
    })().catch((e: unknown) => {
      r.status = 'error';
      r.stoppedIn = op;
      r.detail = String(e);
      end();
    });
  });
  await finished;
  await browser.close();
  r.wallSeconds = (performance.now() - t0) / 1000;
  r.loadAverage.after = os.loadavg()[0]!;
  return { r, version };
}

async function main() {
  const { sizes, libs, opTimeoutS, maxMemGB } = args();
  const server = await createServer({
    configFile: false,
    root: ROOT,
    logLevel: 'error',
    clearScreen: false,
    cacheDir: 'node_modules/.vite-bench',
    server: { host: '127.0.0.1', port: 0, fs: { allow: [ROOT] } },
    optimizeDeps: { entries: ['bench/browser.html'], include: ['ts-mls', '@wireapp/core-crypto/browser'] },
  });
  await server.listen();
  const base = server.resolvedUrls?.local[0];
  if (!base) throw new Error('vite: no local URL');
  const m = machine();
  console.log(`MLS group bench (Chromium) — ${libs.join(', ')} at N = ${sizes.join(', ')}; ${m.cpu}, ${m.cores} cores, load ${os.loadavg()[0]!.toFixed(1)}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const runs = new Map<string, Map<number, SizeResult>>();
  try {
    for (const lib of libs) {
      const file = `${RESULTS_DIR}browser-${lib}.json`;
      const stored: LibResults = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { library: lib, version: '?', sizes: {} };
      const mine = new Map<number, SizeResult>();
      runs.set(lib, mine);
      let stop: SizeResult | undefined;
      for (const n of sizes) {
        let r: SizeResult;
        if (stop) r = { ...stop, n, status: 'skipped', samples: {}, info: [], detail: `${stop.status} at N=${stop.n}`, wallSeconds: 0 };
        else {
          const out = await runPage(base, lib, n, opTimeoutS, maxMemGB);
          r = out.r;
          if (out.version) stored.version = out.version;
          if (r.status === 'timeout' || r.status === 'memory') stop = r;
          console.log(`${lib} N=${n}: ${r.status} in ${r.wallSeconds.toFixed(1)} s` + (r.status === 'ok' ? '' : ` (${r.stoppedIn}: ${r.detail})`));
        }
        mine.set(n, r);
        if (r.status === 'error' && Object.keys(r.samples).length === 0) continue;
        stored.sizes[String(n)] = r;
        writeFileSync(file, `${JSON.stringify(stored, null, 1)}\n`);
      }
    }
  } finally {
    await server.close();
  }
  printTable(libs, runs, sizes);
}

await main();

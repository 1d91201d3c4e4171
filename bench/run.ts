// MLS group benchmarks against the peers (issue 7): every library × every group size, each in its own child process.
//
//   npm run bench                                   # all libraries, N = 2, 100, 1,000, 10,000, 50,000
//   npm run bench -- --sizes 2,100,1000 --libs ts-mls,core-crypto
//   BENCH_SIZES=2,100 BENCH_LIBS=webmls,ts-mls npm run bench
// Options: --op-timeout <s> (default 180: one operation longer than that stops the library at that size and the
// larger ones), --max-mem-gb <GB> (default 16: child RSS past it, likewise), --no-chart, --report (print the table
// and redraw the charts from the stored results, run nothing).
//
// Each (library, N) runs bench/child.ts in a fresh Node process with --max-old-space-size set to the memory cap and
// --expose-gc (for the heap rows). A watchdog kills the child when one operation exceeds the time cap or its RSS
// (sampled from /proc every 250 ms) passes the memory cap; a crash (stack overflow, OOM) is recorded with the
// operation it happened in. Results are merged by size into bench/results/mls-<lib>.json with the machine (CPU,
// cores, Node, date, load average before/after), the table is printed with per-row ratios (peer time ÷ subject
// time; > 1 means the subject is faster; the subject is the first library of --libs that produced results), and
// bench/chart.ts redraws docs/bench-*.svg from all result files.
import os from 'node:os';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ADAPTERS, DEFAULT_SIZES, SCENARIOS, type ChildEvent, type Sample, type ScenarioId } from './scenarios.ts';
import { renderCharts } from './chart.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

/** One (library, N) run as stored. */
export interface SizeResult {
  n: number;
  /** ok: every scenario ran; timeout/memory: a cap was hit; error: the library failed (crash or exception). */
  status: 'ok' | 'timeout' | 'memory' | 'error' | 'skipped';
  /** The operation running when the cap was hit or the failure happened, and what happened. */
  stoppedIn?: string;
  detail?: string;
  samples: Partial<Record<ScenarioId, Sample>>;
  info: string[];
  peakRssMB: number;
  wallSeconds: number;
  date: string;
  loadAverage: { before: number; after: number };
  machine: Machine;
}
export interface LibResults {
  library: string;
  version: string;
  sizes: Record<string, SizeResult>;
}
interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  node: string;
  platform: string;
}

export const machine = (): Machine => ({
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
});

export function args() {
  const argv = process.argv.slice(2);
  const opt = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (s: string | undefined) => s?.split(',').map((x) => x.trim()).filter(Boolean);
  const sizes = (list(opt('sizes') ?? process.env.BENCH_SIZES)?.map(Number) ?? DEFAULT_SIZES).sort((a, b) => a - b);
  const libs = list(opt('libs') ?? process.env.BENCH_LIBS) ?? Object.keys(ADAPTERS);
  for (const l of libs) if (!ADAPTERS[l]) throw new Error(`unknown library ${l} (known: ${Object.keys(ADAPTERS).join(', ')})`);
  for (const n of sizes) if (!Number.isInteger(n) || n < 2) throw new Error(`bad size ${n}`);
  return {
    sizes,
    libs,
    opTimeoutS: Number(opt('op-timeout') ?? 180),
    maxMemGB: Number(opt('max-mem-gb') ?? 16),
    chart: !argv.includes('--no-chart'),
  };
}

const rssOf = (pid: number): number => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
};

/** Runs one library at one size in a child process under the watchdog. */
function runChild(lib: string, n: number, opTimeoutS: number, maxMemGB: number): Promise<{ r: SizeResult; version?: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const before = os.loadavg()[0]!;
    const heapMB = Math.round(maxMemGB * 1024);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--expose-gc', `--max-old-space-size=${heapMB}`, 'bench/child.ts', lib, String(n)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const r: SizeResult = {
      n,
      status: 'ok',
      samples: {},
      info: [],
      peakRssMB: 0,
      wallSeconds: 0,
      date: new Date().toISOString(),
      loadAverage: { before, after: NaN },
      machine: machine(),
    };
    let version: string | undefined;
    let op = 'start-up';
    let opStart = performance.now();
    let killedFor: 'timeout' | 'memory' | undefined;
    let sawDone = false;
    let errored = false;
    let stderr = '';
    let buf = '';
    const progress = (text: string) => process.stderr.write(`\r\x1b[K  ${lib} N=${n}: ${text}`.slice(0, 160));

    const watchdog = setInterval(() => {
      const rss = rssOf(child.pid!);
      r.peakRssMB = Math.max(r.peakRssMB, rss);
      const opS = (performance.now() - opStart) / 1000;
      if (!killedFor && opS > opTimeoutS) {
        killedFor = 'timeout';
        r.detail = `one operation ran longer than ${opTimeoutS} s`;
      } else if (!killedFor && rss > maxMemGB * 1024) {
        killedFor = 'memory';
        r.detail = `RSS ${(rss / 1024).toFixed(1)} GB passed ${maxMemGB} GB`;
      }
      if (killedFor) child.kill('SIGKILL');
      else progress(`${op} (${opS.toFixed(0)} s, RSS ${(rss / 1024).toFixed(2)} GB)`);
    }, 250);

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.startsWith('@@')) continue;
        const e = JSON.parse(line.slice(2)) as ChildEvent;
        if (e.kind === 'start') {
          op = e.op;
          opStart = performance.now();
        } else if (e.kind === 'sample') r.samples[e.sample.scenario] = e.sample;
        else if (e.kind === 'meta') version = e.version;
        else if (e.kind === 'info') r.info.push(e.text);
        else if (e.kind === 'done') {
          sawDone = true;
          r.peakRssMB = Math.max(r.peakRssMB, e.peakRssMB);
        } else if (e.kind === 'error') {
          errored = true;
          r.status = 'error';
          r.stoppedIn = e.op;
          r.detail = e.message;
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr = (stderr + s).slice(-4000);
    });
    child.on('exit', (code, signal) => {
      clearInterval(watchdog);
      process.stderr.write('\r\x1b[K');
      r.wallSeconds = (performance.now() - t0) / 1000;
      r.loadAverage.after = os.loadavg()[0]!;
      if (killedFor) {
        r.status = killedFor;
        r.stoppedIn = op;
      } else if (!sawDone && !errored) {
        r.status = 'error';
        r.stoppedIn = op;
        const last = stderr.trim().split('\n').filter((l) => /Error|error|heap|stack/i.test(l)).slice(-2).join(' | ');
        r.detail = `exited (code ${code}, signal ${signal}) ${last}`.trim();
      }
      resolve({ r, version });
    });
  });
}

const fileOf = (lib: string) => `${RESULTS_DIR}mls-${lib}.json`;
export function loadResults(lib: string): LibResults | undefined {
  return existsSync(fileOf(lib)) ? (JSON.parse(readFileSync(fileOf(lib), 'utf8')) as LibResults) : undefined;
}

/** "1.23 s", "45.6 ms", "0.81 ms", "12.3 MB". */
export function fmt(v: number | undefined, unit: string): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  if (unit === 'MB') return `${v < 10 ? v.toFixed(2) : v.toFixed(1)} MB`;
  if (unit === 'msg/s') return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)}/s`;
  if (v >= 1000) return `${(v / 1000).toFixed(v >= 10_000 ? 1 : 2)} s`;
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ms`;
}

export function printTable(libs: string[], runs: Map<string, Map<number, SizeResult>>, sizes: number[]) {
  const subject = libs.find((l) => [...(runs.get(l)?.values() ?? [])].some((r) => Object.keys(r.samples).length > 0));
  const peers = libs.filter((l) => l !== subject);
  const head = ['scenario', 'N', ...libs, ...(subject ? peers.map((p) => `${p}/${subject}`) : [])];
  const rows: string[][] = [];
  for (const s of SCENARIOS) {
    for (const n of sizes) {
      const val = (l: string) => runs.get(l)?.get(n)?.samples[s.id]?.median;
      const cells = libs.map((l) => {
        const r = runs.get(l)?.get(n);
        const v = val(l);
        if (v !== undefined) return fmt(v, s.unit);
        return r && r.status !== 'ok' ? r.status : '–';
      });
      if (libs.every((l) => val(l) === undefined)) continue;
      const sv = subject ? val(subject) : undefined;
      const ratios = subject
        ? peers.map((p) => {
            const pv = val(p);
            if (pv === undefined || sv === undefined || !(sv > 0) || !(pv > 0) || s.unit === 'MB') return '–';
            // A rate (msg/s) is better when higher: subject ÷ peer, so that > 1 still means the subject is faster.
            return `${(s.unit === 'msg/s' ? sv / pv : pv / sv).toFixed(2)}×`;
          })
        : [];
      rows.push([s.label, n.toLocaleString('en-US'), ...cells, ...ratios]);
    }
  }
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  console.log(`\n${line(head)}\n${w.map((x) => '-'.repeat(x)).join('  ')}`);
  for (const r of rows) console.log(line(r));
  if (subject) console.log(`\nratios: peer time ÷ ${subject} time, or ${subject} rate ÷ peer rate for msg/s (> 1: ${subject} is faster)`);
  for (const l of libs) {
    for (const [n, r] of runs.get(l) ?? []) {
      if (r.status !== 'ok') console.log(`${l} N=${n}: ${r.status}${r.stoppedIn ? ` in "${r.stoppedIn}"` : ''}${r.detail ? `: ${r.detail}` : ''}`);
      for (const i of r.info) if (!i.startsWith('populated')) console.log(`${l} N=${n}: ${i}`);
    }
  }
}

async function main() {
  const { sizes, libs, opTimeoutS, maxMemGB, chart } = args();
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (process.argv.includes('--report')) {
    // Table (and charts) from the stored results only, nothing run.
    const runs = new Map(libs.map((l) => [l, new Map(Object.values(loadResults(l)?.sizes ?? {}).filter((r) => sizes.includes(r.n)).map((r) => [r.n, r] as const))]));
    for (const l of libs) for (const r of runs.get(l)!.values()) console.log(`${l} N=${r.n}: ${r.status}, ${r.date}, load ${r.loadAverage.before.toFixed(1)}→${r.loadAverage.after.toFixed(1)}`);
    printTable(libs, runs, sizes);
    if (chart) console.log(`\ncharts: ${renderCharts().length} SVG files in docs/ (bench-*.svg)`);
    return;
  }
  const m = machine();
  console.log(
    `MLS group bench — ${libs.join(', ')} at N = ${sizes.join(', ')}; cipher suite 1; ${m.cpu}, ${m.cores} cores, ` +
      `Node ${m.node}, load ${os.loadavg()[0]!.toFixed(1)}; caps: ${opTimeoutS} s per operation, ${maxMemGB} GB`,
  );
  const runs = new Map<string, Map<number, SizeResult>>();
  for (const lib of libs) {
    const stored: LibResults = loadResults(lib) ?? { library: lib, version: '?', sizes: {} };
    const mine = new Map<number, SizeResult>();
    runs.set(lib, mine);
    let stop: SizeResult | undefined;
    for (const n of sizes) {
      let r: SizeResult;
      if (stop) {
        r = { ...stop, n, status: 'skipped', samples: {}, info: [], detail: `${stop.status} at N=${stop.n}`, wallSeconds: 0 };
      } else {
        const out = await runChild(lib, n, opTimeoutS, maxMemGB);
        r = out.r;
        if (out.version) stored.version = out.version;
        if (r.status === 'timeout' || r.status === 'memory') stop = r;
        console.log(
          `${lib} N=${n}: ${r.status} in ${r.wallSeconds.toFixed(1)} s, peak RSS ${(r.peakRssMB / 1024).toFixed(2)} GB, ` +
            `load ${r.loadAverage.before.toFixed(1)}→${r.loadAverage.after.toFixed(1)}` +
            (r.status === 'ok' ? '' : ` (${r.stoppedIn ?? ''}: ${r.detail ?? ''})`),
        );
      }
      mine.set(n, r);
      // A library that failed before its first sample (e.g. the webmls stub) leaves the stored results alone.
      if (r.status === 'error' && Object.keys(r.samples).length === 0) continue;
      stored.sizes[String(n)] = r;
      writeFileSync(fileOf(lib), `${JSON.stringify(stored, null, 1)}\n`);
    }
  }
  printTable(libs, runs, sizes);
  if (chart) {
    const files = renderCharts();
    console.log(`\ncharts: ${files.length} SVG files in docs/ (bench-*.svg)`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();

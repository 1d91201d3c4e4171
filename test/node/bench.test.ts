// The MLS benchmark harness of issue 7, in Node only (it spawns processes and reads files): bench/child.ts, the
// process `npm run bench` starts per library and size, runs every scenario of bench/scenarios.ts on each adapter
// (webmls, ts-mls, @wireapp/core-crypto) at a small N and reports a sample for every row; the charts are log-log
// SVG with one line per library and a × where a library stopped.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chartSvg } from '../../bench/chart.ts';
import type { LibResults, SizeResult } from '../../bench/run.ts';
import { SCENARIOS, type ChildEvent, type Sample } from '../../bench/scenarios.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The rows bench/child.ts reports in Node (the worker rows are browser-only). */
const NODE_ROWS = SCENARIOS.map((s) => s.id).filter((id) => !id.startsWith('worker-'));

/** Runs bench/child.ts for one library at group size n, as bench/run.ts does; returns its events. */
function child(lib: string, n: number): Promise<{ code: number | null; events: ChildEvent[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', 'bench/child.ts', lib, String(n)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const events = out
        .split('\n')
        .filter((l) => l.startsWith('@@'))
        .map((l) => JSON.parse(l.slice(2)) as ChildEvent);
      resolve({ code, events, stderr });
    });
  });
}

describe('bench: every scenario on every library (bench/child.ts at N = 5)', () => {
  for (const lib of ['webmls', 'ts-mls', 'core-crypto']) {
    it(`${lib}: a sample for each of the ${NODE_ROWS.length} Node rows, then done`, async () => {
      const { code, events, stderr } = await child(lib, 5);
      const err = events.find((e) => e.kind === 'error');
      expect(err, `${lib} failed: ${JSON.stringify(err)} ${stderr.slice(-400)}`).to.equal(undefined);
      expect(code).to.equal(0);
      const meta = events.find((e) => e.kind === 'meta') as Extract<ChildEvent, { kind: 'meta' }>;
      expect(meta.name).to.equal(lib);
      expect(meta.version).to.match(/^\d+\.\d+\.\d+/);
      const samples = new Map<string, Sample>();
      for (const e of events) if (e.kind === 'sample') samples.set(e.sample.scenario, e.sample);
      expect([...samples.keys()].sort()).to.deep.equal([...NODE_ROWS].sort());
      for (const [id, s] of samples) {
        expect(s.n, id).to.equal(5);
        expect(Number.isFinite(s.median), `${id} median ${s.median}`).to.be.true;
        // Heap deltas may be ≤ 0 (a GC between the two readings); times and rates are positive.
        if (!id.startsWith('heap-')) expect(s.median, id).to.be.greaterThan(0);
      }
      expect(events.at(-1)?.kind).to.equal('done');
    });
  }
});

describe('bench: charts (bench/chart.ts)', () => {
  const machine = { cpu: 'Test CPU', cores: 2, memoryGB: 8, node: 'v20.0.0', platform: 'linux' };
  const size = (n: number, status: SizeResult['status'], median?: number): SizeResult => ({
    n,
    status,
    ...(status === 'ok' ? {} : { detail: 'over the 180 s cap' }),
    samples: median === undefined ? {} : { 'add-all': { scenario: 'add-all', n, count: 1, median, mean: median, min: median, max: median } },
    info: [],
    peakRssMB: 1,
    wallSeconds: 1,
    date: '2026-11-26T00:00:00.000Z',
    loadAverage: { before: 1, after: 1 },
    machine,
  });
  const libs: LibResults[] = [
    { library: 'webmls', version: '0.1.0', sizes: { 10: size(10, 'ok', 1), 1000: size(1000, 'ok', 100) } },
    { library: 'ts-mls', version: '1.6.4', sizes: { 10: size(10, 'ok', 10), 1000: size(1000, 'ok', 10_000), 10000: size(10000, 'timeout') } },
  ];
  const addAll = SCENARIOS.find((s) => s.id === 'add-all')!;

  it('log-log axes: one line per library, points placed by log10, a × and a legend note where a library stopped', () => {
    const svg = chartSvg(addAll, libs)!;
    expect(svg.startsWith('<svg')).to.be.true;
    const lines = [...svg.matchAll(/<polyline[^>]*points="([^"]+)"/g)].map((m) => m[1]!.split(' ').map((p) => p.split(',').map(Number)));
    expect(lines.length).to.equal(2);
    // x: N = 10 and 1,000 are two of the four decades 10^1 … 10^4 (10,000 is on the axis for the ×).
    const [web, ts] = lines as [number[][], number[][]];
    expect(web[0]![0]).to.equal(ts[0]![0]);
    const decade = (web[1]![0]! - web[0]![0]!) / 2;
    expect(decade).to.be.greaterThan(0);
    // y: webmls 1 → 100 ms and ts-mls 10 → 10,000 ms: two and three decades up (SVG y grows downwards).
    const yDecades = (a: number, b: number) => a - b;
    const webRise = yDecades(web[0]![1]!, web[1]![1]!);
    expect(yDecades(ts[0]![1]!, ts[1]![1]!) / webRise).to.be.closeTo(1.5, 1e-6);
    expect(webRise).to.be.greaterThan(0);
    expect(svg).to.contain('webmls 0.1.0');
    expect(svg).to.contain('ts-mls 1.6.4');
    expect(svg).to.contain('× N=10,000: timeout');
    expect(svg).to.match(/<path d="M[\d.]+,[\d.]+L/); // the × mark
    expect(svg).to.contain('Test CPU, 2 cores');
  });

  it('no chart for a scenario without values', () => {
    expect(chartSvg(SCENARIOS.find((s) => s.id === 'join-fresh')!, libs)).to.equal(undefined);
  });
});

// SVG charts of the MLS group benchmarks: one chart per scenario, time (or MB) against group size N, both axes
// logarithmic, one line per library, from every bench/results/mls-<lib>.json. Hand-written SVG, no dependency.
//
//   npx tsx bench/chart.ts          # (bench/run.ts calls renderCharts() after each run)
// Writes docs/bench-<scenario>.svg. A size where a library stopped (time or memory cap, crash) is marked with an ×
// on the chart's top edge and named in the legend.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from './scenarios.ts';
import type { LibResults } from './run.ts';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));
const COLORS: Record<string, string> = { webmls: '#d62728', 'ts-mls': '#1f77b4', 'core-crypto': '#2ca02c' };
const EXTRA = ['#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

const W = 720;
const H = 440;
const M = { left: 74, right: 200, top: 58, bottom: 62 };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (x: number) => Number(x.toFixed(1));

function yLabel(v: number, unit: string): string {
  if (unit === 'MB') return v >= 1 ? `${v} MB` : `${v * 1000} kB`;
  if (unit === 'msg/s') return v >= 1000 ? `${v / 1000}k/s` : `${v}/s`;
  if (v >= 1000) return `${v / 1000} s`;
  if (v >= 1) return `${v} ms`;
  return `${Number((v * 1000).toPrecision(3))} µs`;
}
const xLabel = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));

/** All stored library results (bench/results/mls-*.json). */
export function allResults(): LibResults[] {
  if (!existsSync(RESULTS)) return [];
  return readdirSync(RESULTS)
    .filter((f) => /^mls-.+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(RESULTS + f, 'utf8')) as LibResults);
}

/** One scenario's chart as SVG text (undefined when no library has a value for it). */
export function chartSvg(scenario: (typeof SCENARIOS)[number], libs: LibResults[]): string | undefined {
  const series = libs.map((l, i) => {
    const pts: [number, number][] = [];
    const stops: number[] = [];
    for (const r of Object.values(l.sizes)) {
      const v = r.samples[scenario.id]?.median;
      if (v !== undefined && v > 0) pts.push([r.n, v]);
      else if (r.status !== 'ok') stops.push(r.n);
    }
    pts.sort((a, b) => a[0] - b[0]);
    const firstStop = Math.min(...stops);
    const stopR = Object.values(l.sizes).find((r) => r.n === firstStop);
    return { lib: l, color: COLORS[l.library] ?? EXTRA[i % EXTRA.length]!, pts, stops, stopR };
  });
  const all = series.flatMap((s) => s.pts);
  if (all.length === 0) return undefined;
  const ns = [...all.map((p) => p[0]), ...series.flatMap((s) => s.stops)];
  const x0 = Math.floor(Math.log10(Math.min(...ns)));
  const x1 = Math.max(x0 + 1, Math.ceil(Math.log10(Math.max(...ns))));
  const y0 = Math.floor(Math.log10(Math.min(...all.map((p) => p[1]))));
  const y1 = Math.max(y0 + 1, Math.ceil(Math.log10(Math.max(...all.map((p) => p[1])))));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const X = (n: number) => M.left + ((Math.log10(n) - x0) / (x1 - x0)) * pw;
  const Y = (v: number) => M.top + ph - ((Math.log10(v) - y0) / (y1 - y0)) * ph;

  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`);
  o.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  o.push(`<text x="${M.left}" y="24" font-size="16" font-weight="600">${esc(scenario.label)}</text>`);
  const m = Object.values(libs[0]!.sizes)[0]?.machine;
  const dates = libs.flatMap((l) => Object.values(l.sizes).map((r) => r.date.slice(0, 10))).sort();
  const loads = libs.flatMap((l) => Object.values(l.sizes).flatMap((r) => [r.loadAverage.before, r.loadAverage.after])).filter(Number.isFinite);
  const load = loads.length ? `; load avg ${Math.min(...loads).toFixed(0)}–${Math.max(...loads).toFixed(0)}` : '';
  const sub = `${m ? `${m.cpu}, ${m.cores} cores${load}, Node ${m.node}` : ''}; ${dates[0]}${dates.at(-1) !== dates[0] ? ` – ${dates.at(-1)}` : ''}; cipher suite 1; log-log`;
  o.push(`<text x="${M.left}" y="42" fill="#555">${esc(sub)}</text>`);
  // Grid and ticks: decades, with 2× and 5× minor lines.
  for (let d = x0; d <= x1; d++) {
    for (const k of [1, 2, 5]) {
      const n = k * 10 ** d;
      if (Math.log10(n) > x1 + 1e-9) continue;
      const x = num(X(n));
      o.push(`<line x1="${x}" y1="${M.top}" x2="${x}" y2="${M.top + ph}" stroke="${k === 1 ? '#ddd' : '#f1f1f1'}"/>`);
      if (k === 1) o.push(`<text x="${x}" y="${M.top + ph + 18}" text-anchor="middle" fill="#333">${xLabel(n)}</text>`);
    }
  }
  for (let d = y0; d <= y1; d++) {
    for (const k of [1, 2, 5]) {
      const v = k * 10 ** d;
      if (Math.log10(v) > y1 + 1e-9) continue;
      const y = num(Y(v));
      o.push(`<line x1="${M.left}" y1="${y}" x2="${M.left + pw}" y2="${y}" stroke="${k === 1 ? '#ddd' : '#f1f1f1'}"/>`);
      if (k === 1) o.push(`<text x="${M.left - 8}" y="${y + 4}" text-anchor="end" fill="#333">${yLabel(Number(v.toPrecision(3)), scenario.unit)}</text>`);
    }
  }
  o.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  o.push(`<text x="${M.left + pw / 2}" y="${H - 22}" text-anchor="middle" fill="#333">group size N (members)</text>`);
  o.push(`<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#333">${scenario.unit === 'MB' ? 'memory' : scenario.unit === 'msg/s' ? 'messages per second (higher is better)' : 'time per operation'}</text>`);
  // Lines, points, and × for the sizes a library could not run.
  for (const [si, s] of series.entries()) {
    if (s.pts.length > 1) o.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.pts.map(([n, v]) => `${num(X(n))},${num(Y(v))}`).join(' ')}"/>`);
    for (const [n, v] of s.pts) o.push(`<circle cx="${num(X(n))}" cy="${num(Y(v))}" r="3.5" fill="${s.color}"><title>${esc(`${s.lib.library} N=${n}: ${v.toPrecision(3)} ${scenario.unit}`)}</title></circle>`);
    for (const n of s.stops) {
      const x = num(X(n));
      const y = M.top + 8 + 12 * si; // one row per library, so that stops at the same N stay visible
      o.push(`<path d="M${x - 5},${y - 5}L${x + 5},${y + 5}M${x - 5},${y + 5}L${x + 5},${y - 5}" stroke="${s.color}" stroke-width="2.5"/>`);
    }
  }
  // Legend.
  let ly = M.top + 6;
  for (const s of series) {
    const lx = M.left + pw + 16;
    o.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"/><circle cx="${lx + 11}" cy="${ly}" r="3.5" fill="${s.color}"/>`);
    o.push(`<text x="${lx + 30}" y="${ly + 4}">${esc(`${s.lib.library} ${s.lib.version}`)}</text>`);
    if (s.stopR) {
      ly += 16;
      o.push(`<text x="${lx + 30}" y="${ly + 4}" fill="#666" font-size="11">${esc(`× N=${s.stopR.n.toLocaleString('en-US')}: ${s.stopR.status === 'skipped' ? s.stopR.detail ?? 'skipped' : s.stopR.status}`)}</text>`);
    }
    ly += 22;
  }
  o.push('</svg>');
  return `${o.join('\n')}\n`;
}

/** Writes docs/bench-<scenario>.svg for every scenario with data; returns the paths written. */
export function renderCharts(): string[] {
  const libs = allResults().sort((a, b) => a.library.localeCompare(b.library));
  if (libs.length === 0) return [];
  mkdirSync(DOCS, { recursive: true });
  const out: string[] = [];
  for (const s of SCENARIOS) {
    const svg = chartSvg(s, libs);
    if (!svg) continue;
    const path = `${DOCS}bench-${s.id}.svg`;
    writeFileSync(path, svg);
    out.push(path);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = renderCharts();
  console.log(files.length ? files.join('\n') : 'no results in bench/results/mls-*.json');
}

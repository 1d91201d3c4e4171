// The page side of `npm run bench:browser` (bench/browser.ts): runs the plan of bench/scenarios.ts for one library
// at one group size (?lib=…&n=…) in this tab and reports every event through the `benchEmit` binding.
import { runPlan, type ChildEvent, type MlsBenchAdapter, type PlanIo } from './scenarios.ts';
import { runWorkerMessages } from './worker-messages.ts';

declare global {
  interface Window {
    benchEmit(json: string): Promise<void>;
  }
}

// Static import() calls, so that Vite sees (and pre-bundles) each adapter's dependencies.
const LOADERS: Record<string, () => Promise<{ adapter: MlsBenchAdapter }>> = {
  webmls: () => import('./peers/webmls.ts') as Promise<{ adapter: MlsBenchAdapter }>,
  'ts-mls': () => import('./peers/ts-mls.ts') as Promise<{ adapter: MlsBenchAdapter }>,
  'core-crypto': () => import('./peers/core-crypto.ts') as Promise<{ adapter: MlsBenchAdapter }>,
};

const q = new URLSearchParams(location.search);
const lib = q.get('lib') ?? '';
const n = Number(q.get('n'));
const emit = (e: ChildEvent) => window.benchEmit(JSON.stringify(e));
let op = 'load';

try {
  const load = LOADERS[lib];
  if (!load) throw new Error(`unknown library ${lib}`);
  const { adapter } = await load();
  const io: PlanIo = {
    emit(e) {
      if (e.kind === 'start') op = e.op;
      void emit(e);
    },
    // WASM memory is not in Chromium's JS heap figure, so the browser bench has no heap rows (Node has them).
    heapNow: () => undefined,
  };
  // The worker rows (webmls only), in a group of n members of their own, first: after the plan, this page's heap
  // would hold the garbage of its ~18 in-thread n-member states, whose collection pauses the page between calls
  // (N = 1,000, one call at a time: 645 msg/s after the plan, 978 before it).
  if (lib === 'webmls') await runWorkerMessages(n, io);
  await runPlan(adapter, n, io);
  await emit({ kind: 'done', peakRssMB: 0, heapUsedMB: 0 });
} catch (e) {
  await emit({ kind: 'error', op, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
}

// One library at one group size, in its own process (started by bench/run.ts with a heap cap, --expose-gc and a
// watchdog): runs the plan of bench/scenarios.ts and reports each event as one "@@{json}" line on stdout.
//
//   node --import tsx --expose-gc bench/child.ts <lib> <n>
import { ADAPTERS, runPlan, type ChildEvent, type MlsBenchAdapter } from './scenarios.ts';

const [lib, nArg] = process.argv.slice(2);
const n = Number(nArg);
const emit = (e: ChildEvent) => process.stdout.write(`@@${JSON.stringify(e)}\n`);
let op = 'load';
const gc = (globalThis as { gc?: () => void }).gc;

try {
  const path = lib === undefined ? undefined : ADAPTERS[lib];
  if (!path || !Number.isInteger(n)) throw new Error(`usage: child.ts <${Object.keys(ADAPTERS).join('|')}> <n>`);
  const { adapter } = (await import(path)) as { adapter: MlsBenchAdapter };
  await runPlan(adapter, n, {
    emit(e) {
      if (e.kind === 'start') op = e.op;
      emit(e);
    },
    heapNow() {
      if (!gc) throw new Error('run with --expose-gc');
      gc();
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.external + (adapter.outsideHeapBytes?.() ?? 0);
    },
  });
  const m = process.memoryUsage();
  emit({ kind: 'done', peakRssMB: process.resourceUsage().maxRSS / 1024, heapUsedMB: m.heapUsed / 1e6 });
  process.exit(0);
} catch (e) {
  emit({ kind: 'error', op, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  process.exit(1);
}

// The worker rows of issue 7 (browser only, webmls only: the peers have no worker client): 1 KiB application
// messages encrypted and decrypted through webmls's worker client (createWorkerClient: the engine, its secrets and
// its storage in a Web Worker, reached over Comlink), as a page would use it.
//
// Two clients, each in its own worker with memory storage (no IndexedDB: the rows measure the engine behind the
// worker boundary, not the disk); A creates a group and adds B and n−2 more members (KeyPackages made in the page
// with the engine, one signature key each), so the group has n members like the in-thread rows; B joins from the
// Welcome. Then, like the in-thread
// rows of bench/scenarios.ts: A sends a batch of MESSAGES (group.send) and B receives them in order
// (group.receive), each call awaited one at a time (one postMessage round trip each); and three throughput rows, in
// windows of THROUGHPUT_WINDOW_MS for THROUGHPUT_MS, best window each:
// - one message at a time: A sends, B receives, each call awaited before the next (latency-bound: two round trips
//   per message, and a round trip to an idle worker costs a thread wake-up each way);
// - pipelined: PIPELINE chains "A sends, then B receives that message" in flight at once, as an app that does not
//   wait for one message before sending or receiving the next (the workers run in parallel; the client joins the
//   calls made back to back into one sendMany / receiveMany, each call keeping its own result; the calls reach
//   each worker in order, and B receives every message in the order A produced them);
// - batched: A encrypts BATCH messages in one sendMany call, B decrypts them in one receiveMany call.
import { createWorkerClient } from '../sdk/src/index.ts';
import { loadCore } from '../sdk/src/crypto/wasm.ts';
import { wasmSuite } from '../sdk/src/crypto/suites.ts';
import { createKeyPackage } from '../sdk/src/messages/key-package-create.ts';
import { MESSAGES, summary, THROUGHPUT_MS, THROUGHPUT_WINDOW_MS, type PlanIo } from './scenarios.ts';

/** Chains in flight for the pipelined row; messages per call for the batched row. */
const PIPELINE = 32;
const BATCH = 50;

/** Rates (messages/s) of `run` over windows of about THROUGHPUT_WINDOW_MS for THROUGHPUT_MS; `run` returns its count. */
async function windows(run: (until: number) => Promise<number>): Promise<number[]> {
  const rates: number[] = [];
  for (const start = performance.now(); performance.now() - start < THROUGHPUT_MS; ) {
    const w0 = performance.now();
    const k = await run(w0 + THROUGHPUT_WINDOW_MS);
    rates.push((k * 1000) / (performance.now() - w0));
  }
  return rates;
}

export async function runWorkerMessages(n: number, io: PlanIo): Promise<void> {
  io.emit({ kind: 'start', op: 'worker clients: set-up' });
  const a = await createWorkerClient({ identity: 'bench-a', storage: 'memory' });
  const b = await createWorkerClient({ identity: 'bench-b', storage: 'memory' });
  try {
    const [kp] = await b.createKeyPackages(1);
    const cs = wasmSuite(await loadCore(), 1);
    const others: Uint8Array[] = [];
    for (let i = 2; i < n; i++) {
      if (i % 1000 === 0) io.emit({ kind: 'start', op: `worker clients: KeyPackages ${i}..${Math.min(n, i + 1000) - 1}` });
      const identity = new TextEncoder().encode(`member-${i}`);
      others.push(createKeyPackage({ suite: cs, credential: { kind: 'basic', identity }, signaturePrivateKey: cs.signatureKeyGen().privateKey }).message);
    }
    io.emit({ kind: 'start', op: `worker clients: add ${n - 1}, join` });
    const ga = await a.createGroup();
    const { welcome } = await ga.add([kp!.message, ...others]);
    await ga.confirm();
    if (!welcome) throw new Error('worker bench: no Welcome');
    const gb = await b.joinFromWelcome(welcome);

    const pt = new Uint8Array(1024);
    for (let i = 0; i < pt.length; i++) pt[i] = (i * 31 + 7) & 255;
    const check = (data: Uint8Array) => {
      if (data.length !== pt.length || data.some((x, i) => x !== pt[i])) throw new Error('worker bench: decrypted message differs');
    };
    const receive = async (wire: Uint8Array) => {
      const r = await gb.receive(wire);
      if (r.kind !== 'application') throw new Error(`worker bench: expected an application message, got ${r.kind}`);
      return r.data;
    };

    io.emit({ kind: 'start', op: `worker: send ×${MESSAGES}` });
    const cts: Uint8Array[] = [];
    let t0 = performance.now();
    for (let i = 0; i < MESSAGES; i++) cts.push(await ga.send(pt));
    io.emit({ kind: 'sample', sample: summary('worker-encrypt', n, [(performance.now() - t0) / MESSAGES]) });
    io.emit({ kind: 'start', op: `worker: receive ×${MESSAGES}` });
    t0 = performance.now();
    let last: Uint8Array = pt;
    for (const ct of cts) last = await receive(ct);
    io.emit({ kind: 'sample', sample: summary('worker-decrypt', n, [(performance.now() - t0) / MESSAGES]) });
    check(last);

    /** Best-window rate of `run` (see `windows`) as the sample of `scenario`. */
    const rate = async (scenario: 'worker-messages' | 'worker-pipelined' | 'worker-batched', op: string, run: (until: number) => Promise<number>) => {
      io.emit({ kind: 'start', op: `worker: ${op} for ${THROUGHPUT_MS} ms` });
      const rates = await windows(run);
      io.emit({ kind: 'sample', sample: { ...summary(scenario, n, rates), median: Math.max(...rates) } });
    };
    /** `chains` loops of "A sends, B receives it" at once until `until`; the count of messages. */
    const chained = (chains: number) => async (until: number) => {
      let k = 0;
      await Promise.all(
        Array.from({ length: chains }, async () => {
          while (performance.now() < until) {
            last = await receive(await ga.send(pt));
            k++;
          }
        }),
      );
      check(last);
      return k;
    };
    await rate('worker-messages', 'send+receive', chained(1));
    await rate('worker-pipelined', `${PIPELINE} in flight`, chained(PIPELINE));
    const batch = Array.from({ length: BATCH }, () => pt);
    await rate('worker-batched', `sendMany/receiveMany of ${BATCH}`, async (until) => {
      let k = 0;
      while (performance.now() < until) {
        const evs = await gb.receiveMany(await ga.sendMany(batch));
        for (const e of evs) if (e.kind !== 'application') throw new Error(`worker bench: expected an application message, got ${e.kind}`);
        const e = evs[evs.length - 1];
        if (e?.kind === 'application') check(e.data);
        k += evs.length;
      }
      return k;
    });
  } finally {
    await a.close();
    await b.close();
  }
}

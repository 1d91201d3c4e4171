// MLS group benchmarks (issue 7): the scenario interface every library adapter implements, the scenarios, and the
// plan that builds both tree shapes from the same operations for every library.
//
// A library is plugged in by one file in bench/peers/ that exports `adapter: MlsBenchAdapter<M>` (M = that
// library's member/client object, opaque to the harness) and one line in ADAPTERS below. The harness (bench/child.ts)
// drives the adapter through the plan in `runPlan`, times every call with performance.now(), and never looks inside
// a member. Everything crosses the adapter as serialized MLS messages (bytes), so each library pays for its own
// encoding and decoding, as an application on a real delivery service would.
//
// Tree shapes (RFC 9420 §7.1, §4.1.2 resolution):
// - "fresh": right after one member created the group and added N−1 members in one commit. Only the creator's direct
//   path is set; every other parent node is blank, so a commit from the creator encrypts its path secrets to the
//   resolution of each copath node, i.e. to up to N−1 leaves: the worst case for commit creation.
// - "populated": then the members at leaves 2, 4, 8, …, 2^k (< N) each send one update commit (⌈log2 N⌉−1 seeded
//   commits, processed by every member that acts later). Leaf 2^k's direct path contains the root of the subtree of
//   leaves [2^k, 2^(k+1)), which is exactly the creator's copath node at level k, so afterwards every node of the
//   creator's copath is non-blank with no unmerged leaves: its commits encrypt to one node per level (⌈log2 N⌉
//   HPKE encryptions), and the processor decrypts one ciphertext and derives the rest of the path: the same work
//   as in a tree where every parent node is set. Every parent node on the seeders' direct paths is set too; parent
//   nodes off those paths stay blank. Setting literally every parent needs at least N/2 commits, each processed by
//   every later committer (O(N²) processing, hours at N = 1,000 for the peers), and the opaque WASM peer cannot be
//   handed a synthesised tree, so the same seeded shape is used for every library.
// Roles (leaf index = order of the KeyPackages in the add-all commit, creator = leaf 0):
//   creator A = leaf 0 (creates, adds all, commits updates, removes), processor B = leaf N−1 (the timed join, the
//   timed processing, decrypts), seeders = leaves 2^k, 1 ≤ k, 2^k < N−1; every other member is passive: it only
//   supplies a KeyPackage, and its client is disposed after the add-all commit. The seeders are disposed once the
//   populated tree is built, before its timed join (a client process holds one state of a group, not 18 of them).

/** Serialized MLS message (MLSMessage / Welcome) or application payload. */
export type Bytes = Uint8Array;

/**
 * What a library must provide to be benchmarked. `M` is the library's own member object (a client and, once it has
 * one, its group state); the harness only passes it back. All calls are awaited one at a time, each is timed as a
 * whole (including decoding the input and encoding the output), and each mutates M in place (new epoch merged)
 * before it resolves. Every member belongs to exactly one group: the one created by `createAndAddAll`. Cipher suite
 * 1 (MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519) throughout; the Welcome carries the ratchet tree (§12.4.3.3).
 */
export interface MlsBenchAdapter<M = unknown> {
  /** Library name as shown in tables and charts, e.g. "ts-mls". */
  readonly name: string;
  /** Library version actually loaded, e.g. "1.6.4". */
  readonly version: string;
  /** One-time setup (load WASM, build the cipher suite). Not timed. */
  init(): Promise<void>;
  /**
   * A new client with its own credential and signature key pair (leaf `index` once added). Not timed. `role` says
   * what the member will do (see MemberRole), so that a library whose per-client set-up is costly can share it among
   * passive members, and give a measured member memory of its own.
   */
  newMember(index: number, role: MemberRole): Promise<M>;
  /** A fresh KeyPackage for `member` (§10), kept in `member` for the add; the latest one replaces older ones. Timed. */
  newKeyPackage(member: M): Promise<void>;
  /**
   * `creator` creates a group (§11) and commits one Add per member of `others` (in that order, so others[i] lands
   * at leaf i+1) in a single commit with path; returns the Welcome (§12.4.3.1) as bytes, ratchet tree included.
   * Timed.
   */
  createAndAddAll(creator: M, others: readonly M[]): Promise<Bytes>;
  /**
   * `creator` adds one more member (`newcomer`, which has a KeyPackage) in a commit; returns the commit (for the
   * other members) and the Welcome. Used to time a join into the populated tree.
   */
  addOne(creator: M, newcomer: M): Promise<{ commit: Bytes; welcome: Bytes }>;
  /** `member` joins from the Welcome bytes, validating the tree as the library does by default (§12.4.3.1). Timed. */
  joinFromWelcome(member: M, welcome: Bytes): Promise<void>;
  /** `member` creates an empty commit with path (an update of its own leaf, §12.4) and merges it; returns it. Timed. */
  commitUpdate(member: M): Promise<Bytes>;
  /** `member` processes a commit (§12.4.2) and merges it. Timed. */
  processCommit(member: M, commit: Bytes): Promise<void>;
  /** `member` commits the removal of `target` (§12.1.3) with path and merges it; returns the commit. Timed. */
  commitRemove(member: M, target: M): Promise<Bytes>;
  /** `member` protects an application message (PrivateMessage, §6.3). Timed. */
  encryptMessage(member: M, plaintext: Bytes): Promise<Bytes>;
  /** `member` unprotects an application message and returns the plaintext. Timed. */
  decryptMessage(member: M, message: Bytes): Promise<Bytes>;
  /**
   * Bytes of memory the library holds that `process.memoryUsage()` heapUsed + external does not see (WASM linear
   * memory is already in `external`; e.g. memory held in a worker). Optional; added to the heap-of-one-group rows.
   */
  outsideHeapBytes?(): number;
  /** Frees a member's resources (a passive member after the add-all commit, or at the end). Not timed. */
  dispose?(member: M): void;
}

/**
 * - "passive": only hands out one KeyPackage; never joins, commits or processes (it is removed at most). Such members
 *   may share resources (e.g. one key store: the KeyPackage's private keys are never needed).
 * - "active": joins and then commits and processes (the creator, the seeders).
 * - "measured": an active member whose group-state memory is measured around its join (the heap rows). A library
 *   whose state lives outside the JS heap (e.g. in WASM linear memory shared by all its clients) should give it
 *   memory of its own (e.g. a separate module instance), so that what grows around its join is its state alone.
 */
export type MemberRole = 'passive' | 'active' | 'measured';

/** Library ids accepted by --libs, mapped to the module that exports `adapter`. */
export const ADAPTERS: Record<string, string> = {
  webmls: './peers/webmls.ts',
  'ts-mls': './peers/ts-mls.ts',
  'core-crypto': './peers/core-crypto.ts',
};

/** Group sizes of issue 7. */
export const DEFAULT_SIZES = [2, 100, 1000, 10_000, 50_000];

/**
 * Scenario rows, in table order. Values are milliseconds per operation unless `unit` says otherwise ('MB': memory;
 * 'msg/s': a rate, where higher is better).
 */
export const SCENARIOS = [
  { id: 'keypackage', label: 'KeyPackage generation', unit: 'ms' },
  { id: 'add-all', label: 'create + add N−1 in one commit', unit: 'ms' },
  { id: 'join-fresh', label: 'join from Welcome (fresh tree)', unit: 'ms' },
  { id: 'commit-fresh', label: 'update commit, create (fresh)', unit: 'ms' },
  { id: 'process-fresh', label: 'update commit, process (fresh)', unit: 'ms' },
  { id: 'remove-fresh', label: 'remove one, create (fresh)', unit: 'ms' },
  { id: 'remove-process-fresh', label: 'remove one, process (fresh)', unit: 'ms' },
  { id: 'encrypt', label: '1 KiB message encrypt', unit: 'ms' },
  { id: 'decrypt', label: '1 KiB message decrypt', unit: 'ms' },
  // The best 250 ms window's rate (see runPlan); the row's "median" field holds it.
  { id: 'messages', label: '1 KiB messages encrypted+decrypted per second', unit: 'msg/s' },
  // Browser only, webmls only (bench/worker-messages.ts): the same through the worker client.
  { id: 'worker-encrypt', label: '1 KiB message encrypt (worker)', unit: 'ms' },
  { id: 'worker-decrypt', label: '1 KiB message decrypt (worker)', unit: 'ms' },
  { id: 'worker-messages', label: '1 KiB messages enc+dec per second (worker)', unit: 'msg/s' },
  { id: 'worker-pipelined', label: '… (worker, 32 calls in flight)', unit: 'msg/s' },
  { id: 'worker-batched', label: '… (worker, sendMany/receiveMany of 50)', unit: 'msg/s' },
  { id: 'commit-populated', label: 'update commit, create (populated)', unit: 'ms' },
  { id: 'process-populated', label: 'update commit, process (populated)', unit: 'ms' },
  { id: 'remove-populated', label: 'remove one, create (populated)', unit: 'ms' },
  { id: 'remove-process-populated', label: 'remove one, process (populated)', unit: 'ms' },
  { id: 'join-populated', label: 'join from Welcome (populated tree)', unit: 'ms' },
  { id: 'heap-fresh', label: 'heap of one group state (fresh)', unit: 'MB' },
  { id: 'heap-populated', label: 'heap of one group state (populated)', unit: 'MB' },
] as const;
export type ScenarioId = (typeof SCENARIOS)[number]['id'];

/** One measured row: a summary, and every sample (ms or MB) when there are at most 50. */
export interface Sample {
  scenario: ScenarioId;
  n: number;
  count: number;
  median: number;
  mean: number;
  min: number;
  max: number;
  samples?: number[];
}

/** Messages from the child process to the runner, one JSON object per stdout line prefixed with "@@". */
export type ChildEvent =
  | { kind: 'meta'; name: string; version: string }
  | { kind: 'start'; op: string }
  | { kind: 'sample'; sample: Sample }
  | { kind: 'info'; text: string }
  | { kind: 'done'; peakRssMB: number; heapUsedMB: number }
  | { kind: 'error'; op: string; message: string };

/** Repetitions of the repeatable operations (commit+process) at group size n. */
export const repsFor = (n: number) => (n <= 100 ? 5 : n <= 1000 ? 3 : 1);
/** Application messages per encrypt/decrypt batch. */
export const MESSAGES = 200;
/** The throughput row: A encrypts and B decrypts one message at a time for this long, in windows of … */
export const THROUGHPUT_MS = 3000;
export const THROUGHPUT_WINDOW_MS = 250;

/** Leaves that send the seeding commits for the populated shape: 2, 4, 8, … (< n−1; leaf n−1 is the processor). */
export function seederLeaves(n: number): number[] {
  const out: number[] = [];
  for (let l = 2; l < n - 1; l *= 2) out.push(l);
  return out;
}

export const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** A row's summary of its samples (every sample kept when there are at most 50). */
export const summary = (scenario: ScenarioId, n: number, xs: number[]): Sample => ({
  scenario,
  n,
  count: xs.length,
  median: median(xs),
  mean: xs.reduce((x, y) => x + y, 0) / xs.length,
  min: Math.min(...xs),
  max: Math.max(...xs),
  ...(xs.length <= 50 ? { samples: xs } : {}),
});

/** Hooks the plan reports through (the child process prints them for the runner). */
export interface PlanIo {
  emit(e: ChildEvent): void;
  /** Heap in use now (JS heap + external + library-private memory) after a full GC, in bytes; undefined: no heap rows. */
  heapNow(): number | undefined;
}

/**
 * Runs every scenario at group size n on one adapter, in the order the tree shapes need (module header). Throws on
 * the first failure (the runner records it and goes on with the next size/library).
 */
export async function runPlan<M>(a: MlsBenchAdapter<M>, n: number, io: PlanIo): Promise<void> {
  if (n < 2) throw new Error('group size must be at least 2');
  const sample = (scenario: ScenarioId, xs: number[]) => io.emit({ kind: 'sample', sample: summary(scenario, n, xs) });
  /** Times one awaited call, announcing it first so the runner's watchdog knows which operation hangs. */
  const timed = async <T>(op: string, f: () => Promise<T>): Promise<[T, number]> => {
    io.emit({ kind: 'start', op });
    const t0 = performance.now();
    const r = await f();
    return [r, performance.now() - t0];
  };

  await a.init();
  io.emit({ kind: 'meta', name: a.name, version: a.version });
  const seeders = seederLeaves(n);
  const B = n - 1;
  const active = new Set([0, B, ...seeders]);
  // Passive members to remove: the highest leaves that do nothing else (fresh phase, then populated phase).
  const passiveDesc = [...Array(n).keys()].reverse().filter((i) => !active.has(i));

  // KeyPackage generation: every member's one KeyPackage is timed; at small n the creator makes extra ones.
  const members: M[] = [];
  const kpMs: number[] = [];
  for (let i = 0; i < n; i++) {
    // One watchdog "operation" per 100 members (client set-up is not timed; KeyPackage generation is).
    if (i % 100 === 0) io.emit({ kind: 'start', op: `new clients + KeyPackages ${i}..${Math.min(n, i + 100) - 1}` });
    const m = await a.newMember(i, i === B ? 'measured' : active.has(i) ? 'active' : 'passive');
    const t0 = performance.now();
    await a.newKeyPackage(m);
    kpMs.push(performance.now() - t0);
    members.push(m);
  }
  for (let extra = n; extra < 20; extra++) {
    const t0 = performance.now();
    await a.newKeyPackage(members[0]!);
    kpMs.push(performance.now() - t0);
  }
  sample('keypackage', kpMs);
  const A = members[0]!;
  const mB = members[B]!;

  // Fresh tree: add all in one commit.
  const [welcome, addMs] = await timed(`add-all ${n - 1}`, () => a.createAndAddAll(A, members.slice(1)));
  sample('add-all', [addMs]);
  for (const i of passiveDesc.slice(2)) a.dispose?.(members[i]!);

  // Join: B (with the heap measured around it), then the seeders (more join samples).
  const joinMs: number[] = [];
  const h0 = io.heapNow();
  const [, jB] = await timed('join (fresh)', () => a.joinFromWelcome(mB, welcome));
  if (h0 !== undefined) sample('heap-fresh', [(io.heapNow()! - h0) / 1e6]);
  joinMs.push(jB);
  for (const s of seeders) joinMs.push((await timed('join (fresh, seeder)', () => a.joinFromWelcome(members[s]!, welcome)))[1]);
  sample('join-fresh', joinMs);

  /** Seeders disposed once their part is over (before the populated join). */
  const retired = new Set<number>();
  const others = (committer: number) => [0, B, ...seeders].filter((i) => i !== committer && !retired.has(i));
  /** Everyone active but the committer processes the commit; B's time is returned. */
  const fanOut = async (committer: number, commit: Bytes, label: string) => {
    let msB = NaN;
    for (const i of others(committer)) {
      const [, ms] = await timed(`${label}: process at leaf ${i}`, () => a.processCommit(members[i]!, commit));
      if (i === B) msB = ms;
    }
    return msB;
  };

  const commitRounds = async (shape: 'fresh' | 'populated') => {
    const c: number[] = [];
    const p: number[] = [];
    for (let r = 0; r < repsFor(n); r++) {
      const [commit, ms] = await timed(`commit (${shape})`, () => a.commitUpdate(A));
      c.push(ms);
      p.push(await fanOut(0, commit, `commit (${shape})`));
    }
    sample(`commit-${shape}`, c);
    sample(`process-${shape}`, p);
  };
  const removeRound = async (shape: 'fresh' | 'populated', target: number | undefined) => {
    if (target === undefined) return io.emit({ kind: 'info', text: `remove (${shape}): no passive member at n=${n}` });
    const [commit, ms] = await timed(`remove (${shape})`, () => a.commitRemove(A, members[target]!));
    sample(`remove-${shape}`, [ms]);
    sample(`remove-process-${shape}`, [await fanOut(0, commit, `remove (${shape})`)]);
  };

  await commitRounds('fresh');

  // Application messages (independent of the tree shape): A encrypts a batch, B decrypts it in order.
  const pt = new Uint8Array(1024);
  for (let i = 0; i < pt.length; i++) pt[i] = (i * 31 + 7) & 255;
  const cts: Bytes[] = [];
  io.emit({ kind: 'start', op: `encrypt ×${MESSAGES}` });
  let t0 = performance.now();
  for (let i = 0; i < MESSAGES; i++) cts.push(await a.encryptMessage(A, pt));
  sample('encrypt', [(performance.now() - t0) / MESSAGES]);
  io.emit({ kind: 'start', op: `decrypt ×${MESSAGES}` });
  t0 = performance.now();
  let last: Bytes = new Uint8Array(0);
  for (const ct of cts) last = await a.decryptMessage(mB, ct);
  sample('decrypt', [(performance.now() - t0) / MESSAGES]);
  if (last.length !== pt.length || last.some((x, i) => x !== pt[i])) throw new Error('decrypted message differs');
  // Throughput (after the batches above warmed the code up): one message at a time, encrypted by A and decrypted
  // by B, as a conversation's sender and receiver would, in windows of THROUGHPUT_WINDOW_MS for THROUGHPUT_MS in
  // all; the row is the best window's rate (messages per second), as on a shared machine the best window is the
  // one least disturbed by other processes (the same rule as bench/crypto.ts's best round). Every window's rate is
  // kept in the samples.
  io.emit({ kind: 'start', op: `encrypt+decrypt for ${THROUGHPUT_MS} ms` });
  const rates: number[] = [];
  for (let start = performance.now(), w0 = start; performance.now() - start < THROUGHPUT_MS; w0 = performance.now()) {
    let k = 0;
    let w1 = w0;
    while (w1 - w0 < THROUGHPUT_WINDOW_MS) {
      last = await a.decryptMessage(mB, await a.encryptMessage(A, pt));
      k++;
      w1 = performance.now();
    }
    rates.push((k * 1000) / (w1 - w0));
  }
  io.emit({ kind: 'sample', sample: { ...summary('messages', n, rates), median: Math.max(...rates) } });
  if (last.length !== pt.length) throw new Error('decrypted message differs');

  await removeRound('fresh', passiveDesc[0]);

  // Populated tree: the seeded commits (module header), each processed by every other active member.
  for (const s of seeders) {
    const [commit] = await timed(`seed commit from leaf ${s}`, () => a.commitUpdate(members[s]!));
    await fanOut(s, commit, `seed ${s}`);
  }
  io.emit({ kind: 'info', text: `populated: ${seeders.length} seeded commits from leaves ${seeders.join(', ') || '(none)'}` });
  await commitRounds('populated');

  // Join into the populated tree: A adds one new client; the actives process the add; the newcomer joins.
  const newcomer = await a.newMember(n, 'measured');
  await a.newKeyPackage(newcomer);
  const [{ commit, welcome: w2 }] = await timed('add one (populated)', () => a.addOne(A, newcomer));
  await fanOut(0, commit, 'add one (populated)');
  // The seeders have done their part: a real client process holds its own state of this group, not 17 more, and
  // with them alive every full GC during the timed join marks all of them (at N = 50,000 ~1 GB of other clients'
  // states, ~0.9 s per mark-compact). Only A and B go on (B still processes the last remove).
  for (const s of seeders) {
    a.dispose?.(members[s]!);
    retired.add(s);
  }
  const h1 = io.heapNow();
  const [, jP] = await timed('join (populated)', () => a.joinFromWelcome(newcomer, w2));
  if (h1 !== undefined) sample('heap-populated', [(io.heapNow()! - h1) / 1e6]);
  sample('join-populated', [jP]);

  // Last, as removing a leaf blanks its direct path (part of the creator's copath).
  await removeRound('populated', passiveDesc[1]);
}

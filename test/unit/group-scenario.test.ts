// Scenario tests of the group state machine (RFC 9420 §8-§12, issue 4 "Proof"): groups of 2 to 50 members driven
// by a SEEDED random script (prng from test/lib/bytes.ts; the seed is in every title) of
// - Adds by value (Welcome joins; sometimes the tree out of band), Removes by value, Updates (commits with a path),
// - proposals by reference (Add, Remove, Update proposed by some members, committed by another one),
// - external joins (§12.4.3.2; sometimes injecting the external PSK) and resyncs (a member rejoins by external commit
//   removing its own old leaf),
// - PSK commits (an external PSK every member registered; the resumption PSK of an epoch every member knows, §8.6),
// - handshakes as PublicMessage or PrivateMessage, at random; some members pad their PrivateMessages,
// - application messages from random members, delivered to every other member in a random order (out of order
//   within the secret tree's window, §9), one replay per round (REPLAY; the sender's own message is REPLAY for
//   the sender too), and now and then one message held back over the next commit (decrypted by members keeping a
//   past epoch, WRONG_EPOCH for the others),
// - a reload after every epoch and with proposals pending: one member continues from deserializeGroupState of its
//   serialized state (byte-identical round trip).
// After EVERY epoch all current members agree on epoch, tree hash, confirmed transcript hash, epoch authenticator,
// an exporter output and the member list (the script's model). Every application message decrypts for every
// current member except its sender, to the bytes sent and the sender's leaf. Removed members get WRONG_EPOCH for
// everything sent after their removal, and their keys cannot open it either: their state with the epoch number
// forced to the message's fails with AEAD_DECRYPT (the sender-data key is not theirs).
// Suite 1 on the wasm provider (several seeds); one short seed on noble suite 1 and one on wasm suite 3.
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { nobleSuite } from '../../sdk/src/crypto/noble.ts';
import { wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import {
  addProposal,
  createCommit,
  createGroup,
  createGroupInfo,
  deserializeGroupState,
  encryptApplication,
  epochAuthenticator,
  exportSecret,
  externalPskProposal,
  joinByExternalCommit,
  joinFromWelcome,
  members,
  mergeStagedCommit,
  processMessage,
  propose,
  proposeUpdate,
  removeProposal,
  resumptionPskProposal,
  serializeGroupState,
  withExternalPsk,
  type CommitSummary,
  type GroupConfig,
  type GroupState,
  type Processed,
  type StagedCommit,
} from '../../sdk/src/group/index.ts';
import type { Credential } from '../../sdk/src/messages/credential.ts';
import { createKeyPackage, type CreatedKeyPackage } from '../../sdk/src/messages/key-package-create.ts';
import type { Proposal } from '../../sdk/src/messages/proposals.ts';
import { prng, throwsCode, toHex, utf8 } from '../lib/bytes.ts';

const core = await loadCore();
const dec = new TextDecoder();
const cred = (name: string): Credential => ({ kind: 'basic', identity: utf8(name) });
const nameOf = (c: Credential): string => dec.decode((c as { identity: Uint8Array }).identity);

/** The script's randomness: everything the script decides comes from here (crypto randomness does not steer it). */
function scriptRng(seed: number) {
  const bytes = prng(seed);
  const u32 = (): number => {
    const b = bytes(4);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  };
  const int = (n: number): number => u32() % n;
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  };
  return {
    int,
    /** An integer in [lo, hi]. */
    between: (lo: number, hi: number): number => lo + int(hi - lo + 1),
    chance: (p: number): boolean => u32() / 2 ** 32 < p,
    pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]!,
    shuffle,
    sample: <T>(xs: readonly T[], k: number): T[] => shuffle([...xs]).slice(0, k),
  };
}

interface Scenario {
  readonly seed: number;
  readonly suite: string;
  readonly cs: () => CipherSuite;
  /** Commits after the group's first one. */
  readonly epochs: number;
  /** Most members at any time (2..50). */
  readonly cap: number;
  /** Most members added by one commit (default 5). */
  readonly batch?: number;
  /** Members added by the first commit (default random, up to 8). */
  readonly initial?: number;
}

/** A live member: its client identity and its current state. */
interface Member {
  readonly name: string;
  readonly sig: Uint8Array;
  readonly config: Partial<GroupConfig>;
  state: GroupState;
  /** The epoch this member's current state line began (join, resync): it knows resumption PSKs from here on. */
  since: bigint;
}

/** A removed member: its last state (inactive, at the epoch of the commit that removed it). */
interface Gone {
  readonly name: string;
  readonly state: GroupState;
}

type Step = 'add' | 'remove' | 'update' | 'byref' | 'external' | 'resync' | 'psk';

interface Stats {
  epochs: number;
  maxMembers: number;
  appMessages: number;
  decryptions: number;
  late: number;
  reloads: number;
  removedChecks: number;
  steps: Record<Step, number>;
}

function asCommit(r: Processed): StagedCommit {
  if (r.kind !== 'commit') throw new Error(`expected a commit, got ${r.kind}`);
  return r.staged;
}

function runScenario(sc: Scenario): Stats {
  const cs = sc.cs();
  const rnd = scriptRng(sc.seed);
  const pskId = utf8(`scenario psk ${sc.seed}`);
  const pskValue = cs.randomBytes(32);
  const stats: Stats = {
    epochs: 0,
    maxMembers: 0,
    appMessages: 0,
    decryptions: 0,
    late: 0,
    reloads: 0,
    removedChecks: 0,
    steps: { add: 0, remove: 0, update: 0, byref: 0, external: 0, resync: 0, psk: 0 },
  };
  let serial = 0;
  const newClient = () => {
    const name = `c${serial++}`;
    // Some members keep one past epoch for late application messages (most keep none, the default); some pad
    // their PrivateMessages (§6.3.1).
    const config: Partial<GroupConfig> = {
      ...(rnd.chance(0.3) ? { pastEpochs: 1 } : {}),
      ...(rnd.chance(0.3) ? { paddingBlock: rnd.pick([16, 64]) } : {}),
    };
    return { name, sig: cs.signatureKeyGen().privateKey, config };
  };
  const withPsk = (s: GroupState) => withExternalPsk(s, pskId, pskValue);

  const first = newClient();
  let live: Member[] = [{ ...first, state: withPsk(createGroup({ suite: cs, credential: cred(first.name), signaturePrivateKey: first.sig, config: first.config })), since: 0n }];
  const gone: Gone[] = [];
  const where = (what: string) => `seed ${sc.seed} epoch ${live[0]!.state.context.epoch}: ${what}`;

  /** Every live member agrees with every other and with the model (names by leaf). */
  function agree(): void {
    const a = live[0]!.state;
    const model = new Map(live.map((m) => [m.state.myLeaf as number, m.name]));
    const inTree = members(a).map((m) => [m.leafIndex as number, nameOf(m.credential)] as const);
    expect(inTree.length, where('member count')).to.equal(live.length);
    for (const [leaf, name] of inTree) expect(model.get(leaf), where(`leaf ${leaf}`)).to.equal(name);
    const ref = {
      epoch: a.context.epoch,
      treeHash: toHex(a.context.treeHash),
      transcript: toHex(a.context.confirmedTranscriptHash),
      auth: toHex(epochAuthenticator(a)),
      exported: toHex(exportSecret(a, 'scenario', utf8('ctx'), 16)),
    };
    for (const m of live) {
      const s = m.state;
      expect(s.active, where(`${m.name} active`)).to.be.true;
      expect(s.context.epoch, where(`${m.name} epoch`)).to.equal(ref.epoch);
      expect(toHex(s.context.treeHash), where(`${m.name} tree hash`)).to.equal(ref.treeHash);
      expect(toHex(s.context.confirmedTranscriptHash), where(`${m.name} transcript`)).to.equal(ref.transcript);
      expect(toHex(epochAuthenticator(s)), where(`${m.name} epoch authenticator`)).to.equal(ref.auth);
      expect(toHex(exportSecret(s, 'scenario', utf8('ctx'), 16)), where(`${m.name} exporter`)).to.equal(ref.exported);
      expect(nameOf(s.tree.leafNode(s.myLeaf)!.credential), where(`${m.name} own leaf`)).to.equal(m.name);
    }
    stats.epochs++;
    stats.maxMembers = Math.max(stats.maxMembers, live.length);
  }

  /** Removed members: the message is for an epoch they are not in (WRONG_EPOCH). */
  /** One member continues from its serialized state (a reload): the round trip is byte-identical. */
  function reload(m: Member): void {
    const bytes = serializeGroupState(m.state);
    const back = deserializeGroupState(bytes, cs);
    expect(toHex(serializeGroupState(back)), where(`${m.name} reload`)).to.equal(toHex(bytes));
    m.state = back;
    stats.reloads++;
  }

  function goneRefuse(msg: Uint8Array): void {
    for (const g of gone) {
      throwsCode(() => processMessage(g.state, msg), 'WRONG_EPOCH');
      stats.removedChecks++;
    }
  }

  /**
   * Deliver a commit to every live member but `skip` (its sender): each stages it (same summary as the
   * committer's), removed members merge into an inactive state and leave the model.
   */
  function deliverCommit(commit: Uint8Array, skip: Member, summary: CommitSummary): void {
    goneRefuse(commit);
    const stay: Member[] = [];
    for (const m of live) {
      if (m === skip) {
        stay.push(m);
        continue;
      }
      const staged = asCommit(processMessage(m.state, commit));
      expect(staged.summary.added, where(`${m.name} added`)).to.deep.equal(summary.added);
      expect(staged.summary.removed, where(`${m.name} removed`)).to.deep.equal(summary.removed);
      expect(staged.summary.updated, where(`${m.name} updated`)).to.deep.equal(summary.updated);
      expect(staged.removed, where(`${m.name} removed?`)).to.equal(summary.removed.includes(m.state.myLeaf));
      const next = mergeStagedCommit(m.state, staged);
      if (staged.removed) {
        expect(next.active).to.be.false;
        throwsCode(() => encryptApplication(next, utf8('x')), 'STATE');
        gone.push({ name: m.name, state: next });
      } else {
        m.state = next;
        stay.push(m);
      }
    }
    live = stay;
  }

  /** Welcome joins of the KeyPackages a commit added (tree in the GroupInfo, or out of band). */
  function joinAll(welcome: Uint8Array | undefined, kps: { c: ReturnType<typeof newClient>; kp: CreatedKeyPackage }[], outOfBand?: GroupState): void {
    if (kps.length === 0) return;
    expect(welcome, where('welcome')).to.not.equal(undefined);
    for (const { c, kp } of kps) {
      const state = joinFromWelcome({
        welcome: welcome!,
        keyPackage: kp.keyPackage,
        initPrivateKey: kp.initPrivateKey,
        encryptionPrivateKey: kp.encryptionPrivateKey,
        signaturePrivateKey: c.sig,
        suite: cs,
        config: c.config,
        externalPsks: [{ pskId, psk: pskValue }],
        ...(outOfBand ? { ratchetTree: outOfBand.tree.toWire() } : {}),
      });
      live.push({ ...c, state, since: state.context.epoch });
    }
  }

  const freshKps = (n: number) =>
    Array.from({ length: n }, () => {
      const c = newClient();
      return { c, kp: createKeyPackage({ suite: cs, credential: cred(c.name), signaturePrivateKey: c.sig }) };
    });
  const wire = (): 'public' | 'private' => (rnd.chance(0.3) ? 'private' : 'public');

  /** A by-value commit from `committer`: merge at the committer, deliver, Welcome joins. */
  function commitByValue(committer: Member, proposals: Proposal[], adds: ReturnType<typeof freshKps>): CommitSummary {
    const ratchetTree = !rnd.chance(0.2);
    const c = createCommit(committer.state, { proposals, wireFormat: wire(), ratchetTree, path: rnd.chance(0.8) });
    committer.state = mergeStagedCommit(committer.state, c.staged);
    deliverCommit(c.commit, committer, c.staged.summary);
    joinAll(c.welcome, adds, ratchetTree ? undefined : committer.state);
    return c.staged.summary;
  }

  // --- epoch 1: the creator adds a first batch ---
  {
    const adds = freshKps(sc.initial ?? rnd.between(1, Math.min(sc.cap - 1, 8)));
    commitByValue(live[0]!, adds.map((a) => addProposal(a.kp.keyPackage)), adds);
    agree();
  }

  let held: { msg: Uint8Array; epoch: bigint; sender: string; data: string } | undefined;

  for (let e = 0; e < sc.epochs; e++) {
    const n = live.length;
    const steps: Step[] = ['update', 'byref', 'psk', 'resync'];
    if (n < sc.cap) steps.push('add', 'add', 'external');
    if (n > 2) steps.push('remove', 'remove');
    // Every kind of step at least once: near the end, the kinds not seen yet are picked first (a Remove first
    // when the group is full and only Adds or external joins are missing).
    const unseen = (Object.keys(stats.steps) as Step[]).filter((k) => stats.steps[k] === 0);
    let pool = steps;
    if (unseen.length > 0 && sc.epochs - e <= unseen.length + 1) {
      const ok = unseen.filter((k) => steps.includes(k));
      pool = ok.length > 0 ? ok : steps.includes('remove') ? ['remove'] : steps;
    }
    const step = rnd.pick(pool);
    stats.steps[step]++;
    const epochBefore = live[0]!.state.context.epoch;

    switch (step) {
      case 'add': {
        const committer = rnd.pick(live);
        const adds = freshKps(rnd.between(1, Math.min(sc.cap - n, sc.batch ?? 5)));
        const s = commitByValue(committer, adds.map((a) => addProposal(a.kp.keyPackage)), adds);
        expect(s.added.length).to.equal(adds.length);
        break;
      }
      case 'remove': {
        const committer = rnd.pick(live);
        const targets = rnd.sample(live.filter((m) => m !== committer), rnd.between(1, Math.min(n - 2, 4)));
        const s = commitByValue(committer, targets.map((t) => removeProposal(t.state.myLeaf)), []);
        expect([...s.removed].sort((a, b) => a - b)).to.deep.equal(targets.map((t) => t.state.myLeaf).sort((a, b) => a - b));
        break;
      }
      case 'update': {
        // A commit with a path and no proposals: the committer's leaf and path get fresh keys (§12.4).
        const committer = rnd.pick(live);
        const oldKey = toHex(committer.state.tree.leafNode(committer.state.myLeaf)!.encryptionKey);
        const c = createCommit(committer.state, { wireFormat: wire() });
        committer.state = mergeStagedCommit(committer.state, c.staged);
        expect(toHex(committer.state.tree.leafNode(committer.state.myLeaf)!.encryptionKey)).to.not.equal(oldKey);
        deliverCommit(c.commit, committer, c.staged.summary);
        break;
      }
      case 'byref': {
        // 1-3 proposers send Add / Remove / Update proposals (an Update sometimes twice: the last one counts);
        // every other member caches them; a member that proposed nothing commits them all by reference. A Remove
        // may target a member that proposed an Update: the committer then leaves that Update out (§12.2).
        const committer = rnd.pick(live);
        const others = live.filter((m) => m !== committer);
        const proposers = rnd.sample(others, rnd.between(1, Math.min(3, others.length)));
        const adds: ReturnType<typeof freshKps> = [];
        const removed: number[] = [];
        const updaters: number[] = [];
        const send = (p: Member, sent: { state: GroupState; message: Uint8Array; ref: Uint8Array }) => {
          p.state = sent.state;
          goneRefuse(sent.message);
          for (const m of live) {
            if (m === p) continue;
            const r = processMessage(m.state, sent.message);
            if (r.kind !== 'proposal') throw new Error(where(`expected a proposal, got ${r.kind}`));
            expect(toHex(r.ref)).to.equal(toHex(sent.ref));
            m.state = r.state;
          }
        };
        for (const p of proposers) {
          const kinds: string[] = ['update', 'update twice'];
          if (n + adds.length < sc.cap) kinds.push('add');
          const targets = others.filter((m) => !removed.includes(m.state.myLeaf));
          if (targets.length > 0 && n - removed.length > 2) kinds.push('remove');
          const kind = rnd.pick(kinds);
          const opts = { wireFormat: wire() };
          if (kind === 'update' || kind === 'update twice') {
            send(p, proposeUpdate(p.state, opts));
            if (kind === 'update twice') send(p, proposeUpdate(p.state, { wireFormat: wire() }));
            updaters.push(p.state.myLeaf);
          } else if (kind === 'add') {
            const [a] = freshKps(1);
            adds.push(a!);
            send(p, propose(p.state, addProposal(a!.kp.keyPackage), opts));
          } else {
            const target = rnd.pick(targets).state.myLeaf;
            removed.push(target);
            send(p, propose(p.state, removeProposal(target), opts));
          }
        }
        const updated = updaters.filter((l) => !removed.includes(l));
        // A reload with proposals pending (the cache must survive), at the committer or elsewhere.
        reload(rnd.chance(0.5) ? committer : rnd.pick(live));
        // Pending proposals: no application data until they are committed (§12.4).
        throwsCode(() => encryptApplication(committer.state, utf8('too early')), 'STATE');
        const ratchetTree = !rnd.chance(0.2);
        const c = createCommit(committer.state, { wireFormat: wire(), ratchetTree });
        expect(c.staged.summary.added.length).to.equal(adds.length);
        expect([...c.staged.summary.removed].sort()).to.deep.equal([...removed].sort());
        expect([...c.staged.summary.updated].sort()).to.deep.equal([...updated].sort());
        committer.state = mergeStagedCommit(committer.state, c.staged);
        deliverCommit(c.commit, committer, c.staged.summary);
        joinAll(c.welcome, adds, ratchetTree ? undefined : committer.state);
        break;
      }
      case 'external': {
        // A new client joins by external commit from a member's GroupInfo (tree inside or out of band).
        const c = newClient();
        const from = rnd.pick(live);
        const inBand = rnd.chance(0.7);
        const ej = joinByExternalCommit({
          groupInfo: createGroupInfo(from.state, { ratchetTree: inBand }),
          ...(inBand ? {} : { ratchetTree: from.state.tree.toWire() }),
          credential: cred(c.name),
          signaturePrivateKey: c.sig,
          suite: cs,
          config: c.config,
          // Sometimes the joiner injects the external PSK (a PreSharedKey proposal in its commit).
          externalPsks: rnd.chance(0.3) ? [{ pskId, psk: pskValue }] : [],
        });
        const joiner: Member = { ...c, state: withPsk(ej.state), since: ej.state.context.epoch };
        deliverCommit(ej.commit, joiner, asCommitSummaryOf(ej.commit, from.state));
        live.push(joiner);
        break;
      }
      case 'resync': {
        // A member rejoins by external commit, removing its own old leaf (§12.4.3.2); its old state is dropped.
        const m = rnd.pick(live);
        const from = rnd.pick(live.filter((x) => x !== m));
        const oldLeaf = m.state.myLeaf;
        const ej = joinByExternalCommit({
          groupInfo: createGroupInfo(from.state),
          credential: cred(m.name),
          signaturePrivateKey: m.sig,
          suite: cs,
          config: m.config,
          removeLeaf: oldLeaf,
        });
        const summary = asCommitSummaryOf(ej.commit, from.state);
        expect(summary.removed).to.deep.equal([oldLeaf]);
        live = live.filter((x) => x !== m);
        const again: Member = { ...m, state: withPsk(ej.state), since: ej.state.context.epoch };
        deliverCommit(ej.commit, again, summary);
        live.push(again);
        break;
      }
      case 'psk': {
        // The external PSK and/or a resumption PSK of an epoch every member knows (§8.4, §8.6).
        const committer = rnd.pick(live);
        const cur = committer.state.context.epoch;
        let lo = cur - 7n;
        for (const m of live) if (m.since > lo) lo = m.since;
        const proposals: Proposal[] = [];
        const which = rnd.int(3);
        if (which !== 1) proposals.push(externalPskProposal(cs, pskId));
        if (which !== 0) proposals.push(resumptionPskProposal(committer.state, lo + BigInt(rnd.int(Number(cur - lo) + 1))));
        // With only the external PSK, sometimes add someone too: the Welcome then names the PSK.
        const adds = which === 0 && n < sc.cap && rnd.chance(0.5) ? freshKps(1) : [];
        commitByValue(committer, [...proposals, ...adds.map((a) => addProposal(a.kp.keyPackage))], adds);
        break;
      }
    }
    expect(live[0]!.state.context.epoch, where(`after ${step}`)).to.equal(epochBefore + 1n);
    agree();
    reload(rnd.pick(live));

    // The message held back over the commit: members of its epoch that keep a past epoch decrypt it.
    if (held !== undefined) {
      for (const m of live) {
        if (m.name === held.sender && m.since <= held.epoch) continue;
        if (m.since <= held.epoch && (m.config.pastEpochs ?? 0) >= 1) {
          const r = processMessage(m.state, held.msg);
          if (r.kind !== 'application') throw new Error('expected an application message');
          expect(dec.decode(r.data)).to.equal(held.data);
          expect(r.epoch).to.equal(held.epoch);
          m.state = r.state;
          stats.late++;
        } else throwsCode(() => processMessage(m.state, held!.msg), 'WRONG_EPOCH');
      }
      held = undefined;
    }

    // Application messages from random members; each receiver gets them in its own random order.
    const senders = rnd.sample(live, rnd.between(1, Math.min(3, live.length)));
    const sent: { msg: Uint8Array; from: Member; leaf: number; data: string }[] = [];
    for (const s of senders)
      for (let k = rnd.between(1, 4); k > 0; k--) {
        const data = `${s.name} e${s.state.context.epoch} #${k} ${rnd.int(1e9)}`;
        const out = encryptApplication(s.state, utf8(data));
        s.state = out.state;
        sent.push({ msg: out.message, from: s, leaf: s.state.myLeaf, data });
      }
    stats.appMessages += sent.length;
    for (const m of live) {
      for (const x of rnd.shuffle(sent.filter((x) => x.from !== m))) {
        const r = processMessage(m.state, x.msg);
        if (r.kind !== 'application') throw new Error(where(`expected an application message, got ${r.kind}`));
        expect(dec.decode(r.data), where(`${m.name} reads ${x.from.name}`)).to.equal(x.data);
        expect(r.sender).to.equal(x.leaf);
        m.state = r.state;
        stats.decryptions++;
      }
    }
    // A replay at one receiver; and the sender's own message is not for the sender (its key is used up).
    {
      const x = rnd.pick(sent);
      const m = rnd.pick(live.filter((y) => y !== x.from));
      throwsCode(() => processMessage(m.state, x.msg), 'REPLAY');
      throwsCode(() => processMessage(x.from.state, x.msg), 'REPLAY');
    }
    // Removed members: WRONG_EPOCH; and their keys cannot open the message even at the right epoch number.
    if (gone.length > 0) {
      const x = rnd.pick(sent);
      goneRefuse(x.msg);
      for (const g of rnd.sample(gone, 3)) {
        const forced: GroupState = { ...g.state, context: { ...g.state.context, epoch: live[0]!.state.context.epoch } };
        throwsCode(() => processMessage(forced, x.msg), 'AEAD_DECRYPT');
        stats.removedChecks++;
      }
    }
    // Now and then one more message is held back until after the next commit.
    if (rnd.chance(0.3)) {
      const s = rnd.pick(live);
      const data = `late from ${s.name}`;
      const out = encryptApplication(s.state, utf8(data));
      s.state = out.state;
      held = { msg: out.message, epoch: s.state.context.epoch, sender: s.name, data };
    }
  }
  return stats;
}

/** The summary the members should see for an external commit: staged at any member (not merged there). */
function asCommitSummaryOf(commit: Uint8Array, member: GroupState): CommitSummary {
  return asCommit(processMessage(member, commit)).summary;
}

// Seeds differ above bit 0: prng() ORs the seed with 1, so seeds 2k and 2k+1 give the same stream.
const scenarios: Scenario[] = [
  { seed: 0x5eed0010, suite: 'wasm suite 1', cs: () => wasmSuite(core, 1), epochs: 18, cap: 12 },
  { seed: 0x5eed0020, suite: 'wasm suite 1', cs: () => wasmSuite(core, 1), epochs: 7, cap: 50, batch: 10, initial: 49 },
  { seed: 0x5eed0030, suite: 'wasm suite 1', cs: () => wasmSuite(core, 1), epochs: 30, cap: 4 },
  { seed: 0x5eed0040, suite: 'wasm suite 1', cs: () => wasmSuite(core, 1), epochs: 14, cap: 24 },
  { seed: 0x5eed0050, suite: 'wasm suite 3', cs: () => wasmSuite(core, 3), epochs: 10, cap: 8 },
  { seed: 0x5eed0800, suite: 'noble suite 1', cs: () => nobleSuite(1), epochs: 7, cap: 6 },
];

describe('group scenarios: seeded random scripts, all members agree after every epoch', () => {
  for (const sc of scenarios)
    it(`${sc.suite}, seed 0x${sc.seed.toString(16)}: ${sc.epochs} epochs, up to ${sc.cap} members`, () => {
      const t0 = performance.now();
      const st = runScenario(sc);
      const ms = Math.round(performance.now() - t0);
      console.log(
        `[group-scenario] ${sc.suite} seed 0x${sc.seed.toString(16)}: ${ms} ms, ${st.epochs} epochs, max ${st.maxMembers} members, ` +
          `${st.appMessages} app messages / ${st.decryptions} decryptions (+${st.late} late), ${st.removedChecks} removed-member refusals, ${st.reloads} reloads, steps ${JSON.stringify(st.steps)}`,
      );
      expect(st.epochs).to.equal(sc.epochs + 1);
      for (const [step, count] of Object.entries(st.steps)) expect(count, `${step} steps`).to.be.greaterThan(0);
    });
});

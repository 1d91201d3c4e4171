// The engine's storage layout (sdk/src/client/engine.ts header): a message writes only the current epoch's secret
// tree record (`secrets`), O(1) in the group size; an epoch change writes state + new tree and deletes the old
// tree in one batch; engines sharing one storage detect each other's writes (version checks) and reload, also
// with no lock between them; a reload restores the state without the consumed keys; the old layout (whole state
// in `groups`) still loads and is rewritten in the new one; commit({ groupInfo: false }). Memory storage, through
// createClient; runs in Node (vitest) and Chromium (wtr).
import { createClient } from '../../sdk/src/index.ts';
import type { GroupHandle, MlsClient, ReceivedEvent } from '../../sdk/src/client/types.ts';
import { debugHooks } from '../../sdk/src/client/debug.ts';
import { MemoryStorage } from '../../sdk/src/storage/memory.ts';
import { storageKey } from '../../sdk/src/storage/keys.ts';
import { WriteBatch, type ListOptions, type StorageProvider, type StoreName, type WriteOp } from '../../sdk/src/storage/provider.ts';
import type { KeyRange, StorageKey } from '../../sdk/src/storage/keys.ts';
import { loadCipherSuite } from '../../sdk/src/crypto/suites.ts';
import { createKeyPackage } from '../../sdk/src/messages/key-package-create.ts';
import { deserializeGroupState, serializeGroupState } from '../../sdk/src/group/serialize.ts';
import { secretTreeFrom } from '../../sdk/src/schedule/secret-tree.ts';
import { rejectsCode, toHex, utf8 } from '../lib/bytes.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

function app(ev: ReceivedEvent): string {
  if (ev.kind !== 'application') throw new Error(`expected an application event, got ${ev.kind}`);
  return text(ev.data);
}

/** Waits until `n` callers arrived, then lets them all go on (forces two engines to read the same version). */
class Barrier {
  private waiting: (() => void)[] = [];
  constructor(private n: number) {}
  arrive(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.waiting.length === this.n) for (const w of this.waiting.splice(0)) w();
    });
  }
}

/**
 * A StorageProvider over a shared MemoryStorage that records each commit's puts (store, key, value bytes).
 * Each wrapper is its own provider object, so two engines on two wrappers of one MemoryStorage share the data but
 * NOT the lock (the engine's lock scope is per provider): a race without any lock, which only the version checks
 * can catch. `barrier` (optional) holds `getMeta('secrets', …)` calls until both racers have read.
 */
class Recording implements StorageProvider {
  readonly kind = 'recording';
  commits: { store: StoreName; bytes: number }[][] = [];
  barrier: Barrier | undefined;
  constructor(readonly inner: MemoryStorage) {}
  get(store: StoreName, key: StorageKey) {
    return this.inner.get(store, key);
  }
  async getMeta(store: StoreName, key: StorageKey) {
    const m = await this.inner.getMeta(store, key);
    if (store === 'secrets' && this.barrier) {
      const b = this.barrier;
      this.barrier = undefined;
      await b.arrive();
    }
    return m;
  }
  list(store: StoreName, options?: ListOptions) {
    return this.inner.list(store, options);
  }
  listMeta(store: StoreName, options?: ListOptions) {
    return this.inner.listMeta(store, options);
  }
  count(store: StoreName, range?: KeyRange) {
    return this.inner.count(store, range);
  }
  commit(batch: WriteBatch | readonly WriteOp[]) {
    const ops = batch instanceof WriteBatch ? batch.ops : batch;
    this.commits.push(ops.flatMap((op) => (op.kind === 'put' ? [{ store: op.store, bytes: op.value.length }] : [])));
    return this.inner.commit(batch);
  }
  async close() {}
  /** The puts of the last commit. */
  last() {
    return this.commits[this.commits.length - 1] ?? [];
  }
}

/** Every stored value of a MemoryStorage, hex, one line per record. */
async function allRecords(s: StorageProvider): Promise<string> {
  const out: string[] = [];
  for (const store of ['groups', 'secrets', 'keyPackages', 'identity', 'pending'] as const)
    for (const r of await s.list(store)) out.push(`${store}:${toHex(r.value)}`);
  return out.join('\n');
}

/** alice (recorded storage) creates a group of n members: bob (recorded) and n−2 KeyPackages of no client. */
async function groupOf(n: number) {
  const sa = new Recording(new MemoryStorage());
  const sb = new Recording(new MemoryStorage());
  const alice = await createClient({ identity: 'alice', storage: sa });
  const bob = await createClient({ identity: 'bob', storage: sb });
  const cs = await loadCipherSuite(1);
  const kps = [(await bob.createKeyPackages(1))[0]!.message];
  for (let i = 2; i < n; i++)
    kps.push(createKeyPackage({ suite: cs, credential: { kind: 'basic', identity: utf8(`m${i}`) }, signaturePrivateKey: cs.signatureKeyGen().privateKey }).message);
  const ga = await alice.createGroup();
  const out = await ga.add(kps, { groupInfo: false });
  await ga.confirm();
  const gb = await bob.joinFromWelcome(out.welcome!);
  return { sa, sb, alice, bob, ga, gb };
}

describe('engine storage: O(1) bytes per application message', () => {
  it('a sent or decrypted message puts only the secret tree record; its size does not grow with the group', async () => {
    const perMessage: Record<number, { send: number; receive: number; state: number }> = {};
    for (const n of [2, 200]) {
      const { sa, sb, alice, bob, ga, gb } = await groupOf(n);
      // Warm up: the first messages split the secret tree along the path to alice's leaf.
      for (let i = 0; i < 3; i++) expect(app(await gb.receive(await ga.send(utf8(`warm ${i}`))))).to.equal(`warm ${i}`);
      let send = 0;
      let receive = 0;
      for (let i = 0; i < 5; i++) {
        const m = await ga.send(new Uint8Array(1024));
        const ps = sa.last();
        expect(ps.map((p) => p.store)).to.deep.equal(['secrets']);
        send = Math.max(send, ps[0]!.bytes);
        await gb.receive(m);
        const pr = sb.last();
        expect(pr.map((p) => p.store)).to.deep.equal(['secrets']);
        receive = Math.max(receive, pr[0]!.bytes);
      }
      const state = (await sa.inner.get('groups', storageKey(ga.groupId)))!.value.length;
      perMessage[n] = { send, receive, state };
      await alice.close();
      await bob.close();
    }
    const small = perMessage[2]!;
    const big = perMessage[200]!;
    // The state record grows with the group (ratchet tree: O(N)); what a message writes does not (a few copath
    // secrets more on a deeper tree: O(log N)).
    expect(big.state).to.be.greaterThan(20 * small.state);
    expect(big.send).to.be.lessThan(small.send + 600);
    expect(big.receive).to.be.lessThan(small.receive + 600);
    expect(big.send * 20).to.be.lessThan(big.state);
    expect(big.receive * 20).to.be.lessThan(big.state);
  });

  it('an epoch change is one batch: state without its tree, the new tree; the old tree record is gone', async () => {
    const { sa, sb, alice, bob, ga, gb } = await groupOf(3);
    await gb.receive(await ga.send(utf8('epoch 1')));
    const gid = ga.groupId;
    expect((await sb.inner.listMeta('secrets')).map((r) => toHex(r.key))).to.deep.equal([toHex(storageKey(gid, 1n))]);
    const u = await ga.update();
    await ga.confirm();
    expect(sa.last().map((p) => p.store)).to.deep.equal(['groups', 'secrets']);
    await gb.receive(u.commit);
    expect(sb.last().map((p) => p.store)).to.deep.equal(['groups', 'secrets']);
    for (const s of [sa, sb]) expect((await s.inner.listMeta('secrets')).map((r) => toHex(r.key))).to.deep.equal([toHex(storageKey(gid, 2n))]);
    // The state record alone has no secret tree: it does not load without the tree record.
    const rec = (await sb.inner.get('groups', storageKey(gid)))!;
    const cs = await loadCipherSuite(1);
    expect(() => deserializeGroupState(rec.value, cs)).to.throw(/secret tree/);
    expect(app(await ga.receive(await gb.send(utf8('epoch 2'))))).to.equal('epoch 2');
    await alice.close();
    await bob.close();
  });
});

describe('engine storage: engines sharing one storage', () => {
  /** alice in two engines ("tabs") on one storage with no lock between them, and bob. */
  async function twoTabs() {
    const shared = new MemoryStorage();
    const s1 = new Recording(shared);
    const s2 = new Recording(shared);
    const tab1 = await createClient({ identity: 'alice', storage: s1 });
    const bob = await createClient({ identity: 'bob', storage: 'memory' });
    const g1 = await tab1.createGroup();
    const out = await g1.add([(await bob.createKeyPackages(1))[0]!.message]);
    await g1.confirm();
    const gb = await bob.joinFromWelcome(out.welcome!);
    const tab2 = await createClient({ storage: s2 });
    const g2 = await tab2.openGroup(g1.groupId);
    const race = () => {
      const b = new Barrier(2);
      s1.barrier = b;
      s2.barrier = b;
    };
    return { shared, s1, s2, tab1, tab2, bob, g1, g2, gb, race };
  }
  const close = async (...cs: MlsClient[]) => {
    for (const c of cs) await c.close();
  };

  it('two sends racing without a lock: one is refused (version check on the tree record), the retry reloads', async () => {
    const { tab1, tab2, bob, g1, g2, gb, race } = await twoTabs();
    for (let round = 0; round < 3; round++) {
      race();
      const rs = await Promise.allSettled([g1.send(utf8(`tab1 ${round}`)), g2.send(utf8(`tab2 ${round}`))]);
      const ok = rs.filter((r) => r.status === 'fulfilled');
      const failed = rs.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok.length).to.equal(1);
      expect((failed[0]!.reason as { code: string }).code).to.equal('STORAGE');
      expect((failed[0]!.reason as Error).message).to.contain('another writer');
      const loser = rs[0]!.status === 'rejected' ? g1 : g2;
      const winner = (ok[0] as PromiseFulfilledResult<Uint8Array>).value;
      // The loser reloads the tree (same state version) and uses the next generation: no key is used twice.
      const retried = await loser.send(utf8('retry'));
      expect(app(await gb.receive(winner))).to.contain(`${round}`);
      expect(app(await gb.receive(retried))).to.equal('retry');
    }
    // Both tabs decrypt what bob sends, each once: the second tab to try sees the key used (REPLAY).
    const m = await gb.send(utf8('to both'));
    expect(app(await g2.receive(m))).to.equal('to both');
    await rejectsCode(g1.receive(m), 'REPLAY');
    await close(tab1, tab2, bob);
  });

  it('two confirms racing: one epoch advance; the loser is refused, then learns its commit was dropped', async () => {
    const { shared, tab1, tab2, bob, g1, g2, gb, race } = await twoTabs();
    const [o1, o2] = await Promise.all([g1.update(), g2.update()]);
    race();
    const rs = await Promise.allSettled([g1.confirm(), g2.confirm()]);
    expect(rs.filter((r) => r.status === 'fulfilled').length).to.equal(1);
    const oneWon = rs[0]!.status === 'fulfilled';
    const [winner, loser] = oneWon ? [g1, g2] : [g2, g1];
    expect(((oneWon ? rs[1] : rs[0]) as PromiseRejectedResult).reason.code).to.equal('STORAGE');
    await rejectsCode(loser.confirm(), 'WRONG_EPOCH'); // reloaded: the group moved on without its commit
    expect(loser.epoch).to.equal(2n);
    expect((await shared.getMeta('groups', storageKey(g1.groupId)))!.epoch).to.equal(2n);
    // bob takes the winner's commit (the delivery service would have taken that one): all three agree.
    await gb.receive((oneWon ? o1 : o2).commit);
    const a = toHex(await winner.epochAuthenticator());
    expect(toHex(await loser.epochAuthenticator())).to.equal(a);
    expect(toHex(await gb.epochAuthenticator())).to.equal(a);
    expect(app(await gb.receive(await loser.send(utf8('loser continues'))))).to.equal('loser continues');
    await close(tab1, tab2, bob);
  });

  it('a send racing a confirm: whichever wins, the other is refused, retried, and bob agrees with both tabs', async () => {
    const { tab1, tab2, bob, g1, g2, gb, race } = await twoTabs();
    const u = await g1.update();
    race();
    const [c, s] = await Promise.allSettled([g1.confirm(), g2.send(utf8('racing'))]);
    expect([c.status, s.status].sort()).to.deep.equal(['fulfilled', 'rejected']);
    if (s.status === 'fulfilled') {
      // The message went first (epoch 1); the confirm retries on the reloaded tree and merges.
      expect((c as PromiseRejectedResult).reason.code).to.equal('STORAGE');
      expect((await g1.confirm()).epoch).to.equal(2n);
      expect(app(await gb.receive(s.value))).to.equal('racing');
      await gb.receive(u.commit);
    } else {
      // The commit went first; the send retries in epoch 2.
      expect((s as PromiseRejectedResult).reason.code).to.equal('STORAGE');
      await gb.receive(u.commit);
      const again = await g2.send(utf8('racing'));
      expect(g2.epoch).to.equal(2n);
      expect(app(await gb.receive(again))).to.equal('racing');
    }
    const a = toHex(await gb.epochAuthenticator());
    expect(toHex(await g1.epochAuthenticator())).to.equal(a);
    expect(toHex(await g2.epochAuthenticator())).to.equal(a);
    expect(app(await gb.receive(await g1.send(utf8('after 1'))))).to.equal('after 1');
    expect(app(await gb.receive(await g2.send(utf8('after 2'))))).to.equal('after 2');
    await close(tab1, tab2, bob);
  });

  it('with the lock (one provider object): interleaved messages reload only the tree, never reuse a key', async () => {
    const shared = new MemoryStorage();
    const s = new Recording(shared);
    const tab1 = await createClient({ identity: 'alice', storage: s });
    const bob = await createClient({ identity: 'bob', storage: 'memory' });
    const g1 = await tab1.createGroup();
    const out = await g1.add([(await bob.createKeyPackages(1))[0]!.message]);
    await g1.confirm();
    const gb = await bob.joinFromWelcome(out.welcome!);
    const tab2 = await createClient({ storage: s });
    const g2 = await tab2.openGroup(g1.groupId);
    const gets: string[] = [];
    const get = s.get.bind(s);
    s.get = (store, key) => (gets.push(store), get(store, key));
    for (let i = 0; i < 4; i++) {
      const [m1, m2] = await Promise.all([g1.send(utf8(`a${i}`)), g2.send(utf8(`b${i}`))]);
      expect(app(await gb.receive(m1))).to.equal(`a${i}`);
      expect(app(await gb.receive(m2))).to.equal(`b${i}`);
    }
    // Each tab reloaded the other's tree record only, never the O(N) state record.
    expect(gets.length).to.be.greaterThan(0);
    expect(gets.every((st) => st === 'secrets')).to.be.true;
    await tab1.close();
    await tab2.close();
    await bob.close();
  });
});

describe('engine storage: reload and old layout', () => {
  it('a new engine after an abrupt stop restores the state; consumed message keys are gone from storage', async () => {
    const sb = new MemoryStorage();
    const alice = await createClient({ identity: 'alice', storage: 'memory' });
    const bob = await createClient({ identity: 'bob', storage: sb, debug: true } as Parameters<typeof createClient>[0]);
    const ga = await alice.createGroup();
    const out = await ga.add([(await bob.createKeyPackages(1))[0]!.message]);
    await ga.confirm();
    const gb = await bob.joinFromWelcome(out.welcome!);
    const m0 = await ga.send(utf8('m0'));
    expect(app(await gb.receive(m0))).to.equal('m0');
    const r1 = (await debugHooks(bob).ratchet(gb.groupId, 0))!.application;
    expect(await allRecords(sb)).to.contain(toHex(r1.secret)); // the scan sees a live ratchet secret
    const m1 = await ga.send(utf8('m1'));
    expect(app(await gb.receive(m1))).to.equal('m1');
    expect(await allRecords(sb)).not.to.contain(toHex(r1.secret));
    // "Terminate": no close(); a new engine on the same storage.
    const bob2 = await createClient({ storage: sb });
    const gb2 = await bob2.openGroup(gb.groupId);
    expect(gb2.epoch).to.equal(1n);
    await rejectsCode(gb2.receive(m1), 'REPLAY');
    await rejectsCode(gb2.receive(m0), 'REPLAY');
    expect(app(await gb2.receive(await ga.send(utf8('m2'))))).to.equal('m2');
    expect(toHex(await gb2.epochAuthenticator())).to.equal(toHex(await ga.epochAuthenticator()));
    await bob2.close();
    await bob.close();
    await alice.close();
  });

  it('a group stored in the old layout (whole state in `groups`) loads, and its first write stores the new layout', async () => {
    const sb = new MemoryStorage();
    const alice = await createClient({ identity: 'alice', storage: 'memory' });
    const bob = await createClient({ identity: 'bob', storage: sb });
    const ga = await alice.createGroup();
    const out = await ga.add([(await bob.createKeyPackages(1))[0]!.message]);
    await ga.confirm();
    const gb = await bob.joinFromWelcome(out.welcome!);
    expect(app(await gb.receive(await ga.send(utf8('before'))))).to.equal('before');
    await bob.close();
    // Rewrite bob's storage as the previous engine stored it: the whole state in `groups`, no `secrets` record.
    const gid = gb.groupId;
    const key = storageKey(gid);
    const rec = (await sb.get('groups', key))!;
    const tree = (await sb.get('secrets', storageKey(gid, 1n)))!;
    const whole = serializeGroupState(deserializeGroupState(rec.value, await loadCipherSuite(1), { secretTree: secretTreeFrom(tree.value) }));
    await sb.commit(new WriteBatch().put('groups', key, whole, { epoch: 1n, v: 7, active: true }).deleteRange('secrets', {}));
    expect(await sb.count('secrets')).to.equal(0);

    const bob2 = await createClient({ storage: sb });
    const gb2 = await bob2.openGroup(gid);
    expect(gb2.epoch).to.equal(1n);
    expect((await gb2.members()).length).to.equal(2);
    expect(app(await gb2.receive(await ga.send(utf8('old layout'))))).to.equal('old layout');
    // The first write stored the new layout: a tree record of epoch 1 and a state record without the tree.
    expect(await sb.count('secrets')).to.equal(1);
    const state = (await sb.get('groups', key))!;
    expect(state.value.length).to.be.lessThan(whole.length);
    expect(app(await gb2.receive(await ga.send(utf8('new layout'))))).to.equal('new layout');
    const u = await ga.update();
    await ga.confirm();
    await gb2.receive(u.commit);
    expect(toHex(await gb2.epochAuthenticator())).to.equal(toHex(await ga.epochAuthenticator()));
    await bob2.close();
    await alice.close();
  });
});

describe('engine: commit({ groupInfo })', () => {
  it('groupInfo: false leaves CommitOutput.groupInfo undefined; the default still returns it', async () => {
    const alice = await createClient({ identity: 'alice', storage: 'memory' });
    const bob = await createClient({ identity: 'bob', storage: 'memory' });
    const ga = await alice.createGroup();
    const out = await ga.add([(await bob.createKeyPackages(1))[0]!.message], { groupInfo: false });
    expect(out.groupInfo).to.equal(undefined);
    expect('groupInfo' in out).to.be.false;
    expect(out.welcome).to.be.instanceOf(Uint8Array);
    await ga.confirm();
    const gb: GroupHandle = await bob.joinFromWelcome(out.welcome!);
    const u = await gb.update({ groupInfo: false });
    expect(u.groupInfo).to.equal(undefined);
    await gb.confirm();
    await ga.receive(u.commit);
    const c = await ga.commit({ groupInfo: true });
    expect(c.groupInfo).to.be.instanceOf(Uint8Array);
    await ga.confirm();
    await gb.receive(c.commit);
    const r = await ga.remove([1]);
    expect(r.groupInfo).to.be.instanceOf(Uint8Array); // default: built
    await ga.discard();
    for (const x of [alice, bob]) await x.close();
  });
});

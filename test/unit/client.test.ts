// sdk/src/client through createClient (engine in this thread), memory storage: full flows for three clients,
// atomicity under injected storage faults, the early-message buffer, reload from the same storage, two "tabs"
// (two clients on one storage) racing commits, errors and abort/progress. Runs in Node (vitest, in-process
// locks) and in Chromium (wtr, Web Locks).
import { createClient, createWorkerClient, type MlsClient as PublicClient } from '../../sdk/src/index.ts';
import type { GroupHandle, MlsClient, ReceivedEvent, CommitEvent, GroupEvent } from '../../sdk/src/client/types.ts';
import { MemoryStorage } from '../../sdk/src/storage/memory.ts';
import { debugHooks } from '../../sdk/src/client/debug.ts';
import { storageKey } from '../../sdk/src/storage/keys.ts';
import { rejectsCode, toHex, utf8 } from '../lib/bytes.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);


function app(ev: ReceivedEvent | undefined): { data: string; from: string } {
  if (ev?.kind !== 'application') throw new Error(`expected an application event, got ${ev?.kind}`);
  return { data: text(ev.data), from: text(ev.sender.identity!) };
}
function commitEv(ev: ReceivedEvent): CommitEvent {
  if (ev.kind !== 'commit') throw new Error(`expected a commit event, got ${ev.kind}`);
  return ev;
}

async function agree(...gs: GroupHandle[]): Promise<void> {
  const auths = await Promise.all(gs.map((g) => g.epochAuthenticator()));
  for (const a of auths) expect(toHex(a)).to.equal(toHex(auths[0]!));
  for (const g of gs) expect(g.epoch).to.equal(gs[0]!.epoch);
}

const mk = (identity: string, storage: MemoryStorage | 'memory' = 'memory', extra = {}) => createClient({ identity, storage, ...extra });

/** alice creates a group and adds bob (and carol): returns the handles at epoch 1. */
async function setup(names: string[], storages?: MemoryStorage[]) {
  const clients: MlsClient[] = [];
  for (let i = 0; i < names.length; i++) clients.push(await mk(names[i]!, storages?.[i] ?? 'memory'));
  const owner = await clients[0]!.createGroup();
  const kps = [];
  for (const c of clients.slice(1)) kps.push((await c.createKeyPackages(1))[0]!.message);
  const out = await owner.add(kps);
  await owner.confirm();
  const handles = [owner];
  for (const c of clients.slice(1)) handles.push(await c.joinFromWelcome(out.welcome!));
  return { clients, handles };
}

describe('client: three clients through createClient (memory storage)', () => {
  it('create, add, exchange, propose, update, remove, external join; all agree on epoch authenticators', async () => {
    const bobStorage = new MemoryStorage();
    const carolStorage = new MemoryStorage();
    const alice = await mk('alice');
    const bob = await mk('bob', bobStorage);
    const carol = await mk('carol', carolStorage);

    const bobKps = await bob.createKeyPackages(2);
    const [carolLr] = await carol.createKeyPackages(1, { lastResort: true });
    expect(bobKps.length).to.equal(2);
    expect(carolLr!.lastResort).to.be.true;
    expect(await bobStorage.count('keyPackages')).to.equal(2);

    const ga = await alice.createGroup();
    expect(ga.epoch).to.equal(0n);
    const aliceEvents: GroupEvent[] = [];
    ga.on('epoch', (e) => aliceEvents.push(e));
    const out = await ga.add([bobKps[0]!.message, carolLr!.message]);
    expect(out.welcome).to.be.instanceOf(Uint8Array);
    expect(out.pending.fromEpoch).to.equal(0n);
    expect(out.pending.addedLeaves).to.deep.equal([1, 2]);
    expect(ga.epoch).to.equal(0n); // nothing merged before confirm
    const confirmed = await ga.confirm();
    expect(confirmed.epoch).to.equal(1n);
    expect(ga.epoch).to.equal(1n);
    expect(confirmed.joined.map((m) => text(m.identity!))).to.deep.equal(['bob', 'carol']);
    expect(aliceEvents.some((e) => e.type === 'epoch' && e.reason === 'confirmed' && e.epoch === 1n)).to.be.true;

    const gb = await bob.joinFromWelcome(out.welcome!);
    const gc = await carol.joinFromWelcome(out.welcome!);
    expect(toHex(gb.groupId)).to.equal(toHex(ga.groupId));
    // The used KeyPackage is gone, the other stays; the last-resort one stays after use (§16.8).
    expect(await bobStorage.count('keyPackages')).to.equal(1);
    expect(await carolStorage.count('keyPackages')).to.equal(1);
    await agree(ga, gb, gc);
    const mem = await gc.members();
    expect(mem.map((m) => text(m.identity!))).to.deep.equal(['alice', 'bob', 'carol']);
    expect(mem.map((m) => m.isMe)).to.deep.equal([false, false, true]);
    // The public tree's shape (§7.8): 3 members in a 4-leaf tree; alice's commit path set parents 1 and 3.
    const t = await gc.tree();
    expect(t.epoch).to.equal(1n);
    expect(t.leaves.map((l) => [l.leafIndex, l.nodeIndex, l.occupied, l.isMe])).to.deep.equal([
      [0, 0, true, false],
      [1, 2, true, false],
      [2, 4, true, true],
      [3, 6, false, false],
    ]);
    expect(t.leaves.map((l) => (l.identity ? text(l.identity) : undefined))).to.deep.equal(['alice', 'bob', 'carol', undefined]);
    expect(t.parents.map((p) => [p.nodeIndex, p.blank])).to.deep.equal([
      [1, false],
      [3, false],
      [5, true],
    ]);
    expect(JSON.stringify(Object.keys(t.leaves[0]!).concat(Object.keys(t.parents[0]!)))).to.not.include('key');

    // Application messages, each way.
    const m1 = await ga.send(utf8('hello from alice'));
    expect(app(await gb.receive(m1))).to.deep.equal({ data: 'hello from alice', from: 'alice' });
    expect(app(await gc.receive(m1))).to.deep.equal({ data: 'hello from alice', from: 'alice' });
    const m2 = await gb.send(utf8('hi, bob here'), { authenticatedData: utf8('ad') });
    const r2 = await ga.receive(m2);
    expect(app(r2).from).to.equal('bob');
    expect(r2.kind === 'application' && text(r2.authenticatedData)).to.equal('ad');
    await rejectsCode(ga.receive(m2), 'REPLAY'); // the key is gone after one use
    expect(app(await gc.receive(m2)).data).to.equal('hi, bob here');
    const ex = await Promise.all([ga, gb, gc].map((g) => g.exportSecret('test label', utf8('ctx'), 32)));
    expect(toHex(ex[1]!)).to.equal(toHex(ex[0]!));
    expect(toHex(ex[2]!)).to.equal(toHex(ex[0]!));

    // A proposal (bob's Update) committed by alice.
    const prop = await gb.proposeUpdate();
    const pa = await ga.receive(prop);
    expect(pa.kind).to.equal('proposal');
    expect(pa.kind === 'proposal' && pa.proposal.type).to.equal('update');
    expect(pa.kind === 'proposal' && pa.sender.type === 'member' && text(pa.sender.identity!)).to.equal('bob');
    expect((await gc.receive(prop)).kind).to.equal('proposal');
    const c2 = await ga.commit();
    await ga.confirm();
    const eb = commitEv(await gb.receive(c2.commit));
    const ec = commitEv(await gc.receive(c2.commit));
    expect(eb.updated.map((m) => m.leafIndex)).to.deep.equal([1]);
    expect(ec.epoch).to.equal(2n);
    await agree(ga, gb, gc);

    // Carol updates (an UpdatePath) itself.
    const u = await gc.update();
    await gc.confirm();
    expect(commitEv(await ga.receive(u.commit)).committer?.leafIndex).to.equal(2);
    await gb.receive(u.commit);
    await agree(ga, gb, gc);

    // Alice removes bob; bob sees he was removed.
    const removed: GroupEvent[] = [];
    gb.on('removed', (e) => removed.push(e));
    const rm = await ga.remove([1]);
    expect(rm.pending.removedLeaves).to.deep.equal([1]);
    await ga.confirm();
    const lc = commitEv(await gc.receive(rm.commit));
    expect(lc.left.map((m) => text(m.identity!))).to.deep.equal(['bob']);
    const lb = commitEv(await gb.receive(rm.commit));
    expect(lb.removedMe).to.be.true;
    expect(gb.active).to.be.false;
    expect(removed.length).to.equal(1);
    await rejectsCode(gb.send(utf8('still here?')), 'STATE');
    await agree(ga, gc);
    expect((await ga.members()).map((m) => text(m.identity!))).to.deep.equal(['alice', 'carol']);

    // Dave joins by external commit from a GroupInfo.
    const dave = await mk('dave');
    const gi = await gc.groupInfo();
    const ext = await dave.joinByExternalCommit(gi);
    const je = commitEv(await ga.receive(ext.commit));
    expect(je.external).to.be.true;
    expect(je.joined.map((m) => text(m.identity!))).to.deep.equal(['dave']);
    await gc.receive(ext.commit);
    await agree(ga, gc, ext.group);
    const m3 = await ext.group.send(utf8('dave says hi'));
    expect(app(await ga.receive(m3)).from).to.equal('dave');

    // Carol leaves: her Remove proposal, committed by alice.
    const leave = await gc.leave();
    await ga.receive(leave);
    await ext.group.receive(leave);
    const lv = await ga.commit();
    await ga.confirm();
    expect(commitEv(await gc.receive(lv.commit)).removedMe).to.be.true;
    await ext.group.receive(lv.commit);
    await agree(ga, ext.group);
    for (const c of [alice, bob, carol, dave]) await c.close();
  });

  it('events: on() and the async iterator see every received message', async () => {
    const { clients, handles } = await setup(['alice', 'bob']);
    const [ga, gb] = handles as [GroupHandle, GroupHandle];
    const seen: string[] = [];
    const stop = gb.on('message', (e) => e.event.kind === 'application' && seen.push(text(e.event.data)));
    const clientSeen: GroupEvent[] = [];
    clients[1]!.on('message', (e) => clientSeen.push(e));
    const it = gb.events();
    await gb.receive(await ga.send(utf8('one')));
    stop();
    await gb.receive(await ga.send(utf8('two')));
    expect(seen).to.deep.equal(['one']);
    expect(clientSeen.length).to.equal(2);
    const first = await it.next();
    const second = await it.next();
    expect(first.value?.type === 'message' && first.value.event.kind).to.equal('application');
    expect(second.value?.type === 'message' && second.value.event.kind === 'application' && text(second.value.event.data)).to.equal('two');
    await it.return!();
    expect((await it.next()).done).to.be.true;
    for (const c of clients) await c.close();
  });
});

describe('client: atomicity (MemoryStorage.failNextCommit)', () => {
  it('a failed merge leaves stored and in-memory state at the old epoch; the retry succeeds', async () => {
    const sa = new MemoryStorage();
    const sb = new MemoryStorage();
    const { clients, handles } = await setup(['alice', 'bob'], [sa, sb]);
    const [ga, gb] = handles as [GroupHandle, GroupHandle];
    const key = storageKey(ga.groupId);
    const authBefore = toHex(await ga.epochAuthenticator());

    // Our own commit: confirm fails in storage.
    const out = await ga.update();
    sa.failNextCommit();
    await rejectsCode(ga.confirm(), 'STORAGE');
    expect(ga.epoch).to.equal(1n);
    expect((await sa.getMeta('groups', key))!.epoch).to.equal(1n);
    expect(toHex(await ga.epochAuthenticator())).to.equal(authBefore);
    // A reload from the same storage sees the old epoch too.
    const again = await createClient({ storage: sa });
    expect((await again.openGroup(ga.groupId)).epoch).to.equal(1n);
    await again.close();
    const ok = await ga.confirm();
    expect(ok.epoch).to.equal(2n);

    // A received commit: the merge fails, nothing changes, the retry processes it.
    sb.failNextCommit();
    await rejectsCode(gb.receive(out.commit), 'STORAGE');
    expect(gb.epoch).to.equal(1n);
    expect((await sb.getMeta('groups', key))!.epoch).to.equal(1n);
    expect(toHex(await gb.epochAuthenticator())).to.equal(authBefore);
    expect(commitEv(await gb.receive(out.commit)).epoch).to.equal(2n);
    await agree(ga, gb);

    // A decrypted message whose key deletion fails to store: not consumed, decrypts on retry (no REPLAY).
    const m = await ga.send(utf8('retry me'));
    sb.failNextCommit();
    await rejectsCode(gb.receive(m), 'STORAGE');
    expect(app(await gb.receive(m)).data).to.equal('retry me');
    await rejectsCode(gb.receive(m), 'REPLAY');

    // A send whose ratchet advance fails to store yields no message; the next send works.
    sa.failNextCommit();
    await rejectsCode(ga.send(utf8('lost')), 'STORAGE');
    expect(app(await gb.receive(await ga.send(utf8('kept')))).data).to.equal('kept');
    for (const c of clients) await c.close();
  });
});

/** A MemoryStorage that counts the commits that succeed. */
class CountingStorage extends MemoryStorage {
  commits = 0;
  override async commit(batch: Parameters<MemoryStorage['commit']>[0]): Promise<void> {
    await super.commit(batch);
    this.commits++;
  }
}

describe('client: sendMany / receiveMany', () => {

  it('the same messages as one by one, persisted by one write per run of application messages', async () => {
    const sa = new CountingStorage();
    const sb = new CountingStorage();
    const { clients, handles } = await setup(['alice', 'bob', 'carol'], [sa, sb, new MemoryStorage()]);
    const [ga, gb, gc] = handles as [GroupHandle, GroupHandle, GroupHandle];
    const texts = ['one', 'two', 'three', 'four', 'five'];
    let before = sa.commits;
    const wires = await ga.sendMany(texts.map(utf8));
    expect(sa.commits - before).to.equal(1);
    expect(wires.length).to.equal(5);
    const seen: string[] = [];
    gb.on('message', (e) => void (e.event.kind === 'application' && seen.push(text(e.event.data))));
    before = sb.commits;
    const evs = await gb.receiveMany(wires);
    expect(sb.commits - before).to.equal(1);
    expect(evs.map((e) => app(e as ReceivedEvent))).to.deep.equal(texts.map((data) => ({ data, from: 'alice' })));
    expect(seen).to.deep.equal(texts);
    // Carol takes them one by one: the same plaintexts (the batch's messages are ordinary messages).
    for (const [i, w] of wires.entries()) expect(app(await gc.receive(w)).data).to.equal(texts[i]);
    // Every key was consumed and its deletion stored: a reload refuses them all as replays.
    const bob2 = await createClient({ storage: sb });
    const gb2 = await bob2.openGroup(ga.groupId);
    expect((await gb2.receiveMany(wires)).map((e) => (e.kind === 'rejected' ? e.code : e.kind))).to.deep.equal(Array(5).fill('REPLAY'));
    expect(await gb.sendMany([])).to.deep.equal([]);
    expect(await gb.receiveMany([])).to.deep.equal([]);
    await rejectsCode(gb.receiveMany([utf8('x'), 'y' as unknown as Uint8Array]), 'DECODE');
    await bob2.close();
    for (const c of clients) await c.close();
  });

  it('a mixed batch: bad and replayed messages are rejected alone; a commit and an early message in between', async () => {
    const { clients, handles } = await setup(['alice', 'bob', 'carol']);
    const [ga, gb, gc] = handles as [GroupHandle, GroupHandle, GroupHandle];
    const m1 = await ga.send(utf8('m1'));
    const m3 = await gc.send(utf8('m3 (epoch 1)'));
    const p = await gc.proposeUpdate();
    await ga.receive(p);
    const u = await ga.commit(); // commits carol's proposal
    await ga.confirm();
    const m2 = await ga.send(utf8('m2 (epoch 2)'));
    const evs = await gb.receiveMany([m2, m1, utf8('not a message'), m1, p, m3, u.commit, await ga.send(utf8('m4'))]);
    const kinds = evs.map((e) => (e.kind === 'rejected' ? `rejected ${e.code}` : e.kind));
    expect(kinds).to.deep.equal(['buffered', 'application', 'rejected DECODE', 'rejected REPLAY', 'proposal', 'application', 'commit', 'application']);
    expect(app(evs[1] as ReceivedEvent).data).to.equal('m1');
    expect(app(evs[5] as ReceivedEvent).from).to.equal('carol');
    const c = commitEv(evs[6] as ReceivedEvent);
    expect(c.epoch).to.equal(2n);
    expect(c.released.map((r) => (r.kind === 'application' ? text(r.data) : r.kind))).to.deep.equal(['m2 (epoch 2)']);
    expect(app(evs[7] as ReceivedEvent).data).to.equal('m4');
    await gc.receive(u.commit);
    await agree(ga, gb, gc);
    for (const cl of clients) await cl.close();
  });

  it('a failed write rejects exactly the messages it carried; they are received on retry; a failed sendMany sends nothing', async () => {
    const sa = new MemoryStorage();
    const sb = new MemoryStorage();
    const { clients, handles } = await setup(['alice', 'bob'], [sa, sb]);
    const [ga, gb] = handles as [GroupHandle, GroupHandle];
    const wires = await ga.sendMany(['a', 'b', 'c'].map(utf8));
    sb.failNextCommit();
    const failed = await gb.receiveMany(wires);
    expect(failed.map((e) => (e.kind === 'rejected' ? e.code : e.kind))).to.deep.equal(['STORAGE', 'STORAGE', 'STORAGE']);
    expect((await gb.receiveMany(wires)).map((e) => app(e as ReceivedEvent).data)).to.deep.equal(['a', 'b', 'c']);
    sa.failNextCommit();
    await rejectsCode(ga.sendMany(['lost 1', 'lost 2'].map(utf8)), 'STORAGE');
    // The generations of the failed batch were never stored: the next messages decrypt in order.
    expect((await gb.receiveMany(await ga.sendMany([utf8('d')]))).map((e) => app(e as ReceivedEvent).data)).to.deep.equal(['d']);
    await agree(ga, gb);
    for (const c of clients) await c.close();
  });
});

describe('client: concurrent send / receive calls travel together', () => {
  const outcome = (s: PromiseSettledResult<ReceivedEvent>) =>
    s.status === 'fulfilled' ? app(s.value).data : `rejected ${(s.reason as { code?: string }).code}`;

  it('sends and receives made back to back: one write each side, every call its own result, buffers reusable at once', async () => {
    const sa = new CountingStorage();
    const sb = new CountingStorage();
    const { clients, handles } = await setup(['alice', 'bob', 'carol'], [sa, sb, new MemoryStorage()]);
    const [ga, gb, gc] = handles as [GroupHandle, GroupHandle, GroupHandle];
    const texts = Array.from({ length: 12 }, (_, i) => `message ${i}`);
    let before = sa.commits;
    // One buffer, rewritten after each call: every call copied its input when it was made.
    const buf = new Uint8Array(12);
    const sends = texts.map((t) => {
      buf.fill(32);
      buf.set(utf8(t));
      return ga.send(buf);
    });
    buf.fill(0);
    const wires = await Promise.all(sends);
    expect(sa.commits - before).to.equal(1);
    before = sb.commits;
    const got = await Promise.all(wires.map((w) => gb.receive(w)));
    expect(sb.commits - before).to.equal(1);
    expect(got.map((e) => app(e).data.trimEnd())).to.deep.equal(texts);
    // Carol one call at a time: the same plaintexts.
    for (const [i, w] of wires.entries()) expect(app(await gc.receive(w)).data.trimEnd()).to.equal(texts[i]);
    for (const c of clients) await c.close();
  });

  it('a failing message fails alone with the error receive gives; other calls in between keep the order', async () => {
    const sa = new CountingStorage();
    const { clients, handles } = await setup(['alice', 'bob'], [sa, new MemoryStorage()]);
    const [ga, gb] = handles as [GroupHandle, GroupHandle];
    const [w1, w2] = [await ga.send(utf8('one')), await ga.send(utf8('two'))];
    const settled = await Promise.allSettled([gb.receive(w1), gb.receive(utf8('not a message')), gb.receive(w1), gb.receive(w2)]);
    expect(settled.map(outcome)).to.deep.equal(['one', 'rejected DECODE', 'rejected REPLAY', 'two']);
    // The error a lone call gives: an MlsError with the engine's code and message (its prefix not doubled).
    const alone = (await Promise.allSettled([gb.receive(w1)]))[0] as PromiseRejectedResult;
    const batched = (settled[2] as PromiseRejectedResult).reason as Error & { code: string };
    expect(batched.name).to.equal('MlsError');
    expect(batched.code).to.equal(alone.reason.code);
    expect(batched.message).to.match(/^REPLAY: generation 0 of leaf 0's application ratchet was already used/);
    expect(alone.reason.message).to.match(/^REPLAY: generation 0 of leaf 0's application ratchet was already used/);
    // A call of another kind (a send with authenticated data, a members() call) splits the run: the engine sees
    // every call in the order made, so the generations follow the calls (one write per run).
    const before = sa.commits;
    const order = await Promise.all([
      ga.send(utf8('a')),
      ga.send(utf8('b')),
      ga.send(utf8('c'), { authenticatedData: utf8('ad') }),
      ga.members().then(() => undefined),
      ga.send(utf8('d')),
    ]);
    expect(sa.commits - before).to.equal(3); // [a, b], [c], [d]
    const evs = await gb.receiveMany(order.filter((w): w is Uint8Array => w !== undefined));
    expect(evs.map((e) => app(e as ReceivedEvent).data)).to.deep.equal(['a', 'b', 'c', 'd']);
    await clients[1]!.close();
    await rejectsCode(gb.receive(w2), 'STATE');
    await clients[0]!.close();
  });
});

describe('client: early messages', () => {
  it('a message of the next epoch is held (persisted), then released in order once the commit arrives', async () => {
    const sb = new MemoryStorage();
    const { clients, handles } = await setup(['alice', 'bob'], [new MemoryStorage(), sb]);
    const [ga, gb] = handles as [GroupHandle, GroupHandle];
    const up = await ga.update();
    await ga.confirm();
    const e1 = await ga.send(utf8('early 1'));
    const e2 = await ga.send(utf8('early 2'));
    const h1 = await gb.receive(e2); // arrival order: 2 then 1
    const h2 = await gb.receive(e1);
    expect(h1).to.deep.equal({ kind: 'buffered', epoch: 2n });
    expect(h2.kind).to.equal('buffered');
    expect(await sb.count('pending')).to.equal(2);
    const ev = commitEv(await gb.receive(up.commit));
    expect(ev.released.map((r) => r.kind === 'application' && text(r.data))).to.deep.equal(['early 2', 'early 1']);
    expect(await sb.count('pending')).to.equal(0);
    await agree(ga, gb);
    for (const c of clients) await c.close();
  });

  it('held messages survive a reload of the client', async () => {
    const sb = new MemoryStorage();
    const { clients, handles } = await setup(['alice', 'bob'], [new MemoryStorage(), sb]);
    const [ga, gb] = handles as [GroupHandle, GroupHandle];
    const up = await ga.update();
    await ga.confirm();
    expect((await gb.receive(await ga.send(utf8('before the commit')))).kind).to.equal('buffered');
    await clients[1]!.close();
    const bob2 = await createClient({ storage: sb });
    const gb2 = await bob2.openGroup(gb.groupId);
    expect(gb2.epoch).to.equal(1n);
    const ev = commitEv(await gb2.receive(up.commit));
    expect(ev.released.length).to.equal(1);
    expect(app(ev.released[0] as ReceivedEvent).data).to.equal('before the commit');
    await bob2.close();
    await clients[0]!.close();
  });

  it('too far ahead, too old and a full buffer are typed errors', async () => {
    const alice = await mk('alice');
    const bob = await createClient({ identity: 'bob', storage: 'memory', earlyMessages: { maxMessages: 2 } });
    const ga = await alice.createGroup();
    const out = await ga.add([(await bob.createKeyPackages(1))[0]!.message]);
    await ga.confirm();
    const gb = await bob.joinFromWelcome(out.welcome!);
    const old = await ga.send(utf8('epoch 1'));
    const c2 = await ga.update();
    await ga.confirm();
    const c3 = await ga.update();
    await ga.confirm();
    const far = await ga.send(utf8('epoch 3'));
    const err = await rejectsCode(gb.receive(far), 'WRONG_EPOCH'); // epoch 3 while bob is at 1
    expect(err.message).to.contain('too far ahead');
    await gb.receive(c2.commit);
    expect((await gb.receive(far)).kind).to.equal('buffered'); // now only one ahead
    expect((await gb.receive(await ga.send(utf8('epoch 3 again')))).kind).to.equal('buffered');
    await rejectsCode(gb.receive(await ga.send(utf8('one too many'))), 'STATE'); // maxMessages 2
    const ev = commitEv(await gb.receive(c3.commit));
    expect(ev.released.map((r) => r.kind === 'application' && text(r.data))).to.deep.equal(['epoch 3', 'epoch 3 again']);
    await rejectsCode(gb.receive(old), 'WRONG_EPOCH'); // epoch 1 is gone
    await rejectsCode(gb.receive(c2.commit), 'WRONG_EPOCH');
    await agree(ga, gb);
    await alice.close();
    await bob.close();
  });
});

describe('client: reload and tabs', () => {
  it('a new client on the same storage lists, opens and continues its groups', async () => {
    const sa = new MemoryStorage();
    const { clients, handles } = await setup(['alice', 'bob'], [sa, new MemoryStorage()]);
    const [ga, gb] = handles as [GroupHandle, GroupHandle];
    await gb.receive(await ga.send(utf8('before reload')));
    await clients[0]!.close();
    await rejectsCode(createClient({ identity: 'mallory', storage: sa }), 'STATE'); // another identity's storage
    const alice2 = await createClient({ storage: sa });
    const me = (await alice2.identity()).credential;
    expect(me.kind === 'basic' && text(me.identity)).to.equal('alice');
    const list = await alice2.listGroups();
    expect(list.length).to.equal(1);
    expect(toHex(list[0]!.groupId)).to.equal(toHex(ga.groupId));
    expect(list[0]!.epoch).to.equal(1n);
    const ga2 = await alice2.openGroup(list[0]!.groupId);
    expect(app(await gb.receive(await ga2.send(utf8('after reload')))).data).to.equal('after reload');
    expect(app(await ga2.receive(await gb.send(utf8('welcome back')))).data).to.equal('welcome back');
    await agree(ga2, gb);
    await alice2.deleteGroup(ga2.groupId);
    expect((await alice2.listGroups()).length).to.equal(0);
    await rejectsCode(alice2.openGroup(ga2.groupId), 'STATE');
    await alice2.close();
    await clients[1]!.close();
  });

  it('two clients on one storage racing update(): one epoch advance, the loser reloads, no fork', async () => {
    const sa = new MemoryStorage();
    const { clients, handles } = await setup(['alice', 'bob'], [sa, new MemoryStorage()]);
    const [ga, gb] = handles as [GroupHandle, GroupHandle];
    const tab2 = await createClient({ storage: sa });
    const ga2 = await tab2.openGroup(ga.groupId);
    const [o1, o2] = await Promise.all([ga.update(), ga2.update()]);
    expect(o1.pending.fromEpoch).to.equal(1n);
    expect(o2.pending.fromEpoch).to.equal(1n);
    // The delivery service accepts the first commit of epoch 1 only.
    await ga.confirm();
    await rejectsCode(ga2.confirm(), 'WRONG_EPOCH');
    expect(ga2.epoch).to.equal(2n); // reloaded
    expect(commitEv(await gb.receive(o1.commit)).epoch).to.equal(2n);
    await agree(ga, ga2, gb);
    // Both "tabs" keep working on the one stored state: ratchets never repeat.
    expect(app(await gb.receive(await ga2.send(utf8('from tab 2')))).data).to.equal('from tab 2');
    expect(app(await gb.receive(await ga.send(utf8('from tab 1')))).data).to.equal('from tab 1');
    const m = await gb.send(utf8('to both tabs'));
    expect(app(await ga2.receive(m)).data).to.equal('to both tabs');
    await rejectsCode(ga.receive(m), 'REPLAY'); // tab 1 reloads first and sees the key used
    expect((await sa.getMeta('groups', storageKey(ga.groupId)))!.epoch).to.equal(2n);
    await tab2.close();
    for (const c of clients) await c.close();
  });
});

// Type-level checks of the public API (compile time: `npm run typecheck`): both factories give the same interface.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameInterface: Same<Awaited<ReturnType<typeof createClient>>, Awaited<ReturnType<typeof createWorkerClient>>> = true;
const isPublic: Same<Awaited<ReturnType<typeof createClient>>, PublicClient> = true;
type RecvKinds = Awaited<ReturnType<GroupHandle['receive']>>['kind'];
const recvKinds: Same<RecvKinds, 'application' | 'proposal' | 'commit' | 'buffered'> = true;

describe('client: cipher suites and crypto backends', () => {
  it('suite 3 (ChaCha20-Poly1305) on the wasm core and suite 1 on @noble interoperate within their suites', async () => {
    expect(sameInterface && isPublic && recvKinds).to.be.true;
    for (const [suite, crypto] of [
      [3, 'wasm'],
      [1, 'noble'],
      [2, 'wasm'],
    ] as const) {
      const a = await createClient({ identity: 'a', storage: 'memory', cipherSuite: suite, crypto });
      const b = await createClient({ identity: 'b', storage: 'memory', cipherSuite: suite });
      expect((await a.identity()).cipherSuite).to.equal(suite);
      const ga = await a.createGroup();
      const out = await ga.add([(await b.createKeyPackages(1))[0]!.message]);
      await ga.confirm();
      const gb = await b.joinFromWelcome(out.welcome!);
      expect(app(await gb.receive(await ga.send(utf8(`suite ${suite}`)))).data).to.equal(`suite ${suite}`);
      await agree(ga, gb);
      await a.close();
      await b.close();
    }
  });
});

describe('client: encrypted handshakes', () => {
  it('a discarded PrivateMessage commit never lets its handshake key be reused', async () => {
    const opts = { storage: 'memory' as const, groupConfig: { handshakeWireFormat: 'private' as const }, debug: true };
    const alice = await createClient({ identity: 'alice', ...opts } as Parameters<typeof createClient>[0]);
    const bob = await createClient({ identity: 'bob', ...opts } as Parameters<typeof createClient>[0]);
    const ga = await alice.createGroup();
    const out = await ga.add([(await bob.createKeyPackages(1))[0]!.message]);
    await ga.confirm();
    const gb = await bob.joinFromWelcome(out.welcome!);
    const hs = async () => (await debugHooks(bob).ratchet(gb.groupId, 1))?.handshake.generation ?? 0;
    expect(await hs()).to.equal(0);
    await gb.update();
    await gb.discard();
    expect(await hs()).to.equal(1); // generation 0 was used by the discarded commit: it is gone
    const u = await gb.update();
    await gb.confirm();
    expect(commitEv(await ga.receive(u.commit)).committer?.leafIndex).to.equal(1);
    const p = await ga.proposeUpdate();
    expect((await gb.receive(p)).kind).to.equal('proposal');
    await agree(ga, gb);
    await alice.close();
    await bob.close();
  });
});

describe('client: errors, abort and progress', () => {
  it('typed errors for bad input; abort and progress of long work', async () => {
    const { clients, handles } = await setup(['alice', 'bob']);
    const [ga, gb] = handles as [GroupHandle, GroupHandle];
    await rejectsCode(gb.receive(utf8('not an MLS message')), 'DECODE');
    const other = await clients[0]!.createGroup();
    await rejectsCode(gb.receive(await other.send(utf8('x'))), 'WRONG_GROUP');
    await rejectsCode(ga.confirm(), 'STATE');
    await rejectsCode(createClient({ storage: 'memory' }), 'STATE'); // new storage, no identity
    await rejectsCode(gb.receive(await ga.groupInfo()), 'INVALID_MESSAGE');
    await rejectsCode(clients[0]!.joinFromWelcome(utf8('nope')), 'DECODE');
    const ac = new AbortController();
    ac.abort();
    await rejectsCode(clients[0]!.createKeyPackages(3, { signal: ac.signal }), 'ABORTED');
    const progress: string[] = [];
    const ac2 = new AbortController();
    await rejectsCode(
      clients[0]!.createKeyPackages(5, {
        signal: ac2.signal,
        onProgress: (d, t) => {
          progress.push(`${d}/${t}`);
          if (d === 2) ac2.abort();
        },
      }),
      'ABORTED',
    );
    expect(progress).to.deep.equal(['1/5', '2/5']);
    const done: string[] = [];
    const carol = await mk('carol');
    const kps = await carol.createKeyPackages(3, { onProgress: (d, t) => done.push(`${d}/${t}`) });
    expect(done).to.deep.equal(['1/3', '2/3', '3/3']);
    const out = await ga.add(kps.map((k) => k.message).slice(0, 1), { onProgress: (d, t) => done.push(`add ${d}/${t}`) });
    expect(done.slice(3)).to.deep.equal(['add 1/2', 'add 2/2']);
    await ga.discard();
    await rejectsCode(ga.confirm(), 'STATE');
    expect(ga.epoch).to.equal(1n);
    expect(out.commit).to.be.instanceOf(Uint8Array);
    await carol.close();
    for (const c of clients) await c.close();
  });
});

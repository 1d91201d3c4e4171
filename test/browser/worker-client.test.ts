// createWorkerClient in Chromium: engines in Web Workers (workers/mls.worker.ts via Comlink) over IndexedDB.
// Full flows between three workers, reload by terminating a worker, IndexedDB fault injection (atomicity),
// forward secrecy and sealing at rest (via the test-only debug hooks of client/debug.ts, which read records
// through the storage's own decoding and copy the worker's secrets out — enabled by the `debug: true` option),
// two "tabs" (two workers on one database) racing commits, held early messages surviving a reload, and MlsError
// codes across the boundary.
import { createWorkerClient } from '../../sdk/src/client/worker-client.ts';
import { debugHooks, type DebugSecrets } from '../../sdk/src/client/debug.ts';
import type { CommitEvent, GroupEvent, GroupHandle, MlsClient, ReceivedEvent, WorkerClientOptions } from '../../sdk/src/client/types.ts';
import { MlsError } from '../../sdk/src/errors.ts';
import { deleteDatabase } from '../../sdk/src/storage/indexeddb.ts';
import { nobleSuite } from '../../sdk/src/crypto/noble.ts';
import { deriveTreeSecret } from '../../sdk/src/crypto/labels.ts';
import { decodeKeyPackageRecord } from '../../sdk/src/client/records.ts';
import { toHex, utf8 } from '../lib/bytes.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const run = Math.random().toString(36).slice(2, 8);
const dbs: string[] = [];
let dbCount = 0;
const dbName = (who: string) => {
  const n = `wc-${run}-${++dbCount}-${who}`;
  dbs.push(n);
  return n;
};
const worker = () => new Worker(new URL('../../workers/mls.worker.ts', import.meta.url), { type: 'module' });

async function client(who: string, db = dbName(who), extra: Partial<WorkerClientOptions> = {}): Promise<MlsClient> {
  return createWorkerClient({ identity: who, databaseName: db, debug: true, ...extra } as WorkerClientOptions);
}

async function rejectsCode(p: Promise<unknown>, code: string): Promise<MlsError> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof MlsError) || e.code !== code) throw new Error(`expected MlsError ${code}, got ${(e as Error).name}: ${(e as Error).message}`);
    return e;
  }
  throw new Error(`expected MlsError ${code}, nothing was thrown`);
}
function app(ev: ReceivedEvent): { data: string; from: string } {
  if (ev.kind !== 'application') throw new Error(`expected an application event, got ${ev.kind}`);
  return { data: text(ev.data), from: text(ev.sender.identity!) };
}
function commitEv(ev: ReceivedEvent): CommitEvent {
  if (ev.kind !== 'commit') throw new Error(`expected a commit event, got ${ev.kind}`);
  return ev;
}
async function agree(...gs: GroupHandle[]): Promise<string> {
  const auths = (await Promise.all(gs.map((g) => g.epochAuthenticator()))).map(toHex);
  for (const a of auths) expect(a).to.equal(auths[0]);
  for (const g of gs) expect(g.epoch).to.equal(gs[0]!.epoch);
  return auths[0]!;
}

/** Every record of a database as IndexedDB returns it (sealed values, clear meta), flattened to hex. */
async function rawRecords(name: string): Promise<string[]> {
  const db = await new Promise<IDBDatabase>((res, rej) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => res(r.result);
    r.onerror = () => rej(r.error);
  });
  const out: string[] = [];
  const flat = (v: unknown): string => {
    if (v instanceof Uint8Array) return toHex(v);
    if (v instanceof ArrayBuffer) return toHex(new Uint8Array(v));
    if (ArrayBuffer.isView(v)) return toHex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    if (typeof v === 'string') return toHex(utf8(v));
    if (Array.isArray(v)) return v.map(flat).join('|');
    if (v !== null && typeof v === 'object' && !(v instanceof CryptoKey)) return Object.values(v).map(flat).join('|');
    return String(v);
  };
  for (const store of Array.from(db.objectStoreNames)) {
    const rows = await new Promise<unknown[]>((res, rej) => {
      const r = db.transaction(store).objectStore(store).getAll();
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    for (const row of rows) out.push(flat(row));
  }
  db.close();
  return out;
}

/** The raw (sealed) records of a database by store, each flattened to hex. */
async function rawByStore(name: string): Promise<Record<string, string[]>> {
  const db = await new Promise<IDBDatabase>((res, rej) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => res(r.result);
    r.onerror = () => rej(r.error);
  });
  const flat = (v: unknown): string => {
    if (v instanceof ArrayBuffer) return toHex(new Uint8Array(v));
    if (ArrayBuffer.isView(v)) return toHex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    if (v !== null && typeof v === 'object' && !(v instanceof CryptoKey)) return Object.values(v).map(flat).join('|');
    return String(v);
  };
  const out: Record<string, string[]> = {};
  for (const store of Array.from(db.objectStoreNames))
    out[store] = await new Promise<string[]>((res, rej) => {
      const r = db.transaction(store).objectStore(store).getAll();
      r.onsuccess = () => res((r.result as unknown[]).map(flat));
      r.onerror = () => rej(r.error);
    });
  db.close();
  return out;
}

/** The unsealed records of a client (through the worker's storage), flattened to hex. */
async function openRecords(c: MlsClient): Promise<string> {
  return (await debugHooks(c).records()).map((r) => `${r.store}:${toHex(r.key)}=${toHex(r.value)}`).join('\n');
}

const secretList = (s: DebugSecrets, skip: string[] = []): [string, Uint8Array][] => [
  ['signature private key', s.signaturePrivateKey],
  ['identity private key', s.identityPrivateKey],
  ...s.privateKeys.map((k, i): [string, Uint8Array] => [`HPKE private key ${i}`, k]),
  ...Object.entries(s.epochSecrets).filter(([k]) => k !== 'externalPub' && !skip.includes(k)),
  ...s.secretTree.map((b, i): [string, Uint8Array] => [`secret tree buffer ${i}`, b]),
];

/** alice creates a group with bob and carol (three workers). */
async function threeMembers() {
  const alice = await client('alice');
  const bob = await client('bob');
  const carol = await client('carol');
  const ga = await alice.createGroup();
  const kps = [(await bob.createKeyPackages(1))[0]!.message, (await carol.createKeyPackages(1))[0]!.message];
  const out = await ga.add(kps);
  await ga.confirm();
  const gb = await bob.joinFromWelcome(out.welcome!);
  const gc = await carol.joinFromWelcome(out.welcome!);
  return { alice, bob, carol, ga, gb, gc };
}

describe('createWorkerClient (Chromium, IndexedDB)', () => {
  it('three clients in three workers: add, messages, remove, update; epoch authenticators agree', async () => {
    const { alice, bob, carol, ga, gb, gc } = await threeMembers();
    expect(ga.epoch).to.equal(1n);
    await agree(ga, gb, gc);
    expect((await gb.members()).map((m) => text(m.identity!))).to.deep.equal(['alice', 'bob', 'carol']);
    const m1 = await ga.send(utf8('hello workers'));
    expect(app(await gb.receive(m1))).to.deep.equal({ data: 'hello workers', from: 'alice' });
    expect(app(await gc.receive(m1)).data).to.equal('hello workers');
    const m2 = await gc.send(utf8('carol too'));
    expect(app(await ga.receive(m2)).from).to.equal('carol');
    expect(app(await gb.receive(m2)).from).to.equal('carol');

    const u = await gb.update();
    await gb.confirm();
    expect(commitEv(await ga.receive(u.commit)).committer?.leafIndex).to.equal(1);
    await gc.receive(u.commit);
    await agree(ga, gb, gc);

    const rm = await ga.remove([2]);
    await ga.confirm();
    expect(commitEv(await gb.receive(rm.commit)).left.map((m) => text(m.identity!))).to.deep.equal(['carol']);
    expect(commitEv(await gc.receive(rm.commit)).removedMe).to.be.true;
    expect(gc.active).to.be.false;
    await agree(ga, gb);
    const u2 = await ga.update();
    await ga.confirm();
    await gb.receive(u2.commit);
    const final = await agree(ga, gb);
    expect(final.length).to.equal(64);
    expect(app(await ga.receive(await gb.send(utf8('two left')))).data).to.equal('two left');
    for (const c of [alice, bob, carol]) await c.close();
  });

  it('every error reaching the page is an MlsError with its code', async () => {
    const { alice, bob, carol, ga, gb } = await threeMembers();
    const e1 = await rejectsCode(gb.receive(utf8('garbage')), 'DECODE');
    expect(e1.name).to.equal('MlsError');
    expect(e1.message).to.contain('DECODE: ');
    await rejectsCode(ga.confirm(), 'STATE');
    const m = await ga.send(utf8('once'));
    await gb.receive(m);
    await rejectsCode(gb.receive(m), 'REPLAY');
    await rejectsCode(bob.openGroup(utf8('no such group')), 'STATE');
    const ac = new AbortController();
    const seen: number[] = [];
    await rejectsCode(
      alice.createKeyPackages(50, {
        signal: ac.signal,
        onProgress: (d) => {
          seen.push(d);
          if (d === 3) ac.abort();
        },
      }),
      'ABORTED',
    );
    expect(seen.length).to.be.greaterThan(2);
    expect(seen.length).to.be.lessThan(50);
    await rejectsCode(createWorkerClient({ databaseName: dbName('nobody') }), 'STATE'); // no identity for a new db
    for (const c of [alice, bob, carol]) await c.close();
  });

  it('reload: terminate a worker, start a new one on the same database, continue', async () => {
    const aliceDb = dbName('alice-r');
    const w = worker();
    const alice = await createWorkerClient({ identity: 'alice', databaseName: aliceDb, worker: w });
    const bob = await client('bob-r');
    const ga = await alice.createGroup();
    const out = await ga.add([(await bob.createKeyPackages(1))[0]!.message]);
    await ga.confirm();
    const gb = await bob.joinFromWelcome(out.welcome!);
    expect(app(await gb.receive(await ga.send(utf8('before')))).data).to.equal('before');
    w.terminate(); // abrupt: no close()
    const alice2 = await createWorkerClient({ databaseName: aliceDb });
    const list = await alice2.listGroups();
    expect(list.map((g) => toHex(g.groupId))).to.deep.equal([toHex(ga.groupId)]);
    const ga2 = await alice2.openGroup(list[0]!.groupId);
    expect(ga2.epoch).to.equal(1n);
    expect(app(await gb.receive(await ga2.send(utf8('after')))).data).to.equal('after');
    expect(app(await ga2.receive(await gb.send(utf8('reply')))).data).to.equal('reply');
    const u = await ga2.update();
    await ga2.confirm();
    await gb.receive(u.commit);
    await agree(ga2, gb);
    await alice2.close();
    await bob.close();
  });

  it('atomicity: an aborted IndexedDB transaction leaves stored and in-memory state at the old epoch; retry succeeds', async () => {
    const { alice, bob, carol, ga, gb, gc } = await threeMembers();
    const before = toHex(await gb.epochAuthenticator());
    const u = await ga.update();
    await ga.confirm();
    await debugHooks(bob).failNextCommit();
    await rejectsCode(gb.receive(u.commit), 'STORAGE');
    expect(gb.epoch).to.equal(1n);
    expect(toHex(await gb.epochAuthenticator())).to.equal(before);
    expect((await bob.listGroups())[0]!.epoch).to.equal(1n);
    expect(commitEv(await gb.receive(u.commit)).epoch).to.equal(2n);
    await gc.receive(u.commit);
    // Our own commit: confirm fails, retry succeeds.
    const u2 = await gc.update();
    await debugHooks(carol).failNextCommit();
    await rejectsCode(gc.confirm(), 'STORAGE');
    expect(gc.epoch).to.equal(2n);
    expect((await carol.listGroups())[0]!.epoch).to.equal(2n);
    await gc.confirm();
    await ga.receive(u2.commit);
    await gb.receive(u2.commit);
    await agree(ga, gb, gc);
    for (const c of [alice, bob, carol]) await c.close();
  });

  it('forward secrecy: a used message key and older ratchet secrets leave IDB; so do the old epoch secrets', async () => {
    const { alice, bob, carol, ga, gb, gc } = await threeMembers();
    const gid = gb.groupId;
    const cs = nobleSuite(1);
    // Right after joining, bob's secret tree is its root (the epoch's encryption_secret), stored sealed.
    const root = (await debugHooks(bob).secrets(gid)).secretTree;
    expect(root.length).to.equal(1);
    expect(await openRecords(bob)).to.contain(toHex(root[0]!));
    await gb.receive(await ga.send(utf8('m0')));
    // The first message splits the tree: the root (from which every key of the epoch derives) is gone.
    expect(await openRecords(bob)).not.to.contain(toHex(root[0]!));
    const r1 = (await debugHooks(bob).ratchet(gid, 0))!.application;
    expect(r1.generation).to.equal(1);
    const key1 = deriveTreeSecret(cs, r1.secret, 'key', 1, cs.Nk);
    const nonce1 = deriveTreeSecret(cs, r1.secret, 'nonce', 1, cs.Nn);
    const m1 = await ga.send(utf8('m1'));
    let stored = await openRecords(bob);
    expect(stored).to.contain(toHex(r1.secret)); // the scan sees the ratchet secret while it is live
    expect(app(await gb.receive(m1)).data).to.equal('m1');
    stored = await openRecords(bob);
    expect(stored).not.to.contain(toHex(r1.secret));
    expect(stored).not.to.contain(toHex(key1));
    expect(stored).not.to.contain(toHex(nonce1));
    const r2 = (await debugHooks(bob).ratchet(gid, 0))!.application;
    expect(r2.generation).to.equal(2);
    expect(stored).to.contain(toHex(r2.secret));

    // Epoch change: every secret of epoch 1 leaves bob's storage (the resumption PSK is kept on purpose, §8.6).
    const old = await debugHooks(bob).secrets(gid);
    expect(old.epoch).to.equal(1n);
    const before = await openRecords(bob);
    const oldEpochSecrets = Object.entries(old.epochSecrets).filter(([k, v]) => k !== 'externalPub' && k !== 'resumptionPsk' && v.length > 0);
    for (const [, v] of oldEpochSecrets) expect(before).to.contain(toHex(v));
    const u = await gc.update();
    await gc.confirm();
    await ga.receive(u.commit);
    await gb.receive(u.commit);
    const after = await openRecords(bob);
    for (const [name, v] of oldEpochSecrets) expect(after.includes(toHex(v)), `epoch 1 ${name} still stored`).to.be.false;
    for (const b of old.secretTree) expect(after.includes(toHex(b)), 'an epoch-1 secret tree value is still stored').to.be.false;
    await agree(ga, gb, gc);
    for (const c of [alice, bob, carol]) await c.close();
  });

  it('at rest: no raw IndexedDB record holds a private key or an epoch secret in the clear', async () => {
    const { alice, bob, carol, ga, gb, gc } = await threeMembers();
    await bob.createKeyPackages(2); // unused KeyPackages: their private keys are stored too
    await gb.receive(await ga.send(utf8('some traffic')));
    const clients: [MlsClient, GroupHandle][] = [
      [alice, ga],
      [bob, gb],
      [carol, gc],
    ];
    let checked = 0;
    for (const [c, g] of clients) {
      const name = (await c.identity()).databaseName;
      const secrets: [string, Uint8Array][] = secretList(await debugHooks(c).secrets(g.groupId));
      for (const r of await debugHooks(c).records())
        if (r.store === 'keyPackages') {
          const kp = decodeKeyPackageRecord(r.value);
          secrets.push(['KeyPackage init private key', kp.initPrivateKey], ['KeyPackage encryption private key', kp.encryptionPrivateKey]);
        }
      const open = await openRecords(c);
      const raw = await rawRecords(name);
      expect(raw.length).to.be.at.least(3); // seal key, identity, group (+ KeyPackages)
      for (const [what, s] of secrets) {
        if (s.length < 16) continue;
        expect(open.includes(toHex(s)), `${what} is not in the unsealed records (the scan would prove nothing)`).to.be.true;
        for (const rec of raw) expect(rec.includes(toHex(s)), `${what} stored in the clear in ${name}`).to.be.false;
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(30);
    for (const c of [alice, bob, carol]) await c.close();
  });

  it('a message rewrites only the sealed secret tree record; the sealed state record stays as it was', async () => {
    const { alice, bob, carol, ga, gb } = await threeMembers();
    const name = (await bob.identity()).databaseName;
    await gb.receive(await ga.send(utf8('warm up')));
    const before = await rawByStore(name);
    expect(before.secrets!.length).to.equal(1); // the current epoch's tree only
    await gb.receive(await ga.send(utf8('one more')));
    const afterReceive = await rawByStore(name);
    expect(afterReceive.groups).to.deep.equal(before.groups); // same IV and ciphertext: not rewritten
    expect(afterReceive.secrets).not.to.deep.equal(before.secrets);
    await gb.send(utf8('and a reply'));
    const afterSend = await rawByStore(name);
    expect(afterSend.groups).to.deep.equal(before.groups);
    expect(afterSend.secrets).not.to.deep.equal(afterReceive.secrets);
    // An epoch change rewrites both, and the old epoch's tree record goes in the same transaction.
    const u = await ga.update();
    await ga.confirm();
    await gb.receive(u.commit);
    const afterCommit = await rawByStore(name);
    expect(afterCommit.groups).not.to.deep.equal(before.groups);
    expect(afterCommit.secrets!.length).to.equal(1);
    expect(afterCommit.secrets).not.to.deep.equal(afterSend.secrets);
    for (const c of [alice, bob, carol]) await c.close();
  });

  it('after an abrupt terminate, a new worker restores the group; consumed message keys are not in IndexedDB', async () => {
    const bobDb = dbName('bob-t');
    const w = worker();
    const alice = await client('alice-t');
    const bob = await createWorkerClient({ identity: 'bob', databaseName: bobDb, debug: true, worker: w } as WorkerClientOptions);
    const ga = await alice.createGroup();
    const out = await ga.add([(await bob.createKeyPackages(1))[0]!.message]);
    await ga.confirm();
    const gb = await bob.joinFromWelcome(out.welcome!);
    const m0 = await ga.send(utf8('m0'));
    expect(app(await gb.receive(m0)).data).to.equal('m0');
    const r1 = (await debugHooks(bob).ratchet(gb.groupId, 0))!.application;
    // A tree write that fails in IndexedDB consumes nothing: the retry decrypts.
    const m1 = await ga.send(utf8('m1'));
    await debugHooks(bob).failNextCommit();
    await rejectsCode(gb.receive(m1), 'STORAGE');
    expect(await openRecords(bob)).to.contain(toHex(r1.secret));
    expect(app(await gb.receive(m1)).data).to.equal('m1');
    w.terminate(); // abrupt: no close()
    const bob2 = await createWorkerClient({ databaseName: bobDb, debug: true } as WorkerClientOptions);
    const gb2 = await bob2.openGroup(gb.groupId);
    expect(gb2.epoch).to.equal(1n);
    expect(await openRecords(bob2)).not.to.contain(toHex(r1.secret));
    await rejectsCode(gb2.receive(m1), 'REPLAY');
    await rejectsCode(gb2.receive(m0), 'REPLAY');
    expect(app(await gb2.receive(await ga.send(utf8('m2')))).data).to.equal('m2');
    expect(app(await ga.receive(await gb2.send(utf8('back')))).data).to.equal('back');
    await agree(ga, gb2);
    await bob2.close();
    await alice.close();
  });

  it('two tabs (two workers on one database) racing update(): one epoch advance, the other reloads, no fork', async () => {
    const { alice, bob, carol, ga, gb, gc } = await threeMembers();
    const tab2 = await createWorkerClient({ databaseName: (await alice.identity()).databaseName });
    const ga2 = await tab2.openGroup(ga.groupId);
    const [o1, o2] = await Promise.all([ga.update(), ga2.update()]);
    expect(o1.pending.fromEpoch).to.equal(1n);
    expect(o2.pending.fromEpoch).to.equal(1n);
    // The delivery service takes tab 2's commit (first for epoch 1) and refuses tab 1's.
    await ga2.confirm();
    await rejectsCode(ga.confirm(), 'WRONG_EPOCH');
    expect(ga.epoch).to.equal(2n);
    await gb.receive(o2.commit);
    await gc.receive(o2.commit);
    await agree(ga, ga2, gb, gc);
    expect((await alice.listGroups())[0]!.epoch).to.equal(2n); // exactly one advance
    // Both tabs continue on the one stored state, interleaved, without repeating a key.
    for (let i = 0; i < 3; i++) {
      expect(app(await gb.receive(await ga.send(utf8(`tab1 ${i}`)))).data).to.equal(`tab1 ${i}`);
      expect(app(await gc.receive(await ga2.send(utf8(`tab2 ${i}`)))).data).to.equal(`tab2 ${i}`);
    }
    // The next commit from either tab is accepted by everyone.
    const u = await ga.update();
    await ga.confirm();
    for (const g of [gb, gc]) await g.receive(u.commit);
    // Tab 2 learns of epoch 3 from the cross-tab hint, or at the latest on its next call (the lock re-check).
    await ga2.members();
    expect(ga2.epoch).to.equal(3n);
    await agree(ga, ga2, gb, gc);
    await tab2.close();
    for (const c of [alice, bob, carol]) await c.close();
  });

  it('events: those a call raised are dispatched before it resolves (also a batch); a reload no call caused still arrives', async () => {
    const { alice, bob, carol, ga, gb } = await threeMembers();
    const seen: string[] = [];
    gb.on('message', (e) => void (e.event.kind === 'application' && seen.push(text(e.event.data))));
    const clientSeen: GroupEvent[] = [];
    bob.on('message', (e) => clientSeen.push(e));
    for (let i = 0; i < 3; i++) {
      await gb.receive(await ga.send(utf8(`m${i}`)));
      expect(seen).to.deep.equal(Array.from({ length: i + 1 }, (_, k) => `m${k}`)); // no wait: it came with the result
    }
    expect(clientSeen.length).to.equal(3);
    // A batch through the worker: one call each way; the events of the batch come with its result.
    const evs = await gb.receiveMany(await ga.sendMany(['b1', 'b2', 'b3'].map(utf8)));
    expect(evs.map((e) => app(e as ReceivedEvent).data)).to.deep.equal(['b1', 'b2', 'b3']);
    expect(seen.slice(3)).to.deep.equal(['b1', 'b2', 'b3']);
    // A second worker on Alice's database; Alice's first tab commits; the second tab hears of it with no call of
    // its own (cross-tab hint → reload in the worker → an event that leaves on its own).
    const tab2 = await createWorkerClient({ databaseName: (await alice.identity()).databaseName });
    const ga2 = await tab2.openGroup(ga.groupId);
    const reloaded = new Promise<GroupEvent>((resolve) => ga2.on('epoch', resolve));
    await ga.update();
    await ga.confirm();
    const ev = await Promise.race([reloaded, new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000))]);
    expect(ev).to.deep.include({ type: 'epoch', epoch: 2n, reason: 'reloaded' });
    expect(ga2.epoch).to.equal(2n);
    await tab2.close();
    for (const c of [alice, bob, carol]) await c.close();
  });

  it('concurrent send / receive calls go as one call each way; every call keeps its own result or error', async () => {
    const { alice, bob, carol, ga, gb } = await threeMembers();
    const texts = Array.from({ length: 20 }, (_, i) => `w${i}`);
    const wires = await Promise.all(texts.map((t) => ga.send(utf8(t))));
    const seen: string[] = [];
    gb.on('message', (e) => void (e.event.kind === 'application' && seen.push(text(e.event.data))));
    const settled = await Promise.allSettled([...wires.map((w) => gb.receive(w)), gb.receive(wires[3]!), gb.receive(utf8('junk'))]);
    const outcome = (s: PromiseSettledResult<ReceivedEvent>) =>
      s.status === 'fulfilled' ? app(s.value).data : `rejected ${(s.reason as MlsError).code}`;
    expect(settled.map(outcome)).to.deep.equal([...texts, 'rejected REPLAY', 'rejected DECODE']);
    expect((settled[21] as PromiseRejectedResult).reason).to.be.instanceOf(MlsError);
    expect(seen).to.deep.equal(texts); // one event per message, as with one call per message
    for (const c of [alice, bob, carol]) await c.close();
  });

  it('an early message is held in the worker and decrypted after the commit, across a worker reload', async () => {
    const bobDb = dbName('bob-e');
    const alice = await client('alice-e');
    const bob = await createWorkerClient({ identity: 'bob', databaseName: bobDb });
    const ga = await alice.createGroup();
    const out = await ga.add([(await bob.createKeyPackages(1))[0]!.message]);
    await ga.confirm();
    const gb = await bob.joinFromWelcome(out.welcome!);
    const u = await ga.update();
    await ga.confirm();
    const early = await ga.send(utf8('from epoch 2'));
    expect(await gb.receive(early)).to.deep.equal({ kind: 'buffered', epoch: 2n });
    await bob.close();
    const bob2 = await createWorkerClient({ databaseName: bobDb });
    const gb2 = await bob2.openGroup(ga.groupId);
    const ev = commitEv(await gb2.receive(u.commit));
    expect(ev.released.length).to.equal(1);
    expect(app(ev.released[0] as ReceivedEvent)).to.deep.equal({ data: 'from epoch 2', from: 'alice-e' });
    await agree(ga, gb2);
    await bob2.close();
    await alice.close();
  });

  it('cleanup', async () => {
    for (const n of dbs) await deleteDatabase(n);
  });
});

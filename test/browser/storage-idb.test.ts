// sdk/src/storage/indexeddb.ts in Chromium: round trips, reopen, IndexedDB's own rollback (tx.abort()), sealing at
// rest (raw records scanned for known secret bytes), the non-extractable CryptoKey, moved/edited records refused,
// and Web Locks exclusion. Browser only (wtr): `WTR_FILES=test/browser/storage-idb.test.ts node scripts/wtr.mjs`.
import { openDB } from 'idb';
import { IndexedDbStorage, deleteDatabase, META_STORE, SEAL_KEY_ID, type RawRecord } from '../../sdk/src/storage/indexeddb.ts';
import { STORES, WriteBatch, isStorageConflict, type StorageProvider, type StoreName } from '../../sdk/src/storage/provider.ts';
import { storageKey } from '../../sdk/src/storage/keys.ts';
import { hasWebLocks, withGroupLock } from '../../sdk/src/storage/locks.ts';
import { toHex, utf8 } from '../lib/bytes.ts';

async function rejectsCode(p: Promise<unknown>, code: string): Promise<Error> {
  try {
    await p;
  } catch (e) {
    if ((e as { code?: string }).code !== code)
      throw new Error(`expected MlsError ${code}, got ${(e as Error).name}: ${(e as Error).message}`);
    return e as Error;
  }
  throw new Error(`expected MlsError ${code}, nothing was thrown`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const dbName = (tag: string) => `webmls-test-${tag}-${toHex(rand(6))}`;

async function dump(s: StorageProvider): Promise<string> {
  const out: string[] = [];
  for (const store of STORES)
    for (const r of await s.list(store))
      out.push(`${store}/${toHex(r.key)}=${toHex(r.value)}:${JSON.stringify(Object.entries(r.meta), (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  return out.join('\n');
}

const G1 = rand(16);
const G2 = rand(16);

// Known secrets: 32 random bytes per store, so the at-rest scan has something real to look for.
const SECRET: Record<StoreName, Uint8Array> = {
  groups: rand(32),
  secrets: rand(32),
  keyPackages: rand(32),
  identity: rand(32),
  pending: rand(32),
};

async function seeded(name: string): Promise<IndexedDbStorage> {
  const s = await IndexedDbStorage.open(name);
  await s.commit(
    new WriteBatch()
      .put('groups', storageKey(G1), SECRET.groups, { epoch: 6n, members: 3 })
      .put('secrets', storageKey(G1, 5n), utf8('tree@5'))
      .put('secrets', storageKey(G1, 6n), SECRET.secrets)
      .put('secrets', storageKey(G2, 1n), utf8('other group'))
      .put('keyPackages', storageKey(utf8('kp-ref')), SECRET.keyPackages)
      .put('identity', 'signer', SECRET.identity)
      .put('pending', storageKey(G1, 7n, 0), SECRET.pending),
  );
  return s;
}

const epochChange = () =>
  new WriteBatch()
    .check('groups', storageKey(G1), { epoch: 6n })
    .put('groups', storageKey(G1), utf8('state@7'), { epoch: 7n })
    .deleteRange('secrets', { prefix: storageKey(G1) })
    .put('secrets', storageKey(G1, 7n), utf8('tree@7'))
    .delete('keyPackages', storageKey(utf8('kp-ref')))
    .deleteRange('pending', { prefix: storageKey(G1, 7n) });

/** Every byte string inside a structured-clone value (typed arrays, ArrayBuffers, strings as UTF-8). */
function byteStrings(v: unknown, out: Uint8Array[] = []): Uint8Array[] {
  if (v instanceof ArrayBuffer) out.push(new Uint8Array(v));
  else if (ArrayBuffer.isView(v)) out.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  else if (typeof v === 'string') out.push(utf8(v));
  else if (typeof v === 'bigint' || typeof v === 'number') out.push(utf8(String(v)));
  else if (v && typeof v === 'object') for (const x of Object.values(v)) byteStrings(x, out);
  return out;
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe('IndexedDbStorage (Chromium)', () => {
  it('round trips values and meta across stores; ranges, reverse, limit, count, deleteRange', async () => {
    const name = dbName('rt');
    const s = await seeded(name);
    const g = (await s.get('groups', storageKey(G1)))!;
    expect(toHex(g.value)).to.equal(toHex(SECRET.groups));
    expect(g.meta.epoch).to.equal(6n);
    expect(g.meta.members).to.equal(3);
    expect((await s.getMeta('groups', storageKey(G1)))!.epoch).to.equal(6n);
    expect(await s.get('groups', storageKey(G2))).to.equal(undefined);
    const g1 = await s.list('secrets', { prefix: storageKey(G1) });
    expect(g1.map((r) => toHex(r.key))).to.deep.equal([toHex(storageKey(G1, 5n)), toHex(storageKey(G1, 6n))]);
    const newest = await s.list('secrets', { prefix: storageKey(G1), reverse: true, limit: 1 });
    expect(toHex(newest[0]!.value)).to.equal(toHex(SECRET.secrets));
    expect(await s.count('secrets')).to.equal(3);
    expect(await s.count('secrets', { prefix: storageKey(G2) })).to.equal(1);
    expect((await s.listMeta('groups'))[0]!.meta.epoch).to.equal(6n);
    // a returned value is a private copy
    g.value.fill(0);
    expect(toHex((await s.get('groups', storageKey(G1)))!.value)).to.equal(toHex(SECRET.groups));
    await s.commit(epochChange());
    expect((await s.list('secrets', { prefix: storageKey(G1) })).map((r) => toHex(r.value))).to.deep.equal([
      toHex(utf8('tree@7')),
    ]);
    expect(await s.count('secrets', { prefix: storageKey(G2) })).to.equal(1);
    expect(await s.get('keyPackages', storageKey(utf8('kp-ref')))).to.equal(undefined);
    expect(await s.count('pending')).to.equal(0);
    await s.commit(new WriteBatch().deleteRange('secrets', {})); // whole store
    expect(await s.count('secrets')).to.equal(0);
    await s.close();
    await deleteDatabase(name);
  });

  it('reopen: a new provider on the same database reads everything back with the same sealing key', async () => {
    const name = dbName('reopen');
    const s = await seeded(name);
    const before = await dump(s);
    await s.close();
    await rejectsCode(s.get('groups', storageKey(G1)), 'STORAGE'); // closed
    const t = await IndexedDbStorage.open(name);
    expect(await dump(t)).to.equal(before);
    await t.commit(epochChange());
    await t.close();
    const u = await IndexedDbStorage.open(name);
    expect((await u.getMeta('groups', storageKey(G1)))!.epoch).to.equal(7n);
    await u.close();
    await deleteDatabase(name);
  });

  it('fault injection aborts the real transaction after its writes: old values on disk, retry succeeds', async () => {
    const name = dbName('abort');
    const s = await seeded(name);
    const before = await dump(s);
    s.failNextCommit();
    const e = await rejectsCode(s.commit(epochChange()), 'STORAGE');
    expect(String((e as Error & { cause?: Error }).cause?.name)).to.equal('AbortError'); // IndexedDB's own abort
    expect(await dump(s)).to.equal(before);
    const fresh = await IndexedDbStorage.open(name); // a second connection sees the same old state
    expect(await dump(fresh)).to.equal(before);
    await fresh.close();
    await s.commit(epochChange());
    expect((await s.getMeta('groups', storageKey(G1)))!.epoch).to.equal(7n);
    await s.close();
    await deleteDatabase(name);
  });

  it('faultInjector option and a conflicting check both leave the database unchanged', async () => {
    const name = dbName('inject');
    await (await seeded(name)).close();
    let calls = 0;
    const s = await IndexedDbStorage.open(name, { faultInjector: () => calls++ === 0 });
    const before = await dump(s);
    await rejectsCode(s.commit(epochChange()), 'STORAGE');
    expect(await dump(s)).to.equal(before);
    // Another connection (another tab) merges epoch 7 first; our batch still expects 6.
    const other = await IndexedDbStorage.open(name);
    await other.commit(epochChange());
    const after = await dump(s);
    const conflict = await rejectsCode(s.commit(epochChange()), 'STORAGE');
    expect(isStorageConflict(conflict)).to.be.true;
    expect(await dump(s)).to.equal(after);
    await other.close();
    await s.close();
    await deleteDatabase(name);
  });

  it('at rest: no raw record contains a stored secret; the sealing key is a non-extractable AES-GCM key', async () => {
    const name = dbName('rest');
    const s = await seeded(name);
    await s.close();
    const raw = await openDB(name);
    let records = 0;
    for (const store of [...STORES, META_STORE]) {
      const keys = await raw.getAllKeys(store);
      const values = await raw.getAll(store);
      for (let i = 0; i < values.length; i++) {
        records++;
        const strings = [...byteStrings(keys[i]), ...byteStrings(values[i])];
        for (const [owner, secret] of Object.entries(SECRET))
          for (const bytes of strings)
            if (contains(bytes, secret)) throw new Error(`secret of ${owner} found in clear in ${store} record ${i}`);
        if (store !== META_STORE) {
          const rec = values[i] as RawRecord;
          expect(rec.iv.length).to.equal(12);
          expect(rec.ct instanceof Uint8Array).to.be.true;
        }
      }
    }
    expect(records).to.equal(8); // 7 data records + the key
    // ciphertext of a 32-byte secret is 32 + 16 (tag) bytes
    const sealed = (await raw.get('groups', storageKey(G1))) as RawRecord;
    expect(sealed.ct.length).to.equal(48);
    expect(sealed.meta.epoch).to.equal(6n); // meta is in the clear by design
    const key = (await raw.get(META_STORE, SEAL_KEY_ID)) as CryptoKey;
    expect(key instanceof CryptoKey).to.be.true;
    expect(key.extractable).to.equal(false);
    expect(key.algorithm.name).to.equal('AES-GCM');
    expect((key.algorithm as AesKeyAlgorithm).length).to.equal(256);
    expect([...key.usages].sort()).to.deep.equal(['decrypt', 'encrypt']);
    let exported = true;
    try {
      await crypto.subtle.exportKey('raw', key);
    } catch {
      exported = false;
    }
    expect(exported).to.be.false;
    raw.close();
    await deleteDatabase(name);
  });

  it('a record moved to another key or store, or with edited meta, or from another database, fails with STORAGE', async () => {
    const name = dbName('moved');
    await (await seeded(name)).close();
    const raw = await openDB(name);
    const rec = (await raw.get('secrets', storageKey(G1, 6n))) as RawRecord;
    await raw.put('secrets', rec, storageKey(G1, 8n)); // same store, another key
    await raw.put('identity', rec, storageKey(G1, 6n)); // another store, same key
    const g = (await raw.get('groups', storageKey(G1))) as RawRecord;
    await raw.put('groups', { ...g, meta: { epoch: 9n, members: 3 } }, storageKey(G2)); // meta edited (and moved)
    await raw.put('groups', { ...g, meta: { epoch: 9n, members: 3 } }, storageKey(G1)); // meta edited in place
    const flipped = { ...rec, ct: rec.ct.slice() };
    flipped.ct[0]! ^= 1;
    await raw.put('secrets', flipped, storageKey(G1, 5n)); // a flipped ciphertext bit
    raw.close();
    const s = await IndexedDbStorage.open(name);
    expect(toHex((await s.get('secrets', storageKey(G1, 6n)))!.value)).to.equal(toHex(SECRET.secrets)); // original opens
    await rejectsCode(s.get('secrets', storageKey(G1, 8n)), 'STORAGE');
    await rejectsCode(s.get('identity', storageKey(G1, 6n)), 'STORAGE');
    await rejectsCode(s.get('groups', storageKey(G2)), 'STORAGE');
    await rejectsCode(s.get('groups', storageKey(G1)), 'STORAGE');
    await rejectsCode(s.get('secrets', storageKey(G1, 5n)), 'STORAGE');
    await rejectsCode(s.list('secrets'), 'STORAGE');
    // the meta of an edited record can still be read without opening it (hint only), then fails to open
    expect((await s.getMeta('groups', storageKey(G1)))!.epoch).to.equal(9n);
    // another database's key cannot open this database's records
    const name2 = dbName('moved2');
    const s2 = await IndexedDbStorage.open(name2);
    const raw2 = await openDB(name2);
    await raw2.put('secrets', rec, storageKey(G1, 6n));
    raw2.close();
    await rejectsCode(s2.get('secrets', storageKey(G1, 6n)), 'STORAGE');
    await s2.close();
    await s.close();
    await deleteDatabase(name);
    await deleteDatabase(name2);
  });

  it('two connections opening a fresh database at once agree on one sealing key', async () => {
    const name = dbName('race');
    const [a, b] = await Promise.all([IndexedDbStorage.open(name), IndexedDbStorage.open(name)]);
    await a.commit(new WriteBatch().put('identity', 'k', SECRET.identity));
    expect(toHex((await b.get('identity', 'k'))!.value)).to.equal(toHex(SECRET.identity));
    await b.commit(new WriteBatch().put('identity', 'k2', SECRET.groups));
    expect(toHex((await a.get('identity', 'k2'))!.value)).to.equal(toHex(SECRET.groups));
    await a.close();
    await b.close();
    await deleteDatabase(name);
  });

  it('deleteDatabase closes open providers (STORAGE afterwards) and a reopen starts empty with a new key', async () => {
    const name = dbName('delete');
    const s = await seeded(name);
    let closedBy = '';
    const t = await IndexedDbStorage.open(name, { onClose: (why) => (closedBy = why) });
    await deleteDatabase(name);
    expect(closedBy).to.equal('versionchange');
    await rejectsCode(t.get('groups', storageKey(G1)), 'STORAGE');
    await rejectsCode(s.commit(new WriteBatch().delete('groups', 'x')), 'STORAGE');
    const u = await IndexedDbStorage.open(name);
    expect(await u.count('groups')).to.equal(0);
    await u.close();
    await deleteDatabase(name);
  });

  it('values written in one commit of many records are all readable (500 records, one transaction)', async () => {
    const name = dbName('many');
    const s = await IndexedDbStorage.open(name);
    const b = new WriteBatch();
    const vals: Uint8Array[] = [];
    for (let i = 0; i < 500; i++) {
      vals.push(rand(40));
      b.put('secrets', storageKey(G1, 1n, i), vals[i]!);
    }
    const t0 = performance.now();
    await s.commit(b);
    const t1 = performance.now();
    const all = await s.list('secrets', { prefix: storageKey(G1, 1n) });
    const t2 = performance.now();
    console.log(`IndexedDbStorage: commit of 500 sealed records ${(t1 - t0).toFixed(1)} ms, list+open ${(t2 - t1).toFixed(1)} ms`);
    expect(all.length).to.equal(500);
    for (let i = 0; i < 500; i++) expect(toHex(all[i]!.value)).to.equal(toHex(vals[i]!));
    await s.close();
    await deleteDatabase(name);
  });
});

describe('Web Locks in the page', () => {
  it('navigator.locks is present and two concurrent withGroupLock requests never overlap', async () => {
    expect(hasWebLocks()).to.be.true;
    const gid = rand(8);
    const trace: string[] = [];
    const held: string[] = [];
    const body = (tag: string) => async () => {
      trace.push(`enter ${tag}`);
      const q = await navigator.locks.query();
      held.push(...(q.held ?? []).map((l) => l.name ?? ''));
      await sleep(10);
      trace.push(`exit ${tag}`);
    };
    await Promise.all([withGroupLock(gid, body('a')), withGroupLock(gid, body('b'))]);
    expect(trace).to.deep.equal(['enter a', 'exit a', 'enter b', 'exit b']);
    expect(held.filter((n) => n === `webmls:group:${toHex(gid)}`).length).to.equal(2);
  });

  it('a lock held through navigator.locks directly (as another tab would) excludes withGroupLock', async () => {
    const gid = rand(8);
    const trace: string[] = [];
    let release!: () => void;
    const outside = navigator.locks.request(`webmls:group:${toHex(gid)}`, () => {
      trace.push('other holds');
      return new Promise<void>((r) => (release = r));
    });
    await sleep(5);
    const ours = withGroupLock(gid, () => trace.push('ours'));
    await sleep(20);
    trace.push('other releases');
    release();
    await outside;
    await ours;
    expect(trace).to.deep.equal(['other holds', 'other releases', 'ours']);
  });
});

// sdk/src/storage: MemoryStorage (atomic batches, fault injection, copies, ranges), storageKey order, group locks
// and epoch hints. Shared by vitest (Node: in-process mutex) and @web/test-runner (Chromium: Web Locks).
import { MemoryStorage } from '../../sdk/src/storage/memory.ts';
import { WriteBatch, isStorageConflict, type StorageProvider, type StoreName } from '../../sdk/src/storage/provider.ts';
import { storageKey, compareBytes, toHex as keyHex } from '../../sdk/src/storage/keys.ts';
import { EpochChannel, groupLockName, hasWebLocks, withGroupLock, withLock } from '../../sdk/src/storage/locks.ts';
import { toHex, utf8, prng } from '../lib/bytes.ts';

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

/** Every record of every store, as hex, for byte-identical before/after comparisons. */
async function dump(s: StorageProvider): Promise<string> {
  const out: string[] = [];
  for (const store of ['groups', 'secrets', 'keyPackages', 'identity', 'pending'] as StoreName[])
    for (const r of await s.list(store)) out.push(`${store}/${toHex(r.key)}=${toHex(r.value)}:${String(Object.entries(r.meta))}`);
  return out.join('\n');
}

const G1 = utf8('group-1');
const G2 = utf8('group-1x'); // G1 is a byte prefix of G2: storageKey's length prefix must keep them apart

/** A store with one group at epoch 6: group state, two epochs of secrets, a key package, an identity. */
async function seeded(opts?: ConstructorParameters<typeof MemoryStorage>[0]): Promise<MemoryStorage> {
  const s = new MemoryStorage(opts);
  await s.commit(
    new WriteBatch()
      .put('groups', storageKey(G1), utf8('state@6'), { epoch: 6n })
      .put('secrets', storageKey(G1, 5n), utf8('tree@5'))
      .put('secrets', storageKey(G1, 6n), utf8('tree@6'))
      .put('secrets', storageKey(G2, 1n), utf8('other group'))
      .put('keyPackages', storageKey(utf8('kp-ref')), utf8('init key'))
      .put('identity', 'signer', utf8('signature key')),
  );
  return s;
}

/** The batch of one epoch change 6 -> 7. */
const epochChange = () =>
  new WriteBatch()
    .check('groups', storageKey(G1), { epoch: 6n })
    .put('groups', storageKey(G1), utf8('state@7'), { epoch: 7n })
    .deleteRange('secrets', { prefix: storageKey(G1) })
    .put('secrets', storageKey(G1, 7n), utf8('tree@7'))
    .delete('keyPackages', storageKey(utf8('kp-ref')));

describe('storageKey (storage/keys.ts)', () => {
  it('orders uint64 parts numerically and keeps length-prefixed parts apart', () => {
    const a = storageKey(G1, 2n);
    const b = storageKey(G1, 10n);
    const c = storageKey(G1, 2n ** 40n);
    expect(compareBytes(a, b) < 0 && compareBytes(b, c) < 0).to.be.true;
    expect(toHex(storageKey(G1, 7))).to.equal(toHex(storageKey(G1, 7n)));
    // G1's records are not a prefix of G2's records
    expect(toHex(storageKey(G2)).startsWith(toHex(storageKey(G1)))).to.be.false;
    expect(toHex(storageKey('ab'))).to.equal('00026162');
    // Every part type in one key, byte for byte: u16 length ‖ bytes; uint64 big-endian.
    expect(toHex(storageKey(Uint8Array.of(0xff, 1), 7n, 'leaf', 2 ** 40, new Uint8Array(0)))).to.equal(
      '0002ff01' + '0000000000000007' + '00046c656166' + '0000010000000000' + '0000',
    );
    expect(toHex(storageKey())).to.equal('');
  });
  it('refuses parts that do not fit', () => {
    let code = '';
    try {
      storageKey(-1);
    } catch (e) {
      code = (e as { code: string }).code;
    }
    expect(code).to.equal('STORAGE');
    code = '';
    try {
      storageKey(new Uint8Array(65536));
    } catch (e) {
      code = (e as { code: string }).code;
    }
    expect(code).to.equal('STORAGE');
  });
  it('hex order equals byte order (memory provider relies on it)', () => {
    const rnd = prng(7);
    for (let i = 0; i < 300; i++) {
      const x = rnd(1 + (rnd(1)[0]! % 6));
      const y = rnd(1 + (rnd(1)[0]! % 6));
      const hx = keyHex(x),
        hy = keyHex(y);
      expect(Math.sign(compareBytes(x, y))).to.equal(hx < hy ? -1 : hx > hy ? 1 : 0);
      expect(hx).to.equal(toHex(x));
    }
  });
});

describe('MemoryStorage', () => {
  it('round trips values and meta; absent keys read undefined', async () => {
    const s = await seeded();
    const g = await s.get('groups', storageKey(G1));
    expect(toHex(g!.value)).to.equal(toHex(utf8('state@6')));
    expect(g!.meta.epoch).to.equal(6n);
    expect(toHex(g!.key)).to.equal(toHex(storageKey(G1)));
    expect((await s.getMeta('groups', storageKey(G1)))!.epoch).to.equal(6n);
    expect(await s.get('groups', storageKey(G2))).to.equal(undefined);
    expect(await s.getMeta('groups', storageKey(G2))).to.equal(undefined);
    // a string key is its UTF-8 bytes
    expect(toHex((await s.get('identity', utf8('signer')))!.value)).to.equal(toHex(utf8('signature key')));
    expect((await s.get('secrets', storageKey(G1, 5n)))!.meta).to.deep.equal({});
  });

  it('copies on put: mutating or wiping the caller’s array after commit() changes nothing stored', async () => {
    const s = new MemoryStorage();
    const v = Uint8Array.of(1, 2, 3);
    const k = Uint8Array.of(9, 9);
    const p = s.commit(new WriteBatch().put('secrets', k, v));
    v.fill(0); // wiped before the promise settled
    k.fill(0);
    await p;
    expect(toHex((await s.get('secrets', Uint8Array.of(9, 9)))!.value)).to.equal('010203');
    expect(await s.get('secrets', Uint8Array.of(0, 0))).to.equal(undefined);
  });

  it('copies on get: mutating a returned value changes nothing stored', async () => {
    const s = await seeded();
    const a = (await s.get('groups', storageKey(G1)))!;
    a.value.fill(0xee);
    const [l] = await s.list('groups');
    l!.value.fill(0xee);
    expect(toHex((await s.get('groups', storageKey(G1)))!.value)).to.equal(toHex(utf8('state@6')));
    let threw = false;
    try {
      (a.meta as Record<string, unknown>).epoch = 99n; // meta is frozen
    } catch {
      threw = true;
    }
    expect(threw).to.be.true;
    expect((await s.getMeta('groups', storageKey(G1)))!.epoch).to.equal(6n);
  });

  it('applies one epoch change atomically across stores', async () => {
    const s = await seeded();
    await s.commit(epochChange());
    expect(toHex((await s.get('groups', storageKey(G1)))!.value)).to.equal(toHex(utf8('state@7')));
    const secrets = await s.list('secrets', { prefix: storageKey(G1) });
    expect(secrets.map((r) => toHex(r.value))).to.deep.equal([toHex(utf8('tree@7'))]); // put after deleteRange survives
    expect(await s.count('secrets', { prefix: storageKey(G2) })).to.equal(1); // the other group untouched
    expect(await s.get('keyPackages', storageKey(utf8('kp-ref')))).to.equal(undefined);
  });

  it('failNextCommit: the commit rejects with STORAGE, every store keeps its old bytes, a retry succeeds', async () => {
    const s = await seeded();
    const before = await dump(s);
    s.failNextCommit();
    await rejectsCode(s.commit(epochChange()), 'STORAGE');
    expect(await dump(s)).to.equal(before);
    await s.commit(epochChange());
    expect((await s.getMeta('groups', storageKey(G1)))!.epoch).to.equal(7n);
  });

  it('faultInjector option: fails the chosen commit only', async () => {
    let n = 0;
    const s = await seeded({ faultInjector: (ops) => ops.some((o) => o.kind === 'deleteRange') && n++ === 0 });
    const before = await dump(s);
    await rejectsCode(s.commit(epochChange()), 'STORAGE');
    expect(await dump(s)).to.equal(before);
    await s.commit(new WriteBatch().put('pending', storageKey(G1, 7n, 0), utf8('early')));
    await s.commit(epochChange());
    expect(await s.count('pending')).to.equal(1);
  });

  it('a batch with an invalid operation writes nothing', async () => {
    const s = await seeded();
    const before = await dump(s);
    const bad = epochChange().put('nope' as StoreName, 'k', utf8('x'));
    await rejectsCode(s.commit(bad), 'STORAGE');
    await rejectsCode(s.commit(epochChange().put('groups', '', utf8('x'))), 'STORAGE'); // empty key
    await rejectsCode(s.commit(epochChange().put('groups', 'k', 'str' as unknown as Uint8Array)), 'STORAGE');
    await rejectsCode(s.commit(epochChange().put('groups', 'k', utf8('x'), { bad: {} } as never)), 'STORAGE');
    expect(await dump(s)).to.equal(before);
  });

  it('check: a stale epoch is refused as a conflict and writes nothing; null means absent', async () => {
    const s = await seeded();
    await s.commit(epochChange()); // epoch 7 now
    const before = await dump(s);
    const e = await rejectsCode(s.commit(epochChange()), 'STORAGE'); // still expects epoch 6
    expect(isStorageConflict(e)).to.be.true;
    expect(await dump(s)).to.equal(before);
    await s.commit(new WriteBatch().check('groups', storageKey(G2), null).put('groups', storageKey(G2), utf8('new')));
    const e2 = await rejectsCode(s.commit(new WriteBatch().check('groups', storageKey(G2), null)), 'STORAGE');
    expect(isStorageConflict(e2)).to.be.true;
    s.failNextCommit();
    expect(isStorageConflict(await rejectsCode(s.commit(new WriteBatch().delete('groups', 'x')), 'STORAGE'))).to.be.false;
  });

  it('prefix, bound, reverse and limit reads; listMeta and count', async () => {
    const s = new MemoryStorage();
    const b = new WriteBatch();
    for (let e = 0; e < 12; e++) b.put('pending', storageKey(G1, e), Uint8Array.of(e), { epoch: BigInt(e) });
    b.put('pending', storageKey(G2, 0), Uint8Array.of(99));
    await s.commit(b);
    const all = await s.list('pending', { prefix: storageKey(G1) });
    expect(all.map((r) => r.value[0])).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const newest = await s.listMeta('pending', { prefix: storageKey(G1), reverse: true, limit: 1 });
    expect(newest[0]!.meta.epoch).to.equal(11n);
    const mid = await s.list('pending', { lower: storageKey(G1, 3), upper: storageKey(G1, 6) });
    expect(mid.map((r) => r.value[0])).to.deep.equal([3, 4, 5]);
    expect(await s.count('pending', { prefix: storageKey(G1), lower: storageKey(G1, 10) })).to.equal(2);
    expect(await s.count('pending')).to.equal(13);
    expect(await s.count('pending', { lower: storageKey(G1, 5), upper: storageKey(G1, 5) })).to.equal(0);
    expect((await s.list('pending', { limit: 0 })).length).to.equal(0);
    await rejectsCode(s.list('pending', { limit: -1 }), 'STORAGE');
  });

  it('prefix reads and deletes agree with brute force on random keys (300 rounds)', async () => {
    const rnd = prng(2024);
    const s = new MemoryStorage();
    const model = new Map<string, string>();
    for (let round = 0; round < 300; round++) {
      const b = new WriteBatch();
      for (let i = 0; i < 4; i++) {
        const k = rnd(1 + (rnd(1)[0]! % 3)).map((x) => x & 0x83); // small alphabet incl. 0x00 and 0x83
        const v = rnd(4);
        b.put('secrets', k, v);
        model.set(toHex(k), toHex(v));
      }
      const pre = rnd(rnd(1)[0]! % 3).map((x) => x & 0x83);
      const del = (rnd(1)[0]! & 7) === 0;
      if (del) {
        b.deleteRange('secrets', { prefix: pre });
        for (const k of [...model.keys()]) if (k.startsWith(toHex(pre))) model.delete(k);
      }
      await s.commit(b);
      const got = (await s.list('secrets', { prefix: pre })).map((r) => `${toHex(r.key)}=${toHex(r.value)}`);
      const want = [...model.entries()]
        .filter(([k]) => k.startsWith(toHex(pre)))
        .sort(([a], [b2]) => (a < b2 ? -1 : a > b2 ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`);
      expect(got).to.deep.equal(want);
    }
  });

  it('a closed provider refuses every call with STORAGE', async () => {
    const s = await seeded();
    await s.close();
    await rejectsCode(s.get('groups', storageKey(G1)), 'STORAGE');
    await rejectsCode(s.commit(new WriteBatch().delete('groups', 'x')), 'STORAGE');
    await rejectsCode(s.list('groups'), 'STORAGE');
  });
});

/** Two concurrent critical sections that yield inside; returns the enter/exit trace. */
async function race(run: (tag: string, body: () => Promise<void>) => Promise<void>): Promise<string[]> {
  const trace: string[] = [];
  const body = (tag: string) => async () => {
    trace.push(`enter ${tag}`);
    await sleep(5);
    await Promise.resolve();
    trace.push(`exit ${tag}`);
  };
  await Promise.all([run('a', body('a')), run('b', body('b')), run('c', body('c'))]);
  return trace;
}

const serial = (t: string[]) => {
  for (let i = 0; i < t.length; i += 2) {
    const tag = t[i]!.slice(6);
    if (t[i] !== `enter ${tag}` || t[i + 1] !== `exit ${tag}`) return false;
  }
  return true;
};

describe('withGroupLock (storage/locks.ts)', () => {
  const gid = Uint8Array.of(0xca, 0xfe, Math.floor(Math.random() * 256), Math.floor(Math.random() * 256));

  it(`never overlaps two holders of one group (${hasWebLocks() ? 'Web Locks' : 'in-process mutex'})`, async () => {
    const trace = await race((_, body) => withGroupLock(gid, body, { scope: 'test' }));
    expect(trace.length).to.equal(6);
    expect(serial(trace)).to.be.true;
  });

  it('never overlaps with the in-process mutex either (backend: local)', async () => {
    const trace = await race((_, body) => withGroupLock(gid, body, { backend: 'local' }));
    expect(serial(trace)).to.be.true;
    expect(trace.slice(0, 2)).to.deep.equal(['enter a', 'exit a']); // FIFO
  });

  it('different groups do not wait on each other', async () => {
    const trace: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = withGroupLock(Uint8Array.of(1, 7), async () => {
      trace.push('enter 1');
      await held;
      trace.push('exit 1');
    });
    await withGroupLock(Uint8Array.of(2, 7), () => {
      trace.push('2 ran');
    });
    release();
    await first;
    expect(trace).to.deep.equal(['enter 1', '2 ran', 'exit 1']);
  });

  it('returns fn’s result, passes fn’s error through and releases the lock after an error', async () => {
    for (const backend of ['auto', 'local'] as const) {
      expect(await withGroupLock(gid, () => 42, { backend })).to.equal(42);
      let msg = '';
      try {
        await withGroupLock(gid, () => Promise.reject(new Error('boom')), { backend });
      } catch (e) {
        msg = (e as Error).message;
      }
      expect(msg).to.equal('boom');
      expect(await withGroupLock(gid, async () => 'again', { backend })).to.equal('again');
    }
  });

  it('an aborted wait rejects with ABORTED and does not block later holders', async () => {
    for (const backend of ['auto', 'local'] as const) {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const first = withGroupLock(gid, () => held, { backend });
      const ac = new AbortController();
      const waiting = withGroupLock(gid, () => 'never', { backend, signal: ac.signal });
      await sleep(5);
      ac.abort();
      await rejectsCode(waiting, 'ABORTED');
      release();
      await first;
      expect(await withGroupLock(gid, () => 'next', { backend })).to.equal('next');
    }
  });

  it('names locks webmls:group:<hex>, scoped when asked', () => {
    expect(groupLockName(Uint8Array.of(0xab, 0x01))).to.equal('webmls:group:ab01');
    expect(groupLockName(Uint8Array.of(0xab), 'alice')).to.equal('webmls:alice:group:ab');
  });

  it('withLock serialises arbitrary names too', async () => {
    const trace = await race((_, body) => withLock('webmls:test:raw', body));
    expect(serial(trace)).to.be.true;
  });
});

describe('EpochChannel (storage/locks.ts)', () => {
  it('delivers an announcement to other channels of the scope, not to the sender or other scopes', async () => {
    const scope = `t${Math.random().toString(36).slice(2)}`;
    const a = new EpochChannel(scope);
    const b = new EpochChannel(scope);
    const other = new EpochChannel(`${scope}-other`);
    const got: string[] = [];
    a.subscribe((e) => got.push(`a ${toHex(e.groupId)} ${e.epoch}`));
    const received = new Promise<void>((resolve) =>
      b.subscribe((e) => {
        got.push(`b ${toHex(e.groupId)} ${e.epoch}`);
        resolve();
      }),
    );
    other.subscribe((e) => got.push(`other ${e.epoch}`));
    a.announce(Uint8Array.of(0xca, 0xfe), 8n);
    await received;
    await sleep(20);
    expect(got).to.deep.equal(['b cafe 8']);
    const stop = b.subscribe(() => got.push('second listener'));
    stop();
    a.close();
    b.close();
    other.close();
  });
});

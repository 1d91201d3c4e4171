// Ed25519 batch verification (core-as/assembly/ed25519-batch.ts through WasmCore.ed25519VerifyMany, and
// CipherSuite.verifyMany / verifyManyWithLabel on both providers). The property under test: entry i of
// verifyMany is exactly ed25519Verify(publicKeys[i], messages[i], signatures[i]), for every batch size (0, 1, 2,
// 3, 64, chunk size - 1, chunk, chunk + 1, 3,000), every position of invalid entries (first, middle, last,
// several: the failed batch equation must be narrowed down to them), torsion-tainted signatures (R + T, A + T:
// valid under the cofactored rule, so the batch must accept them too), small-order A or R, S >= L, y >= p,
// malformed lengths and types, and random mixes (fast-check, fixed seed). The rule itself is tested in
// ed25519.test.ts (RFC 8032 §5.1.7, cofactored; see the core-as/assembly/ed25519.ts header).
import { ed25519 as nobleEd } from '@noble/curves/ed25519.js';
import { sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { nobleSuite } from '../../sdk/src/crypto/noble.ts';
import { wasmSuite } from '../../sdk/src/crypto/wasm-provider.ts';
import { verifyManyWithLabel, verifyWithLabel, signWithLabel } from '../../sdk/src/crypto/labels.ts';
import { bigToLe, concat, ED25519_L as L, ED25519_P as P, leToBig, prng, throwsCode, utf8 } from '../lib/bytes.ts';

const core = await loadCore();

const modL = (x: bigint) => ((x % L) + L) % L;
const Pt = nobleEd.Point;
type Pt = InstanceType<typeof Pt>;
/** The order-8 point of "Taming the many EdDSAs" (canonical encoding) and its multiples: the 8 torsion points. */
const T8 = Pt.fromBytes(
  Uint8Array.from([
    0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20,
    0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
  ]),
);
const TORSION: Pt[] = [Pt.ZERO];
for (let i = 1; i < 8; i++) TORSION.push(TORSION[i - 1]!.add(T8));

interface Entry {
  pk: Uint8Array;
  msg: Uint8Array;
  sig: Uint8Array;
}

/** A pool of valid signatures by the core (fast), with messages of varied lengths. */
const rnd = prng(9420);
const POOL: Entry[] = [];
for (let i = 0; i < 3000; i++) {
  const seed = rnd(32);
  const msg = rnd(i % 5 === 0 ? 300 + (i % 700) : i % 97);
  POOL.push({ pk: core.ed25519PublicKey(seed), msg, sig: core.ed25519Sign(seed, msg) });
}
/** Keys with known secrets, for crafted signatures. */
const SECRETS = Array.from({ length: 8 }, (_, i) => {
  const { scalar, pointBytes } = nobleEd.utils.getExtendedPublicKey(rnd(32));
  return { a: scalar, A: Pt.fromBytes(pointBytes), Ab: pointBytes, i };
});
const kOf = (Rb: Uint8Array, Ab: Uint8Array, m: Uint8Array) => leToBig(nobleSha512(concat(Rb, Ab, m))) % L;
const craft = (a: bigint, Ab: Uint8Array, r: bigint, Rb: Uint8Array, msg: Uint8Array): Uint8Array =>
  concat(Rb, bigToLe(modL(r + kOf(Rb, Ab, msg) * a)));

/** Kinds of entries: valid ones and each way to be invalid (or valid only under the cofactored rule). */
const KINDS = [
  'valid',
  'bit of R',
  'bit of S',
  'bit of A',
  'other message',
  'S + L',
  'S = L',
  'R + T (valid)',
  'A + T (valid)',
  'small-order A',
  'small-order R',
  'non-canonical A',
  'non-canonical R',
  'short key',
  'long signature',
] as const;
type Kind = (typeof KINDS)[number];

function make(kind: Kind, j: number): Entry {
  const e = POOL[j % POOL.length]!;
  const flip = (b: Uint8Array, bit: number) => {
    const c = b.slice();
    c[(bit >> 3) % b.length]! ^= 1 << (bit & 7);
    return c;
  };
  const sec = SECRETS[j % SECRETS.length]!;
  const T = TORSION[1 + (j % 7)]!;
  const r = modL(BigInt(j) * 0x9e3779b97f4a7c15n + 12345n);
  switch (kind) {
    case 'valid':
      return e;
    case 'bit of R':
      return { ...e, sig: flip(e.sig, j % 256) };
    case 'bit of S':
      return { ...e, sig: flip(e.sig, 256 + (j % 252)) };
    case 'bit of A':
      return { ...e, pk: flip(e.pk, j % 256) };
    case 'other message':
      return { ...e, msg: concat(e.msg, utf8('x')) };
    case 'S + L':
      return { ...e, sig: concat(e.sig.subarray(0, 32), bigToLe(leToBig(e.sig.subarray(32)) + L)) };
    case 'S = L':
      return { ...e, sig: concat(e.sig.subarray(0, 32), bigToLe(L)) };
    case 'R + T (valid)':
      return { pk: sec.Ab, msg: e.msg, sig: craft(sec.a, sec.Ab, r, Pt.BASE.multiply(r).add(T).toBytes(), e.msg) };
    case 'A + T (valid)': {
      const At = sec.A.add(T).toBytes();
      return { pk: At, msg: e.msg, sig: craft(sec.a, At, r, Pt.BASE.multiply(r).toBytes(), e.msg) };
    }
    case 'small-order A': {
      const Tb = TORSION[j % 8]!.toBytes();
      return { pk: Tb, msg: e.msg, sig: concat(Pt.BASE.multiply(r).toBytes(), bigToLe(r)) };
    }
    case 'small-order R':
      return { pk: sec.Ab, msg: e.msg, sig: craft(sec.a, sec.Ab, 0n, TORSION[j % 8]!.toBytes(), e.msg) };
    case 'non-canonical A':
      return { ...e, pk: bigToLe(P + BigInt(j % 19)) };
    case 'non-canonical R':
      return { ...e, sig: concat(bigToLe(P + BigInt(j % 19)), e.sig.subarray(32)) };
    case 'short key':
      return { ...e, pk: e.pk.subarray(0, 31) };
    case 'long signature':
      return { ...e, sig: concat(e.sig, new Uint8Array(1)) };
  }
}

const singles = (es: readonly Entry[]) => es.map((e) => core.ed25519Verify(e.pk, e.msg, e.sig));
const many = (es: readonly Entry[], opts?: Parameters<typeof core.ed25519VerifyMany>[3]) =>
  core.ed25519VerifyMany(
    es.map((e) => e.pk),
    es.map((e) => e.msg),
    es.map((e) => e.sig),
    opts,
  );
/** verifyMany equals singles; returns the answers. */
function same(es: readonly Entry[], where: string, opts?: Parameters<typeof core.ed25519VerifyMany>[3]): boolean[] {
  const want = singles(es);
  const got = many(es, opts);
  for (let i = 0; i < es.length; i++)
    if (got[i] !== want[i]) throw new Error(`${where}: entry ${i} of ${es.length}: batch ${got[i]}, single ${want[i]}`);
  return got;
}

describe('ed25519 batch verification', () => {
  it('every kind of entry is what the rule says (the control for the batch tests)', () => {
    for (const kind of KINDS) {
      for (let j = 0; j < 8; j++) {
        const e = make(kind, j);
        const want = kind === 'valid' || kind.endsWith('(valid)');
        expect(core.ed25519Verify(e.pk, e.msg, e.sig), `${kind} ${j}`).to.equal(want);
      }
    }
  });

  it('all valid: sizes 0, 1, 2, 3, 64, chunk - 1, chunk, chunk + 1 (chunks of 16 and of 1,024), 3,000', () => {
    for (const n of [0, 1, 2, 3, 64]) {
      expect(same(POOL.slice(0, n), `n = ${n}`, { minBatch: 1, fallback: 1 }).every((x) => x)).to.be.true;
      expect(same(POOL.slice(0, n), `n = ${n}, defaults`).every((x) => x)).to.be.true;
    }
    for (const n of [15, 16, 17, 33]) expect(same(POOL.slice(0, n), `n = ${n}`, { chunk: 16 }).every((x) => x)).to.be.true;
    for (const n of [1023, 1024, 1025]) expect(same(POOL.slice(0, n), `n = ${n}`).every((x) => x)).to.be.true;
    expect(same(POOL, 'n = 3,000').every((x) => x)).to.be.true;
  });

  it('checks valid batches with the batch equation alone (no fallback), and narrows a failure down', () => {
    for (const n of [1, 2, 64, 1025, 3000]) {
      const stats = { batches: 0, batchFailures: 0, singles: 0 };
      expect(many(POOL.slice(0, n), { minBatch: 1, stats }).every((x) => x)).to.be.true;
      expect(stats.batchFailures, `n = ${n}`).to.equal(0);
      expect(stats.singles, `n = ${n}`).to.equal(0);
      expect(stats.batches, `n = ${n}`).to.equal(Math.ceil(n / 1024));
    }
    // Torsion-tainted valid entries pass the equation too (cofactored): no fallback either.
    const stats = { batches: 0, batchFailures: 0, singles: 0 };
    const es = POOL.slice(0, 200).map((e, i) => (i % 10 === 3 ? make(i % 20 === 3 ? 'R + T (valid)' : 'A + T (valid)', i) : e));
    expect(many(es, { stats }).every((x) => x)).to.be.true;
    expect(stats).to.deep.equal({ batches: 1, batchFailures: 0, singles: 0 });
    // Entries refused by the per-signature checks are dropped from the equation without a fallback.
    const stats2 = { batches: 0, batchFailures: 0, singles: 0 };
    const es2 = POOL.slice(0, 200).map((e, i) => (i % 10 === 3 ? make('small-order A', i) : i % 10 === 4 ? make('S + L', i) : e));
    expect(many(es2, { stats: stats2 }).filter((x) => !x).length).to.equal(40);
    expect(stats2).to.deep.equal({ batches: 1, batchFailures: 0, singles: 0 });
    // One bad entry in 1,024: split in 8 parts of 128, the failing one verified one by one.
    const stats3 = { batches: 0, batchFailures: 0, singles: 0 };
    const es3 = POOL.slice(0, 1024).map((e, i) => (i === 700 ? make('other message', i) : e));
    expect(many(es3, { stats: stats3 }).filter((x) => !x).length).to.equal(1);
    expect(stats3).to.deep.equal({ batches: 9, batchFailures: 2, singles: 128 });
    // Down to parts of 2 when asked (fallback 1, minBatch 1): 1 + 8 + 8 + 8 batches, then 2 singles.
    const stats4 = { batches: 0, batchFailures: 0, singles: 0 };
    expect(many(es3, { stats: stats4, fallback: 1, minBatch: 1 }).filter((x) => !x).length).to.equal(1);
    expect(stats4.singles).to.be.at.most(8);
  });

  it('finds one invalid entry at the start, the middle and the end, and several', () => {
    const bad: Kind[] = ['bit of S', 'other message', 'bit of A', 'S + L', 'small-order R', 'non-canonical A'];
    for (const n of [2, 3, 64, 1025]) {
      for (const at of [0, n >> 1, n - 1]) {
        for (const kind of bad.slice(0, n > 100 ? 2 : bad.length)) {
          const es = POOL.slice(0, n).map((e, i) => (i === at ? make(kind, i) : e));
          const got = same(es, `n = ${n}, ${kind} at ${at}`, { minBatch: 1, fallback: 1 });
          expect(got.filter((x) => !x).length).to.equal(1);
          expect(got[at]).to.be.false;
        }
      }
    }
    // Several invalid, scattered, in chunks of 64 and the default.
    const es = POOL.slice(0, 500).map((e, i) => (i % 37 === 5 ? make('bit of S', i) : i % 101 === 7 ? make('other message', i) : e));
    const expectBad = es.filter((_, i) => i % 37 === 5 || i % 101 === 7).length;
    for (const opts of [{ chunk: 64 }, {}, { chunk: 500, split: 2, minBatch: 3, fallback: 1 }]) {
      expect(same(es, `several, ${JSON.stringify(opts)}`, opts).filter((x) => !x).length).to.equal(expectBad);
    }
    // All invalid.
    const allBad = POOL.slice(0, 40).map((_, i) => make('bit of S', i));
    expect(same(allBad, 'all invalid', { minBatch: 1 }).some((x) => x)).to.be.false;
  });

  it('accepts torsion-tainted signatures (R + T, A + T) as single verification does, and refuses small-order A / R', () => {
    const kinds: Kind[] = ['R + T (valid)', 'A + T (valid)', 'small-order A', 'small-order R'];
    for (const kind of kinds) {
      const es = POOL.slice(0, 40).map((e, i) => (i % 3 === 1 ? make(kind, i) : e));
      const got = same(es, kind, { minBatch: 1 });
      expect(got.every((x, i) => x === (i % 3 !== 1 || kind.endsWith('(valid)')))).to.be.true;
    }
    // A batch made only of torsion-tainted valid entries passes the batch equation as a whole.
    const only = Array.from({ length: 24 }, (_, i) => make(i % 2 ? 'R + T (valid)' : 'A + T (valid)', i));
    expect(same(only, 'only torsion-tainted', { minBatch: 1 }).every((x) => x)).to.be.true;
  });

  it('answers false (never throws) for malformed keys and signatures; BAD_LENGTH for mismatched lists', () => {
    const es: Entry[] = [
      make('short key', 0),
      make('long signature', 1),
      { ...POOL[2]!, pk: new Uint8Array(0) },
      { ...POOL[3]!, sig: new Uint8Array(0) },
      make('non-canonical R', 4),
      make('S = L', 5),
      POOL[6]!,
    ];
    expect(same(es, 'malformed', { minBatch: 1 })).to.deep.equal([false, false, false, false, false, false, true]);
    const weird = [POOL[0]!.pk, 'not bytes' as unknown as Uint8Array, POOL[2]!.pk];
    const got = core.ed25519VerifyMany(weird, [POOL[0]!.msg, POOL[1]!.msg, POOL[2]!.msg], [POOL[0]!.sig, POOL[1]!.sig, POOL[2]!.sig]);
    expect(got).to.deep.equal([true, false, true]);
    throwsCode(() => core.ed25519VerifyMany([POOL[0]!.pk], [], [POOL[0]!.sig]), 'BAD_LENGTH');
    throwsCode(() => core.ed25519VerifyMany([POOL[0]!.pk], ['x' as unknown as Uint8Array], [POOL[0]!.sig]), 'BAD_LENGTH');
  });

  it('equals single verification on random mixes (fast-check, seed 0x8032, 60 runs)', () => {
    const entry = fc.tuple(fc.constantFrom(...KINDS), fc.nat(2999));
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 4, arbitrary: fc.tuple(fc.constant('valid' as Kind), fc.nat(2999)) }, { weight: 1, arbitrary: entry }), {
          maxLength: 150,
        }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 1, max: 40 }),
        (spec, chunk, minBatch, split, fallback) => {
          const es = spec.map(([kind, j]) => make(kind, j));
          same(es, `chunk ${chunk}, minBatch ${minBatch}, split ${split}, fallback ${fallback}`, { chunk, minBatch, split, fallback });
        },
      ),
      { seed: 0x8032, numRuns: 60 },
    );
  });

  it('wipes the arena after a batch', () => {
    many(POOL.slice(0, 100));
    const mem = core.memoryView();
    // The arena (above the static data) is zero again: look for a message that was copied in.
    const probe = POOL[7]!.msg;
    let found = false;
    outer: for (let i = 0; i + probe.length <= mem.length; i++) {
      for (let k = 0; k < probe.length; k++) if (mem[i + k] !== probe[k]) continue outer;
      found = probe.length > 8;
      break;
    }
    expect(found).to.be.false;
  });
});

describe('CipherSuite.verifyMany on both providers', () => {
  for (const id of [1, 3]) {
    it(`suite ${id}: wasm and noble give the same arrays, equal to verify entry by entry`, () => {
      const w = wasmSuite(core, id);
      const n = nobleSuite(id);
      const es = Array.from({ length: 120 }, (_, i) => make(i % 4 === 0 ? KINDS[(i >> 2) % KINDS.length]! : 'valid', i * 13));
      const pks = es.map((e) => e.pk);
      const ms = es.map((e) => e.msg);
      const ss = es.map((e) => e.sig);
      const a = w.verifyMany(pks, ms, ss);
      const b = n.verifyMany(pks, ms, ss);
      expect(a).to.deep.equal(b);
      expect(a).to.deep.equal(es.map((e) => w.verify(e.pk, e.msg, e.sig)));
      expect(b).to.deep.equal(es.map((e) => n.verify(e.pk, e.msg, e.sig)));
      expect(w.verifyMany([], [], [])).to.deep.equal([]);
      throwsCode(() => w.verifyMany(pks, ms.slice(1), ss), 'BAD_LENGTH');
      throwsCode(() => n.verifyMany(pks, ms, ss.slice(1)), 'BAD_LENGTH');
    });
  }

  it('suite 2 (ECDSA P-256, no batch equation): verifyMany is verify entry by entry on both providers', () => {
    const w = wasmSuite(core, 2);
    const n = nobleSuite(2);
    const kp = n.signatureKeyGen();
    const ms = Array.from({ length: 6 }, (_, i) => utf8(`m${i}`));
    const ss = ms.map((m) => w.sign(kp.privateKey, m));
    ss[3] = ss[2]!;
    const pks = ms.map(() => kp.publicKey);
    const want = [true, true, true, false, true, true];
    expect(w.verifyMany(pks, ms, ss)).to.deep.equal(want);
    expect(n.verifyMany(pks, ms, ss)).to.deep.equal(want);
  });

  it('verifyManyWithLabel equals verifyWithLabel entry by entry (RFC 9420 §5.1.2)', () => {
    for (const cs of [wasmSuite(core, 1), nobleSuite(1)]) {
      const keys = Array.from({ length: 10 }, () => cs.signatureKeyGen());
      // Lengths across the varint sizes (the SignContents share one buffer: offsets must be exact).
      const sizes = [0, 1, 63, 64, 300, 16383, 16384, 7, 2, 100];
      const contents = keys.map((_, i) => Uint8Array.from({ length: sizes[i]! }, (_, j) => (i * 31 + j) & 255));
      const sigs = keys.map((k, i) => signWithLabel(cs, k.privateKey, 'LeafNodeTBS', contents[i]!));
      sigs[4] = sigs[5]!;
      const pks = keys.map((k) => k.publicKey);
      const got = verifyManyWithLabel(cs, pks, 'LeafNodeTBS', contents, sigs);
      expect(got).to.deep.equal(pks.map((pk, i) => verifyWithLabel(cs, pk, 'LeafNodeTBS', contents[i]!, sigs[i]!)));
      expect(got.filter((x) => !x).length).to.equal(1);
      // A different label is another message: nothing verifies.
      expect(verifyManyWithLabel(cs, pks, 'KeyPackageTBS', contents, sigs).some((x) => x)).to.be.false;
      throwsCode(() => verifyManyWithLabel(cs, pks, 'LeafNodeTBS', contents.slice(1), sigs), 'BAD_LENGTH');
    }
  });
});

// Ed25519 (RFC 8032 §5.1) in the WASM core, and the @noble provider's verifier (sdk/src/crypto/noble.ts), which
// must answer exactly as the core does. Known answers: RFC 8032 §7.1 TEST 1, 2, 3, TEST 1024 and TEST SHA(abc).
// Differential: @noble/curves ed25519 on 1,000 random seeds and messages (lengths 0, 1, 63, 64, 65, 1000 and
// random): identical public keys and signatures (Ed25519 signing is deterministic), and verification.
// The verification rule (core-as/assembly/ed25519.ts header): lengths exact; S < L; A and R canonical (y < p,
// no x = 0 with the sign bit) and on the curve; neither A nor R of small order; the cofactored equation
// [8]([S]B - R - [k]A) = O. Negative cases: S >= L (S + L malleability, S = L), y >= p for A and R, x = 0 with
// the sign bit, A off the curve, small-order A and R (the 8 torsion points), flipped bits, wrong lengths.
// Positive torsion cases: R + T and A + T for T of order 2, 4, 8 are ACCEPTED (the cofactored equation holds and
// neither A nor R is of small order), by the core and by the noble provider alike.
// Three verifiers agree on 1,000 valid and 1,000 mutated signatures: the core, the noble provider's Signer, and
// @noble/curves called directly with the strict checks written out here.
// Signing with the public key cache (ed25519SignCached behind WasmCore.ed25519Sign) equals uncached signing and
// @noble, also after the seed array is changed in place; verification through the core's cache of recently
// decoded keys equals verification without it (hits, evictions, keys one bit apart, refused keys).
// Hot keys (a key verified again gets big tables and a faster exact computation of [S]B - [k]A): the core's
// hot-key counters (found by their tag in linear memory, no timing) show the hot path runs from a key's third
// verification, survives the key cache's eviction, and that hot tables are evicted and rebuilt by the scoring
// policy; 1,200 valid and 1,200 mutated signatures under 6 repeated keys (more than the 4 hot slots) get the same
// answers from the hot path, from the lattice path of an instance whose hot slots are kept busy by other keys,
// from the noble provider and from strict @noble; torsion cases, small-order and non-canonical R and S >= L
// under keys that are already hot.
import { ed25519 as nobleEd } from '@noble/curves/ed25519.js';
import { sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { loadCore, type WasmCore } from '../../sdk/src/crypto/wasm.ts';
import { nobleEd25519 } from '../../sdk/src/crypto/noble.ts';
import { bigToLe, hex, toHex, concat, ED25519_L as L, ED25519_P as P, leToBig, prng, utf8 } from '../lib/bytes.ts';

const core = await loadCore();

/** [s]B encoded, by the oracle. */
const baseMul = (s: bigint): Uint8Array =>
  s === 0n ? bigToLe(1n) : nobleEd.Point.BASE.multiply(s).toBytes();

// RFC 8032 §7.1.
const RFC8032 = [
  {
    name: 'TEST 1',
    sk: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pk: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    msg: '',
    sig:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155' +
      '5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2',
    sk: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pk: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    msg: '72',
    sig:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da' +
      '085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3',
    sk: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    pk: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    msg: 'af82',
    sig:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac' +
      '18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    name: 'TEST 1024',
    sk: 'f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5',
    pk: '278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e',
    msg:
      '08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98' +
      'fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8' +
      '79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d' +
      '658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc' +
      '1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe' +
      'ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e' +
      '06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef' +
      'efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7' +
      'aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1' +
      '85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2' +
      'd17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24' +
      '554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270' +
      '88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc' +
      '2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07' +
      '07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba' +
      'b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a' +
      'ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e' +
      'c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7' +
      '51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c' +
      '42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8' +
      'ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df' +
      'f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08' +
      'd78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649' +
      'de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4' +
      '88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3' +
      '2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e' +
      '6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f' +
      'b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5' +
      '0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1' +
      '369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d' +
      'b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c' +
      '0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0',
    sig:
      '0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350' +
      'aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03',
  },
  {
    name: 'TEST SHA(abc)',
    sk: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    pk: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    msg:
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a' +
      '2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    sig:
      'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589' +
      '09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
];

type Pt = InstanceType<typeof nobleEd.Point>;
const Pt = nobleEd.Point;
const modL = (x: bigint) => ((x % L) + L) % L;
const kOf = (Rb: Uint8Array, Ab: Uint8Array, m: Uint8Array) => leToBig(nobleSha512(concat(Rb, Ab, m))) % L;

/** The 8 torsion points [i]T8, i = 0..7, T8 of order 8 (its canonical encoding from "Taming the many EdDSAs"). */
const T8 = Pt.fromBytes(hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'));
const TORSION: Pt[] = [Pt.ZERO];
for (let i = 1; i < 8; i++) TORSION.push(TORSION[i - 1]!.add(T8));
const orderOf = (T: Pt) => (T.is0() ? 1 : T.double().is0() ? 2 : T.double().double().is0() ? 4 : 8);

/** A key (secret scalar a, public point A) from a seed, by the oracle. */
function keyOf(seed: Uint8Array): { a: bigint; A: Pt; Ab: Uint8Array } {
  const { scalar, pointBytes } = nobleEd.utils.getExtendedPublicKey(seed);
  return { a: scalar, A: Pt.fromBytes(pointBytes), Ab: pointBytes };
}

/**
 * A signature by secret scalar a with nonce r, over the public key bytes Ab and the nonce point bytes Rb the
 * caller chooses (which may differ from [a]B and [r]B by a torsion point): S = r + k a, k = H(Rb || Ab || M).
 * Then [S]B - R - [k]A = -(T_R) - [k](T_A) for the torsion parts of R and A.
 */
function craft(a: bigint, Ab: Uint8Array, r: bigint, Rb: Uint8Array, msg: Uint8Array): Uint8Array {
  return concat(Rb, bigToLe(modL(r + kOf(Rb, Ab, msg) * a)));
}

/**
 * Mutation `i % 7` of a valid signature sig of msg under key (A = pk): a bit of R, S, A or M flipped, or S + L
 * (kinds 0-4: invalid), or a torsion point added to R or to A with a signature made for it (kinds 5, 6: valid
 * under the cofactored rule). Draws its randomness from rnd.
 */
function mutate(
  i: number,
  rnd: (n: number) => Uint8Array,
  pk: Uint8Array,
  msg: Uint8Array,
  sig: Uint8Array,
  key: () => { a: bigint; A: Pt; Ab: Uint8Array },
): { kind: number; pk: Uint8Array; msg: Uint8Array; sig: Uint8Array } {
  const kind = i % 7;
  let p2: Uint8Array = pk, m2: Uint8Array = msg, s2: Uint8Array = sig.slice();
  const bit = rnd(2)[0]! | (rnd(1)[0]! << 8);
  if (kind === 0) s2[(bit >> 3) % 32]! ^= 1 << (bit & 7);
  else if (kind === 1) s2[32 + ((bit >> 3) % 32)]! ^= 1 << (bit & 7);
  else if (kind === 2) (p2 = pk.slice())[(bit >> 3) % 32]! ^= 1 << (bit & 7);
  else if (kind === 3) (m2 = concat(msg, new Uint8Array(1)))[(bit >> 3) % m2.length]! ^= 1 << (bit & 7);
  else if (kind === 4) s2 = concat(sig.subarray(0, 32), bigToLe(leToBig(sig.subarray(32)) + L));
  else {
    const { a, A, Ab } = key();
    const T = TORSION[1 + (i % 7)]!;
    const r = modL(leToBig(rnd(40)));
    const R = Pt.BASE.multiply(r);
    if (kind === 5) s2 = craft(a, Ab, r, R.add(T).toBytes(), msg);
    else s2 = craft(a, (p2 = A.add(T).toBytes()), r, R.toBytes(), msg);
  }
  return { kind, pk: p2, msg: m2, sig: s2 };
}

/** The rule, on @noble/curves directly: strict decoding, no small order, S < L, then the cofactored equation. */
function strictNoble(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (pk.length !== 32 || sig.length !== 64) return false;
  if (leToBig(sig.subarray(32)) >= L) return false;
  for (const enc of [pk, sig.subarray(0, 32)]) {
    let P: Pt;
    try {
      P = Pt.fromBytes(enc, false);
    } catch {
      return false;
    }
    if (P.isSmallOrder()) return false;
  }
  return nobleEd.verify(sig, msg, pk, { zip215: true });
}

/** The three verifiers (the third skipped when `reference` is false, for time); they must agree. */
function verifyAll(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array, where: string, reference = true, c = core): boolean {
  const w = c.ed25519Verify(pk, msg, sig);
  const n = nobleEd25519.verify(pk, msg, sig);
  const r = reference ? strictNoble(pk, msg, sig) : n;
  if (w !== n || w !== r) throw new Error(`${where}: wasm ${w}, noble provider ${n}, strict @noble ${r}`);
  return w;
}

/**
 * The core's hot-key counters (HOT_STATS in core-as/assembly/ed25519.ts: a 32-byte tag, then u32 counters), found
 * by their tag in linear memory: verifications on the hot path, of them those with P = R, hot tables built, B
 * tables built.
 */
const HOT_TAG = utf8('webmls ed25519 hot-key counters\0');
interface HotStats {
  hot: number;
  equal: number;
  builds: number;
  bTables: number;
}
function hotStats(c: WasmCore): HotStats {
  const mem = c.memoryView();
  outer: for (let i = 0; i + 48 <= mem.length; i += 8) {
    for (let j = 0; j < 32; j++) if (mem[i + j] !== HOT_TAG[j]) continue outer;
    const v = new DataView(mem.buffer, mem.byteOffset + i + 32, 16);
    const u = (o: number) => v.getUint32(o, true);
    return { hot: u(0), equal: u(4), builds: u(8), bTables: u(12) };
  }
  throw new Error('hot-key counters not found in the core');
}

describe('ed25519', () => {
  it('RFC 8032 §7.1 test vectors: public key, signature, verification', () => {
    for (const v of RFC8032) {
      const seed = hex(v.sk);
      const msg = hex(v.msg);
      expect(toHex(core.ed25519PublicKey(seed)), v.name).to.equal(v.pk);
      expect(toHex(core.ed25519Sign(seed, msg)), v.name).to.equal(v.sig);
      expect(core.ed25519Verify(hex(v.pk), msg, hex(v.sig)), v.name).to.be.true;
      // The transcription is also checked against the oracle.
      expect(toHex(nobleEd.sign(msg, seed)), v.name).to.equal(v.sig);
    }
  });

  it('agrees with @noble/curves ed25519 on 1,000 random seeds and messages', () => {
    const seed0 = 8032;
    const rnd = prng(seed0);
    const lengths = [0, 1, 63, 64, 65, 1000];
    for (let i = 0; i < 1000; i++) {
      const seed = rnd(32);
      const len = i < 600 ? lengths[i % lengths.length]! : rnd(2)[0]! + (rnd(1)[0]! & 7) * 256; // 0..2047
      const msg = rnd(len);
      const pk = core.ed25519PublicKey(seed);
      const sig = core.ed25519Sign(seed, msg);
      const npk = nobleEd.getPublicKey(seed);
      const nsig = nobleEd.sign(msg, seed);
      const where = `seed ${seed0} case ${i} (len ${len})`;
      if (toHex(pk) !== toHex(npk)) throw new Error(`${where}: public key ${toHex(pk)} != ${toHex(npk)}`);
      if (toHex(sig) !== toHex(nsig)) throw new Error(`${where}: signature ${toHex(sig)} != ${toHex(nsig)}`);
      if (!core.ed25519Verify(pk, msg, sig)) throw new Error(`${where}: valid signature refused`);
      if (i % 10 === 0 && !nobleEd.verify(sig, msg, pk, { zip215: false })) throw new Error(`${where}: noble refuses`);
      // A one-bit change anywhere in the signed message is refused.
      if (len > 0) {
        const bad = msg.slice();
        bad[i % len]! ^= 1 << (i % 8);
        if (core.ed25519Verify(pk, bad, sig)) throw new Error(`${where}: tampered message accepted`);
      }
    }
  });

  it('refuses S >= L (RFC 8032 §5.1.7: S + L malleability, S = L, S = 2^256 - 1)', () => {
    const v = RFC8032[0]!;
    const pk = hex(v.pk);
    const msg = hex(v.msg);
    const sig = hex(v.sig);
    const S = leToBig(sig.subarray(32));
    expect(S < L).to.be.true;
    const withS = (s: bigint) => concat(sig.subarray(0, 32), bigToLe(s));
    expect(core.ed25519Verify(pk, msg, withS(S))).to.be.true;
    // S + L satisfies the group equation too (L B = O): only the range check refuses it.
    expect(core.ed25519Verify(pk, msg, withS(S + L))).to.be.false;
    expect(core.ed25519Verify(pk, msg, withS(S + 2n * L))).to.be.false;
    expect(core.ed25519Verify(pk, msg, withS(L))).to.be.false;
    expect(core.ed25519Verify(pk, msg, withS((1n << 256n) - 1n))).to.be.false;
    // Random valid signatures, made malleable.
    const rnd = prng(3);
    for (let i = 0; i < 20; i++) {
      const seed = rnd(32);
      const m = rnd(i);
      const s = core.ed25519Sign(seed, m);
      const p = core.ed25519PublicKey(seed);
      const mall = concat(s.subarray(0, 32), bigToLe(leToBig(s.subarray(32)) + L));
      expect(core.ed25519Verify(p, m, mall)).to.be.false;
    }
  });

  it('refuses y >= p and x = 0 with the sign bit, for A and for R (RFC 8032 §5.1.3 steps 1 and 4)', () => {
    // Every y in [p, 2^255) is a non-canonical encoding of y - p in [0, 19). No signature can be made for those
    // points (no known discrete logarithm), so the control is that @noble's lenient ZIP-215 decoding accepts the
    // encodings that are on the curve, while the strict decoding (and so every verifier) refuses them.
    const v = RFC8032[1]!;
    const pk = hex(v.pk);
    const msg = hex(v.msg);
    const sig = hex(v.sig);
    let lenientlyOnCurve = 0;
    for (let d = 0n; d < 19n; d++) {
      for (const signBit of [0, 0x80]) {
        const enc = bigToLe(P + d);
        enc[31]! |= signBit;
        try {
          Pt.fromBytes(enc, true);
          lenientlyOnCurve++;
        } catch {
          /* not on the curve at all */
        }
        expect(verifyAll(enc, msg, sig, `A = p + ${d}`)).to.be.false;
        expect(verifyAll(pk, msg, concat(enc, sig.subarray(32)), `R = p + ${d}`)).to.be.false;
      }
    }
    expect(lenientlyOnCurve > 4).to.be.true; // y = 0 and y = 1 at least, in both sign flavours
    // x = 0 happens for y = 1 and y = -1; with the sign bit set the encodings are refused.
    for (const y of [1n, P - 1n]) {
      const enc = bigToLe(y);
      enc[31]! |= 0x80;
      expect(verifyAll(enc, msg, sig, `A = ${y} with sign bit`)).to.be.false;
      expect(verifyAll(pk, msg, concat(enc, sig.subarray(32)), `R = ${y} with sign bit`)).to.be.false;
    }
  });

  it('has the 8 torsion points right (orders 1, 8, 4, 8, 2, 8, 4, 8)', () => {
    expect(TORSION.map(orderOf)).to.deep.equal([1, 8, 4, 8, 2, 8, 4, 8]);
    // Their canonical encodings: the 8 small-order encodings of "Taming the many EdDSAs" (Table 1, canonical).
    const encs = TORSION.map((T) => toHex(T.toBytes())).sort();
    expect(encs).to.deep.equal(
      [
        '0000000000000000000000000000000000000000000000000000000000000000',
        '0000000000000000000000000000000000000000000000000000000000000080',
        '0100000000000000000000000000000000000000000000000000000000000000',
        '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
        '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
        'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
        'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
        'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
      ].sort(),
    );
  });

  it('refuses a small-order A (which, with the cofactored equation alone, would verify any message)', () => {
    // A = T, R = [r]B, S = r: [S]B - R - [k]A = -[k]T, a torsion point, so [8](...) = O for every message.
    const msg = utf8('weak key');
    for (const T of TORSION) {
      const Ab = T.toBytes();
      const r = 123456789n;
      const sig = concat(Pt.BASE.multiply(r).toBytes(), bigToLe(r));
      expect(verifyAll(Ab, msg, sig, `A of order ${orderOf(T)}`)).to.be.false;
      expect(verifyAll(Ab, utf8('another message'), sig, `A of order ${orderOf(T)}`)).to.be.false;
    }
  });

  it('refuses a small-order R (the cofactored equation would hold)', () => {
    // R = T, S = k a: [S]B - R - [k]A = -T.
    const { a, Ab } = keyOf(hex(RFC8032[0]!.sk));
    const msg = utf8('small-order R');
    for (const T of TORSION) {
      const Rb = T.toBytes();
      const sig = craft(a, Ab, 0n, Rb, msg);
      expect(verifyAll(Ab, msg, sig, `R of order ${orderOf(T)}`)).to.be.false;
    }
  });

  it('accepts R + T and A + T for torsion T of order 2, 4, 8 (cofactored equation; neither of small order)', () => {
    // With the cofactorless equation these would pass or fail depending on k mod 8 (and, in a batch, on the
    // random coefficients): that is why the rule is cofactored. A signer never makes such R or A by itself.
    const rnd = prng(215);
    let cofactorlessWouldRefuse = 0;
    for (let i = 0; i < 48; i++) {
      const T = TORSION[1 + (i % 7)]!;
      const { a, A, Ab } = keyOf(rnd(32));
      const msg = rnd(i);
      const r = modL(leToBig(rnd(40)));
      const R = Pt.BASE.multiply(r);
      // R + T
      const Rt = R.add(T).toBytes();
      const sig1 = craft(a, Ab, r, Rt, msg);
      expect(verifyAll(Ab, msg, sig1, `R + T (order ${orderOf(T)}), case ${i}`)).to.be.true;
      // A + T: [S]B - R - [k](A + T) = -[k]T.
      const At = A.add(T).toBytes();
      const sig2 = craft(a, At, r, R.toBytes(), msg);
      expect(verifyAll(At, msg, sig2, `A + T (order ${orderOf(T)}), case ${i}`)).to.be.true;
      if (!T.multiplyUnsafe(kOf(R.toBytes(), At, msg)).is0()) cofactorlessWouldRefuse++;
      // The same with a message the signature is not for: refused.
      expect(verifyAll(At, concat(msg, utf8('!')), sig2, `A + T, wrong message, case ${i}`)).to.be.false;
    }
    expect(cofactorlessWouldRefuse > 10).to.be.true; // the cases really differ from the cofactorless rule
  });

  it('refuses S = L and S = L + s for a valid s, by every verifier', () => {
    const v = RFC8032[2]!;
    const pk = hex(v.pk);
    const msg = hex(v.msg);
    const sig = hex(v.sig);
    const S = leToBig(sig.subarray(32));
    expect(verifyAll(pk, msg, sig, 'control')).to.be.true;
    expect(verifyAll(pk, msg, concat(sig.subarray(0, 32), bigToLe(L)), 'S = L')).to.be.false;
    expect(verifyAll(pk, msg, concat(sig.subarray(0, 32), bigToLe(L + S)), 'S = L + s')).to.be.false;
  });

  it('the core and the noble provider agree on 1,000 valid and 1,000 mutated signatures (and the reference)', () => {
    const rnd = prng(8033);
    let valid = 0;
    let mutatedAccepted = 0;
    for (let i = 0; i < 1000; i++) {
      const seed = rnd(32);
      const msg = rnd(rnd(1)[0]! % 150);
      const pk = core.ed25519PublicKey(seed);
      const sig = core.ed25519Sign(seed, msg);
      // The core and the noble provider on every case, the reference on every 4th (each @noble verify is ~1 ms).
      const ref = i % 4 === 0;
      if (verifyAll(pk, msg, sig, `valid ${i}`, ref)) valid++;
      // One mutation per case (see mutate).
      const m = mutate(i, rnd, pk, msg, sig, () => keyOf(seed));
      if (verifyAll(m.pk, m.msg, m.sig, `mutated ${i} (kind ${m.kind})`, ref || m.kind >= 5)) mutatedAccepted++;
    }
    expect(valid).to.equal(1000);
    // Torsion mutations (kinds 5, 6) are valid signatures under the rule; the others are not.
    expect(mutatedAccepted).to.equal(Array.from({ length: 1000 }, (_, i) => i % 7 >= 5).filter(Boolean).length);
  });

  it('refuses a public key that is not on the curve', () => {
    const v = RFC8032[2]!;
    const msg = hex(v.msg);
    const sig = hex(v.sig);
    let found = 0;
    for (let y = 2n; found < 10; y++) {
      const enc = bigToLe(y);
      let onCurve = true;
      try {
        nobleEd.Point.fromBytes(enc);
      } catch {
        onCurve = false;
      }
      if (onCurve) continue;
      found++;
      expect(core.ed25519Verify(enc, msg, sig)).to.be.false;
      // Off-curve in both sign flavours.
      enc[31]! |= 0x80;
      expect(core.ed25519Verify(enc, msg, sig)).to.be.false;
    }
  });

  it('refuses every single-bit flip in R, S, A and the message', () => {
    const v = RFC8032[2]!;
    const pk = hex(v.pk);
    const msg = hex(v.msg);
    const sig = hex(v.sig);
    for (let bit = 0; bit < 512; bit++) {
      const s = sig.slice();
      s[bit >> 3]! ^= 1 << (bit & 7);
      expect(core.ed25519Verify(pk, msg, s), `sig bit ${bit}`).to.be.false;
    }
    for (let bit = 0; bit < 256; bit++) {
      const a = pk.slice();
      a[bit >> 3]! ^= 1 << (bit & 7);
      expect(core.ed25519Verify(a, msg, sig), `pk bit ${bit}`).to.be.false;
    }
    for (let bit = 0; bit < 8 * msg.length; bit++) {
      const m = msg.slice();
      m[bit >> 3]! ^= 1 << (bit & 7);
      expect(core.ed25519Verify(pk, m, sig), `msg bit ${bit}`).to.be.false;
    }
    // Appending or dropping a byte is refused as well.
    expect(core.ed25519Verify(pk, concat(msg, new Uint8Array(1)), sig)).to.be.false;
    expect(core.ed25519Verify(pk, msg.subarray(1), sig)).to.be.false;
  });

  it('returns false (never throws) for wrong key or signature lengths', () => {
    const v = RFC8032[1]!;
    const pk = hex(v.pk);
    const msg = hex(v.msg);
    const sig = hex(v.sig);
    expect(core.ed25519Verify(pk.subarray(0, 31), msg, sig)).to.be.false;
    expect(core.ed25519Verify(concat(pk, new Uint8Array(1)), msg, sig)).to.be.false;
    expect(core.ed25519Verify(pk, msg, sig.subarray(0, 63))).to.be.false;
    expect(core.ed25519Verify(pk, msg, concat(sig, new Uint8Array(1)))).to.be.false;
    expect(core.ed25519Verify(new Uint8Array(0), msg, new Uint8Array(0))).to.be.false;
  });

  it('wipes the arena after signing', () => {
    const seed = hex(RFC8032[0]!.sk);
    core.ed25519Sign(seed, utf8('wipe'));
    const mem = core.memoryView();
    const all = toHex(mem);
    expect(all.includes(toHex(seed))).to.be.false;
    // Nor the secret scalar (clamped first half of SHA-512(seed)) or the nonce prefix (second half).
    const h = nobleSha512(seed);
    expect(all.includes(toHex(h.subarray(1, 31)))).to.be.false;
    expect(all.includes(toHex(h.subarray(32)))).to.be.false;
  });

  it('signs with the public key cache exactly as without it, also after the seed array changes in place', () => {
    const rnd = prng(2020);
    const seed = rnd(32);
    for (let i = 0; i < 20; i++) {
      const msg = rnd(i * 7);
      const want = toHex(nobleEd.sign(msg, seed));
      expect(toHex(core.ed25519Sign(seed, msg)), `sign ${i}`).to.equal(want); // first a miss, then hits
      expect(toHex(core.ed25519SignUncached(seed, msg)), `uncached ${i}`).to.equal(want);
      if (i % 5 === 4) seed.set(rnd(32)); // same array, new seed: the cached A must not be used
    }
    // Two arrays with the same seed, and a copy changed back and forth.
    const s1 = rnd(32);
    const s2 = s1.slice();
    const msg = utf8('cache');
    expect(toHex(core.ed25519Sign(s1, msg))).to.equal(toHex(core.ed25519Sign(s2, msg)));
    s2[0]! ^= 1;
    expect(toHex(core.ed25519Sign(s2, msg))).to.equal(toHex(nobleEd.sign(msg, s2)));
    s2[0]! ^= 1;
    expect(toHex(core.ed25519Sign(s2, msg))).to.equal(toHex(nobleEd.sign(msg, s1)));
  });

  it('fills the public key cache when it derives a public key, so a new key\'s first signature does not compute A', () => {
    const rnd = prng(2026);
    const seed = rnd(32);
    const msg = utf8('first signature');
    const misses = () => core.ed25519CacheMisses;
    const m0 = misses();
    expect(toHex(core.ed25519PublicKey(seed))).to.equal(toHex(nobleEd.getPublicKey(seed)));
    expect(toHex(core.ed25519Sign(seed, msg))).to.equal(toHex(nobleEd.sign(msg, seed)));
    expect(misses(), 'signing after ed25519PublicKey').to.equal(m0);
    // Without a derivation first, the first signature computes A (one miss) and fills the cache.
    const other = rnd(32);
    expect(toHex(core.ed25519Sign(other, msg))).to.equal(toHex(nobleEd.sign(msg, other)));
    expect(misses()).to.equal(m0 + 1);
    expect(toHex(core.ed25519Sign(other, msg))).to.equal(toHex(nobleEd.sign(msg, other)));
    expect(misses()).to.equal(m0 + 1);
    // The seed changed in place after the derivation: the blob no longer matches, A is recomputed (a miss).
    seed[7]! ^= 0x40;
    expect(toHex(core.ed25519Sign(seed, msg))).to.equal(toHex(nobleEd.sign(msg, seed)));
    expect(misses()).to.equal(m0 + 2);
  });

  it('verifies through the decoded-key cache (16 recent keys) exactly as without it', () => {
    // 40 keys cycled three times (every key evicted and decoded again), each with a valid signature, a wrong
    // message, and a key that differs only in its last byte (must not hit the cached entry of the first).
    const rnd = prng(1616);
    const keys = Array.from({ length: 40 }, () => rnd(32));
    const pks = keys.map((k) => core.ed25519PublicKey(k));
    const msgs = keys.map((_, i) => rnd(i));
    const sigs = keys.map((k, i) => core.ed25519Sign(k, msgs[i]!));
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 40; i++) {
        const j = round === 1 ? i % 8 : i; // round 1 stays within the cache: hits
        expect(core.ed25519Verify(pks[j]!, msgs[j]!, sigs[j]!), `valid ${round}/${j}`).to.be.true;
        expect(core.ed25519Verify(pks[j]!, concat(msgs[j]!, utf8('x')), sigs[j]!), `message ${round}/${j}`).to.be.false;
        const near = pks[j]!.slice();
        near[31]! ^= 1; // the sign of x: the negated key, a valid point
        expect(core.ed25519Verify(near, msgs[j]!, sigs[j]!), `near ${round}/${j}`).to.be.false;
        expect(core.ed25519Verify(pks[j]!, msgs[j]!, sigs[(j + 1) % 40]!), `other sig ${round}/${j}`).to.be.false;
      }
    }
    // A refused key is not cached: a small-order key stays refused, and a valid key after it still verifies.
    const T = TORSION[3]!.toBytes();
    for (let i = 0; i < 3; i++) expect(core.ed25519Verify(T, msgs[0]!, sigs[0]!)).to.be.false;
    expect(core.ed25519Verify(pks[0]!, msgs[0]!, sigs[0]!)).to.be.true;
  });

  it('takes the hot path from a key\'s third verification, also after the key cache has evicted it', async () => {
    const c = await loadCore(); // a fresh instance: its counters and hot slots start empty
    const rnd = prng(4242);
    const seed = rnd(32);
    const pk = c.ed25519PublicKey(seed);
    const msgs = Array.from({ length: 60 }, (_, i) => rnd(i + 1));
    const sigs = msgs.map((m) => c.ed25519Sign(seed, m));
    expect(hotStats(c)).to.deep.equal({ hot: 0, equal: 0, builds: 0, bTables: 0 });
    expect(c.ed25519Verify(pk, msgs[0]!, sigs[0]!)).to.be.true; //    decoded into the key cache
    expect(c.ed25519Verify(pk, msgs[1]!, sigs[1]!)).to.be.true; //    first hit
    expect(hotStats(c)).to.deep.equal({ hot: 0, equal: 0, builds: 0, bTables: 0 });
    expect(c.ed25519Verify(pk, msgs[2]!, sigs[2]!)).to.be.true; //    second hit: tables built, hot path
    expect(hotStats(c)).to.deep.equal({ hot: 1, equal: 1, builds: 1, bTables: 1 });
    for (let i = 3; i < 60; i++) expect(c.ed25519Verify(pk, msgs[i]!, sigs[i]!), `message ${i}`).to.be.true;
    expect(hotStats(c)).to.deep.equal({ hot: 58, equal: 58, builds: 1, bTables: 1 });
    // Refused on the hot path (P != R, then [8](P - R) != O): a wrong message, the signature of another message.
    expect(verifyAll(pk, utf8('other'), sigs[0]!, 'wrong message', true, c)).to.be.false;
    expect(verifyAll(pk, msgs[1]!, sigs[0]!, 'other signature', true, c)).to.be.false;
    expect(hotStats(c)).to.deep.equal({ hot: 60, equal: 58, builds: 1, bTables: 1 });
    // 20 other keys, once each, evict pk from the 16-entry key cache; its hot slot has a copy of the key.
    for (let i = 0; i < 20; i++) {
      const s = rnd(32);
      expect(c.ed25519Verify(c.ed25519PublicKey(s), msgs[0]!, c.ed25519Sign(s, msgs[0]!))).to.be.true;
    }
    expect(c.ed25519Verify(pk, msgs[5]!, sigs[5]!)).to.be.true;
    expect(hotStats(c)).to.deep.equal({ hot: 61, equal: 59, builds: 1, bTables: 1 });
  });

  it('evicts and rebuilds hot tables by score: 5 keys over 4 slots, no rebuild between equals', async () => {
    // Policy (ed25519.ts "Hot keys"): promotion at a key cache entry's 2nd hit into a free slot, or over the
    // lowest-scored slot when hits > score + score / 4 + 2 and hits >= a threshold (2, doubled after each
    // replaced table that had fewer than 8 uses). Fewer than 64 verifications here: no ageing.
    const c = await loadCore();
    const rnd = prng(5005);
    const keys = Array.from({ length: 5 }, () => rnd(32));
    const pks = keys.map((k) => c.ed25519PublicKey(k));
    let n = 0;
    const verify = (j: number) => {
      const m = rnd(8 + (n++ % 40));
      const sig = c.ed25519Sign(keys[j]!, m);
      expect(verifyAll(pks[j]!, m, sig, `key ${j}, verification ${n}`, false, c)).to.be.true;
    };
    const expectStats = (hot: number, builds: number) => {
      const s = hotStats(c);
      expect([s.hot, s.equal, s.builds], `after ${n} verifications`).to.deep.equal([hot, hot, builds]);
    };
    for (let j = 0; j < 4; j++) for (let i = 0; i < 3; i++) verify(j);
    expectStats(4, 4); //                         keys 0-3 hot (scores 3: 2 hits + 1 use)
    for (let i = 0; i < 6; i++) verify(4); //     key 4: hits 1..5 do not beat 3 + 0 + 2
    expectStats(4, 4);
    verify(4); //                                 hits 6: replaces key 0 (the first of the lowest scores)
    expectStats(5, 5);
    verify(4);
    expectStats(6, 5);
    verify(0); //                                 key 0 evicted: lattice path, a key cache hit (hits 3)
    expectStats(6, 5);
    for (let i = 0; i < 2; i++) verify(0); //     hits 4, 5
    expectStats(6, 5);
    verify(0); //                                 hits 6: rebuilt over key 1
    expectStats(7, 6);
    verify(1); //                                 key 1 evicted (hits 3)
    expectStats(7, 6);
    // Keys 0 and 1 were replaced after 1 use each: the threshold is now 8 hits (the score rule asks for 6).
    for (let i = 0; i < 4; i++) verify(1); //     hits 4..7
    expectStats(7, 6);
    verify(1); //                                 hits 8: rebuilt over key 2
    expectStats(8, 7);
    for (const j of [0, 1, 3, 4]) verify(j); //   the four hot keys
    expectStats(12, 7);
    verify(2);
    expectStats(12, 7);
  });

  it('agrees with the lattice path, the noble provider and strict @noble on 1,200 + 1,200 signatures under 6 repeated keys', async () => {
    // `hot`: a fresh instance whose 4 hot slots the 6 keys share (phases of 400 cases use keys 0-3, 2-5, then
    // 0, 1, 4, 5, so tables are built, evicted and rebuilt). `cold`: an instance whose hot slots belong to 4
    // other keys verified once per case, more often than any of the 6 keys, which so never win a slot there:
    // its answers come from the lattice path of before hot keys existed. The noble provider and strict @noble
    // check every 8th case (each @noble verification costs about 100 core verifications).
    const hot = await loadCore();
    const cold = await loadCore();
    const rnd = prng(1200);
    const busy = Array.from({ length: 4 }, () => {
      const s = rnd(32);
      const m = rnd(32);
      return { pk: cold.ed25519PublicKey(s), m, sig: cold.ed25519Sign(s, m) };
    });
    const seeds = Array.from({ length: 6 }, () => rnd(32));
    const keys = seeds.map((s) => keyOf(s));
    const phases = [
      [0, 1, 2, 3],
      [2, 3, 4, 5],
      [0, 1, 4, 5],
    ];
    let accepted = 0;
    let mutatedAccepted = 0;
    const buildsAt: number[] = [];
    for (let i = 0; i < 1200; i++) {
      if (i % 400 === 0) buildsAt.push(hotStats(hot).builds);
      for (const b of busy) expect(cold.ed25519Verify(b.pk, b.m, b.sig)).to.be.true;
      const phase = phases[Math.floor(i / 400)]!;
      const j = phase[rnd(1)[0]! % 4]!;
      const { Ab } = keys[j]!;
      const msg = rnd(rnd(1)[0]! % 100);
      const sig = hot.ed25519Sign(seeds[j]!, msg);
      const check = (p: Uint8Array, m: Uint8Array, s: Uint8Array, where: string, ref: boolean): boolean => {
        const w = ref ? verifyAll(p, m, s, `${where} (case ${i}, key ${j})`, true, hot) : hot.ed25519Verify(p, m, s);
        const l = cold.ed25519Verify(p, m, s);
        if (l !== w) throw new Error(`${where} (case ${i}, key ${j}): hot path ${w}, lattice path ${l}`);
        return w;
      };
      if (check(Ab, msg, sig, 'valid', i % 8 === 0)) accepted++;
      // One mutation (see mutate; kinds 5 and 6 are valid under the rule).
      const m = mutate(i, rnd, Ab, msg, sig, () => keys[j]!);
      if (check(m.pk, m.msg, m.sig, `mutated (kind ${m.kind})`, i % 8 === 0)) mutatedAccepted++;
    }
    expect(accepted).to.equal(1200);
    expect(mutatedAccepted).to.equal(Array.from({ length: 1200 }, (_, i) => i % 7 >= 5).filter(Boolean).length);
    const h = hotStats(hot);
    buildsAt.push(h.builds);
    // Keys 0-3 built in phase 0; keys 4 and 5 replace 0 and 1 in phase 1; 0 and 1 come back in phase 2.
    expect(buildsAt[1]! - buildsAt[0]! >= 4, `builds ${buildsAt}`).to.be.true;
    expect(buildsAt[2]! - buildsAt[1]! >= 2, `builds ${buildsAt}`).to.be.true;
    expect(buildsAt[3]! - buildsAt[2]! >= 2, `builds ${buildsAt}`).to.be.true;
    expect(h.hot > 1500, `hot path ${h.hot} times`).to.be.true;
    expect(hotStats(cold).builds).to.equal(4); // only the busy keys: the 6 keys took the lattice path there
  });

  it('decides torsion cases, small-order and non-canonical R and S >= L under hot keys as before', async () => {
    const c = await loadCore();
    const rnd = prng(8888);
    const seed = rnd(32);
    const { a, A, Ab } = keyOf(seed);
    for (let i = 0; i < 3; i++) {
      const m = rnd(10 + i);
      expect(c.ed25519Verify(Ab, m, c.ed25519Sign(seed, m))).to.be.true;
    }
    expect(hotStats(c).builds).to.equal(1); // A is hot
    const msg = utf8('torsion under a hot key');
    const r = modL(leToBig(rnd(40)));
    const R = Pt.BASE.multiply(r);
    // R + T, T of order 2, 4, 8: accepted, on the hot path but not by P = R (P = [S]B - [k]A = R, not R + T).
    for (let t = 1; t < 8; t++) {
      const T = TORSION[t]!;
      const before = hotStats(c);
      expect(verifyAll(Ab, msg, craft(a, Ab, r, R.add(T).toBytes(), msg), `R + T${t}`, true, c)).to.be.true;
      const after = hotStats(c);
      expect([after.hot - before.hot, after.equal - before.equal], `R + T${t}`).to.deep.equal([1, 0]);
      expect(verifyAll(Ab, concat(msg, utf8('!')), craft(a, Ab, r, R.add(T).toBytes(), msg), `R + T${t}, other message`, true, c)).to.be.false;
    }
    // Small-order R (S = k a, so [S]B - R - [k]A = -T): refused by rule 4 before the hot path.
    const before = hotStats(c).hot;
    for (const T of TORSION) expect(verifyAll(Ab, msg, craft(a, Ab, 0n, T.toBytes(), msg), `small-order R ${orderOf(T)}`, true, c)).to.be.false;
    expect(hotStats(c).hot).to.equal(before);
    // S >= L, for a valid signature.
    const sig = c.ed25519Sign(seed, msg);
    const S = leToBig(sig.subarray(32));
    expect(verifyAll(Ab, msg, sig, 'control', true, c)).to.be.true;
    for (const bad of [S + L, L, S + 2n * L, (1n << 256n) - 1n])
      expect(verifyAll(Ab, msg, concat(sig.subarray(0, 32), bigToLe(bad)), `S = ${bad}`, true, c)).to.be.false;
    // R with y >= p (non-canonical) or x = 0 with the sign bit; -R (the sign bit flipped).
    for (let d = 0n; d < 19n; d++)
      for (const signBit of [0, 0x80]) {
        const enc = bigToLe(P + d);
        enc[31]! |= signBit;
        expect(verifyAll(Ab, msg, concat(enc, sig.subarray(32)), `R = p + ${d}`, true, c)).to.be.false;
      }
    for (const y of [1n, P - 1n]) {
      const enc = bigToLe(y);
      enc[31]! |= 0x80;
      expect(verifyAll(Ab, msg, concat(enc, sig.subarray(32)), `R = ${y} with sign bit`, true, c)).to.be.false;
    }
    const negR = sig.slice();
    negR[31]! ^= 0x80;
    expect(verifyAll(Ab, msg, negR, '-R', true, c)).to.be.false;
    // A + T made hot by signatures valid under the rule (decided by [8](P - R)), then R + T' under it too.
    for (let t = 1; t < 8; t++) {
      const At = A.add(TORSION[t]!).toBytes();
      const ct = await loadCore(); // a fresh instance: a free hot slot for A + T
      for (let i = 0; i < 4; i++) {
        const m = rnd(20 + i);
        const ri = modL(leToBig(rnd(40)));
        expect(verifyAll(At, m, craft(a, At, ri, Pt.BASE.multiply(ri).toBytes(), m), `A + T${t}, ${i}`, i === 3, ct)).to.be.true;
      }
      expect(hotStats(ct).builds, `A + T${t} is hot`).to.equal(1);
      const Rt = R.add(TORSION[8 - t]!).toBytes();
      expect(verifyAll(At, msg, craft(a, At, r, Rt, msg), `A + T${t}, R + T${8 - t}`, true, ct)).to.be.true;
      expect(verifyAll(At, utf8('x'), craft(a, At, r, Rt, msg), `A + T${t}, wrong message`, true, ct)).to.be.false;
      const s2 = craft(a, At, r, Rt, msg);
      expect(verifyAll(At, msg, concat(s2.subarray(0, 32), bigToLe(leToBig(s2.subarray(32)) + L)), `A + T${t}, S + L`, true, ct)).to.be.false;
      for (const T of TORSION) expect(ct.ed25519Verify(At, msg, craft(a, At, 0n, T.toBytes(), msg))).to.be.false;
      // On the hot path: the 3rd and 4th signatures, R + T' and the wrong message (S + L and small-order R are
      // refused before it).
      expect(hotStats(ct).hot, `A + T${t}`).to.equal(4);
    }
  });
});

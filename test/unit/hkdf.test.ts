// HKDF-SHA256 in core.wasm: RFC 5869 known answers and differential tests against @noble/hashes.
// Shared by vitest (Node) and @web/test-runner (Chromium): globals describe/it/expect, chai-style assertions only.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { extract, expand } from '@noble/hashes/hkdf.js';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { hex, toHex, concat, prng, throwsCode } from '../lib/bytes.ts';

const core = await loadCore();
const range = (from: number, to: number) => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** RFC 5869 §2.3 straight from the text, on @noble/hashes' HMAC: also covers PRKs shorter than HashLen. */
function refExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let t = new Uint8Array(0);
  for (let i = 1, done = 0; done < length; i++) {
    t = hmac(sha256, prk, concat(t, info, Uint8Array.of(i)));
    out.set(t.subarray(0, Math.min(32, length - done)), done);
    done += 32;
  }
  return out;
}

describe('HKDF-SHA256 (RFC 5869)', () => {
  // RFC 5869 Appendix A.1–A.3 (the SHA-256 cases).
  const cases = [
    {
      name: 'RFC 5869 A.1 test case 1 (basic)',
      ikm: new Uint8Array(22).fill(0x0b),
      salt: range(0x00, 0x0c),
      info: range(0xf0, 0xf9),
      L: 42,
      prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
      okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    },
    {
      name: 'RFC 5869 A.2 test case 2 (longer inputs and outputs)',
      ikm: range(0x00, 0x4f),
      salt: range(0x60, 0xaf),
      info: range(0xb0, 0xff),
      L: 82,
      prk: '06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244',
      okm:
        'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09' +
        'da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87',
    },
    {
      name: 'RFC 5869 A.3 test case 3 (zero-length salt and info)',
      ikm: new Uint8Array(22).fill(0x0b),
      salt: new Uint8Array(0),
      info: new Uint8Array(0),
      L: 42,
      prk: '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04',
      okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const prk = core.hkdfExtract(c.salt, c.ikm);
      expect(toHex(prk)).to.equal(c.prk);
      expect(toHex(core.hkdfExpand(prk, c.info, c.L))).to.equal(c.okm);
    });
  }

  it('treats an empty salt as HashLen zero octets (RFC 5869 §2.2)', () => {
    const ikm = hex('0b0b0b0b');
    expect(toHex(core.hkdfExtract(new Uint8Array(0), ikm))).to.equal(toHex(core.hkdfExtract(new Uint8Array(32), ikm)));
  });

  it('expands to lengths 0, 1, 32, 33 and 8160 (= 255 * HashLen), each a prefix of the longest', () => {
    const prk = core.hkdfExtract(hex('000102'), hex('0b0b0b0b0b0b'));
    const info = hex('f0f1f2');
    const full = core.hkdfExpand(prk, info, 8160);
    expect(toHex(full)).to.equal(toHex(expand(sha256, prk, info, 8160)));
    for (const L of [0, 1, 32, 33, 8160]) {
      const okm = core.hkdfExpand(prk, info, L);
      expect(okm.length).to.equal(L);
      expect(toHex(okm)).to.equal(toHex(full.subarray(0, L)));
    }
  });

  it('refuses more than 255 * HashLen octets (RFC 5869 §2.3)', () => {
    throwsCode(() => core.hkdfExpand(new Uint8Array(32), new Uint8Array(0), 8161), 'BAD_LENGTH');
  });

  it('hkdfExpandMany equals one hkdfExpand per (info, length), for 300 random batches of 0 to 6 (seed 9180)', () => {
    const rnd = prng(9180);
    const outLens = [0, 1, 12, 16, 31, 32, 33, 64, 65, 8160];
    for (let i = 0; i < 300; i++) {
      const prk = rnd([0, 16, 32, 65][i % 4]!);
      const n = i % 7;
      const infos = Array.from({ length: n }, (_, k) => rnd((i + k) % 5 === 0 ? [0, 63, 64, 65, 200][k % 5]! : rnd(1)[0]! & 63));
      const lengths = infos.map((_, k) => ((i + k) % 3 === 0 ? outLens[(i + k) % outLens.length]! : rnd(1)[0]! % 100));
      const got = core.hkdfExpandMany(prk, infos, lengths).map(toHex);
      const want = infos.map((info, k) => toHex(core.hkdfExpand(prk, info, lengths[k]!)));
      if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`hkdfExpandMany differs in batch ${i}`);
      // And the reference, once per batch (hkdfExpand is itself checked against it below).
      if (n > 0) expect(got[n - 1]).to.equal(toHex(refExpand(prk, infos[n - 1]!, lengths[n - 1]!)));
    }
    throwsCode(() => core.hkdfExpandMany(new Uint8Array(32), [new Uint8Array(1)], [8161]), 'BAD_LENGTH');
    throwsCode(() => core.hkdfExpandMany(new Uint8Array(32), [new Uint8Array(1)], []), 'BAD_LENGTH');
    expect(core.hkdfExpandMany(new Uint8Array(32), [], [])).to.deep.equal([]);
  });

  it('Extract matches @noble/hashes on 1,000 random salt/IKM pairs (seed 5869)', () => {
    const rnd = prng(5869);
    const lens = [0, 1, 63, 64, 65, 100 * 1024];
    for (let i = 0; i < 1000; i++) {
      const sl = i < 36 ? lens[i % 6]! : rnd(1)[0]! & 127;
      const il = i < 36 ? lens[Math.floor(i / 6)]! : rnd(1)[0]!;
      const salt = rnd(sl);
      const ikm = rnd(il);
      const got = toHex(core.hkdfExtract(salt, ikm));
      if (got !== toHex(extract(sha256, ikm, salt)))
        throw new Error(`extract mismatch at salt length ${sl}, IKM length ${il} (case ${i})`);
    }
    expect(true).to.be.true;
  });

  it('Expand matches @noble/hashes on 1,000 random PRK/info/length triples (seed 9420)', () => {
    const rnd = prng(9420);
    const outLens = [0, 1, 31, 32, 33, 63, 64, 65, 8160];
    const prkLens = [0, 1, 16, 32, 33, 64, 65, 200];
    for (let i = 0; i < 1000; i++) {
      const L = i % 8 === 0 ? outLens[(i / 8) % outLens.length]! : (rnd(2)[0]! | (rnd(1)[0]! << 8)) % 300;
      const pl = prkLens[i % prkLens.length]!;
      const il = i % 5 === 0 ? [0, 1, 63, 64, 65][(i / 5) % 5]! : rnd(1)[0]! & 127;
      const prk = rnd(pl);
      const info = rnd(il);
      const got = toHex(core.hkdfExpand(prk, info, L));
      // @noble/hashes' expand insists on a PRK of at least HashLen; shorter PRKs use the RFC text directly.
      const want = toHex(pl >= 32 ? expand(sha256, prk, info, L) : refExpand(prk, info, L));
      if (got !== want) throw new Error(`expand mismatch at PRK ${pl}, info ${il}, L ${L} (case ${i})`);
    }
    expect(true).to.be.true;
  });
});

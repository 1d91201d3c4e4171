// SHA-256, SHA-512 and hashMany in core.wasm: FIPS 180-4 known answers and differential tests against @noble/hashes.
// Shared by vitest (Node) and @web/test-runner (Chromium): globals describe/it/expect, chai-style assertions only.
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { toHex, utf8, prng } from '../lib/bytes.ts';

const core = await loadCore();

// NIST FIPS 180-4 examples (csrc.nist.gov "Cryptographic Standards and Guidelines: Examples with
// Intermediate Values", SHA256.pdf / SHA512.pdf, and FIPS 180-2 Appendix B/C "one million 'a'").
const ABC = utf8('abc');
const M448 = utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
const M896 = utf8(
  'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
);
const MILLION_A = new Uint8Array(1_000_000).fill(0x61);

describe('sha256 (FIPS 180-4 §6.2)', () => {
  const kat: [string, Uint8Array, string][] = [
    ['"" (empty)', new Uint8Array(0), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['"abc"', ABC, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['448-bit message', M448, '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    ['896-bit message', M896, 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1'],
    ["one million 'a'", MILLION_A, 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
  ];
  for (const [name, msg, want] of kat) {
    it(`FIPS 180-4 example: ${name}`, () => {
      expect(toHex(core.sha256(msg))).to.equal(want);
    });
  }

  it('matches @noble/hashes on 1,200 random messages across block boundaries (seed 256)', () => {
    const rnd = prng(256);
    const lens = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1024, 100 * 1024];
    let n = 0;
    for (let i = 0; i < 1200; i++) {
      // Every boundary length many times, then random lengths up to a few blocks; the 100 KiB case 12 times.
      const len = i < lens.length * 12 ? lens[i % lens.length]! : rnd(2)[0]! + (rnd(1)[0]! & 3) * 64;
      const m = rnd(len);
      const got = toHex(core.sha256(m));
      const want = toHex(nobleSha256(m));
      if (got !== want) throw new Error(`sha256 mismatch at length ${len} (case ${i})`);
      n++;
    }
    expect(n).to.equal(1200);
  });
});

describe('sha512 (FIPS 180-4 §6.4)', () => {
  const kat: [string, Uint8Array, string][] = [
    [
      '"" (empty)',
      new Uint8Array(0),
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    ],
    [
      '"abc"',
      ABC,
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    ],
    [
      '448-bit message',
      M448,
      '204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445',
    ],
    [
      '896-bit message',
      M896,
      '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909',
    ],
    [
      "one million 'a'",
      MILLION_A,
      'e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b',
    ],
  ];
  for (const [name, msg, want] of kat) {
    it(`FIPS 180-4 example: ${name}`, () => {
      expect(toHex(core.sha512(msg))).to.equal(want);
    });
  }

  it('matches @noble/hashes on 1,200 random messages across block boundaries (seed 512)', () => {
    const rnd = prng(512);
    const lens = [0, 1, 111, 112, 113, 127, 128, 129, 239, 240, 255, 256, 257, 1024, 100 * 1024];
    let n = 0;
    for (let i = 0; i < 1200; i++) {
      const len = i < lens.length * 12 ? lens[i % lens.length]! : rnd(2)[0]! + (rnd(1)[0]! & 3) * 128;
      const m = rnd(len);
      const got = toHex(core.sha512(m));
      const want = toHex(nobleSha512(m));
      if (got !== want) throw new Error(`sha512 mismatch at length ${len} (case ${i})`);
      n++;
    }
    expect(n).to.equal(1200);
  });
});

describe('hashMany (batched SHA-256)', () => {
  const oneByOne = (ms: Uint8Array[]) => ms.map((m) => toHex(core.sha256(m)));

  it('returns nothing for count 0', () => {
    expect(core.hashMany([])).to.deep.equal([]);
  });

  it('handles empty messages, alone and between others', () => {
    const e = new Uint8Array(0);
    expect(core.hashMany([e]).map(toHex)).to.deep.equal([
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ]);
    const ms = [e, ABC, e, e, M448, e];
    expect(core.hashMany(ms).map(toHex)).to.deep.equal(oneByOne(ms));
  });

  it('matches one-by-one sha256 and @noble/hashes on 1,000 random messages in batches (seed 77)', () => {
    const rnd = prng(77);
    const lens = [0, 1, 63, 64, 65, 130, 4096];
    let done = 0;
    for (let batch = 0; batch < 20; batch++) {
      const ms: Uint8Array[] = [];
      for (let i = 0; i < 50; i++) {
        const len = (batch * 50 + i) % 3 === 0 ? lens[i % lens.length]! : rnd(1)[0]!;
        ms.push(rnd(len));
      }
      const got = core.hashMany(ms).map(toHex);
      expect(got).to.deep.equal(oneByOne(ms));
      expect(got).to.deep.equal(ms.map((m) => toHex(nobleSha256(m))));
      done += ms.length;
    }
    expect(done).to.equal(1000);
  });

  it('four-lane path: counts 1..9 with mixed lengths (lanes ending at different blocks) match one-by-one sha256', () => {
    // hashMany hashes four messages at a time while four remain, then one by one: every count from 1 to 9
    // crosses that split, and the lengths put each lane's padding in the same or in a later block than its
    // neighbours' (55/56 and 119/120 are the one-/two-block padding edges, 64 a full block, 1000 sixteen).
    const rnd = prng(4);
    const lens = [0, 55, 56, 64, 119, 120, 1, 1000, 63, 65, 200];
    for (let count = 1; count <= 9; count++) {
      for (let rot = 0; rot < lens.length; rot++) {
        const ms = Array.from({ length: count }, (_, i) => rnd((i + rot) % 3 === 2 ? rnd(1)[0]! + 17 : lens[(i + rot) % lens.length]!));
        expect(core.hashMany(ms).map(toHex)).to.deep.equal(ms.map((m) => toHex(nobleSha256(m))));
      }
    }
  });

  it('hashes a 10,000-leaf batch in one call', () => {
    const rnd = prng(10_000);
    const ms = Array.from({ length: 10_000 }, (_, i) => rnd(i % 97));
    const got = core.hashMany(ms);
    expect(got.length).to.equal(10_000);
    for (const i of [0, 1, 96, 97, 5000, 9999]) expect(toHex(got[i]!)).to.equal(toHex(nobleSha256(ms[i]!)));
  });
});

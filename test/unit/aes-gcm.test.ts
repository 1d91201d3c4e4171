// AES-128-GCM in the WASM core (core-as/assembly/aes-gcm.ts): known answers, differential tests against
// @noble/ciphers, tamper tests and memory hygiene. Runs under vitest (Node) and @web/test-runner (Chromium).
import { gcm, ecb } from '@noble/ciphers/aes.js';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { hex, toHex, concat, prng, throwsCode } from '../lib/bytes.ts';

const core = await loadCore();
const noble = (k: Uint8Array, n: Uint8Array, a: Uint8Array, p: Uint8Array): Uint8Array => gcm(k, n, a).encrypt(p);

interface Kat {
  name: string;
  key: string;
  iv: string;
  aad: string;
  pt: string;
  ct: string;
  tag: string;
}

// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", revised 2005, Appendix B, Test Cases 1-4
// (AES-128, 96-bit IV).
const TC3_PT =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const TC3_CT =
  '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985';
const mcgrewViega: Kat[] = [
  {
    name: 'Test Case 1 (empty P, empty A)',
    key: '00000000000000000000000000000000',
    iv: '000000000000000000000000',
    aad: '',
    pt: '',
    ct: '',
    tag: '58e2fccefa7e3061367f1d57a4e7455a',
  },
  {
    name: 'Test Case 2 (one zero block)',
    key: '00000000000000000000000000000000',
    iv: '000000000000000000000000',
    aad: '',
    pt: '00000000000000000000000000000000',
    ct: '0388dace60b6a392f328c2b971b2fe78',
    tag: 'ab6e47d42cec13bdf53a67b21257bddf',
  },
  {
    name: 'Test Case 3 (64-byte P)',
    key: 'feffe9928665731c6d6a8f9467308308',
    iv: 'cafebabefacedbaddecaf888',
    aad: '',
    pt: TC3_PT,
    ct: TC3_CT,
    tag: '4d5c2af327cd64a62cf35abd2ba6fab4',
  },
  {
    name: 'Test Case 4 (60-byte P, 20-byte A)',
    key: 'feffe9928665731c6d6a8f9467308308',
    iv: 'cafebabefacedbaddecaf888',
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    pt: TC3_PT.slice(0, 120),
    ct: TC3_CT.slice(0, 120),
    tag: '5bc94fbc3221a5db94fae95ae7121a47',
  },
];

// NIST CAVP GCM test vectors, gcmEncryptExtIV128.rsp (Keylen 128, IVlen 96, Taglen 128), Count = 0 of the
// sections named.
const cavp: Kat[] = [
  {
    name: 'PTlen 0, AADlen 0',
    key: '11754cd72aec309bf52f7687212e8957',
    iv: '3c819d9a9bed087615030b65',
    aad: '',
    pt: '',
    ct: '',
    tag: '250327c674aaf477aef2675748cf6971',
  },
  {
    name: 'PTlen 0, AADlen 0 (Count 1)',
    key: 'ca47248ac0b6f8372a97ac43508308ed',
    iv: 'ffd2b598feabc9019262d2be',
    aad: '',
    pt: '',
    ct: '',
    tag: '60d20404af527d248d893ae495707d1a',
  },
  {
    name: 'PTlen 0, AADlen 128',
    key: '77be63708971c4e240d1cb79e8d77feb',
    iv: 'e0e00f19fed7ba0136a797f3',
    aad: '7a43ec1d9c0a5a78a0b16533a6213cab',
    pt: '',
    ct: '',
    tag: '209fcc8d3675ed938e9c7166709dd946',
  },
  {
    name: 'PTlen 128, AADlen 0',
    key: '7fddb57453c241d03efbed3ac44e371c',
    iv: 'ee283a3fc75575e33efd4887',
    aad: '',
    pt: 'd5de42b461646c255c87bd2962d3b9a2',
    ct: '2ccda4a5415cb91e135c2a0f78c9b2fd',
    tag: 'b36d1df9b9d5e596f83e8b7f52971cb3',
  },
  {
    name: 'PTlen 128, AADlen 128',
    key: 'c939cc13397c1d37de6ae0e1cb7c423c',
    iv: 'b3d8cc017cbb89b39e0f67e2',
    aad: '24825602bd12a984e0092d3e448eda5f',
    pt: 'c3b3c41f113a31b73d9a5cd432103069',
    ct: '93fe7d9e9bfd10348a5606e5cafa7354',
    tag: '0032a1dc85f1c9786925a2e71d8272dd',
  },
];

function checkKat(v: Kat): void {
  const [key, iv, aad, pt] = [hex(v.key), hex(v.iv), hex(v.aad), hex(v.pt)];
  const expected = v.ct + v.tag;
  // The vector must agree with the oracle too (guards against a mistyped vector).
  expect(toHex(noble(key, iv, aad, pt))).to.equal(expected);
  expect(toHex(core.aes128gcmSeal(key, iv, aad, pt))).to.equal(expected);
  expect(toHex(core.aes128gcmOpen(key, iv, aad, hex(expected)))).to.equal(v.pt);
}

/** Flip bit `bit` of byte `i` in a copy of b. */
function flip(b: Uint8Array, i: number, bit = 0): Uint8Array {
  const c = b.slice();
  c[i] = c[i]! ^ (1 << bit);
  return c;
}

/** Index of the first occurrence of needle in hay, or -1. */
function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('AES-128-GCM (WASM core)', () => {
  describe('McGrew-Viega GCM spec, AES-128 with 96-bit IV', () => {
    for (const v of mcgrewViega) it(v.name, () => checkKat(v));
  });

  describe('NIST CAVP gcmEncryptExtIV128', () => {
    for (const v of cavp) it(v.name, () => checkKat(v));
  });

  it('agrees with @noble/ciphers gcm on 1,000 random inputs across block boundaries', () => {
    const rnd = prng(0x6c3a5);
    const edge = [0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 127, 128, 129, 255, 256, 257];
    const pick = (i: number): number => (i % 3 === 2 ? rnd(2)[0]! | ((rnd(1)[0]! & 1) << 8) : edge[i % edge.length]!);
    for (let i = 0; i < 1000; i++) {
      const key = rnd(16), nonce = rnd(12);
      const aad = rnd(pick(i * 7 + 3));
      const pt = rnd(pick(i));
      const want = noble(key, nonce, aad, pt);
      const got = core.aes128gcmSeal(key, nonce, aad, pt);
      if (toHex(got) !== toHex(want)) throw new Error(`seal mismatch at case ${i} (pt ${pt.length}, aad ${aad.length})`);
      const back = core.aes128gcmOpen(key, nonce, aad, want);
      if (toHex(back) !== toHex(pt)) throw new Error(`open mismatch at case ${i} (pt ${pt.length}, aad ${aad.length})`);
    }
  });

  it('agrees with @noble/ciphers gcm on large inputs (64 KiB and around it)', () => {
    const rnd = prng(0x5eed);
    const cases: [number, number][] = [
      [65536, 0],
      [65536, 13],
      [65535, 65536],
      [65537, 17],
      [0, 65536],
    ];
    for (const [ptLen, aadLen] of cases) {
      const key = rnd(16), nonce = rnd(12), aad = rnd(aadLen), pt = rnd(ptLen);
      const want = noble(key, nonce, aad, pt);
      expect(toHex(core.aes128gcmSeal(key, nonce, aad, pt))).to.equal(toHex(want));
      expect(toHex(core.aes128gcmOpen(key, nonce, aad, want))).to.equal(toHex(pt));
    }
  });

  it('keeps no state between calls: interleaved keys give the same answers as fresh ones', () => {
    const rnd = prng(77);
    const k1 = rnd(16), k2 = rnd(16), n = rnd(12), a = rnd(5), p = rnd(100);
    const s1 = core.aes128gcmSeal(k1, n, a, p);
    const s2 = core.aes128gcmSeal(k2, n, a, p);
    expect(toHex(core.aes128gcmSeal(k1, n, a, p))).to.equal(toHex(s1));
    expect(toHex(s1)).to.equal(toHex(noble(k1, n, a, p)));
    expect(toHex(s2)).to.equal(toHex(noble(k2, n, a, p)));
  });

  describe('tamper: one flipped bit makes open fail with AEAD_DECRYPT', () => {
    const rnd = prng(4242);
    const key = rnd(16), nonce = rnd(12), aad = rnd(20), pt = rnd(70);
    const sealed = core.aes128gcmSeal(key, nonce, aad, pt);
    const tagAt = sealed.length - 16;

    it('accepts the untouched message', () => {
      expect(toHex(core.aes128gcmOpen(key, nonce, aad, sealed))).to.equal(toHex(pt));
    });
    it('in the tag (every bit of the first and last byte)', () => {
      for (let bit = 0; bit < 8; bit++) {
        throwsCode(() => core.aes128gcmOpen(key, nonce, aad, flip(sealed, tagAt, bit)), 'AEAD_DECRYPT');
        throwsCode(() => core.aes128gcmOpen(key, nonce, aad, flip(sealed, sealed.length - 1, bit)), 'AEAD_DECRYPT');
      }
    });
    it('in the ciphertext (first, middle and last byte, including the partial last block)', () => {
      for (const i of [0, 35, 64, tagAt - 1])
        throwsCode(() => core.aes128gcmOpen(key, nonce, aad, flip(sealed, i, i % 8)), 'AEAD_DECRYPT');
    });
    it('in the aad', () => {
      for (const i of [0, 19]) throwsCode(() => core.aes128gcmOpen(key, nonce, flip(aad, i, 3), sealed), 'AEAD_DECRYPT');
    });
    it('in the nonce', () => {
      for (const i of [0, 11]) throwsCode(() => core.aes128gcmOpen(key, flip(nonce, i, 7), aad, sealed), 'AEAD_DECRYPT');
    });
    it('in the key', () => {
      throwsCode(() => core.aes128gcmOpen(flip(key, 5, 1), nonce, aad, sealed), 'AEAD_DECRYPT');
    });
    it('with a truncated or extended message', () => {
      throwsCode(() => core.aes128gcmOpen(key, nonce, aad, sealed.subarray(0, sealed.length - 1)), 'AEAD_DECRYPT');
      throwsCode(() => core.aes128gcmOpen(key, nonce, aad, concat(sealed, new Uint8Array(1))), 'AEAD_DECRYPT');
      throwsCode(() => core.aes128gcmOpen(key, nonce, aad, sealed.subarray(tagAt)), 'AEAD_DECRYPT');
    });
  });

  it('leaves no plaintext, keystream, H or E_K(J0) in linear memory after a failed open', () => {
    const rnd = prng(99);
    const key = rnd(16), nonce = rnd(12), aad = rnd(8);
    const pt = rnd(200);
    const sealed = core.aes128gcmSeal(key, nonce, aad, pt);
    const forged = flip(sealed, sealed.length - 3, 2);
    let error: unknown;
    try {
      core.aes128gcmOpen(key, nonce, aad, forged);
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).to.equal('AEAD_DECRYPT');
    const mem = core.memoryView();
    // Every 16-byte plaintext block, and the secrets an attacker could turn into plaintext.
    const aes = (block: Uint8Array): Uint8Array => ecb(key, { disablePadding: true }).encrypt(block);
    const j0 = concat(nonce, hex('00000001'));
    const ctr2 = concat(nonce, hex('00000002'));
    const secrets: [string, Uint8Array][] = [
      ['key', key],
      ['H', aes(new Uint8Array(16))],
      ['E_K(J0)', aes(j0)],
      ['first keystream block', aes(ctr2)],
    ];
    for (let i = 0; i + 16 <= pt.length; i += 16) secrets.push([`plaintext block ${i / 16}`, pt.subarray(i, i + 16)]);
    for (const [what, s] of secrets) expect(indexOf(mem, s), what).to.equal(-1);
  });

  it('wipes the key, H, E_K(J0) and the keystream after a successful seal and open', () => {
    const rnd = prng(7);
    const key = rnd(16), nonce = rnd(12), pt = rnd(100);
    const sealed = core.aes128gcmSeal(key, nonce, new Uint8Array(0), pt);
    core.aes128gcmOpen(key, nonce, new Uint8Array(0), sealed);
    const mem = core.memoryView();
    const aes = (block: Uint8Array): Uint8Array => ecb(key, { disablePadding: true }).encrypt(block);
    expect(indexOf(mem, key)).to.equal(-1);
    expect(indexOf(mem, aes(new Uint8Array(16)))).to.equal(-1);
    expect(indexOf(mem, aes(concat(nonce, hex('00000001'))))).to.equal(-1);
    // The last batch of four keystream blocks (counters 6..9 for 100 bytes; 8 and 9 are only partly used).
    for (const c of ['00000006', '00000008', '00000009'])
      expect(indexOf(mem, aes(concat(nonce, hex(c)))), `keystream ${c}`).to.equal(-1);
  });
});

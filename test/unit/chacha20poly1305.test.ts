// ChaCha20-Poly1305 AEAD in the WASM core (core-as/assembly/chacha20poly1305.ts, chacha20.ts, poly1305.ts).
// Shared by vitest (Node) and @web/test-runner (Chromium): globals describe/it/expect, chai-style assertions only.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { hex, toHex, utf8, concat, prng, throwsCode } from '../lib/bytes.ts';

const core = await loadCore();

const SUNSCREEN = utf8(
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
);

describe('ChaCha20-Poly1305 known answers', () => {
  it('RFC 8439 §2.8.2: AEAD_CHACHA20_POLY1305 example (seal and open)', () => {
    const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = hex('070000004041424344454647');
    const aad = hex('50515253c0c1c2c3c4c5c6c7');
    const ct =
      'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6' +
      '3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36' +
      '92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc' +
      '3ff4def08e4b7a9de576d26586cec64b6116';
    const tag = '1ae10b594f09e26a7e902ecbd0600691';
    const sealed = core.chacha20poly1305Seal(key, nonce, aad, SUNSCREEN);
    expect(toHex(sealed)).to.equal(ct + tag);
    expect(toHex(core.chacha20poly1305Open(key, nonce, aad, hex(ct + tag)))).to.equal(toHex(SUNSCREEN));
  });

  it('RFC 8439 Appendix A.5: AEAD decryption test vector', () => {
    const key = hex('1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0');
    const nonce = hex('000000000102030405060708');
    const aad = hex('f33388860000000000004e91');
    const ct = hex(
      '64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2' +
        '4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf' +
        '332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855' +
        '9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4' +
        'b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e' +
        'af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a' +
        '0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10' +
        '49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29' +
        'a6ad5cb4022b02709b',
    );
    const tag = hex('eead9d67890cbb22392336fea1851f38');
    const pt =
      '496e7465726e65742d4472616674732061726520647261667420646f63756d65' +
      '6e74732076616c696420666f722061206d6178696d756d206f6620736978206d' +
      '6f6e74687320616e64206d617920626520757064617465642c207265706c6163' +
      '65642c206f72206f62736f6c65746564206279206f7468657220646f63756d65' +
      '6e747320617420616e792074696d652e20497420697320696e617070726f7072' +
      '6961746520746f2075736520496e7465726e65742d4472616674732061732072' +
      '65666572656e6365206d6174657269616c206f7220746f206369746520746865' +
      '6d206f74686572207468616e206173202fe2809c776f726b20696e2070726f67' +
      '726573732e2fe2809d';
    expect(toHex(core.chacha20poly1305Open(key, nonce, aad, concat(ct, tag)))).to.equal(pt);
    expect(toHex(core.chacha20poly1305Seal(key, nonce, aad, hex(pt)))).to.equal(toHex(concat(ct, tag)));
  });

  it('RFC 8439 §2.4.2: ChaCha20 encryption example (the AEAD encrypts from block counter 1)', () => {
    // §2.8 encrypts with the block counter starting at 1, and §2.4.2 uses counter 1: the ciphertext part
    // of the AEAD output is exactly the §2.4.2 ciphertext.
    const key = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const nonce = hex('000000000000004a00000000');
    const sealed = core.chacha20poly1305Seal(key, nonce, new Uint8Array(0), SUNSCREEN);
    expect(toHex(sealed.subarray(0, SUNSCREEN.length))).to.equal(
      '6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b' +
        'f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8' +
        '07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736' +
        '5af90bbf74a35be6b40b8eedf2785e42874d',
    );
    // §2.5.2 (Poly1305 alone) cannot be reached through the AEAD exports: the one-time key is derived.
  });
});

const LENS = [0, 1, 15, 16, 17, 63, 64, 65];
const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

describe('ChaCha20-Poly1305 against @noble/ciphers', () => {
  it('agrees on 1,024 random (key, nonce, aad, plaintext) across block boundaries, and opens its output', () => {
    const seed = 0x8439;
    const rnd = prng(seed);
    let n = 0;
    for (let round = 0; round < 16; round++)
      for (const pl of LENS)
        for (const al of LENS) {
          const key = rnd(32), nonce = rnd(12), aad = rnd(al), pt = rnd(pl);
          const want = chacha20poly1305(key, nonce, aad).encrypt(pt);
          const got = core.chacha20poly1305Seal(key, nonce, aad, pt);
          if (!same(got, want)) throw new Error(`seal mismatch: seed ${seed}, case ${n}, pt ${pl}, aad ${al}`);
          const back = core.chacha20poly1305Open(key, nonce, aad, want);
          if (!same(back, pt)) throw new Error(`open mismatch: seed ${seed}, case ${n}, pt ${pl}, aad ${al}`);
          n++;
        }
    expect(n).to.equal(1024);
  });

  it('agrees on large inputs (64 KiB plaintext and/or aad, and odd sizes around it)', () => {
    const rnd = prng(0x1305);
    const cases: [number, number][] = [
      [65536, 0], [65536, 13], [0, 65536], [65536, 65536], [65535, 17], [65537, 1], [4096 + 7, 1000],
    ];
    for (const [pl, al] of cases) {
      const key = rnd(32), nonce = rnd(12), aad = rnd(al), pt = rnd(pl);
      const want = chacha20poly1305(key, nonce, aad).encrypt(pt);
      const got = core.chacha20poly1305Seal(key, nonce, aad, pt);
      expect(same(got, want), `seal, pt ${pl} aad ${al}`).to.be.true;
      expect(same(core.chacha20poly1305Open(key, nonce, aad, got), pt), `open, pt ${pl} aad ${al}`).to.be.true;
    }
  });

  it('agrees on all-0xff inputs (every limb carry at its largest)', () => {
    for (const len of [0, 16, 64, 1000]) {
      const key = new Uint8Array(32).fill(0xff), nonce = new Uint8Array(12).fill(0xff);
      const aad = new Uint8Array(len).fill(0xff), pt = new Uint8Array(len).fill(0xff);
      const want = chacha20poly1305(key, nonce, aad).encrypt(pt);
      expect(toHex(core.chacha20poly1305Seal(key, nonce, aad, pt))).to.equal(toHex(want));
    }
  });
});

describe('ChaCha20-Poly1305 rejects tampering with AEAD_DECRYPT', () => {
  const rnd = prng(0xaead);
  const flip = (b: Uint8Array, bit: number): Uint8Array => {
    const c = b.slice();
    c[bit >> 3]! ^= 1 << (bit & 7);
    return c;
  };
  for (const [pl, al] of [[0, 1], [1, 1], [17, 15], [64, 64], [65, 16]] as [number, number][]) {
    it(`one flipped bit in tag, ciphertext, aad, nonce or key (pt ${pl}, aad ${al})`, () => {
      const key = rnd(32), nonce = rnd(12), aad = rnd(al), pt = rnd(pl);
      const sealed = core.chacha20poly1305Seal(key, nonce, aad, pt);
      expect(toHex(core.chacha20poly1305Open(key, nonce, aad, sealed))).to.equal(toHex(pt));
      for (let t = 0; t < 8; t++) {
        const r = rnd(4);
        const pick = (n: number): number => (r[0]! | (r[1]! << 8) | (r[2]! << 16)) % n;
        // tag: the last 16 bytes of sealed
        throwsCode(() => core.chacha20poly1305Open(key, nonce, aad, flip(sealed, 8 * pl + pick(128))), 'AEAD_DECRYPT');
        if (pl > 0) throwsCode(() => core.chacha20poly1305Open(key, nonce, aad, flip(sealed, pick(8 * pl))), 'AEAD_DECRYPT');
        throwsCode(() => core.chacha20poly1305Open(key, nonce, flip(aad, pick(8 * al)), sealed), 'AEAD_DECRYPT');
        throwsCode(() => core.chacha20poly1305Open(key, flip(nonce, pick(96)), aad, sealed), 'AEAD_DECRYPT');
        throwsCode(() => core.chacha20poly1305Open(flip(key, pick(256)), nonce, aad, sealed), 'AEAD_DECRYPT');
      }
    });
  }

  it('a truncated or extended ciphertext, or aad moved into the ciphertext, fails', () => {
    const key = rnd(32), nonce = rnd(12), aad = rnd(16), pt = rnd(32);
    const sealed = core.chacha20poly1305Seal(key, nonce, aad, pt);
    throwsCode(() => core.chacha20poly1305Open(key, nonce, aad, sealed.subarray(1)), 'AEAD_DECRYPT');
    throwsCode(() => core.chacha20poly1305Open(key, nonce, aad, concat(new Uint8Array(1), sealed)), 'AEAD_DECRYPT');
    throwsCode(() => core.chacha20poly1305Open(key, nonce, new Uint8Array(0), concat(aad, sealed)), 'AEAD_DECRYPT');
    throwsCode(() => core.chacha20poly1305Open(key, nonce, aad, new Uint8Array(16)), 'AEAD_DECRYPT');
  });
});

// X25519 (RFC 7748) in the WASM core. Known answers: RFC 7748 §5.2 (two vectors and the iterated test, 1 and
// 1,000 iterations) and the §6.1 Diffie-Hellman example. Negative: low-order points (0, 1, the order-8 points,
// p - 1, p, p + 1; the libsodium/curve25519 "blacklist") give MlsError CRYPTO (RFC 7748 §6.1 all-zero check).
// Non-canonical u (>= p, or with bit 255 set) is processed as if reduced mod p / with the bit masked (RFC 7748 §5).
// Differential: @noble/curves x25519 on 1,000 random (scalar, u) pairs and 200 random public keys.
import { x25519 as nobleX } from '@noble/curves/ed25519.js';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { hex, toHex, prng, throwsCode } from '../lib/bytes.ts';

const core = await loadCore();

describe('x25519', () => {
  it('RFC 7748 §5.2 test vectors', () => {
    // RFC 7748 §5.2, first vector.
    expect(
      toHex(
        core.x25519(
          hex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
          hex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c'),
        ),
      ),
    ).to.equal('c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552');
    // RFC 7748 §5.2, second vector (its u has bit 255 set: it must be masked).
    expect(
      toHex(
        core.x25519(
          hex('4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d'),
          hex('e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493'),
        ),
      ),
    ).to.equal('95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957');
  });

  it('RFC 7748 §5.2 iterated test: 1 and 1,000 iterations', () => {
    let k = hex('0900000000000000000000000000000000000000000000000000000000000000');
    let u = k;
    for (let i = 1; i <= 1000; i++) {
      const next = core.x25519(k, u);
      u = k;
      k = next;
      if (i === 1) expect(toHex(k)).to.equal('422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079');
    }
    expect(toHex(k)).to.equal('684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51');
  });

  it('RFC 7748 §6.1 Diffie-Hellman example', () => {
    const aSk = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bSk = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    const aPk = core.x25519Base(aSk);
    const bPk = core.x25519Base(bSk);
    expect(toHex(aPk)).to.equal('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(toHex(bPk)).to.equal('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(toHex(core.x25519(aSk, bPk))).to.equal(shared);
    expect(toHex(core.x25519(bSk, aPk))).to.equal(shared);
    // x25519Base (Edwards fixed-base path) agrees with the ladder on u = 9.
    const nine = hex('0900000000000000000000000000000000000000000000000000000000000000');
    expect(toHex(core.x25519(aSk, nine))).to.equal(toHex(aPk));
  });

  it('low-order points give MlsError CRYPTO (RFC 7748 §6.1 all-zero output)', () => {
    // The points of order 1, 2, 4 and 8 on the curve and its twist, as listed in libsodium's
    // crypto_scalarmult/curve25519 blacklist (Bernstein's curve25519 "points to reject").
    const lowOrder = [
      '0000000000000000000000000000000000000000000000000000000000000000', // 0: the point (0, 0), order 2
      '0100000000000000000000000000000000000000000000000000000000000000', // 1 (order 4, twist)
      'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', // order 8
      '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', // order 8
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p - 1 (order 4)
      'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p = 0 (non-canonical)
      'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p + 1 = 1 (non-canonical)
    ];
    const rnd = prng(7748);
    for (const u of lowOrder) {
      const uu = hex(u);
      const withTopBit = uu.slice();
      withTopBit[31]! |= 0x80; // bit 255 is masked (RFC 7748 §5), so these are the same points
      for (let i = 0; i < 4; i++) {
        const sk = rnd(32);
        throwsCode(() => core.x25519(sk, uu), 'CRYPTO');
        throwsCode(() => core.x25519(sk, withTopBit), 'CRYPTO');
      }
    }
  });

  it('non-canonical u (>= p, or bit 255 set) is processed as if reduced mod p (RFC 7748 §5)', () => {
    const rnd = prng(5);
    const le = (v: bigint): Uint8Array => {
      const out = new Uint8Array(32);
      for (let i = 0; i < 32; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
      return out;
    };
    const p = (1n << 255n) - 19n;
    // u in [2, 18]: u + p is still below 2^255, so u + p is a non-canonical encoding of u.
    for (let u = 2n; u <= 18n; u++) {
      const sk = rnd(32);
      let reduced: Uint8Array | undefined;
      try {
        reduced = core.x25519(sk, le(u));
      } catch {
        reduced = undefined; // a low-order u: then u + p must be refused too
      }
      if (reduced) {
        expect(toHex(core.x25519(sk, le(u + p)))).to.equal(toHex(reduced));
        const top = le(u + p);
        top[31]! |= 0x80; // and with bit 255 set as well
        expect(toHex(core.x25519(sk, top))).to.equal(toHex(reduced));
      } else {
        throwsCode(() => core.x25519(sk, le(u + p)), 'CRYPTO');
      }
    }
    // Bit 255 set on random u: same output as with it cleared, and as noble (which also masks it).
    for (let i = 0; i < 20; i++) {
      const sk = rnd(32);
      const u = rnd(32);
      u[31]! |= 0x80;
      const cleared = u.slice();
      cleared[31]! &= 0x7f;
      expect(toHex(core.x25519(sk, u))).to.equal(toHex(core.x25519(sk, cleared)));
      expect(toHex(core.x25519(sk, u))).to.equal(toHex(nobleX.getSharedSecret(sk, u)));
    }
  });

  it('agrees with @noble/curves x25519 on 1,000 random (scalar, u) pairs', () => {
    const seed = 0x25519;
    const rnd = prng(seed);
    for (let i = 0; i < 1000; i++) {
      const sk = rnd(32);
      const u = rnd(32); // any 32 bytes: about half are on the twist, and bit 255 is random
      let expected: string;
      try {
        expected = toHex(nobleX.getSharedSecret(sk, u));
      } catch {
        expected = 'CRYPTO';
      }
      let got: string;
      try {
        got = toHex(core.x25519(sk, u));
      } catch (e) {
        got = (e as { code?: string }).code ?? String(e);
      }
      if (got !== expected) throw new Error(`seed ${seed} case ${i}: sk ${toHex(sk)} u ${toHex(u)}: ${got} != ${expected}`);
    }
  });

  it('x25519Base agrees with @noble/curves getPublicKey on 200 random scalars', () => {
    const rnd = prng(99);
    for (let i = 0; i < 200; i++) {
      const sk = rnd(32);
      expect(toHex(core.x25519Base(sk))).to.equal(toHex(nobleX.getPublicKey(sk)));
    }
  });

  it('Diffie-Hellman agreement on random keys', () => {
    const rnd = prng(1234);
    for (let i = 0; i < 50; i++) {
      const a = rnd(32);
      const b = rnd(32);
      expect(toHex(core.x25519(a, core.x25519Base(b)))).to.equal(toHex(core.x25519(b, core.x25519Base(a))));
    }
  });

  it('rejects wrong lengths with BAD_LENGTH', () => {
    throwsCode(() => core.x25519(new Uint8Array(31), new Uint8Array(32)), 'BAD_LENGTH');
    throwsCode(() => core.x25519(new Uint8Array(32), new Uint8Array(33)), 'BAD_LENGTH');
    throwsCode(() => core.x25519Base(new Uint8Array(64)), 'BAD_LENGTH');
  });
});

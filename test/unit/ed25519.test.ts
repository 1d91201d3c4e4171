// Ed25519 (RFC 8032 §5.1) in the WASM core. Known answers: RFC 8032 §7.1 TEST 1, 2, 3, TEST 1024 and
// TEST SHA(abc). Differential: @noble/curves ed25519 on 1,000 random seeds and messages (lengths 0, 1, 63, 64, 65,
// 1000 and random): identical public keys and signatures (Ed25519 signing is deterministic), and verification.
// Negative (strict RFC 8032 §5.1.7): S >= L (S + L malleability, S = L), non-canonical A and R (y >= p),
// x = 0 with the sign bit set, A not on the curve, flipped bits in message / R / S / A, wrong lengths -> false.
import { ed25519 as nobleEd } from '@noble/curves/ed25519.js';
import { sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { hex, toHex, concat, prng, utf8 } from '../lib/bytes.ts';

const core = await loadCore();

const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const P = (1n << 255n) - 19n;
const leToBig = (b: Uint8Array): bigint => {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
};
const bigToLe = (v: bigint, n = 32): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
};
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

/** A signature (R, S) with a chosen R, valid for public key A (any 32 bytes) if the verifier decodes A to the
 *  identity: then [S]B = R + [k]A holds for R = [S]B, whatever k is. */
function sigForIdentityKey(s: bigint): Uint8Array {
  return concat(baseMul(s), bigToLe(s));
}

/** A signature by secret scalar a (RFC 8032 §5.1.6) with the nonce point R given as raw bytes (which may be a
 *  non-canonical encoding): S = r + k a with k = H(R || A || M), valid when the verifier reads R as [r]B. */
function sigWithRawR(a: bigint, A: Uint8Array, r: bigint, Rbytes: Uint8Array, msg: Uint8Array): Uint8Array {
  const k = leToBig(nobleSha512(concat(Rbytes, A, msg))) % L;
  return concat(Rbytes, bigToLe((r + k * a) % L));
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

  it('refuses a non-canonical public key (y >= p) that would otherwise verify', () => {
    // A = identity, canonically 01 00..00. With it, (R = [S]B, S) verifies for every message: RFC 8032 does not
    // refuse small-order keys, so this is the control. y = p + 1 (ee ff..ff 7f) encodes the same point
    // non-canonically, and must be refused by §5.1.3 step 1.
    const msg = utf8('non-canonical A');
    const sig = sigForIdentityKey(123456789n);
    const canonical = bigToLe(1n);
    const nonCanonical = bigToLe(P + 1n);
    expect(core.ed25519Verify(canonical, msg, sig)).to.be.true;
    expect(core.ed25519Verify(nonCanonical, msg, sig)).to.be.false;
    // Same with bit 255 set: x = 0 with the sign bit set is refused too (§5.1.3 step 4).
    const signBit = canonical.slice();
    signBit[31]! |= 0x80;
    expect(core.ed25519Verify(signBit, msg, sig)).to.be.false;
    // A = (0, -1) (y = p - 1, x = 0) has order 2, so [k]A = O when k is even: pick a message for which k is even
    // both for the canonical encoding and for the one with the sign bit set. Then the canonical key verifies
    // (the control) and the sign-bit one is refused by the decoding rule alone.
    const minusOne = bigToLe(P - 1n);
    const minusOneSigned = minusOne.slice();
    minusOneSigned[31]! |= 0x80;
    const sig2 = sigForIdentityKey(987654321n);
    const kOf = (A: Uint8Array, m: Uint8Array) => leToBig(nobleSha512(concat(sig2.subarray(0, 32), A, m))) % L;
    let m2 = utf8('x');
    for (let i = 0; kOf(minusOne, m2) % 2n !== 0n || kOf(minusOneSigned, m2) % 2n !== 0n; i++) m2 = utf8(`x${i}`);
    expect(core.ed25519Verify(minusOne, m2, sig2)).to.be.true;
    expect(core.ed25519Verify(minusOneSigned, m2, sig2)).to.be.false;
    // Every y in [p, 2^255) is refused, whatever the signature.
    const v = RFC8032[1]!;
    for (let d = 0n; d < 19n; d++) {
      expect(core.ed25519Verify(bigToLe(P + d), hex(v.msg), hex(v.sig))).to.be.false;
    }
  });

  it('refuses a non-canonical R (y >= p)', () => {
    // Sign with nonce r = 0, so R is the identity: canonically 01 00..00, non-canonically p + 1.
    const seed = hex(RFC8032[0]!.sk);
    const { scalar, pointBytes } = nobleEd.utils.getExtendedPublicKey(seed);
    const msg = utf8('non-canonical R');
    const good = sigWithRawR(scalar, pointBytes, 0n, bigToLe(1n), msg);
    expect(core.ed25519Verify(pointBytes, msg, good)).to.be.true; // the control
    const bad = sigWithRawR(scalar, pointBytes, 0n, bigToLe(P + 1n), msg);
    expect(core.ed25519Verify(pointBytes, msg, bad)).to.be.false;
    const signBit = bigToLe(1n);
    signBit[31]! |= 0x80; // x = 0 with the sign bit set
    expect(core.ed25519Verify(pointBytes, msg, sigWithRawR(scalar, pointBytes, 0n, signBit, msg))).to.be.false;
    // Every R with y in [p, 2^255) is refused.
    for (let d = 0n; d < 19n; d++) {
      const Rb = bigToLe(P + d);
      expect(core.ed25519Verify(pointBytes, msg, sigWithRawR(scalar, pointBytes, 5n, Rb, msg))).to.be.false;
    }
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
});

// Batch HPKE sealing under one info (RFC 9180 §5.1: info enters the key schedule only as info_hash, so it is hashed
// once for all receivers): WasmCore.hpkeSealMany (core-as hpkeInfoHash + hpkeSetupBaseSWithInfoHash, or one
// SetupBaseS per receiver on a core without them), Hpke.sealMany (sdk/src/crypto/hpke.ts), CipherSuite.hpkeSealMany
// on both providers and labels.ts encryptWithLabelMany.
// Known answers: the RFC 9180 Appendix A base-mode vectors (cfrg test-vectors.json via hpkeVectors()): first
// encryption (sequence number 0) of each X25519 / P-256 HKDF-SHA256 entry with AES-128-GCM or ChaCha20-Poly1305.
// Equivalence: each batch entry equals one SetupBaseS + Seal with the same ephemeral input; every entry opens with
// hpkeOpen of either provider. Negative: list lengths, bad and low-order public keys.
import { sha256 } from '@noble/hashes/sha2.js';
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { Hpke, type Aead, type DhGroup } from '../../sdk/src/crypto/hpke.ts';
import { decryptWithLabel, encryptWithLabel, encryptWithLabelMany } from '../../sdk/src/crypto/labels.ts';
import { nobleAes128Gcm, nobleChaCha20Poly1305, nobleKdf, p256Group, x25519Group } from '../../sdk/src/crypto/noble.ts';
import { nobleSuite } from '../../sdk/src/crypto/noble.ts';
import { wasmSuite } from '../../sdk/src/crypto/suites.ts';
import {
  loadCore,
  HPKE_X25519_SHA256_AES128GCM,
  HPKE_X25519_SHA256_CHACHA20POLY1305,
  type HpkeSuite,
} from '../../sdk/src/crypto/wasm.ts';
import { hex, prng, throwsCode, toHex, utf8 } from '../lib/bytes.ts';
import { hpkeVectors } from '../lib/vectors.ts';

const core = await loadCore();

interface Vector {
  mode: number;
  kem_id: number;
  kdf_id: number;
  aead_id: number;
  info: string;
  ikmE: string;
  skRm: string;
  pkRm: string;
  enc: string;
  encryptions: { aad: string; ct: string; pt: string }[];
}
const loaded = await hpkeVectors<Vector>();
const vectors = loaded ?? [];

const CORE_SUITES: Record<number, HpkeSuite> = {
  0x0001: HPKE_X25519_SHA256_AES128GCM,
  0x0003: HPKE_X25519_SHA256_CHACHA20POLY1305,
};
const kdf = nobleKdf(sha256, 1);
const AEADS: Record<number, () => Aead> = { 0x0001: nobleAes128Gcm, 0x0003: nobleChaCha20Poly1305 };
const GROUPS: Record<number, () => DhGroup> = { 0x0010: () => p256Group(kdf), 0x0020: () => x25519Group(kdf) };
const base = vectors.filter((v) => v.mode === 0 && v.kdf_id === 0x0001 && v.aead_id in AEADS && v.kem_id in GROUPS);

(loaded ? describe : describe.skip)('hpkeSealMany: RFC 9180 Appendix A base-mode vectors', () => {
  it('finds the X25519 and P-256 entries with AES-128-GCM and ChaCha20-Poly1305 (4 entries)', () => {
    expect(base.length).to.equal(4);
  });
  for (const v of base) {
    const name = `kem 0x${v.kem_id.toString(16)} aead ${v.aead_id}`;
    const x = v.encryptions[0]!;
    it(`${name}: Hpke.sealMany of the vector 3 times gives enc and the first ct each time`, () => {
      const hpke = new Hpke(GROUPS[v.kem_id]!(), kdf, AEADS[v.aead_id]!());
      const pk = hex(v.pkRm);
      const out = hpke.sealMany([pk, pk, pk], hex(v.info), hex(x.aad), [hex(x.pt), hex(x.pt), hex(x.pt)], [hex(v.ikmE), hex(v.ikmE), hex(v.ikmE)]);
      for (const o of out) {
        expect(toHex(o.enc)).to.equal(v.enc);
        expect(toHex(o.ct)).to.equal(x.ct);
      }
    });
    if (v.kem_id === 0x0020)
      it(`${name}: WasmCore.hpkeSealMany of the vector 3 times gives enc and the first ct each time`, () => {
        const pk = hex(v.pkRm);
        const out = core.hpkeSealMany(CORE_SUITES[v.aead_id]!, [pk, pk, pk], hex(v.info), hex(x.aad), [hex(x.pt), hex(x.pt), hex(x.pt)], [hex(v.ikmE), hex(v.ikmE), hex(v.ikmE)]);
        for (const o of out) {
          expect(toHex(o.enc)).to.equal(v.enc);
          expect(toHex(o.ct)).to.equal(x.ct);
        }
      });
  }
});

describe('WasmCore.hpkeSealMany', () => {
  const rnd = prng(0x5ea1);
  for (const suite of [HPKE_X25519_SHA256_AES128GCM, HPKE_X25519_SHA256_CHACHA20POLY1305]) {
    it(`aead ${suite.aead}: 40 receivers, 5,000-byte info: each entry equals SetupBaseS + Seal with its ikmE and opens`, () => {
      const n = 40;
      const receivers = Array.from({ length: n }, () => core.hpkeDeriveKeyPair(suite, rnd(32)));
      const info = rnd(5000);
      const aad = rnd(13);
      const pts = Array.from({ length: n }, (_, i) => rnd(i * 7)); // lengths 0 .. 273, across block boundaries
      const ikms = Array.from({ length: n }, (_, i) => rnd(16 + (i % 3) * 16)); // ikmE of 16, 32, 48 bytes
      const out = core.hpkeSealMany(suite, receivers.map((r) => r.publicKey), info, aad, pts, ikms);
      expect(out.length).to.equal(n);
      for (let i = 0; i < n; i++) {
        const { enc, context } = core.hpkeSetupBaseS(suite, receivers[i]!.publicKey, info, ikms[i]!);
        expect(toHex(out[i]!.enc)).to.equal(toHex(enc));
        expect(toHex(out[i]!.ct)).to.equal(toHex(context.seal(aad, pts[i]!)));
        const pt = core.hpkeOpenBase(suite, out[i]!.enc, receivers[i]!.privateKey, info, aad, out[i]!.ct);
        expect(toHex(pt)).to.equal(toHex(pts[i]!));
      }
    });
  }

  it('random ephemeral keys by default (two batches differ), an empty batch gives []', () => {
    const r = core.hpkeDeriveKeyPair(HPKE_X25519_SHA256_AES128GCM, rnd(32));
    const a = core.hpkeSealMany(HPKE_X25519_SHA256_AES128GCM, [r.publicKey], utf8('info'), new Uint8Array(0), [utf8('x')]);
    const b = core.hpkeSealMany(HPKE_X25519_SHA256_AES128GCM, [r.publicKey], utf8('info'), new Uint8Array(0), [utf8('x')]);
    expect(toHex(a[0]!.enc)).to.not.equal(toHex(b[0]!.enc));
    expect(core.hpkeSealMany(HPKE_X25519_SHA256_AES128GCM, [], utf8('info'), new Uint8Array(0), [])).to.deep.equal([]);
  });

  it('leaves no plaintext or ephemeral input in linear memory', () => {
    const suite = HPKE_X25519_SHA256_CHACHA20POLY1305;
    const r = core.hpkeDeriveKeyPair(suite, rnd(32));
    const pt = rnd(64);
    const ikm = rnd(32);
    core.hpkeSealMany(suite, [r.publicKey, r.publicKey], rnd(300), rnd(5), [pt, pt], [ikm, ikm]);
    const mem = core.memoryView();
    const has = (needle: Uint8Array) => {
      outer: for (let i = 0; i + needle.length <= mem.length; i++) {
        for (let j = 0; j < needle.length; j++) if (mem[i + j] !== needle[j]) continue outer;
        return true;
      }
      return false;
    };
    expect(has(pt)).to.be.false;
    expect(has(ikm)).to.be.false;
  });

  it('rejects mismatched lists (BAD_LENGTH) and a low-order receiver key (CRYPTO)', () => {
    const suite = HPKE_X25519_SHA256_AES128GCM;
    const r = core.hpkeDeriveKeyPair(suite, rnd(32));
    throwsCode(() => core.hpkeSealMany(suite, [r.publicKey], utf8('i'), new Uint8Array(0), []), 'BAD_LENGTH');
    throwsCode(() => core.hpkeSealMany(suite, [r.publicKey.subarray(1)], utf8('i'), new Uint8Array(0), [utf8('p')]), 'BAD_LENGTH');
    throwsCode(() => core.hpkeSealMany(suite, [r.publicKey, new Uint8Array(32)], utf8('i'), new Uint8Array(0), [utf8('p'), utf8('q')]), 'CRYPTO');
  });
});

const providers: [string, (id: number) => CipherSuite][] = [
  ['noble', nobleSuite],
  ['wasm', (id) => wasmSuite(core, id)],
];

describe('CipherSuite.hpkeSealMany and encryptWithLabelMany', () => {
  for (const id of [1, 2, 3]) {
    for (const [name, suiteOf] of providers) {
      const cs = suiteOf(id);
      const other = (name === 'noble' ? providers[1]! : providers[0]!)[1](id);
      it(`suite ${id} ${name}: 12 receivers; each entry opens with hpkeOpen of both providers`, () => {
        const rnd = prng(id * 31 + name.length);
        const keys = Array.from({ length: 12 }, () => cs.hpkeDeriveKeyPair(rnd(32)));
        const info = rnd(2000);
        const aad = rnd(9);
        const pts = keys.map((_, i) => rnd(i * 5));
        const out = cs.hpkeSealMany(keys.map((k) => k.publicKey), info, aad, pts);
        expect(out.length).to.equal(keys.length);
        const encs = new Set(out.map((o) => toHex(o.kemOutput)));
        expect(encs.size).to.equal(keys.length); // a fresh ephemeral key per receiver
        for (let i = 0; i < keys.length; i++) {
          const { kemOutput, ciphertext } = out[i]!;
          expect(toHex(cs.hpkeOpen(keys[i]!.privateKey, kemOutput, info, aad, ciphertext))).to.equal(toHex(pts[i]!));
          expect(toHex(other.hpkeOpen(keys[i]!.privateKey, kemOutput, info, aad, ciphertext))).to.equal(toHex(pts[i]!));
        }
        // A receiver's entry does not open under another info or another receiver's key.
        throwsCode(() => cs.hpkeOpen(keys[0]!.privateKey, out[0]!.kemOutput, rnd(2000), aad, out[0]!.ciphertext), 'AEAD_DECRYPT');
        throwsCode(() => cs.hpkeOpen(keys[1]!.privateKey, out[0]!.kemOutput, info, aad, out[0]!.ciphertext), 'AEAD_DECRYPT');
      });

      it(`suite ${id} ${name}: encryptWithLabelMany entries decrypt with decryptWithLabel like encryptWithLabel's`, () => {
        const rnd = prng(id * 77 + name.length);
        const keys = Array.from({ length: 6 }, () => cs.hpkeDeriveKeyPair(rnd(32)));
        const context = rnd(700);
        const pts = keys.map(() => rnd(40));
        const many = encryptWithLabelMany(cs, keys.map((k) => k.publicKey), 'Welcome', context, pts);
        for (let i = 0; i < keys.length; i++) {
          const one = encryptWithLabel(cs, keys[i]!.publicKey, 'Welcome', context, pts[i]!);
          for (const s of [many[i]!, one]) {
            const pt = decryptWithLabel(other, keys[i]!.privateKey, 'Welcome', context, s.kemOutput, s.ciphertext);
            expect(toHex(pt)).to.equal(toHex(pts[i]!));
          }
          throwsCode(() => decryptWithLabel(cs, keys[i]!.privateKey, 'UpdatePathNode', context, many[i]!.kemOutput, many[i]!.ciphertext), 'AEAD_DECRYPT');
        }
      });

      it(`suite ${id} ${name}: BAD_LENGTH for mismatched lists, CRYPTO for a malformed public key`, () => {
        const k = cs.hpkeDeriveKeyPair(new Uint8Array(32).fill(7));
        throwsCode(() => cs.hpkeSealMany([k.publicKey], utf8('i'), new Uint8Array(0), []), 'BAD_LENGTH');
        throwsCode(() => cs.hpkeSealMany([k.publicKey, k.publicKey.subarray(2)], utf8('i'), new Uint8Array(0), [utf8('a'), utf8('b')]), 'CRYPTO');
        expect(cs.hpkeSealMany([], utf8('i'), new Uint8Array(0), [])).to.deep.equal([]);
      });
    }
  }
});

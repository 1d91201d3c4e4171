// sdk/src/crypto/hpke.ts: the synchronous HPKE over @noble primitives (and, for suite 2, over the WASM core's
// HKDF and AES-128-GCM). Known answers: RFC 9180 Appendix A test vectors (the cfrg file, filtered to base mode,
// which is the only mode MLS uses); every other mode is listed as skipped.
import { hpkeVectors } from '../lib/vectors.ts';
import { hex, toHex } from '../lib/bytes.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { Hpke, type Aead, type DhGroup } from '../../sdk/src/crypto/hpke.ts';
import {
  nobleAes128Gcm,
  nobleAes256Gcm,
  nobleChaCha20Poly1305,
  nobleKdf,
  p256Group,
  x25519Group,
} from '../../sdk/src/crypto/noble.ts';
import { MlsError } from '../../sdk/src/errors.ts';

interface HpkeCase {
  mode: number;
  kem_id: number;
  kdf_id: number;
  aead_id: number;
  info: string;
  ikmR: string;
  ikmE: string;
  skRm: string;
  skEm: string;
  pkRm: string;
  pkEm: string;
  enc: string;
  encryptions: { aad: string; ct: string; nonce: string; pt: string }[];
  exports: { exporter_context: string; L: number; exported_value: string }[];
}

const cases = await hpkeVectors<HpkeCase>();
const kdf = nobleKdf(sha256, 1);

/** RFC 9180 §7.3 export-only AEAD (0xFFFF): no key, no nonce, no seal/open. */
const exportOnly: Aead = {
  id: 0xffff,
  Nk: 0,
  Nn: 0,
  seal: () => {
    throw new MlsError('UNSUPPORTED', 'export-only');
  },
  open: () => {
    throw new MlsError('UNSUPPORTED', 'export-only');
  },
};
const aeads: Record<number, () => Aead> = {
  1: nobleAes128Gcm,
  2: nobleAes256Gcm,
  3: nobleChaCha20Poly1305,
  0xffff: () => exportOnly,
};
const groups: Record<number, () => DhGroup> = { 0x10: () => p256Group(kdf), 0x20: () => x25519Group(kdf) };

describe('crypto/hpke.ts: RFC 9180 vectors (base mode)', () => {
  if (!cases) {
    it.skip('RFC 9180 test vectors not installed (see README "Test vectors")');
    return;
  }
  for (const c of cases) {
    const title = `mode ${c.mode}, kem 0x${c.kem_id.toString(16)}, kdf ${c.kdf_id}, aead 0x${c.aead_id.toString(16)}`;
    if (c.mode !== 0) {
      it.skip(`${title} (not used by MLS)`);
      continue;
    }
    it(title, () => {
      const hpke = new Hpke(groups[c.kem_id]!(), kdf, aeads[c.aead_id]!());
      const r = hpke.kem.deriveKeyPair(hex(c.ikmR));
      expect(toHex(r.privateKey)).to.equal(c.skRm);
      expect(toHex(r.publicKey)).to.equal(c.pkRm);
      const e = hpke.kem.deriveKeyPair(hex(c.ikmE));
      expect(toHex(e.privateKey)).to.equal(c.skEm);
      expect(toHex(e.publicKey)).to.equal(c.pkEm);

      const { enc, context: s } = hpke.setupBaseS(hex(c.pkRm), hex(c.info), hex(c.ikmE));
      expect(toHex(enc)).to.equal(c.enc);
      const rc = hpke.setupBaseR(enc, hex(c.skRm), hex(c.info));
      for (const x of c.encryptions) {
        expect(toHex(s.seal(hex(x.aad), hex(x.pt)))).to.equal(x.ct);
        expect(toHex(rc.open(hex(x.aad), hex(x.ct)))).to.equal(x.pt);
      }
      for (const x of c.exports) {
        expect(toHex(s.export(hex(x.exporter_context), x.L))).to.equal(x.exported_value);
        expect(toHex(rc.export(hex(x.exporter_context), x.L))).to.equal(x.exported_value);
      }
    });
  }
});

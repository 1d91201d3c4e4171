// mlswg crypto-basics.json: RefHash (RFC 9420 §5.2), ExpandWithLabel / DeriveSecret (§8), DeriveTreeSecret (§9),
// SignWithLabel / VerifyWithLabel (§5.1.2), EncryptWithLabel / DecryptWithLabel (§5.1.3).
// One test per part of each entry, per suite and per provider: noble and wasm for suites 1-3, noble's opt-in
// module (NOBLE_EXTRA) for suites 4-7, as proof that the CipherSuite interface takes them.
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import * as L from '../../sdk/src/crypto/labels.ts';
import { hex, toHex } from '../lib/bytes.ts';
import { describeVectors } from '../lib/describe-vectors.ts';
import { forEachProvider, NOBLE_EXTRA } from '../lib/providers.ts';
import { mlsVectors } from '../lib/vectors.ts';

interface CryptoBasicsCase {
  cipher_suite: number;
  ref_hash: { label: string; value: string; out: string };
  expand_with_label: { secret: string; label: string; context: string; length: number; out: string };
  derive_secret: { secret: string; label: string; out: string };
  derive_tree_secret: { secret: string; label: string; generation: number; length: number; out: string };
  sign_with_label: { priv: string; pub: string; content: string; label: string; signature: string };
  encrypt_with_label: {
    priv: string;
    pub: string;
    label: string;
    context: string;
    plaintext: string;
    kem_output: string;
    ciphertext: string;
  };
}

const cases = await mlsVectors<CryptoBasicsCase>('crypto-basics.json');

type Part = 'ref_hash' | 'expand_with_label' | 'derive_secret' | 'derive_tree_secret' | 'sign_with_label' | 'encrypt_with_label';

const checks: Record<Part, (cs: CipherSuite, c: CryptoBasicsCase) => void> = {
  ref_hash(cs, { ref_hash: v }) {
    expect(toHex(L.refHash(cs, v.label, hex(v.value)))).to.equal(v.out);
  },
  expand_with_label(cs, { expand_with_label: v }) {
    expect(toHex(L.expandWithLabel(cs, hex(v.secret), v.label, hex(v.context), v.length))).to.equal(v.out);
    // The batch form (one KDF call), with the vector's pair between two others of the same secret and context.
    const many = L.expandWithLabels(cs, hex(v.secret), [['key', 16], [v.label, v.length], ['x', 0]], hex(v.context));
    expect(many.map((b) => b.length)).to.deep.equal([16, v.length, 0]);
    expect(toHex(many[1]!)).to.equal(v.out);
    expect(toHex(many[0]!)).to.equal(toHex(L.expandWithLabel(cs, hex(v.secret), 'key', hex(v.context), 16)));
  },
  derive_secret(cs, { derive_secret: v }) {
    expect(toHex(L.deriveSecret(cs, hex(v.secret), v.label))).to.equal(v.out);
  },
  derive_tree_secret(cs, { derive_tree_secret: v }) {
    expect(toHex(L.deriveTreeSecret(cs, hex(v.secret), v.label, v.generation, v.length))).to.equal(v.out);
    const many = L.deriveTreeSecrets(cs, hex(v.secret), v.generation, [['nonce', 12], [v.label, v.length]]);
    expect(toHex(many[1]!)).to.equal(v.out);
    expect(toHex(many[0]!)).to.equal(toHex(L.deriveTreeSecret(cs, hex(v.secret), 'nonce', v.generation, 12)));
  },
  sign_with_label(cs, { sign_with_label: v }) {
    const [priv, pub, content] = [hex(v.priv), hex(v.pub), hex(v.content)];
    expect(toHex(cs.signaturePublicKey(priv))).to.equal(v.pub);
    expect(L.verifyWithLabel(cs, pub, v.label, content, hex(v.signature))).to.be.true;
    const sig = L.signWithLabel(cs, priv, v.label, content);
    expect(L.verifyWithLabel(cs, pub, v.label, content, sig)).to.be.true;
    // Negative controls: another label or another content must not verify.
    expect(L.verifyWithLabel(cs, pub, v.label + 'x', content, sig)).to.be.false;
    expect(L.verifyWithLabel(cs, pub, v.label, hex(v.content + '00'), hex(v.signature))).to.be.false;
  },
  encrypt_with_label(cs, { encrypt_with_label: v }) {
    const [priv, pub, ctx] = [hex(v.priv), hex(v.pub), hex(v.context)];
    expect(toHex(cs.hpkePublicKey(priv))).to.equal(v.pub);
    const pt = L.decryptWithLabel(cs, priv, v.label, ctx, hex(v.kem_output), hex(v.ciphertext));
    expect(toHex(pt)).to.equal(v.plaintext);
    const sealed = L.encryptWithLabel(cs, pub, v.label, ctx, hex(v.plaintext));
    expect(toHex(L.decryptWithLabel(cs, priv, v.label, ctx, sealed.kemOutput, sealed.ciphertext))).to.equal(v.plaintext);
    // The context is bound: decrypting under another context fails.
    let threw = false;
    try {
      L.decryptWithLabel(cs, priv, v.label, hex(v.context + '00'), sealed.kemOutput, sealed.ciphertext);
    } catch (e) {
      threw = (e as { code?: string }).code === 'AEAD_DECRYPT';
    }
    expect(threw).to.be.true;
  },
};

describeVectors('crypto-basics.json', cases, (cases) => {
  for (const c of cases) {
    describe(`suite ${c.cipher_suite}`, () => {
      forEachProvider(
        c.cipher_suite,
        (name, cs) => {
          describe(name, () => {
            for (const part of Object.keys(checks) as Part[]) it(part, () => checks[part](cs, c));
          });
        },
        { extra: [NOBLE_EXTRA] },
      );
    });
  }
});

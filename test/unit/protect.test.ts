// framing/protect.ts with a pre-made signature (SignWith): a commit is signed before its confirmation tag exists
// (RFC 9420 §8.2), so the group layer protects it with the signature it already has. Protecting with that signature
// gives the same message as signing inside protect (Ed25519 is deterministic; the private message with a fixed
// reuse guard and the same secret tree), the message unprotects, and not exactly one of signature and
// signaturePrivateKey is refused. Runs on noble suite 1 and wasm suites 1 and 3.
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { nobleSuite } from '../../sdk/src/crypto/noble.ts';
import { wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { ContentType, SenderType, type FramedContent } from '../../sdk/src/framing/content.ts';
import {
  protectPrivateMessage,
  protectPublicMessage,
  signFramedContent,
  unprotectPrivateMessage,
  unprotectPublicMessage,
} from '../../sdk/src/framing/protect.ts';
import { encodePrivateMessage } from '../../sdk/src/framing/private-message.ts';
import { encodePublicMessage } from '../../sdk/src/framing/public-message.ts';
import { encode } from '../../sdk/src/codec/writer.ts';
import { WireFormat } from '../../sdk/src/messages/common.ts';
import type { GroupContext } from '../../sdk/src/messages/group-context.ts';
import { createSecretTree } from '../../sdk/src/schedule/secret-tree.ts';
import type { LeafIndex } from '../../sdk/src/tree/math.ts';
import { prng, throwsCode, toHex, utf8 } from '../lib/bytes.ts';

const core = await loadCore();
const suites: [string, CipherSuite][] = [
  ['noble suite 1', nobleSuite(1)],
  ['wasm suite 1', wasmSuite(core, 1)],
  ['wasm suite 3', wasmSuite(core, 3)],
];

for (const [name, cs] of suites) {
  describe(`protect with a given signature: ${name}`, () => {
    const rnd = prng(cs.id * 101 + name.length);
    const sig = cs.signatureKeyGen();
    const context: GroupContext = {
      cipherSuite: cs.id,
      groupId: utf8('group'),
      epoch: 7n,
      treeHash: rnd(cs.Nh),
      confirmedTranscriptHash: rnd(cs.Nh),
      extensions: [],
    };
    const membershipKey = rnd(cs.Nh);
    const encryptionSecret = rnd(cs.Nh);
    const senderDataSecret = rnd(cs.Nh);
    const sender = { senderType: SenderType.member, leafIndex: 1 as LeafIndex } as const;
    const head = { groupId: context.groupId, epoch: context.epoch, sender, authenticatedData: utf8('ad') };
    const commit: FramedContent = { ...head, contentType: ContentType.commit, commit: { proposals: [], path: undefined } };
    const app: FramedContent = { ...head, contentType: ContentType.application, applicationData: utf8('hello') };
    const confirmationTag = rnd(cs.Nh);

    it('PublicMessage commit: same bytes as signing inside protect; it unprotects', () => {
      const signature = signFramedContent(cs, sig.privateKey, WireFormat.mls_public_message, commit, context);
      const given = protectPublicMessage(cs, { content: commit, signature, confirmationTag, context, membershipKey });
      const signed = protectPublicMessage(cs, { content: commit, signaturePrivateKey: sig.privateKey, confirmationTag, context, membershipKey });
      expect(toHex(encode((w) => encodePublicMessage(w, given)))).to.equal(toHex(encode((w) => encodePublicMessage(w, signed))));
      const ac = unprotectPublicMessage(cs, given, { context, membershipKey, signaturePublicKey: sig.publicKey });
      expect(toHex(ac.auth.signature)).to.equal(toHex(signature));
    });

    for (const content of [commit, app]) {
      const kind = content.contentType === ContentType.commit ? 'commit' : 'application';
      it(`PrivateMessage ${kind}: same bytes as signing inside protect (fixed reuse guard); it unprotects`, () => {
        const tag = content.contentType === ContentType.commit ? confirmationTag : undefined;
        const reuseGuard = rnd(4);
        const st = () => createSecretTree(cs, encryptionSecret, 2);
        const signature = signFramedContent(cs, sig.privateKey, WireFormat.mls_private_message, content, context);
        const common = { content, confirmationTag: tag, senderDataSecret, reuseGuard, padding: 5 };
        const given = protectPrivateMessage(cs, { ...common, signature, secretTree: st() }); // no context needed
        const signed = protectPrivateMessage(cs, { ...common, signaturePrivateKey: sig.privateKey, context, secretTree: st() });
        expect(toHex(encode((w) => encodePrivateMessage(w, given.message)))).to.equal(toHex(encode((w) => encodePrivateMessage(w, signed.message))));
        const r = unprotectPrivateMessage(cs, given.message, { context, secretTree: st(), senderDataSecret, signaturePublicKey: sig.publicKey });
        expect(toHex(r.content.auth.signature)).to.equal(toHex(signature));
        expect(r.content.auth.confirmationTag === undefined ? undefined : toHex(r.content.auth.confirmationTag)).to.equal(tag && toHex(tag));
      });
    }

    it("reuse guards: 4 bytes of the suite's randomBytes, a fresh guard for every message", () => {
      const calls: number[] = [];
      const spy: CipherSuite = Object.create(cs, { randomBytes: { value: (n: number) => (calls.push(n), cs.randomBytes(n)) } });
      const st = createSecretTree(cs, encryptionSecret, 2);
      const seen = new Set<string>();
      for (let i = 0; i < 65; i++) {
        // The same tree every time: same generation, key and nonce, so only the reuse guard tells two messages apart.
        const { message } = protectPrivateMessage(spy, { content: app, signaturePrivateKey: sig.privateKey, context, secretTree: st, senderDataSecret });
        seen.add(toHex(message.ciphertext));
        const r = unprotectPrivateMessage(cs, message, { context, secretTree: st, senderDataSecret, signaturePublicKey: sig.publicKey });
        expect(toHex((r.content.content as { applicationData: Uint8Array }).applicationData)).to.equal(toHex(utf8('hello')));
        expect(calls.length).to.equal(i + 1);
        expect(calls[i]).to.equal(4);
      }
      expect(seen.size).to.equal(65);
    });

    it('INVALID_MESSAGE for both a signature and a private key, for neither, and for a private key without context', () => {
      const signature = signFramedContent(cs, sig.privateKey, WireFormat.mls_public_message, commit, context);
      throwsCode(() => protectPublicMessage(cs, { content: commit, signature, signaturePrivateKey: sig.privateKey, confirmationTag, context, membershipKey }), 'INVALID_MESSAGE');
      throwsCode(() => protectPublicMessage(cs, { content: commit, confirmationTag, context, membershipKey }), 'INVALID_MESSAGE');
      const secretTree = createSecretTree(cs, encryptionSecret, 2);
      throwsCode(() => protectPrivateMessage(cs, { content: app, secretTree, senderDataSecret }), 'INVALID_MESSAGE');
      throwsCode(() => protectPrivateMessage(cs, { content: app, signature, signaturePrivateKey: sig.privateKey, secretTree, senderDataSecret }), 'INVALID_MESSAGE');
      throwsCode(() => protectPrivateMessage(cs, { content: app, signaturePrivateKey: sig.privateKey, secretTree, senderDataSecret }), 'INVALID_MESSAGE');
      // A given signature still needs the confirmation tag exactly for commits (§6.1).
      throwsCode(() => protectPublicMessage(cs, { content: commit, signature, context, membershipKey }), 'INVALID_MESSAGE');
    });
  });
}

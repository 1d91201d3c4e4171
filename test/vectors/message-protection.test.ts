// message-protection.json (mlswg/mls-implementations test-vectors, "Message Protection"; RFC 9420 §6.1-§6.3):
// per entry and provider (noble, wasm), for each of proposal, commit and application (sender: leaf 1 of a
// 2-member group, GroupContext with empty extensions):
// - the vector's *_pub message unprotects with membership_key and signature_pub and yields the raw value;
// - protecting the raw value as a PublicMessage ourselves gives one that unprotects (application: refused);
// - the vector's *_priv message unprotects with a fresh secret tree, sender_data_secret and signature_pub;
// - protecting the raw value as a PrivateMessage ourselves (with padding) gives one that a fresh tree unprotects.
// Suites without a provider (4-7) are registered as skipped, with the suite named.
import { encode } from '../../sdk/src/codec/writer.ts';
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { ContentType, SenderType, type ContentBody, type FramedContent } from '../../sdk/src/framing/content.ts';
import {
  membershipTag,
  padToMultiple,
  protectPrivateMessage,
  protectPublicMessage,
  signFramedContent,
  unprotectPrivateMessage,
  unprotectPublicMessage,
  verifyFramedContent,
  verifyMembershipTag,
} from '../../sdk/src/framing/protect.ts';
import {
  encodePrivateMessageContent,
  encodeSenderData,
  privateContentAAD,
  senderDataAAD,
} from '../../sdk/src/framing/private-message.ts';
import { decodeCommit, encodeCommit } from '../../sdk/src/messages/commit.ts';
import { WireFormat } from '../../sdk/src/messages/common.ts';
import type { GroupContext } from '../../sdk/src/messages/group-context.ts';
import { mlsMessageBytes, mlsMessageFrom } from '../../sdk/src/messages/mls-message.ts';
import { decodeProposal, encodeProposal } from '../../sdk/src/messages/proposals.ts';
import { decode } from '../../sdk/src/codec/reader.ts';
import { createSecretTree, nextSendKey, receiveKey, senderDataKeyNonce } from '../../sdk/src/schedule/secret-tree.ts';
import type { LeafIndex } from '../../sdk/src/tree/math.ts';
import { hex, throwsCode, toHex } from '../lib/bytes.ts';
import { describeVectors } from '../lib/describe-vectors.ts';
import { forEachProvider } from '../lib/providers.ts';
import { mlsVectors } from '../lib/vectors.ts';

interface ProtectionCase {
  cipher_suite: number;
  group_id: string;
  epoch: number;
  tree_hash: string;
  confirmed_transcript_hash: string;
  signature_priv: string;
  signature_pub: string;
  encryption_secret: string;
  sender_data_secret: string;
  membership_key: string;
  proposal: string;
  proposal_pub: string;
  proposal_priv: string;
  commit: string;
  commit_pub: string;
  commit_priv: string;
  application: string;
  application_priv: string;
}

const cases = await mlsVectors<ProtectionCase>('message-protection.json');

type Kind = 'proposal' | 'commit' | 'application';
const SENDER = { senderType: SenderType.member, leafIndex: 1 as LeafIndex } as const;

function rawBody(c: ProtectionCase, kind: Kind): ContentBody {
  if (kind === 'proposal') return { contentType: ContentType.proposal, proposal: decode(hex(c.proposal), decodeProposal) };
  if (kind === 'commit') return { contentType: ContentType.commit, commit: decode(hex(c.commit), decodeCommit) };
  return { contentType: ContentType.application, applicationData: hex(c.application) };
}
function bodyHex(b: ContentBody): string {
  if (b.contentType === ContentType.proposal) return toHex(encode((w) => encodeProposal(w, b.proposal)));
  if (b.contentType === ContentType.commit) return toHex(encode((w) => encodeCommit(w, b.commit)));
  return toHex(b.applicationData);
}

/** An entry's GroupContext (empty extensions), keys, and a fresh secret tree of its 2-member group each call. */
function entryState(cs: CipherSuite, c: ProtectionCase) {
  const context: GroupContext = {
    cipherSuite: c.cipher_suite,
    groupId: hex(c.group_id),
    epoch: BigInt(c.epoch),
    treeHash: hex(c.tree_hash),
    confirmedTranscriptHash: hex(c.confirmed_transcript_hash),
    extensions: [],
  };
  return {
    context,
    sigPriv: hex(c.signature_priv),
    sigPub: hex(c.signature_pub),
    membershipKey: hex(c.membership_key),
    senderDataSecret: hex(c.sender_data_secret),
    freshTree: () => createSecretTree(cs, hex(c.encryption_secret), 2),
  };
}

function check(cs: CipherSuite, c: ProtectionCase, kind: Kind): void {
  const { context, sigPriv, sigPub, membershipKey, senderDataSecret, freshTree } = entryState(cs, c);
  const raw = (c as unknown as Record<string, string>)[kind]!;
  const body = rawBody(c, kind);
  const content: FramedContent = {
    groupId: context.groupId,
    epoch: context.epoch,
    sender: SENDER,
    authenticatedData: new Uint8Array(0),
    ...body,
  };
  const confirmationTag = kind === 'commit' ? cs.mac(hex(c.membership_key), context.confirmedTranscriptHash) : undefined;

  // PublicMessage.
  if (kind !== 'application') {
    const m = mlsMessageFrom(hex((c as unknown as Record<string, string>)[`${kind}_pub`]!));
    if (m.wireFormat !== WireFormat.mls_public_message) throw new Error(`${kind}_pub is not a PublicMessage`);
    const ac = unprotectPublicMessage(cs, m.publicMessage, { context, membershipKey, signaturePublicKey: sigPub });
    expect(bodyHex(ac.content), `${kind}_pub content`).to.equal(raw);

    const pm = protectPublicMessage(cs, { content, signaturePrivateKey: sigPriv, context, membershipKey, confirmationTag });
    const wire = mlsMessageBytes({ wireFormat: WireFormat.mls_public_message, publicMessage: pm });
    const back = mlsMessageFrom(wire);
    if (back.wireFormat !== WireFormat.mls_public_message) throw new Error('unreachable');
    const own = unprotectPublicMessage(cs, back.publicMessage, { context, membershipKey, signaturePublicKey: sigPub });
    expect(bodyHex(own.content), `own ${kind} PublicMessage content`).to.equal(raw);
    // A wrong membership key is refused.
    throwsCode(() => unprotectPublicMessage(cs, back.publicMessage, { context, membershipKey: new Uint8Array(cs.Nh), signaturePublicKey: sigPub }), 'INVALID_MESSAGE');
  } else {
    throwsCode(() => protectPublicMessage(cs, { content, signaturePrivateKey: sigPriv, context, membershipKey }), 'INVALID_MESSAGE');
  }

  // PrivateMessage from the vector.
  const m = mlsMessageFrom(hex((c as unknown as Record<string, string>)[`${kind}_priv`]!));
  if (m.wireFormat !== WireFormat.mls_private_message) throw new Error(`${kind}_priv is not a PrivateMessage`);
  const input = { context, secretTree: freshTree(), senderDataSecret, signaturePublicKey: sigPub };
  const got = unprotectPrivateMessage(cs, m.privateMessage, input);
  expect(bodyHex(got.content.content), `${kind}_priv content`).to.equal(raw);
  expect(got.senderData.leafIndex).to.equal(1);
  // The same message again on the updated tree is a replay.
  throwsCode(() => unprotectPrivateMessage(cs, m.privateMessage, { ...input, secretTree: got.secretTree }), 'REPLAY');

  // Our own PrivateMessage (padded to 64), unprotected by a receiver holding a fresh tree.
  const sent = protectPrivateMessage(cs, {
    content,
    signaturePrivateKey: sigPriv,
    context,
    confirmationTag,
    secretTree: freshTree(),
    senderDataSecret,
    padding: padToMultiple(64),
  });
  const wire = mlsMessageBytes({ wireFormat: WireFormat.mls_private_message, privateMessage: sent.message });
  const back = mlsMessageFrom(wire);
  if (back.wireFormat !== WireFormat.mls_private_message) throw new Error('unreachable');
  const mine = unprotectPrivateMessage(cs, back.privateMessage, { ...input, secretTree: freshTree() });
  expect(bodyHex(mine.content.content), `own ${kind} PrivateMessage content`).to.equal(raw);
  expect(mine.senderData.generation).to.equal(sent.generation);
  if (kind === 'commit') expect(toHex(mine.content.auth.confirmationTag!)).to.equal(toHex(confirmationTag!));
}

describeVectors('message-protection.json', cases, (cases) => {
  cases.forEach((c, n) => {
    describe(`entry ${n} (suite ${c.cipher_suite})`, () => {
      forEachProvider(c.cipher_suite, (name, cs) => {
        for (const kind of ['proposal', 'commit', 'application'] as const)
          it(`${name}: ${kind} (vector pub/priv unprotect, own protect round trips)`, () => check(cs, c, kind));
      });
    });
  });
});

// Negative cases for framing/protect.ts on the suite-1 entry's keys: each check of §6.1-§6.3 has an input that
// trips it, with its error code; a refused message leaves the caller's secret tree usable (nothing consumed).
describe('protect.ts: every check has a failing input (message-protection.json, suite 1)', () => {
  const c = cases?.find((x) => x.cipher_suite === 1);
  if (!c) {
    it.skip('message-protection.json not installed (see README "Test vectors")', () => {});
    return;
  }
  forEachProvider(1, (name, cs) => {
    const { context, sigPriv, sigPub, membershipKey, senderDataSecret, freshTree: tree } = entryState(cs, c);
    const app: FramedContent = {
      groupId: context.groupId,
      epoch: context.epoch,
      sender: SENDER,
      authenticatedData: hex('a1a2'),
      contentType: ContentType.application,
      applicationData: hex(c.application),
    };
    const proposal: FramedContent = { ...app, ...rawBody(c, 'proposal') };
    const commit: FramedContent = { ...app, ...rawBody(c, 'commit') };
    const send = (content: FramedContent, extra: Partial<Parameters<typeof protectPrivateMessage>[1]> = {}) =>
      protectPrivateMessage(cs, { content, signaturePrivateKey: sigPriv, context, secretTree: tree(), senderDataSecret, ...extra })
        .message;
    const recv = { context, senderDataSecret, signaturePublicKey: sigPub };

    it(`${name}: PrivateMessage refusals (AEAD, group/epoch, leaf, signature, window), tree left usable`, () => {
      const msg = send(app);
      const st = tree();
      const flip = (b: Uint8Array, i: number) => {
        const x = b.slice();
        x[i]! ^= 1;
        return x;
      };
      throwsCode(() => unprotectPrivateMessage(cs, { ...msg, ciphertext: flip(msg.ciphertext, msg.ciphertext.length - 1) }, { ...recv, secretTree: st }), 'AEAD_DECRYPT');
      throwsCode(() => unprotectPrivateMessage(cs, { ...msg, ciphertext: flip(msg.ciphertext, 0) }, { ...recv, secretTree: st }), 'AEAD_DECRYPT'); // sample → sender data key
      throwsCode(() => unprotectPrivateMessage(cs, { ...msg, encryptedSenderData: flip(msg.encryptedSenderData, 3) }, { ...recv, secretTree: st }), 'AEAD_DECRYPT');
      throwsCode(() => unprotectPrivateMessage(cs, { ...msg, authenticatedData: hex('a1a3') }, { ...recv, secretTree: st }), 'AEAD_DECRYPT'); // PrivateContentAAD
      throwsCode(() => unprotectPrivateMessage(cs, { ...msg, epoch: msg.epoch + 1n }, { ...recv, secretTree: st }), 'WRONG_EPOCH');
      throwsCode(() => unprotectPrivateMessage(cs, { ...msg, groupId: flip(msg.groupId, 0) }, { ...recv, secretTree: st }), 'WRONG_GROUP');
      throwsCode(() => unprotectPrivateMessage(cs, msg, { ...recv, secretTree: st, signaturePublicKey: () => undefined }), 'INVALID_MESSAGE'); // blank leaf
      throwsCode(() => unprotectPrivateMessage(cs, msg, { ...recv, secretTree: createSecretTree(cs, hex(c.encryption_secret), 1) }), 'INVALID_MESSAGE'); // leaf 1 outside
      throwsCode(() => unprotectPrivateMessage(cs, msg, { ...recv, secretTree: st, signaturePublicKey: cs.signatureKeyGen().publicKey }), 'BAD_SIGNATURE');
      throwsCode(() => unprotectPrivateMessage(cs, msg, { ...recv, secretTree: st, senderDataSecret: new Uint8Array(cs.Nh) }), 'AEAD_DECRYPT');
      // None of the refusals consumed anything: the message still unprotects with the same tree, once.
      const ok = unprotectPrivateMessage(cs, msg, { ...recv, secretTree: st });
      expect(toHex(ok.content.content.authenticatedData)).to.equal('a1a2');
      throwsCode(() => unprotectPrivateMessage(cs, msg, { ...recv, secretTree: ok.secretTree }), 'REPLAY');
      // A sender whose ratchet is at 1001 is beyond a fresh receiver's window.
      const far = receiveKey(cs, tree(), SENDER.leafIndex, 'application', 1000).tree;
      const farMsg = protectPrivateMessage(cs, { content: app, signaturePrivateKey: sigPriv, context, secretTree: far, senderDataSecret });
      expect(farMsg.generation).to.equal(1001);
      throwsCode(() => unprotectPrivateMessage(cs, farMsg.message, { ...recv, secretTree: st }), 'GENERATION_TOO_FAR');
    });

    it(`${name}: padding is zero bytes, sized by the policy; a non-zero padding byte is DECODE`, () => {
      for (const [padding, check] of [
        [0, (n: number) => n > 0],
        [100, (n: number) => n > 100],
        [padToMultiple(64), (n: number) => n % 64 === 0],
      ] as const) {
        const m = send(app, { padding });
        expect(check(m.ciphertext.length - 16), `padding ${String(padding)}`).to.be.true;
        const got = unprotectPrivateMessage(cs, m, { ...recv, secretTree: tree() });
        expect(toHex((got.content.content as { applicationData: Uint8Array }).applicationData)).to.equal(c.application);
      }
      // Build a message whose padding has a 1 in it, with the same steps as protectPrivateMessage.
      const wf = WireFormat.mls_private_message;
      const signature = signFramedContent(cs, sigPriv, wf, app, context);
      const plain = encode((w) => encodePrivateMessageContent(w, { ...rawBody(c, 'application'), auth: { signature }, paddingLength: 8 }));
      plain[plain.length - 3] = 1;
      const k = nextSendKey(cs, tree(), SENDER.leafIndex, 'application');
      const ciphertext = cs.aeadSeal(k.key, k.nonce, privateContentAAD(app), plain); // reuse guard 0000
      const sd = senderDataKeyNonce(cs, senderDataSecret, ciphertext);
      const sdPlain = encode((w) => encodeSenderData(w, { leafIndex: SENDER.leafIndex, generation: 0, reuseGuard: new Uint8Array(4) }));
      const encryptedSenderData = cs.aeadSeal(sd.key, sd.nonce, senderDataAAD(app), sdPlain);
      const bad = { groupId: app.groupId, epoch: app.epoch, contentType: app.contentType, authenticatedData: app.authenticatedData, encryptedSenderData, ciphertext };
      const e = throwsCode(() => unprotectPrivateMessage(cs, bad, { ...recv, secretTree: tree() }), 'DECODE');
      expect(e.message).to.contain('padding');
      plain[plain.length - 3] = 0; // the same message with zero padding is fine
      const good = { ...bad, ciphertext: cs.aeadSeal(k.key, k.nonce, privateContentAAD(app), plain) };
      const sd2 = senderDataKeyNonce(cs, senderDataSecret, good.ciphertext);
      good.encryptedSenderData = cs.aeadSeal(sd2.key, sd2.nonce, senderDataAAD(app), sdPlain);
      expect(unprotectPrivateMessage(cs, good, { ...recv, secretTree: tree() }).senderData.generation).to.equal(0);
    });

    it(`${name}: the reuse guard is fresh per message and XORed into the nonce`, () => {
      // Same tree state twice (as after a state loss): same generation, different guards, different ciphertexts.
      const a = send(app);
      const b = send(app);
      expect(toHex(a.ciphertext)).to.not.equal(toHex(b.ciphertext));
      const g = hex('01020304');
      const m = send(app, { reuseGuard: g });
      // Decrypt by hand with nonce XOR guard, then check the plain nonce does not open it.
      const k = receiveKey(cs, tree(), SENDER.leafIndex, 'application', 0);
      const guarded = k.nonce.slice();
      for (let i = 0; i < 4; i++) guarded[i]! ^= g[i]!;
      cs.aeadOpen(k.key, guarded, privateContentAAD(app), m.ciphertext);
      throwsCode(() => cs.aeadOpen(k.key, k.nonce, privateContentAAD(app), m.ciphertext), 'AEAD_DECRYPT');
      throwsCode(() => send(app, { reuseGuard: new Uint8Array(3) }), 'BAD_LENGTH');
    });

    it(`${name}: protect refusals (non-member PrivateMessage, confirmation tag presence) and PublicMessage checks`, () => {
      throwsCode(() => send({ ...proposal, sender: { senderType: SenderType.external, senderIndex: 0 } }), 'INVALID_MESSAGE');
      throwsCode(() => send(commit), 'INVALID_MESSAGE'); // commit without confirmation tag
      throwsCode(() => send(proposal, { confirmationTag: new Uint8Array(32) }), 'INVALID_MESSAGE');
      throwsCode(() => protectPublicMessage(cs, { content: proposal, signaturePrivateKey: sigPriv, context }), 'INVALID_MESSAGE'); // no membership key

      const pm = protectPublicMessage(cs, { content: proposal, signaturePrivateKey: sigPriv, context, membershipKey });
      const pub = { context, membershipKey, signaturePublicKey: sigPub };
      unprotectPublicMessage(cs, pm, pub);
      const sig = pm.auth.signature.slice();
      sig[5]! ^= 1;
      // A changed signature breaks the membership tag first (it covers auth); recompute the tag to reach the signature check.
      const forged = { ...pm, auth: { signature: sig } };
      throwsCode(() => unprotectPublicMessage(cs, forged, pub), 'INVALID_MESSAGE');
      const retagged = { ...forged, membershipTag: membershipTag(cs, membershipKey, forged.content, forged.auth, context) };
      expect(verifyMembershipTag(cs, membershipKey, retagged, context)).to.be.true;
      throwsCode(() => unprotectPublicMessage(cs, retagged, pub), 'BAD_SIGNATURE');
      throwsCode(() => unprotectPublicMessage(cs, { ...pm, membershipTag: undefined }, pub), 'INVALID_MESSAGE');
      throwsCode(() => unprotectPublicMessage(cs, pm, { ...pub, membershipKey: undefined }), 'INVALID_MESSAGE');
      throwsCode(() => unprotectPublicMessage(cs, pm, { ...pub, context: { ...context, epoch: context.epoch + 1n } }), 'WRONG_EPOCH');
      throwsCode(() => unprotectPublicMessage(cs, pm, { ...pub, signaturePublicKey: () => undefined }), 'INVALID_MESSAGE');
      // An external sender: no membership tag, no GroupContext in the TBS; a tag on it is refused.
      const ext: FramedContent = { ...proposal, sender: { senderType: SenderType.external, senderIndex: 0 } };
      const epm = protectPublicMessage(cs, { content: ext, signaturePrivateKey: sigPriv });
      expect(epm.membershipTag).to.equal(undefined);
      expect(verifyFramedContent(cs, sigPub, WireFormat.mls_public_message, ext, epm.auth.signature)).to.be.true;
      expect(unprotectPublicMessage(cs, epm, { context, signaturePublicKey: sigPub }).content.sender.senderType).to.equal(SenderType.external);
      throwsCode(() => unprotectPublicMessage(cs, { ...epm, membershipTag: new Uint8Array(32) }, { context, signaturePublicKey: sigPub }), 'INVALID_MESSAGE');
      // Application content in a PublicMessage is refused on receipt too.
      throwsCode(() => unprotectPublicMessage(cs, { content: app, auth: { signature: sig }, membershipTag: new Uint8Array(32) }, pub), 'INVALID_MESSAGE');
    });
  });
});

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
import { NOBLE_SUITES, nobleSuite, WASM_SUITES, wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { ContentType, SenderType, type ContentBody, type FramedContent } from '../../sdk/src/framing/content.ts';
import {
  padToMultiple,
  protectPrivateMessage,
  protectPublicMessage,
  unprotectPrivateMessage,
  unprotectPublicMessage,
} from '../../sdk/src/framing/protect.ts';
import { decodeCommit, encodeCommit } from '../../sdk/src/messages/commit.ts';
import { WireFormat } from '../../sdk/src/messages/common.ts';
import type { GroupContext } from '../../sdk/src/messages/group-context.ts';
import { mlsMessageBytes, mlsMessageFrom } from '../../sdk/src/messages/mls-message.ts';
import { decodeProposal, encodeProposal } from '../../sdk/src/messages/proposals.ts';
import { decode } from '../../sdk/src/codec/reader.ts';
import { createSecretTree } from '../../sdk/src/schedule/secret-tree.ts';
import type { LeafIndex } from '../../sdk/src/tree/math.ts';
import { hex, throwsCode, toHex } from '../lib/bytes.ts';
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
const core = await loadCore();

function wasmReady(id: number): CipherSuite | undefined {
  try {
    const cs = wasmSuite(core, id);
    cs.kdfExpand(cs.kdfExtract(new Uint8Array(cs.Nh), new Uint8Array(1)), new Uint8Array(1), 8);
    cs.aeadOpen(new Uint8Array(cs.Nk), new Uint8Array(cs.Nn), new Uint8Array(0),
      cs.aeadSeal(new Uint8Array(cs.Nk), new Uint8Array(cs.Nn), new Uint8Array(0), new Uint8Array(1)));
    const kp = cs.signatureKeyGen();
    cs.verify(kp.publicKey, new Uint8Array(1), cs.sign(kp.privateKey, new Uint8Array(1)));
    return cs;
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) return undefined;
    throw e;
  }
}

const providers: { name: string; ids: readonly number[]; get: (id: number) => CipherSuite | undefined }[] = [
  { name: 'noble', ids: NOBLE_SUITES, get: nobleSuite },
  { name: 'wasm', ids: WASM_SUITES, get: wasmReady },
];

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

function check(cs: CipherSuite, c: ProtectionCase, kind: Kind): void {
  const context: GroupContext = {
    cipherSuite: c.cipher_suite,
    groupId: hex(c.group_id),
    epoch: BigInt(c.epoch),
    treeHash: hex(c.tree_hash),
    confirmedTranscriptHash: hex(c.confirmed_transcript_hash),
    extensions: [],
  };
  const sigPriv = hex(c.signature_priv);
  const sigPub = hex(c.signature_pub);
  const membershipKey = hex(c.membership_key);
  const senderDataSecret = hex(c.sender_data_secret);
  const freshTree = () => createSecretTree(cs, hex(c.encryption_secret), 2);
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

describe('message-protection.json (mlswg interop vectors)', () => {
  if (!cases) {
    it.skip('message-protection.json not installed (see README "Test vectors")', () => {});
    return;
  }
  cases.forEach((c, n) => {
    describe(`entry ${n} (suite ${c.cipher_suite})`, () => {
      for (const p of providers) {
        if (!p.ids.includes(c.cipher_suite)) {
          it.skip(`${p.name}: suite ${c.cipher_suite} not supported by this provider`, () => {});
          continue;
        }
        const suite = p.get(c.cipher_suite);
        if (!suite) {
          it.skip(`${p.name}: suite ${c.cipher_suite} KDF/AEAD/signature exports not landed yet`, () => {});
          continue;
        }
        for (const kind of ['proposal', 'commit', 'application'] as const)
          it(`${p.name}: ${kind} (vector pub/priv unprotect, own protect round trips)`, () => check(suite, c, kind));
      }
    });
  });
});

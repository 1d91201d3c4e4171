// Strict decoding of the RFC 9420 wire structs (sdk/src/messages, sdk/src/framing): every rejection gives
// MlsError DECODE whose message names the field; unknown extension/proposal/credential types are kept (§13);
// encoders refuse inconsistent structs. Fixtures are built with the encoders themselves (the interop round trips
// are in test/vectors/messages.test.ts), then mutated at offsets computed from their parts.
import { decode, type Decoder } from '../../sdk/src/codec/reader.ts';
import { encode, type Writer } from '../../sdk/src/codec/writer.ts';
import { MlsError } from '../../sdk/src/errors.ts';
import {
  ContentType,
  decodeAuthenticatedContent,
  framedContentTBS,
  SenderType,
  type FramedContent,
} from '../../sdk/src/framing/content.ts';
import {
  decodePrivateMessageContent,
  decodeSenderData,
  encodePrivateMessageContent,
  encodeSenderData,
  privateMessageContentFrom,
  type PrivateMessageContent,
} from '../../sdk/src/framing/private-message.ts';
import { encodePublicMessage, type PublicMessage } from '../../sdk/src/framing/public-message.ts';
import { decodeCapabilities, encodeCapabilities, isGrease, type Capabilities } from '../../sdk/src/messages/capabilities.ts';
import { decodeCommit, encodeCommit, type Commit } from '../../sdk/src/messages/commit.ts';
import { WireFormat } from '../../sdk/src/messages/common.ts';
import { decodeCredential, encodeCredential, type Credential } from '../../sdk/src/messages/credential.ts';
import {
  applicationIdExtension,
  decodeExtensions,
  encodeExtensions,
  externalSendersExtension,
  readApplicationId,
  readExternalSenders,
  readRequiredCapabilities,
  requiredCapabilitiesExtension,
} from '../../sdk/src/messages/extensions.ts';
import { groupContextBytes, type GroupContext } from '../../sdk/src/messages/group-context.ts';
import { decodeGroupInfo, encodeGroupInfo, type GroupInfo } from '../../sdk/src/messages/group-info.ts';
import { decodeKeyPackage, encodeKeyPackage, type KeyPackage } from '../../sdk/src/messages/key-package.ts';
import { leafNodeTBS, type LeafNode } from '../../sdk/src/messages/leaf-node.ts';
import { decodeMLSMessage, encodeMLSMessage, type MLSMessage } from '../../sdk/src/messages/mls-message.ts';
import {
  decodePreSharedKeyID,
  decodeProposal,
  encodePreSharedKeyID,
  encodeProposal,
  type PreSharedKeyID,
  type Proposal,
} from '../../sdk/src/messages/proposals.ts';
import {
  checkRatchetTreeShape,
  decodeRatchetTree,
  encodeRatchetTree,
  readRatchetTreeExtension,
  ratchetTreeExtension,
  type RatchetTree,
} from '../../sdk/src/messages/ratchet-tree.ts';
import { decodeGroupSecrets, encodeGroupSecrets, decodeWelcome, encodeWelcome, type Welcome } from '../../sdk/src/messages/welcome.ts';
import type { LeafIndex } from '../../sdk/src/tree/math.ts';
import { prng, throwsCode, toHex, utf8 } from '../lib/bytes.ts';

const rnd = prng(0x9420);
const L = (n: number) => n as LeafIndex;
const enc = (f: (w: Writer) => void) => encode(f);
const len = (f: (w: Writer) => void) => encode(f).length;

/** Expect MlsError DECODE whose message names `field`. */
function rejects<T>(bytes: Uint8Array, f: Decoder<T>, field: string): void {
  const e = throwsCode(() => decode(bytes, f), 'DECODE');
  expect(e.message).to.contain(field);
}
function patch(bytes: Uint8Array, at: number, ...values: number[]): Uint8Array {
  const b = bytes.slice();
  b.set(values, at);
  return b;
}
const roundTrip = <T>(bytes: Uint8Array, dec: Decoder<T>, encf: (w: Writer, v: T) => void): string =>
  toHex(enc((w) => encf(w, decode(bytes, dec))));

// --- Fixtures ---
const credential: Credential = { kind: 'basic', identity: utf8('alice') };
const capabilities: Capabilities = { versions: [1], cipherSuites: [1, 0x0a0a], extensions: [], proposals: [], credentials: [1] };
const leafNode: LeafNode = {
  encryptionKey: rnd(32),
  signatureKey: rnd(32),
  credential,
  capabilities,
  leafNodeSource: 1,
  lifetime: { notBefore: 0n, notAfter: 0xffff_ffff_ffff_ffffn },
  extensions: [],
  signature: rnd(64),
};
const keyPackage: KeyPackage = { version: 1, cipherSuite: 1, initKey: rnd(32), leafNode, extensions: [], signature: rnd(64) };
const commitLeaf: LeafNode = { ...leafNode, leafNodeSource: 3, parentHash: rnd(32) } as LeafNode;
const commit: Commit = {
  proposals: [
    { type: 1, proposal: { kind: 'remove', removed: L(3) } },
    { type: 2, reference: rnd(32) },
  ],
  path: {
    leafNode: commitLeaf,
    nodes: [{ encryptionKey: rnd(32), encryptedPathSecret: [{ kemOutput: rnd(32), ciphertext: rnd(48) }] }],
  },
};
const groupId = utf8('group');
const memberContent: FramedContent = {
  groupId,
  epoch: 7n,
  sender: { senderType: SenderType.member, leafIndex: L(1) },
  authenticatedData: new Uint8Array(0),
  contentType: ContentType.commit,
  commit,
};
const publicCommit: PublicMessage = {
  content: memberContent,
  auth: { signature: rnd(64), confirmationTag: rnd(32) },
  membershipTag: rnd(32),
};
const publicMsg: MLSMessage = { wireFormat: WireFormat.mls_public_message, publicMessage: publicCommit };
const publicBytes = enc((w) => encodeMLSMessage(w, publicMsg));
const privateMsg: MLSMessage = {
  wireFormat: WireFormat.mls_private_message,
  privateMessage: {
    groupId,
    epoch: 7n,
    contentType: ContentType.application,
    authenticatedData: utf8('ad'),
    encryptedSenderData: rnd(28),
    ciphertext: rnd(60),
  },
};
const privateBytes = enc((w) => encodeMLSMessage(w, privateMsg));
const kpBytes = enc((w) => encodeKeyPackage(w, keyPackage));
const groupContext: GroupContext = {
  cipherSuite: 1,
  groupId,
  epoch: 7n,
  treeHash: rnd(32),
  confirmedTranscriptHash: rnd(32),
  extensions: [],
};
const groupInfo: GroupInfo = {
  groupContext,
  extensions: [ratchetTreeExtension([{ nodeType: 1, leaf: leafNode }])],
  confirmationTag: rnd(32),
  signer: L(0),
  signature: rnd(64),
};
const giBytes = enc((w) => encodeGroupInfo(w, groupInfo));
const welcome: Welcome = {
  cipherSuite: 1,
  secrets: [{ newMember: rnd(32), encryptedGroupSecrets: { kemOutput: rnd(32), ciphertext: rnd(80) } }],
  encryptedGroupInfo: rnd(100),
};
const welcomeBytes = enc((w) => encodeWelcome(w, welcome));
const tree: RatchetTree = [
  { nodeType: 1, leaf: leafNode },
  { nodeType: 2, parent: { encryptionKey: rnd(32), parentHash: new Uint8Array(0), unmergedLeaves: [L(1)] } },
  { nodeType: 1, leaf: leafNode },
];
const treeBytes = enc((w) => encodeRatchetTree(w, tree));

// Offsets inside publicBytes: version(2) wire_format(2) | group_id epoch sender authenticated_data content_type
const OFF_WIRE_FORMAT = 2;
const OFF_SENDER = 4 + len((w) => w.opaque(groupId)) + 8;
const OFF_CONTENT_TYPE = OFF_SENDER + 5 + 1;
const OFF_COMMIT = OFF_CONTENT_TYPE + 1;
// leaf_node_source inside a KeyPackage: version, suite, init_key, then LeafNode up to capabilities.
const OFF_LN_SOURCE =
  4 + len((w) => w.opaque(keyPackage.initKey)) + len((w) => w.opaque(leafNode.encryptionKey).opaque(leafNode.signatureKey)) +
  len((w) => encodeCredential(w, credential)) + len((w) => {
    const u16 = (w: Writer, v: number) => void w.u16(v);
    w.vector(capabilities.versions, u16).vector(capabilities.cipherSuites, u16).vector([], u16).vector([], u16).vector(capabilities.credentials, u16);
  });

describe('messages decode: fixtures round-trip', () => {
  it('every fixture re-encodes byte-identically', () => {
    expect(roundTrip(publicBytes, decodeMLSMessage, encodeMLSMessage)).to.equal(toHex(publicBytes));
    expect(roundTrip(privateBytes, decodeMLSMessage, encodeMLSMessage)).to.equal(toHex(privateBytes));
    expect(roundTrip(kpBytes, decodeKeyPackage, encodeKeyPackage)).to.equal(toHex(kpBytes));
    expect(roundTrip(giBytes, decodeGroupInfo, encodeGroupInfo)).to.equal(toHex(giBytes));
    expect(roundTrip(welcomeBytes, decodeWelcome, encodeWelcome)).to.equal(toHex(welcomeBytes));
    expect(roundTrip(treeBytes, decodeRatchetTree, encodeRatchetTree)).to.equal(toHex(treeBytes));
  });
  it('offsets used below point at the fields they name', () => {
    expect(publicBytes[OFF_SENDER]).to.equal(SenderType.member);
    expect(publicBytes[OFF_CONTENT_TYPE]).to.equal(ContentType.commit);
    expect(kpBytes[OFF_LN_SOURCE]).to.equal(1);
  });
});

describe('messages decode: truncation and trailing bytes', () => {
  const all: [string, Uint8Array, Decoder<unknown>][] = [
    ['PublicMessage commit', publicBytes, decodeMLSMessage],
    ['PrivateMessage', privateBytes, decodeMLSMessage],
    ['KeyPackage', kpBytes, decodeKeyPackage],
    ['GroupInfo', giBytes, decodeGroupInfo],
    ['Welcome', welcomeBytes, decodeWelcome],
    ['ratchet_tree', treeBytes, decodeRatchetTree],
  ];
  for (const [name, bytes, f] of all) {
    it(`${name}: every proper prefix is DECODE (truncated or length past the end)`, () => {
      for (let n = 0; n < bytes.length; n++) {
        const e = throwsCode(() => decode(bytes.subarray(0, n), f), 'DECODE');
        expect(e.message).to.match(/truncated|runs past|past the end/);
        expect(e.message).to.contain(' reading ');
      }
    });
    it(`${name}: a trailing byte is DECODE naming the struct`, () => {
      const e = throwsCode(() => decode(Uint8Array.of(...bytes, 0), f, name), 'DECODE');
      expect(e.message).to.contain('trailing');
      expect(e.message).to.contain(name);
    });
  }
  it('a vector length past the end of its enclosing vector names the inner field', () => {
    // Commit.proposals holds a Remove; grow the inner uint32 into the next ProposalOrRef by lying in the outer length.
    const c = enc((w) => encodeCommit(w, { proposals: [{ type: 2, reference: rnd(4) }] }));
    // c = [proposals len=6][type=2][ref len=4][4 bytes][path=0]; claim a 5-byte reference inside the 6-byte vector
    rejects(patch(c, 2, 5), decodeCommit, 'reference');
  });
  it('a non-minimal varint length is DECODE naming the field', () => {
    const e = throwsCode(() => decode(Uint8Array.of(0x40, 0x05, ...utf8('alice')), (r) => r.opaque('identity')), 'DECODE');
    expect(e.message).to.contain('non-minimal');
    const cred = Uint8Array.of(0x00, 0x01, 0x40, 0x05, ...utf8('alice'));
    rejects(cred, decodeCredential, 'identity');
  });
});

describe('messages decode: enums the RFC fixes', () => {
  it('MLSMessage version other than mls10 → DECODE naming version', () => {
    for (const v of [0, 2, 0xffff]) rejects(patch(publicBytes, 0, v >> 8, v & 0xff), decodeMLSMessage, 'version');
  });
  it('bad wire_format (0 reserved, 6, 0xF000 private use, 0xFFFF) → DECODE naming wire_format', () => {
    for (const v of [0, 6, 0xf000, 0xffff])
      rejects(patch(publicBytes, OFF_WIRE_FORMAT, v >> 8, v & 0xff), decodeMLSMessage, 'wire_format');
  });
  it('AuthenticatedContent wire_format must be public or private → DECODE naming wire_format', () => {
    const ac = publicBytes.subarray(OFF_WIRE_FORMAT); // wire_format || FramedContent || auth (+ membership tag)
    const acOnly = ac.subarray(0, ac.length - 33); // drop membership_tag (<V> of 32 bytes)
    expect(decode(acOnly, decodeAuthenticatedContent).wireFormat).to.equal(1);
    for (const v of [0, 3, 4, 5]) rejects(patch(acOnly, 0, 0, v), decodeAuthenticatedContent, 'wire_format');
  });
  it('bad content_type (0, 4, 255) in PublicMessage → DECODE naming content_type', () => {
    for (const v of [0, 4, 255]) rejects(patch(publicBytes, OFF_CONTENT_TYPE, v), decodeMLSMessage, 'content_type');
  });
  it('bad content_type in PrivateMessage → DECODE naming content_type', () => {
    const at = 4 + len((w) => w.opaque(groupId)) + 8;
    expect(privateBytes[at]).to.equal(ContentType.application);
    for (const v of [0, 4]) rejects(patch(privateBytes, at, v), decodeMLSMessage, 'content_type');
  });
  it('bad sender_type (0, 5, 255) → DECODE naming sender_type', () => {
    for (const v of [0, 5, 255]) rejects(patch(publicBytes, OFF_SENDER, v), decodeMLSMessage, 'sender_type');
  });
  it('bad leaf_node_source (0, 4, 255) → DECODE naming leaf_node_source', () => {
    for (const v of [0, 4, 255]) rejects(patch(kpBytes, OFF_LN_SOURCE, v), decodeKeyPackage, 'leaf_node_source');
  });
  it('bad ProposalOrRef type (0, 3) → DECODE naming type, with the vector path', () => {
    // Commit body starts at OFF_COMMIT: proposals<V> length (1 byte here) then the first ProposalOrRef type.
    expect(publicBytes[OFF_COMMIT + 1]).to.equal(1);
    for (const v of [0, 3]) {
      const e = throwsCode(() => decode(patch(publicBytes, OFF_COMMIT + 1, v), decodeMLSMessage), 'DECODE');
      expect(e.message).to.contain('reading type (in proposals[0])');
    }
  });
  it('bad psktype (0, 3) and usage (0, 4) → DECODE naming the field', () => {
    const ext: PreSharedKeyID = { pskType: 1, pskId: rnd(4), pskNonce: rnd(32) };
    const res: PreSharedKeyID = { pskType: 2, usage: 1, pskGroupId: groupId, pskEpoch: 3n, pskNonce: rnd(32) };
    const e1 = enc((w) => encodePreSharedKeyID(w, ext));
    const e2 = enc((w) => encodePreSharedKeyID(w, res));
    expect(roundTrip(e2, decodePreSharedKeyID, encodePreSharedKeyID)).to.equal(toHex(e2));
    for (const v of [0, 3]) rejects(patch(e1, 0, v), decodePreSharedKeyID, 'psktype');
    for (const v of [0, 4]) rejects(patch(e2, 1, v), decodePreSharedKeyID, 'usage');
  });
  it('bad node_type (0, 3) → DECODE naming node_type', () => {
    // ratchet_tree<V>: length (2 bytes here), presence 1, node_type
    expect(treeBytes[3]).to.equal(1);
    for (const v of [0, 3]) rejects(patch(treeBytes, 3, v), decodeRatchetTree, 'node_type');
  });
  it('optional presence octet other than 0/1 → DECODE naming the optional field', () => {
    const c = enc((w) => encodeCommit(w, { proposals: [] }));
    expect(toHex(c)).to.equal('0000');
    rejects(Uint8Array.of(0, 2), decodeCommit, 'path');
    rejects(patch(treeBytes, 2, 2), decodeRatchetTree, 'node');
  });
  it('reserved 0 for cipher_suite, extension_type, proposal_type, credential_type → DECODE naming it', () => {
    rejects(patch(kpBytes, 2, 0, 0), decodeKeyPackage, 'cipher_suite');
    rejects(patch(welcomeBytes, 0, 0, 0), decodeWelcome, 'cipher_suite');
    rejects(Uint8Array.of(4, 0, 0, 1, 0), decodeExtensions, 'extension_type');
    rejects(Uint8Array.of(0, 0, 0), decodeProposal, 'proposal_type');
    rejects(Uint8Array.of(0, 0, 0), decodeCredential, 'credential_type');
  });
  it('GroupContext version other than mls10 → DECODE naming version', () => {
    rejects(patch(giBytes, 1, 2), decodeGroupInfo, 'version');
  });
  it('two extensions of one type → DECODE naming extensions (§13.4); encoder refuses too', () => {
    const two = Uint8Array.of(6, 0x0a, 0x0a, 0, 0x0a, 0x0a, 0);
    rejects(two, decodeExtensions, 'extensions');
    const ext = { extensionType: 0x0a0a, extensionData: new Uint8Array(0) };
    throwsCode(() => enc((w) => encodeExtensions(w, [ext, ext])), 'INVALID_MESSAGE');
  });
});

describe('messages decode: PrivateMessageContent padding (§6.3.1)', () => {
  const pmc: PrivateMessageContent = {
    contentType: ContentType.application,
    applicationData: utf8('hello'),
    auth: { signature: rnd(64) },
    paddingLength: 0,
  };
  const plain = enc((w) => encodePrivateMessageContent(w, pmc));
  it('zero padding of any length is accepted and its length kept', () => {
    for (const n of [0, 1, 15, 200]) {
      const padded = Uint8Array.of(...plain, ...new Uint8Array(n));
      const got = privateMessageContentFrom(padded, ContentType.application);
      expect(got.paddingLength).to.equal(n);
      expect(toHex(enc((w) => encodePrivateMessageContent(w, got)))).to.equal(toHex(padded));
    }
  });
  it('a non-zero padding byte anywhere → DECODE naming padding', () => {
    for (const [n, at] of [[1, 0], [16, 15], [200, 100]] as const) {
      const padded = Uint8Array.of(...plain, ...new Uint8Array(n));
      padded[plain.length + at] = 0x80;
      const e = throwsCode(() => privateMessageContentFrom(padded, ContentType.application), 'DECODE');
      expect(e.message).to.contain('padding');
    }
  });
  it('commit content needs the confirmation tag; the reader-level decoder also checks padding', () => {
    const c: PrivateMessageContent = { contentType: 3, commit, auth: { signature: rnd(64), confirmationTag: rnd(32) }, paddingLength: 3 };
    const b = enc((w) => encodePrivateMessageContent(w, c));
    expect(decode(b, (r) => decodePrivateMessageContent(r, 3)).paddingLength).to.equal(3);
    rejects(patch(b, b.length - 1, 1), (r) => decodePrivateMessageContent(r, 3), 'padding');
    throwsCode(() => enc((w) => encodePrivateMessageContent(w, { ...c, auth: { signature: rnd(64) } })), 'INVALID_MESSAGE');
  });
  it('SenderData round-trips and copies reuse_guard; a 3-byte guard is refused', () => {
    const sd = enc((w) => encodeSenderData(w, { leafIndex: L(5), generation: 9, reuseGuard: Uint8Array.of(1, 2, 3, 4) }));
    const got = decode(sd, decodeSenderData);
    sd.fill(0);
    expect(Array.from(got.reuseGuard)).to.deep.equal([1, 2, 3, 4]);
    throwsCode(() => enc((w) => encodeSenderData(w, { leafIndex: L(5), generation: 9, reuseGuard: rnd(3) })), 'BAD_LENGTH');
    rejects(Uint8Array.of(0, 0, 0, 5, 0, 0, 0, 9, 1, 2, 3), decodeSenderData, 'reuse_guard');
  });
});

describe('messages decode: unknown types are kept (RFC 9420 §13)', () => {
  it('unknown proposal, credential and extension types round-trip byte-identically', () => {
    const p = Uint8Array.of(0xf0, 0x01, 3, 0xaa, 0xbb, 0xcc);
    const dp = decode(p, decodeProposal);
    expect(dp.kind).to.equal('unknown');
    expect(toHex(enc((w) => encodeProposal(w, dp)))).to.equal(toHex(p));
    const c = Uint8Array.of(0x12, 0x34, 2, 0xde, 0xad);
    const dc = decode(c, decodeCredential);
    expect(dc).to.deep.include({ kind: 'unknown', credentialType: 0x1234 });
    expect(toHex(enc((w) => encodeCredential(w, dc)))).to.equal(toHex(c));
    const x = Uint8Array.of(5, 0xab, 0xab, 2, 9, 9);
    expect(roundTrip(x, decodeExtensions, encodeExtensions)).to.equal(toHex(x));
  });
  it('an x509 chain of opaque certificates round-trips', () => {
    const x: Credential = { kind: 'x509', certificates: [rnd(100), rnd(70)] };
    const b = enc((w) => encodeCredential(w, x));
    const d = decode(b, decodeCredential);
    expect(d.kind).to.equal('x509');
    expect(toHex(enc((w) => encodeCredential(w, d)))).to.equal(toHex(b));
  });
  it('encoders refuse an "unknown" variant claiming a known type', () => {
    throwsCode(() => enc((w) => encodeProposal(w, { kind: 'unknown', proposalType: 3, body: rnd(1) } as Proposal)), 'INVALID_MESSAGE');
    throwsCode(() => enc((w) => encodeCredential(w, { kind: 'unknown', credentialType: 1, body: rnd(1) })), 'INVALID_MESSAGE');
  });
  it('isGrease knows the 15 GREASE values and nothing else', () => {
    const g = [];
    for (let v = 0; v < 0x10000; v++) if (isGrease(v)) g.push(v);
    expect(g).to.deep.equal([0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a, 0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea]);
  });
});

describe('messages: typed extensions, TBS encodings, presence rules', () => {
  it('application_id, required_capabilities, external_senders, ratchet_tree read back what was written', () => {
    expect(toHex(readApplicationId(applicationIdExtension(utf8('app'))))).to.equal(toHex(utf8('app')));
    const rc = { extensionTypes: [0xff00], proposalTypes: [], credentialTypes: [1, 2] };
    expect(readRequiredCapabilities(requiredCapabilitiesExtension(rc))).to.deep.equal(rc);
    const es = [{ signatureKey: rnd(32), credential }];
    expect(readExternalSenders(externalSendersExtension(es))).to.deep.equal(es);
    expect(readRatchetTreeExtension(groupInfo.extensions[0]!)).to.have.length(1);
    throwsCode(() => readApplicationId(groupInfo.extensions[0]!), 'INVALID_MESSAGE');
    const e = throwsCode(() => readApplicationId({ extensionType: 1, extensionData: Uint8Array.of(3, 1) }), 'DECODE');
    expect(e.message).to.contain('application_id');
  });
  it('LeafNodeTBS: key_package leaves have no context; update/commit leaves append group_id and leaf_index', () => {
    const kpTbs = leafNodeTBS(leafNode);
    const signed = enc((w) => encodeKeyPackage(w, keyPackage));
    expect(toHex(signed)).to.contain(toHex(kpTbs));
    throwsCode(() => leafNodeTBS(commitLeaf), 'INVALID_MESSAGE');
    const tbs = leafNodeTBS(commitLeaf, { groupId, leafIndex: L(2) });
    expect(toHex(tbs.subarray(tbs.length - 10))).to.equal('0567726f757000000002');
  });
  it('FramedContentTBS carries the GroupContext for member senders only', () => {
    const withCtx = framedContentTBS({ wireFormat: 1, content: memberContent, context: groupContext });
    throwsCode(() => framedContentTBS({ wireFormat: 1, content: memberContent }), 'INVALID_MESSAGE');
    const ext: FramedContent = { ...memberContent, sender: { senderType: SenderType.external, senderIndex: 0 } };
    const noCtx = framedContentTBS({ wireFormat: 1, content: ext, context: groupContext });
    const gc = groupContextBytes(groupContext);
    expect(withCtx.length - noCtx.length).to.equal(gc.length);
    expect(toHex(withCtx.subarray(withCtx.length - gc.length))).to.equal(toHex(gc));
    expect(toHex(framedContentTBS({ wireFormat: 1, content: memberContent, context: gc }))).to.equal(toHex(withCtx));
  });
  it('membership_tag: present exactly for member senders (decoder reads none for external senders)', () => {
    const proposalContent: FramedContent = {
      ...memberContent,
      sender: { senderType: SenderType.external, senderIndex: 2 },
      contentType: ContentType.proposal,
      proposal: { kind: 'remove', removed: L(1) },
    } as FramedContent;
    const pm: PublicMessage = { content: proposalContent, auth: { signature: rnd(64) } };
    const b = enc((w) => encodeMLSMessage(w, { wireFormat: 1, publicMessage: pm }));
    const d = decode(b, decodeMLSMessage);
    expect(d.wireFormat === 1 && d.publicMessage.membershipTag).to.equal(undefined);
    throwsCode(() => enc((w) => encodePublicMessage(w, { ...pm, membershipTag: rnd(32) })), 'INVALID_MESSAGE');
    throwsCode(() => enc((w) => encodePublicMessage(w, { ...publicCommit, membershipTag: undefined })), 'INVALID_MESSAGE');
    // A member-sent message without its tag is cut short where membership_tag should be.
    rejects(publicBytes.subarray(0, publicBytes.length - 33), decodeMLSMessage, 'membership_tag');
  });
  it('GroupSecrets: secrets are copies (the plaintext can be wiped after decoding)', () => {
    const gs = { joinerSecret: rnd(32), pathSecret: rnd(32), psks: [] };
    const b = enc((w) => encodeGroupSecrets(w, gs));
    const d = decode(b, decodeGroupSecrets);
    b.fill(0);
    expect(toHex(d.joinerSecret)).to.equal(toHex(gs.joinerSecret));
    expect(toHex(d.pathSecret!)).to.equal(toHex(gs.pathSecret));
  });
  it('checkRatchetTreeShape: empty, trailing blank, leaf/parent at the wrong parity → INVALID_TREE', () => {
    checkRatchetTreeShape(tree);
    throwsCode(() => checkRatchetTreeShape([]), 'INVALID_TREE');
    throwsCode(() => checkRatchetTreeShape([tree[0]!, null]), 'INVALID_TREE');
    throwsCode(() => checkRatchetTreeShape([tree[1]!]), 'INVALID_TREE');
    throwsCode(() => checkRatchetTreeShape([tree[0]!, tree[0]!, tree[0]!]), 'INVALID_TREE');
  });
});

describe('messages decode: mutated inputs throw only MlsError', () => {
  const all: [string, Uint8Array, Decoder<unknown>][] = [
    ['PublicMessage', publicBytes, decodeMLSMessage],
    ['PrivateMessage', privateBytes, decodeMLSMessage],
    ['KeyPackage', kpBytes, decodeKeyPackage],
    ['GroupInfo', giBytes, decodeGroupInfo],
    ['Welcome', welcomeBytes, decodeWelcome],
    ['ratchet_tree', treeBytes, decodeRatchetTree],
  ];
  for (const [name, bytes, f] of all) {
    it(`${name}: 1,000 random byte mutations`, () => {
      const r = prng(bytes.length);
      for (let i = 0; i < 1000; i++) {
        const m = bytes.slice();
        const k = 1 + (r(1)[0]! % 4);
        for (let j = 0; j < k; j++) {
          const pos = ((r(1)[0]! << 8) | r(1)[0]!) % m.length;
          m[pos] = r(1)[0]!;
        }
        try {
          decode(m, f);
        } catch (e) {
          if (!(e instanceof MlsError)) throw new Error(`${name} mutation ${i} threw ${String(e)}`);
        }
      }
    });
  }
});

describe('Capabilities decoding shares equal lists (interning)', () => {
  it('2,000 random Capabilities round-trip exactly; equal lists are one frozen array, different ones never', () => {
    const r = prng(77);
    const pick = (max: number) => r(1)[0]! % max;
    // 40 lists per field (lengths 0-3 over 3 values, one 6 bytes long): 200 in all, within the table's bound.
    const list = () => Array.from({ length: pick(4) }, () => [1, 0x0a0a, 0xf000][pick(3)]!);
    const owner = new Map<readonly number[], string>(); // each shared array and the list it stands for
    for (let i = 0; i < 2000; i++) {
      const c: Capabilities = { versions: list(), cipherSuites: list(), extensions: list(), proposals: list(), credentials: list() };
      const bytes = encode((w) => encodeCapabilities(w, c));
      const d = decode(bytes, decodeCapabilities, 'capabilities');
      const again = decode(bytes, decodeCapabilities, 'capabilities');
      expect(JSON.stringify(d)).to.equal(JSON.stringify(c));
      for (const field of ['versions', 'cipherSuites', 'extensions', 'proposals', 'credentials'] as const) {
        const got = d[field];
        expect(Object.isFrozen(got)).to.be.true;
        expect(again[field]).to.equal(got); // the same array object
        const k = `${field}:${got.join(',')}`;
        const o = owner.get(got);
        if (o !== undefined && o !== k) throw new Error(`${k} shares its array with ${o}`);
        owner.set(got, k);
      }
    }
  });
});

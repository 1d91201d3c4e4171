// Rejections of the group state machine (RFC 9420 §6, §12.1-§12.4): for every rejected input the error is an
// MlsError with a specific code (and, for proposal-list rules, the named check), and the serialized group state is
// byte-identical before and after (validate, then merge: nothing is half-applied). Suite 1 on @noble.
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { nobleSuite } from '../../sdk/src/crypto/noble.ts';
import { ContentType, SenderType, type FramedContent } from '../../sdk/src/framing/content.ts';
import { membershipTag, signFramedContent } from '../../sdk/src/framing/protect.ts';
import {
  addProposal,
  createCommit,
  createExternalProposal,
  createGroup,
  createGroupInfo,
  encryptApplication,
  externalPskProposal,
  groupContextExtensionsProposal,
  joinByExternalCommit,
  joinFromWelcome,
  mergeStagedCommit,
  processMessage,
  propose,
  ProposalCheck,
  proposeUpdate,
  removeProposal,
  serializeGroupState,
  type GroupState,
  type ProposalCheckName,
} from '../../sdk/src/group/index.ts';
import { publicMessageFor, signFor } from '../../sdk/src/group/wire.ts';
import type { UpdatePath } from '../../sdk/src/messages/commit.ts';
import type { Credential } from '../../sdk/src/messages/credential.ts';
import { externalSendersExtension, requiredCapabilitiesExtension } from '../../sdk/src/messages/extensions.ts';
import { groupContextBytes } from '../../sdk/src/messages/group-context.ts';
import { createKeyPackage } from '../../sdk/src/messages/key-package-create.ts';
import { mlsMessageBytes, mlsMessageFrom } from '../../sdk/src/messages/mls-message.ts';
import { ProposalOrRefType, PSKType, ResumptionPSKUsage, type Proposal, type ProposalOrRef } from '../../sdk/src/messages/proposals.ts';
import { throwsCode, toHex, utf8 } from '../lib/bytes.ts';

const cs: CipherSuite = nobleSuite(1);
const cred = (name: string): Credential => ({ kind: 'basic', identity: utf8(name) });
const sigs = ['alice', 'bob', 'carol', 'dave'].map(() => cs.signatureKeyGen().privateKey) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
const extSender = cs.signatureKeyGen();

/** A 3-member group (alice 0, bob 1, carol 2) with an external sender; every state at the same epoch. */
function group(): { alice: GroupState; bob: GroupState; carol: GroupState } {
  let alice = createGroup({
    suite: cs,
    credential: cred('alice'),
    signaturePrivateKey: sigs[0],
    extensions: [externalSendersExtension([{ signatureKey: extSender.publicKey, credential: cred('ds') }])],
  });
  const kps = [1, 2].map((i) => createKeyPackage({ suite: cs, credential: cred(`m${i}`), signaturePrivateKey: sigs[i]! }));
  const c = createCommit(alice, { proposals: kps.map((k) => addProposal(k.keyPackage)) });
  alice = mergeStagedCommit(alice, c.staged);
  const [bob, carol] = kps.map((k, i) =>
    joinFromWelcome({ welcome: c.welcome!, keyPackage: k.keyPackage, initPrivateKey: k.initPrivateKey, encryptionPrivateKey: k.encryptionPrivateKey, signaturePrivateKey: sigs[i + 1]!, suite: cs }),
  ) as [GroupState, GroupState];
  return { alice, bob, carol };
}
const base = group();

/** A commit from `from` with any proposal list (no validation), valid signature and membership tag. */
function forge(from: GroupState, proposals: ProposalOrRef[], path?: UpdatePath, tag?: Uint8Array): Uint8Array {
  const content: FramedContent = {
    groupId: from.context.groupId,
    epoch: from.context.epoch,
    sender: { senderType: SenderType.member, leafIndex: from.myLeaf },
    authenticatedData: new Uint8Array(0),
    contentType: ContentType.commit,
    commit: { proposals, path },
  };
  const auth = { signature: signFor(from, 1, content), confirmationTag: tag ?? new Uint8Array(cs.Nh) };
  return mlsMessageBytes({ wireFormat: 1, publicMessage: publicMessageFor(from, content, auth) });
}
const byValue = (...ps: Proposal[]): ProposalOrRef[] => ps.map((proposal) => ({ type: ProposalOrRefType.proposal, proposal }));
const byRef = (reference: Uint8Array): ProposalOrRef => ({ type: ProposalOrRefType.reference, reference });

/** `f` throws an MlsError with `code` (and the check's name), and `state` serializes identically before and after. */
function rejects(state: GroupState, f: (s: GroupState) => unknown, code: string, check?: ProposalCheckName): void {
  const before = toHex(serializeGroupState(state));
  const e = throwsCode(() => f(state), code);
  if (check !== undefined) expect(e.message).to.contain(`[${check}]`);
  expect(toHex(serializeGroupState(state))).to.equal(before);
}

const kpNew = () => createKeyPackage({ suite: cs, credential: cred('new'), signaturePrivateKey: cs.signatureKeyGen().privateKey });
const nonce = () => cs.randomBytes(cs.Nh);

describe('group rejections: invalid proposal lists (§12.1, §12.2), receiver side', () => {
  const { alice, bob } = base;
  const cases: [string, () => Uint8Array, ProposalCheckName, string?][] = [
    ['Add with a bad KeyPackage signature', () => {
      const kp = kpNew().keyPackage;
      return forge(bob, byValue(addProposal({ ...kp, signature: kp.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) })));
    }, ProposalCheck.addKeyPackage],
    ['three Adds (signatures verified as one batch), the second with a bad KeyPackage signature', () => {
      const kp = kpNew().keyPackage;
      const bad = { ...kp, signature: kp.signature.map((b, i) => (i === 9 ? b ^ 4 : b)) };
      return forge(bob, byValue(addProposal(kpNew().keyPackage), addProposal(bad), addProposal(kpNew().keyPackage)));
    }, ProposalCheck.addKeyPackage],
    ['Add of a KeyPackage of another suite', () => {
      const kp = createKeyPackage({ suite: nobleSuite(3), credential: cred('x'), signaturePrivateKey: cs.signatureKeyGen().privateKey }).keyPackage;
      return forge(bob, byValue(addProposal(kp)));
    }, ProposalCheck.addKeyPackage],
    ['Remove of a blank leaf', () => forge(bob, byValue(removeProposal(7))), ProposalCheck.removeNonBlank],
    ['PSK with a short psk_nonce', () => forge(bob, byValue({ kind: 'psk', psk: { pskType: PSKType.external, pskId: utf8('x'), pskNonce: new Uint8Array(5) } })), ProposalCheck.pskNonce],
    ['resumption PSK with usage reinit', () => forge(bob, byValue({ kind: 'psk', psk: { pskType: PSKType.resumption, usage: ResumptionPSKUsage.reinit, pskGroupId: bob.context.groupId, pskEpoch: 0n, pskNonce: nonce() } })), ProposalCheck.pskUsage],
    ['PSK that the receiver does not have', () => forge(bob, byValue(externalPskProposal(cs, utf8('unknown psk')))), ProposalCheck.pskAvailable],
    ['GroupContextExtensions requiring an unsupported extension', () =>
      forge(bob, byValue(groupContextExtensionsProposal([requiredCapabilitiesExtension({ extensionTypes: [0xff00], proposalTypes: [], credentialTypes: [] })]))), ProposalCheck.gceSupported],
    ['Remove of the committer', () => forge(bob, byValue(removeProposal(1))), ProposalCheck.removeCommitter],
    ['two Removes of the same leaf', () => forge(bob, byValue(removeProposal(2), removeProposal(2))), ProposalCheck.oneChangePerLeaf],
    ['two Adds of the same client', () => {
      const kp = kpNew().keyPackage;
      return forge(bob, byValue(addProposal(kp), addProposal(kp)));
    }, ProposalCheck.duplicateAdd],
    ['Add of a client already in the group (same signature key as carol)', () =>
      forge(bob, byValue(addProposal(createKeyPackage({ suite: cs, credential: cred('carol2'), signaturePrivateKey: sigs[2] }).keyPackage))), ProposalCheck.addExistingMember],
    ['two PreSharedKey proposals with the same id', () => {
      const p = externalPskProposal(cs, utf8('p'));
      return forge(bob, byValue(p, p));
    }, ProposalCheck.duplicatePsk],
    ['two GroupContextExtensions proposals', () => forge(bob, byValue(groupContextExtensionsProposal([]), groupContextExtensionsProposal([]))), ProposalCheck.oneGce],
    ['ReInit with another proposal', () =>
      forge(bob, byValue({ kind: 'reinit', groupId: utf8('new'), version: 1, cipherSuite: 1, extensions: [] }, removeProposal(2))), ProposalCheck.reinitAlone],
    ['ExternalInit in a regular commit', () => forge(bob, byValue({ kind: 'external_init', kemOutput: new Uint8Array(32) })), ProposalCheck.noExternalInit],
    ['a proposal type nobody supports (policy reject)', () => forge(bob, byValue({ kind: 'unknown', proposalType: 0xff00, body: new Uint8Array(3) })), ProposalCheck.typeSupported],
    ['a reference to an unknown proposal', () => forge(bob, [byRef(new Uint8Array(32))]), ProposalCheck.knownReference],
    ['a Remove without a path', () => forge(bob, byValue(removeProposal(2))), ProposalCheck.pathRequired, 'INVALID_COMMIT'],
    ['an empty commit without a path', () => forge(bob, []), ProposalCheck.pathRequired, 'INVALID_COMMIT'],
  ];
  for (const [name, make, check, code] of cases)
    it(`${name}: ${code ?? 'INVALID_PROPOSAL'} [${check}], state unchanged`, () => {
      const msg = make();
      rejects(alice, (s) => processMessage(s, msg), code ?? 'INVALID_PROPOSAL', check);
    });

  it(`an Update by reference from the committer itself: [${ProposalCheck.updateByCommitter}]`, () => {
    const up = proposeUpdate(bob);
    const a = (processMessage(alice, up.message) as { state: GroupState }).state;
    rejects(a, (s) => processMessage(s, forge(up.state, [byRef(up.ref)])), 'INVALID_PROPOSAL', ProposalCheck.updateByCommitter);
  });
  it(`an Update with a bad LeafNode signature, by reference: [${ProposalCheck.updateLeafNode}]`, () => {
    const carol = base.carol;
    const leaf = carol.tree.leafNode(carol.myLeaf)!;
    const bad = { ...leaf, leafNodeSource: 2 as const, encryptionKey: cs.hpkeGenerateKeyPair().publicKey, signature: new Uint8Array(64) };
    const p = propose(carol, { kind: 'update', leafNode: bad } as Proposal);
    const a = (processMessage(alice, p.message) as { state: GroupState }).state;
    const b = (processMessage(bob, p.message) as { state: GroupState }).state;
    rejects(a, (s) => processMessage(s, forge(b, [byRef(p.ref)])), 'INVALID_PROPOSAL', ProposalCheck.updateLeafNode);
  });
  it('two Updates for one leaf (by reference): [§12.2 at most one Update or Remove per leaf]', () => {
    const u1 = proposeUpdate(base.carol);
    const u2 = proposeUpdate(u1.state);
    let a = alice;
    let b = bob;
    for (const m of [u1.message, u2.message]) {
      a = (processMessage(a, m) as { state: GroupState }).state;
      b = (processMessage(b, m) as { state: GroupState }).state;
    }
    rejects(a, (s) => processMessage(s, forge(b, [byRef(u1.ref), byRef(u2.ref)])), 'INVALID_PROPOSAL', ProposalCheck.oneChangePerLeaf);
  });
});

describe('group rejections: external commits (§12.2, §12.4.3.2)', () => {
  const { alice } = base;
  const ej = joinByExternalCommit({ groupInfo: createGroupInfo(alice), credential: cred('dave'), signaturePrivateKey: sigs[3], suite: cs });
  /** The external commit with its proposal list replaced, re-signed by the joiner. */
  function reshape(f: (ps: readonly ProposalOrRef[]) => ProposalOrRef[]): Uint8Array {
    const m = mlsMessageFrom(ej.commit);
    if (m.wireFormat !== 1 || m.publicMessage.content.contentType !== ContentType.commit) throw new Error('not a public commit');
    const c = m.publicMessage.content;
    const content: FramedContent = { ...c, commit: { ...c.commit, proposals: f(c.commit.proposals) } };
    const signature = signFramedContent(cs, sigs[3], 1, content, groupContextBytes(alice.context));
    return mlsMessageBytes({ wireFormat: 1, publicMessage: { content, auth: { ...m.publicMessage.auth, signature } } });
  }
  it('the untouched external commit is accepted (control)', () => {
    const staged = processMessage(alice, ej.commit);
    expect(staged.kind).to.equal('commit');
  });
  const cases: [string, (ps: readonly ProposalOrRef[]) => ProposalOrRef[], ProposalCheckName][] = [
    ['an Add in an external commit', (ps) => [...ps, ...byValue(addProposal(kpNew().keyPackage))], ProposalCheck.externalOnlyAllowed],
    ['no ExternalInit', () => [], ProposalCheck.externalOneInit],
    ['two ExternalInits', (ps) => [...ps, ...ps], ProposalCheck.externalOneInit],
    ['two Removes', (ps) => [...ps, ...byValue(removeProposal(1), removeProposal(2))], ProposalCheck.externalOneRemove],
  ];
  for (const [name, f, check] of cases)
    it(`${name}: INVALID_PROPOSAL [${check}], state unchanged`, () => {
      rejects(alice, (s) => processMessage(s, reshape(f)), 'INVALID_PROPOSAL', check);
    });
  it(`a proposal by reference (a proposal the members know): INVALID_PROPOSAL [${ProposalCheck.externalByValue}]`, () => {
    const p = propose(base.bob, removeProposal(2));
    const a = (processMessage(alice, p.message) as { state: GroupState }).state;
    rejects(a, (s) => processMessage(s, reshape((ps) => [...ps, byRef(p.ref)])), 'INVALID_PROPOSAL', ProposalCheck.externalByValue);
  });
});

describe('group rejections: framing, epochs, signatures, tags, replay', () => {
  const { alice, bob, carol } = base;
  const good = createCommit(bob);

  it('a commit of an older epoch: WRONG_EPOCH', () => {
    const a2 = mergeStagedCommit(alice, (processMessage(alice, good.commit) as unknown as { staged: never }).staged);
    rejects(a2, (s) => processMessage(s, good.commit), 'WRONG_EPOCH');
  });
  it('a commit for another group: WRONG_GROUP', () => {
    const m = mlsMessageFrom(good.commit) as { wireFormat: 1; publicMessage: { content: FramedContent } } & ReturnType<typeof mlsMessageFrom>;
    const other = mlsMessageBytes({ ...m, publicMessage: { ...m.publicMessage, content: { ...m.publicMessage.content, groupId: utf8('another group') } } } as never);
    rejects(alice, (s) => processMessage(s, other), 'WRONG_GROUP');
  });
  it('a bad signature under a valid membership tag: BAD_SIGNATURE', () => {
    const m = mlsMessageFrom(good.commit);
    if (m.wireFormat !== 1) throw new Error('public expected');
    const pm = m.publicMessage;
    const auth = { ...pm.auth, signature: pm.auth.signature.map((b, i) => (i === 3 ? b ^ 1 : b)) };
    const tag = membershipTag(cs, bob.secrets.membershipKey, pm.content, auth, groupContextBytes(bob.context));
    const bytes = mlsMessageBytes({ wireFormat: 1, publicMessage: { ...pm, auth, membershipTag: tag } });
    rejects(alice, (s) => processMessage(s, bytes), 'BAD_SIGNATURE');
  });
  it('a bad membership tag: INVALID_MESSAGE', () => {
    const m = mlsMessageFrom(good.commit);
    if (m.wireFormat !== 1) throw new Error('public expected');
    const t = m.publicMessage.membershipTag!.slice();
    t[0]! ^= 0x80;
    rejects(alice, (s) => processMessage(s, mlsMessageBytes({ wireFormat: 1, publicMessage: { ...m.publicMessage, membershipTag: t } })), 'INVALID_MESSAGE');
  });
  it('a bad confirmation tag (signature and membership tag valid): INVALID_COMMIT', () => {
    const m = mlsMessageFrom(good.commit);
    if (m.wireFormat !== 1 || m.publicMessage.content.contentType !== ContentType.commit) throw new Error('public commit expected');
    const c = m.publicMessage.content;
    rejects(alice, (s) => processMessage(s, forge(bob, [...c.commit.proposals], c.commit.path, cs.randomBytes(32))), 'INVALID_COMMIT');
  });
  it('our own commit, processed instead of merged: STATE', () => {
    rejects(bob, (s) => processMessage(s, good.commit), 'STATE');
  });
  it('an external proposal of a type external senders may not send (Update): INVALID_PROPOSAL', () => {
    const content: FramedContent = {
      groupId: alice.context.groupId,
      epoch: alice.context.epoch,
      sender: { senderType: SenderType.external, senderIndex: 0 },
      authenticatedData: new Uint8Array(0),
      contentType: ContentType.proposal,
      proposal: { kind: 'update', leafNode: carol.tree.leafNode(carol.myLeaf)! },
    };
    const signature = signFramedContent(cs, extSender.privateKey, 1, content);
    const bytes = mlsMessageBytes({ wireFormat: 1, publicMessage: { content, auth: { signature } } });
    rejects(alice, (s) => processMessage(s, bytes), 'INVALID_PROPOSAL', ProposalCheck.senderType);
  });
  it('an external proposal signed by an unknown key: BAD_SIGNATURE', () => {
    const bytes = createExternalProposal(cs, { groupId: alice.context.groupId, epoch: alice.context.epoch, senderIndex: 0, signaturePrivateKey: cs.signatureKeyGen().privateKey, proposal: removeProposal(2) });
    rejects(alice, (s) => processMessage(s, bytes), 'BAD_SIGNATURE');
  });
  it('a replayed application message: REPLAY; too far ahead: GENERATION_TOO_FAR', () => {
    let a = alice;
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 4; i++) {
      const s = encryptApplication(a, utf8(`m${i}`));
      a = s.state;
      sent.push(s.message);
    }
    const r = processMessage(bob, sent[0]!) as { state: GroupState };
    rejects(r.state, (s) => processMessage(s, sent[0]!), 'REPLAY');
    const narrow = { ...bob, secretTree: { ...bob.secretTree, window: { maxAhead: 1, maxBehind: 0 } } };
    rejects(narrow, (s) => processMessage(s, sent[3]!), 'GENERATION_TOO_FAR');
  });
  it('committer side: an invalid by-value list throws and leaves the state as it was', () => {
    rejects(alice, (s) => createCommit(s, { proposals: [removeProposal(0)] }), 'INVALID_PROPOSAL', ProposalCheck.removeCommitter);
    rejects(alice, (s) => createCommit(s, { proposals: [removeProposal(9)] }), 'INVALID_PROPOSAL', ProposalCheck.removeNonBlank);
    rejects(alice, (s) => createCommit(s, { proposals: [addProposal(kpNew().keyPackage), groupContextExtensionsProposal([]), groupContextExtensionsProposal([])] }), 'INVALID_PROPOSAL', ProposalCheck.oneGce);
  });
  it('1,000 single-byte mutations of a commit: every one is an MlsError, state unchanged', () => {
    const before = toHex(serializeGroupState(alice));
    const bytes = good.commit;
    const codes = new Map<string, number>();
    let accepted = 0;
    for (let i = 0; i < 1000; i++) {
      const m = bytes.slice();
      const pos = (i * 7919) % m.length;
      m[pos]! ^= 1 << (i % 8);
      try {
        processMessage(alice, m);
        accepted++;
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === undefined) throw e;
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }
    expect(accepted).to.equal(0);
    expect(toHex(serializeGroupState(alice))).to.equal(before);
    expect(codes.size).to.be.greaterThan(2);
  });
});

describe('group rejections: joining', () => {
  it('a Welcome for another KeyPackage: INVALID_MESSAGE; a tampered tree: INVALID_TREE', () => {
    let a = createGroup({ suite: cs, credential: cred('a'), signaturePrivateKey: sigs[0] });
    const kp = createKeyPackage({ suite: cs, credential: cred('b'), signaturePrivateKey: sigs[1] });
    const other = kpNew();
    const c = createCommit(a, { proposals: [addProposal(kp.keyPackage)], ratchetTree: false });
    a = mergeStagedCommit(a, c.staged);
    throwsCode(() => joinFromWelcome({ welcome: c.welcome!, keyPackage: other.keyPackage, initPrivateKey: other.initPrivateKey, encryptionPrivateKey: other.encryptionPrivateKey, signaturePrivateKey: sigs[1], suite: cs }), 'INVALID_MESSAGE');
    const wire = a.tree.toWire();
    const leaf0 = wire[0]!;
    if (leaf0.nodeType !== 1) throw new Error('leaf expected');
    const tampered = [{ nodeType: 1 as const, leaf: { ...leaf0.leaf, extensions: [{ extensionType: 0xff01, extensionData: new Uint8Array(1) }] } }, ...wire.slice(1)] as typeof wire;
    throwsCode(() => joinFromWelcome({ welcome: c.welcome!, keyPackage: kp.keyPackage, initPrivateKey: kp.initPrivateKey, encryptionPrivateKey: kp.encryptionPrivateKey, signaturePrivateKey: sigs[1], suite: cs, ratchetTree: tampered }), 'INVALID_TREE');
    throwsCode(() => joinFromWelcome({ welcome: c.welcome!, keyPackage: kp.keyPackage, initPrivateKey: kp.initPrivateKey, encryptionPrivateKey: kp.encryptionPrivateKey, signaturePrivateKey: sigs[1], suite: cs }), 'INVALID_TREE');
    const b = joinFromWelcome({ welcome: c.welcome!, keyPackage: kp.keyPackage, initPrivateKey: kp.initPrivateKey, encryptionPrivateKey: kp.encryptionPrivateKey, signaturePrivateKey: sigs[1], suite: cs, ratchetTree: wire });
    expect(b.myLeaf).to.equal(1);
  });
});

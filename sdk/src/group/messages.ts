/**
 * Messages within a group (RFC 9420 §6, §12.1): application messages (encrypt/decrypt through the secret tree),
 * proposals by value and by reference from members, external senders (§12.1.8) and new members, and the single
 * entry point for everything received, `processMessage`.
 *
 * Receiving (§6): the group id must be this group's (WRONG_GROUP); the epoch the current one (WRONG_EPOCH), except
 * for application messages of a kept past epoch (config.pastEpochs). The wire-format policy of the config decides
 * which handshake forms are accepted. PublicMessages from members carry a membership tag; PrivateMessages are
 * decrypted with the epoch's secret tree (window, REPLAY). The signature key is the sender's leaf's, the
 * external_senders entry's, or the new member's own (Add KeyPackage / commit path leaf).
 *
 * Every function returns new values: a decrypted application message comes with the state whose secret tree no
 * longer holds the used key (persist it, or a replay would decrypt again after a reload); a proposal comes with
 * the state that caches it; a commit comes as a StagedCommit, the current state untouched.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { makeProposalRef } from '../crypto/labels.ts';
import { MlsError } from '../errors.ts';
import {
  authenticatedContentBytes,
  ContentType,
  SenderType,
  type AuthenticatedContent,
  type FramedContent,
  type Sender,
} from '../framing/content.ts';
import type { PrivateMessage } from '../framing/private-message.ts';
import { signFramedContent, unprotectPrivateMessage, unprotectPublicMessage } from '../framing/protect.ts';
import type { PublicMessage } from '../framing/public-message.ts';
import { WireFormat } from '../messages/common.ts';
import { ExtensionType, findExtension, readExternalSenders, type Extension } from '../messages/extensions.ts';
import type { KeyPackage } from '../messages/key-package.ts';
import { mlsMessageBytes, type MLSMessage } from '../messages/mls-message.ts';
import { PSKType, ResumptionPSKUsage, type Proposal } from '../messages/proposals.ts';
import { createLeafNode } from '../messages/key-package-create.ts';
import type { LeafNode } from '../messages/leaf-node.ts';
import type { GroupContext } from '../messages/group-context.ts';
import type { LeafIndex } from '../tree/math.ts';
import { stageCommit, type ProcessCommitOptions, type StagedCommit } from './commit.ts';
import { checkProposalSender } from './proposals.ts';
import { bytesEqual, requireActive, type CachedProposal, type GroupState } from './state.ts';
import { frame, handshakeWireFormat, signFor, toMlsMessage } from './wire.ts';

// --- proposal constructors ---

/** An Add proposal for a KeyPackage (validated when committed, §12.1.1). */
export const addProposal = (keyPackage: KeyPackage): Proposal => ({ kind: 'add', keyPackage });
/** A Remove proposal for a leaf (§12.1.3). */
export const removeProposal = (leaf: LeafIndex | number): Proposal => ({ kind: 'remove', removed: leaf as LeafIndex });
/** A GroupContextExtensions proposal: the complete new list (§12.1.7). */
export const groupContextExtensionsProposal = (extensions: readonly Extension[]): Proposal => ({ kind: 'group_context_extensions', extensions });
/** A PreSharedKey proposal for an external PSK, with a fresh psk_nonce (§12.1.4). */
export const externalPskProposal = (cs: CipherSuite, pskId: Uint8Array): Proposal => ({
  kind: 'psk',
  psk: { pskType: PSKType.external, pskId, pskNonce: cs.randomBytes(cs.Nh) },
});
/** A PreSharedKey proposal for a resumption PSK of this group's epoch `epoch` (§8.6, usage application). */
export const resumptionPskProposal = (state: GroupState, epoch: bigint): Proposal => ({
  kind: 'psk',
  psk: {
    pskType: PSKType.resumption,
    usage: ResumptionPSKUsage.application,
    pskGroupId: state.context.groupId,
    pskEpoch: epoch,
    pskNonce: state.cs.randomBytes(state.cs.Nh),
  },
});

/** Register an external PSK (§8.4) with the group state (needed to process commits and Welcomes naming it). */
export function withExternalPsk(state: GroupState, pskId: Uint8Array, psk: Uint8Array): GroupState {
  return { ...state, externalPsks: [...state.externalPsks.filter((e) => !bytesEqual(e.pskId, pskId)), { pskId, psk }] };
}

// --- sending ---

export interface SendOptions {
  readonly authenticatedData?: Uint8Array;
  /** Override the config's handshake wire format (proposals). */
  readonly wireFormat?: 'public' | 'private';
}

/** A message to send and the state to keep. */
export interface Sent {
  readonly state: GroupState;
  /** The MLSMessage bytes. */
  readonly message: Uint8Array;
}

/**
 * Encrypt an application message (§6.3) with the next key of this member's application ratchet.
 * @throws MlsError STATE when inactive or when proposals are pending (§12.4: a member that has seen valid
 *   proposals MUST commit before sending application data).
 * @example const { state: s2, message } = encryptApplication(state, utf8('hello'));
 */
export function encryptApplication(state: GroupState, data: Uint8Array, opts: Pick<SendOptions, 'authenticatedData'> = {}): Sent {
  requireActive(state, 'encryptApplication');
  if (state.proposals.length > 0)
    throw new MlsError('STATE', `${state.proposals.length} pending proposal(s): commit them before sending application data (§12.4)`);
  const content: FramedContent = {
    groupId: state.context.groupId,
    epoch: state.context.epoch,
    sender: { senderType: SenderType.member, leafIndex: state.myLeaf },
    authenticatedData: opts.authenticatedData ?? new Uint8Array(0),
    contentType: ContentType.application,
    applicationData: data,
  };
  const signature = signFor(state, WireFormat.mls_private_message, content);
  const f = frame(state, { wireFormat: WireFormat.mls_private_message, content, auth: { signature } }, state.secretTree);
  return { state: { ...state, secretTree: f.secretTree }, message: f.bytes };
}

/** A proposal sent: the message, its ProposalRef, and the state that caches it (for a later commit). */
export interface SentProposal extends Sent {
  readonly ref: Uint8Array;
}

/**
 * Send a proposal as a member (§12.1), cached in the returned state so a commit can include it by reference.
 * Update proposals: use `proposeUpdate`.
 * @throws MlsError STATE when inactive; INVALID_PROPOSAL for a type a member cannot send alone (ExternalInit).
 */
export function propose(state: GroupState, proposal: Proposal, opts: SendOptions = {}, updatePrivateKey?: Uint8Array): SentProposal {
  requireActive(state, 'propose');
  const sender: Sender = { senderType: SenderType.member, leafIndex: state.myLeaf };
  checkProposalSender(proposal, sender);
  const content: FramedContent = {
    groupId: state.context.groupId,
    epoch: state.context.epoch,
    sender,
    authenticatedData: opts.authenticatedData ?? new Uint8Array(0),
    contentType: ContentType.proposal,
    proposal,
  };
  const wireFormat =
    opts.wireFormat === undefined ? handshakeWireFormat(state) : opts.wireFormat === 'private' ? WireFormat.mls_private_message : WireFormat.mls_public_message;
  const ac: AuthenticatedContent = { wireFormat, content, auth: { signature: signFor(state, wireFormat, content) } };
  const ref = makeProposalRef(state.cs, authenticatedContentBytes(ac));
  const f = frame(state, ac, state.secretTree);
  const cached: CachedProposal = { ref, proposal, sender, updatePrivateKey };
  return { state: { ...state, secretTree: f.secretTree, proposals: [...state.proposals, cached] }, message: f.bytes, ref };
}

/**
 * Propose an Update of this member's leaf (§12.1.2): a fresh encryption key, optionally new credential,
 * capabilities or extensions. The new private key is kept with the cached proposal until a commit applies it.
 */
export function proposeUpdate(
  state: GroupState,
  opts: SendOptions & { readonly leaf?: Partial<Pick<LeafNode, 'credential' | 'capabilities' | 'extensions'>> } = {},
): SentProposal {
  requireActive(state, 'proposeUpdate');
  const current = state.tree.leafNode(state.myLeaf)!;
  const { leafNode, encryptionPrivateKey } = createLeafNode({
    suite: state.cs,
    credential: opts.leaf?.credential ?? current.credential,
    signaturePrivateKey: state.signaturePrivateKey,
    signaturePublicKey: current.signatureKey,
    capabilities: opts.leaf?.capabilities ?? current.capabilities,
    extensions: opts.leaf?.extensions ?? current.extensions,
    source: { kind: 'update' },
    groupId: state.context.groupId,
    leafIndex: state.myLeaf,
    grease: false,
  });
  return propose(state, { kind: 'update', leafNode }, opts, encryptionPrivateKey);
}

/**
 * A proposal from an external sender (§12.1.8): a PublicMessage signed with the key of entry `senderIndex` of
 * the group's external_senders extension. Needs only the group id and epoch.
 * @example const msg = createExternalProposal(cs, { groupId, epoch, senderIndex: 0, signaturePrivateKey, proposal: removeProposal(3) });
 */
export function createExternalProposal(
  cs: CipherSuite,
  x: {
    readonly groupId: Uint8Array;
    readonly epoch: bigint;
    readonly senderIndex: number;
    readonly signaturePrivateKey: Uint8Array;
    readonly proposal: Proposal;
    readonly authenticatedData?: Uint8Array;
  },
): Uint8Array {
  const sender: Sender = { senderType: SenderType.external, senderIndex: x.senderIndex };
  checkProposalSender(x.proposal, sender);
  return signedPublic(cs, x, sender, x.proposal);
}

/**
 * An Add proposal by the joiner itself (sender new_member_proposal, §12.1.8): its own KeyPackage, signed with
 * its leaf's signature key. Members decide whether to commit it.
 */
export function createJoinProposal(
  cs: CipherSuite,
  x: { readonly groupId: Uint8Array; readonly epoch: bigint; readonly keyPackage: KeyPackage; readonly signaturePrivateKey: Uint8Array },
): Uint8Array {
  return signedPublic(cs, x, { senderType: SenderType.new_member_proposal }, { kind: 'add', keyPackage: x.keyPackage });
}

function signedPublic(
  cs: CipherSuite,
  x: { readonly groupId: Uint8Array; readonly epoch: bigint; readonly signaturePrivateKey: Uint8Array; readonly authenticatedData?: Uint8Array },
  sender: Sender,
  proposal: Proposal,
): Uint8Array {
  const content: FramedContent = {
    groupId: x.groupId,
    epoch: x.epoch,
    sender,
    authenticatedData: x.authenticatedData ?? new Uint8Array(0),
    contentType: ContentType.proposal,
    proposal,
  };
  const signature = signFramedContent(cs, x.signaturePrivateKey, WireFormat.mls_public_message, content);
  const pm: PublicMessage = { content, auth: { signature } };
  return mlsMessageBytes({ wireFormat: WireFormat.mls_public_message, publicMessage: pm });
}

// --- receiving ---

/** What `processMessage` found. */
export type Processed =
  | {
      readonly kind: 'application';
      readonly data: Uint8Array;
      readonly sender: LeafIndex;
      readonly authenticatedData: Uint8Array;
      readonly epoch: bigint;
      /** The state with the used key deleted: persist it. */
      readonly state: GroupState;
    }
  | {
      readonly kind: 'proposal';
      readonly proposal: Proposal;
      readonly ref: Uint8Array;
      readonly sender: Sender;
      /** The state caching the proposal. */
      readonly state: GroupState;
    }
  | {
      readonly kind: 'commit';
      /** Merge with `mergeStagedCommit(state, staged)`; the current state is untouched. */
      readonly staged: StagedCommit;
    };

/** Options of `processMessage`. */
export type ProcessOptions = ProcessCommitOptions;

/** The signature key of a sender in the current epoch (§6.1), or undefined. */
function senderKey(tree: GroupState['tree'], context: GroupContext, content: FramedContent): Uint8Array | undefined {
  const s = content.sender;
  switch (s.senderType) {
    case SenderType.member:
      return s.leafIndex < tree.nLeaves ? tree.leafNode(s.leafIndex)?.signatureKey : undefined;
    case SenderType.external: {
      const ext = findExtension(context.extensions, ExtensionType.external_senders);
      if (ext === undefined) throw new MlsError('INVALID_MESSAGE', 'external sender, but the group has no external_senders extension (§12.1.8.1)');
      return readExternalSenders(ext)[s.senderIndex]?.signatureKey;
    }
    case SenderType.new_member_proposal:
      if (content.contentType !== ContentType.proposal || content.proposal.kind !== 'add')
        throw new MlsError('INVALID_MESSAGE', 'a new_member_proposal sender must send an Add proposal (§12.1.8)');
      return content.proposal.keyPackage.leafNode.signatureKey;
    case SenderType.new_member_commit:
      if (content.contentType !== ContentType.commit) throw new MlsError('INVALID_MESSAGE', 'a new_member_commit sender must send a commit');
      if (content.commit.path === undefined) throw new MlsError('INVALID_COMMIT', '[§12.4 path present when required] an external commit has no path');
      return content.commit.path.leafNode.signatureKey;
  }
  return undefined;
}

function checkAccepted(state: GroupState, wireFormat: number, contentType: number): void {
  if (contentType === ContentType.application) return;
  const a = state.config.acceptHandshake;
  if ((a === 'public' && wireFormat !== WireFormat.mls_public_message) || (a === 'private' && wireFormat !== WireFormat.mls_private_message))
    throw new MlsError('INVALID_MESSAGE', `handshake messages as ${wireFormat === 1 ? 'PublicMessage' : 'PrivateMessage'} are refused by this group's policy`);
}

/**
 * Process a received MLSMessage (PublicMessage or PrivateMessage) for this group.
 * @returns an application message (with the new state), a proposal (with the state caching it), or a commit as
 *   a StagedCommit (state untouched).
 * @throws MlsError WRONG_GROUP, WRONG_EPOCH, INVALID_MESSAGE (policy, membership tag, sender), BAD_SIGNATURE,
 *   AEAD_DECRYPT, REPLAY, GENERATION_TOO_FAR, DECODE, INVALID_PROPOSAL, INVALID_COMMIT, STATE (own commit).
 * @example const r = processMessage(state, bytes);
 *   if (r.kind === 'commit') state = mergeStagedCommit(state, r.staged); else state = r.state;
 */
export function processMessage(state: GroupState, message: Uint8Array | MLSMessage, opts: ProcessOptions = {}): Processed {
  const m = toMlsMessage(message);
  if (m.wireFormat === WireFormat.mls_public_message) return processPublic(state, m.publicMessage, opts);
  if (m.wireFormat === WireFormat.mls_private_message) return processPrivate(state, m.privateMessage, opts);
  throw new MlsError('INVALID_MESSAGE', `wire_format ${m.wireFormat} is not a group message (use joinFromWelcome for a Welcome)`);
}

function checkGroup(state: GroupState, groupId: Uint8Array): void {
  if (!bytesEqual(groupId, state.context.groupId)) throw new MlsError('WRONG_GROUP', 'message group_id is not this group\'s');
}

function processPublic(state: GroupState, pm: PublicMessage, opts: ProcessOptions): Processed {
  const c = pm.content;
  checkGroup(state, c.groupId);
  if (c.epoch !== state.context.epoch)
    throw new MlsError('WRONG_EPOCH', `message epoch ${c.epoch} is not the group's epoch ${state.context.epoch}`);
  requireActive(state, 'processing a handshake message');
  checkAccepted(state, WireFormat.mls_public_message, c.contentType);
  const key = senderKey(state.tree, state.context, c);
  const ac = unprotectPublicMessage(state.cs, pm, {
    context: state.context,
    membershipKey: state.secrets.membershipKey,
    signaturePublicKey: () => key,
  });
  return afterUnprotect(state, ac, state.secretTree, opts);
}

function processPrivate(state: GroupState, msg: PrivateMessage, opts: ProcessOptions): Processed {
  checkGroup(state, msg.groupId);
  if (msg.epoch !== state.context.epoch) {
    // Late application messages of a kept past epoch (config.pastEpochs).
    const i = state.pastEpochs.findIndex((p) => p.context.epoch === msg.epoch);
    if (i < 0 || msg.contentType !== ContentType.application)
      throw new MlsError('WRONG_EPOCH', `message epoch ${msg.epoch} is not the group's epoch ${state.context.epoch}` + (i < 0 ? '' : ' (past epochs: application messages only)'));
    const past = state.pastEpochs[i]!;
    const r = unprotectPrivateMessage(state.cs, msg, {
      context: past.context,
      secretTree: past.secretTree,
      senderDataSecret: past.senderDataSecret,
      signaturePublicKey: (s) => (s.senderType === SenderType.member ? past.tree.leafNode(s.leafIndex)?.signatureKey : undefined),
    });
    const pastEpochs = state.pastEpochs.slice();
    pastEpochs[i] = { ...past, secretTree: r.secretTree };
    const c = r.content.content as Extract<FramedContent, { contentType: 1 }>;
    return {
      kind: 'application',
      data: c.applicationData,
      sender: r.senderData.leafIndex,
      authenticatedData: c.authenticatedData,
      epoch: msg.epoch,
      state: { ...state, pastEpochs },
    };
  }
  checkAccepted(state, WireFormat.mls_private_message, msg.contentType);
  if (msg.contentType !== ContentType.application) requireActive(state, 'processing a handshake message');
  const r = unprotectPrivateMessage(state.cs, msg, {
    context: state.context,
    secretTree: state.secretTree,
    senderDataSecret: state.secrets.senderDataSecret,
    signaturePublicKey: (s) => (s.senderType === SenderType.member ? state.tree.leafNode(s.leafIndex)?.signatureKey : undefined),
  });
  return afterUnprotect(state, r.content, r.secretTree, opts);
}

function afterUnprotect(
  state: GroupState,
  ac: AuthenticatedContent,
  secretTree: GroupState['secretTree'],
  opts: ProcessOptions,
): Processed {
  const c = ac.content;
  switch (c.contentType) {
    case ContentType.application:
      if (c.sender.senderType !== SenderType.member) throw new MlsError('INVALID_MESSAGE', 'application data from a non-member');
      return {
        kind: 'application',
        data: c.applicationData,
        sender: c.sender.leafIndex,
        authenticatedData: c.authenticatedData,
        epoch: c.epoch,
        state: { ...state, secretTree },
      };
    case ContentType.proposal: {
      checkProposalSender(c.proposal, c.sender);
      const ref = makeProposalRef(state.cs, authenticatedContentBytes(ac));
      const known = state.proposals.some((p) => bytesEqual(p.ref, ref));
      // An echo of our own Update is fine when cached (by `proposeUpdate`); uncached, its private key is lost.
      if (!known && c.sender.senderType === SenderType.member && c.proposal.kind === 'update' && c.sender.leafIndex === state.myLeaf)
        throw new MlsError('STATE', 'an Update of our own leaf that this state did not send (its private key is unknown)');
      const proposals = known ? state.proposals : [...state.proposals, { ref, proposal: c.proposal, sender: c.sender }];
      return { kind: 'proposal', proposal: c.proposal, ref, sender: c.sender, state: { ...state, secretTree, proposals } };
    }
    case ContentType.commit:
      return { kind: 'commit', staged: stageCommit(state, ac, secretTree, opts) };
  }
}

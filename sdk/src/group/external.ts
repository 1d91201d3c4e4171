/**
 * External commits (RFC 9420 §12.4.3.2): a new member joins by itself from a GroupInfo carrying `external_pub`,
 * with an ExternalInit proposal (§8.3), optionally a Remove of its own old leaf ("resync") and PreSharedKey
 * proposals, an UpdatePath from the leftmost free leaf, sender type new_member_commit, sent as a PublicMessage
 * without membership tag. Members process it with `processMessage` like any commit (commit.ts).
 *
 * Secrets: the HPKE-exported init_secret, the path secrets; the joiner's state holds the new epoch's secrets.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { getCipherSuite } from '../crypto/suites.ts';
import { decode } from '../codec/reader.ts';
import { MlsError } from '../errors.ts';
import { ContentType, SenderType, type FramedContent, type Sender } from '../framing/content.ts';
import { signFramedContent } from '../framing/protect.ts';
import { confirmationTag, confirmedTranscriptHash, interimTranscriptHash } from '../framing/transcript.ts';
import type { Capabilities } from '../messages/capabilities.ts';
import { WireFormat } from '../messages/common.ts';
import { credentialTypeOf, type Credential } from '../messages/credential.ts';
import { DEFAULT_EXTENSION_TYPES, ExtensionType, findExtension, readExternalPub, type Extension } from '../messages/extensions.ts';
import { groupContextBytes, type GroupContext } from '../messages/group-context.ts';
import type { GroupInfo } from '../messages/group-info.ts';
import { defaultCapabilities } from '../messages/key-package-create.ts';
import { mlsMessageBytes, type MLSMessage } from '../messages/mls-message.ts';
import { PSKType, ProposalOrRefType, type Proposal } from '../messages/proposals.ts';
import { decodeRatchetTree, type RatchetTree } from '../messages/ratchet-tree.ts';
import { toSeconds, type Instant } from '../messages/validate.ts';
import { epochOnly, externalInitSend, keySchedule } from '../schedule/key-schedule.ts';
import { pskSecret } from '../schedule/psk.ts';
import { leafToNode, type LeafIndex } from '../tree/math.ts';
import { treeHash } from '../tree/tree-hash.ts';
import { createUpdatePath } from '../tree/treekem.ts';
import { validateTree } from '../tree/validate.ts';
import { buildGroupInfo, groupInfoTree, verifyGroupInfo } from './group-info.ts';
import { applyProposalList, leafGroupSupportProblem, lookupPsks, type ProposalEntry } from './proposals.ts';
import { consumeEncryptionSecret, groupConfig, type ExternalPsk, type GroupConfig, type GroupState } from './state.ts';
import { toMlsMessage } from './wire.ts';

/** Options of `joinByExternalCommit`. */
export interface ExternalJoinOptions {
  /** The group's GroupInfo (with external_pub): MLSMessage bytes, a decoded MLSMessage, or the struct. */
  readonly groupInfo: Uint8Array | MLSMessage | GroupInfo;
  /** The tree, when the GroupInfo has no ratchet_tree extension. */
  readonly ratchetTree?: RatchetTree | Uint8Array;
  readonly credential: Credential;
  readonly signaturePrivateKey: Uint8Array;
  /** Derived from the private key when absent. */
  readonly signaturePublicKey?: Uint8Array;
  /** The new leaf's capabilities (default: defaultCapabilities plus the group's extension types). */
  readonly capabilities?: Capabilities;
  readonly leafExtensions?: readonly Extension[];
  /** Resync (§12.4.3.2): the leaf of this client's old appearance, removed by the same commit. */
  readonly removeLeaf?: LeafIndex | number;
  /** External PSKs to inject with PreSharedKey proposals (kept in the state). */
  readonly externalPsks?: readonly ExternalPsk[];
  readonly authenticatedData?: Uint8Array;
  readonly suite?: CipherSuite;
  readonly config?: Partial<GroupConfig>;
  /** Time for the tree's lifetime checks; false to skip. Default now. */
  readonly now?: Instant | false;
}

/** The joiner's result: its state for the new epoch (adopt it once the delivery service accepted `commit`). */
export interface ExternalJoin {
  readonly state: GroupState;
  /** The external commit as an MLSMessage (PublicMessage). */
  readonly commit: Uint8Array;
  /** The new epoch's GroupInfo (MLSMessage), for the next joiner. */
  readonly groupInfo: Uint8Array;
}

function groupInfoOf(g: ExternalJoinOptions['groupInfo']): GroupInfo {
  if (g instanceof Uint8Array || 'wireFormat' in g) {
    const m = toMlsMessage(g as Uint8Array | MLSMessage);
    if (m.wireFormat !== WireFormat.mls_group_info) throw new MlsError('INVALID_MESSAGE', `expected a GroupInfo, got wire_format ${m.wireFormat}`);
    return m.groupInfo;
  }
  return g;
}

/**
 * Join a group by external commit (§12.4.3.2): verify the GroupInfo and validate its tree, derive init_secret by
 * external init (§8.3), commit ExternalInit (+ resync Remove, + PSKs) with an UpdatePath from the leftmost free
 * leaf, and build the joiner's state for the new epoch.
 * @throws MlsError INVALID_MESSAGE (no external_pub), BAD_SIGNATURE, INVALID_TREE, INVALID_PROPOSAL.
 * @example const { state, commit } = joinByExternalCommit({ groupInfo, credential, signaturePrivateKey });
 */
export function joinByExternalCommit(opts: ExternalJoinOptions): ExternalJoin {
  const gi = groupInfoOf(opts.groupInfo);
  const gc: GroupContext = gi.groupContext;
  const cs = opts.suite ?? getCipherSuite(gc.cipherSuite);
  if (cs.id !== gc.cipherSuite) throw new MlsError('UNSUPPORTED', `suite ${cs.id} given for a group of suite ${gc.cipherSuite}`);
  const config = groupConfig(opts.config);
  const oob = opts.ratchetTree instanceof Uint8Array ? decode(opts.ratchetTree, decodeRatchetTree, 'ratchet_tree') : opts.ratchetTree;
  const tree0 = groupInfoTree(gi, oob);
  verifyGroupInfo(cs, gi, tree0);
  const now = opts.now === false ? undefined : toSeconds(opts.now ?? new Date());
  validateTree(cs, tree0, { groupId: gc.groupId, treeHash: gc.treeHash, ...(now !== undefined ? { now } : {}) });
  const pubExt = findExtension(gi.extensions, ExtensionType.external_pub);
  if (pubExt === undefined) throw new MlsError('INVALID_MESSAGE', 'the GroupInfo has no external_pub extension (§12.4.3.2)');
  const { kemOutput, initSecret } = externalInitSend(cs, readExternalPub(pubExt));

  // The proposals, by value (§12.4.3.2), validated by the same rules as the members use.
  const sender: Sender = { senderType: SenderType.new_member_commit };
  const proposals: Proposal[] = [{ kind: 'external_init', kemOutput }];
  if (opts.removeLeaf !== undefined) proposals.push({ kind: 'remove', removed: opts.removeLeaf as LeafIndex });
  const externalPsks = [...(opts.externalPsks ?? [])];
  for (const p of externalPsks)
    proposals.push({ kind: 'psk', psk: { pskType: PSKType.external, pskId: p.pskId, pskNonce: cs.randomBytes(cs.Nh) } });
  const entries: ProposalEntry[] = proposals.map((proposal) => ({ proposal, sender }));
  const pseudo = {
    cs,
    config,
    context: gc,
    tree: tree0,
    myLeaf: -1 as LeafIndex,
  } as GroupState;
  const applied = applyProposalList(pseudo, entries, { committer: undefined });
  const psks = lookupPsks({ externalPsks }, applied.psks);

  // The new leaf at the leftmost free leaf, and the path (§12.4.1 "If this is an external Commit …").
  const tree = applied.tree;
  const me = tree.nextFreeLeaf();
  if (leafToNode(me) >= tree.nNodes) tree.extend();
  const base = opts.capabilities ?? defaultCapabilities(cs, { credentialType: credentialTypeOf(opts.credential) });
  const groupTypes = gc.extensions.map((e) => e.extensionType).filter((t) => !DEFAULT_EXTENSION_TYPES.has(t));
  const leafTypes = (opts.leafExtensions ?? []).map((e) => e.extensionType).filter((t) => !DEFAULT_EXTENSION_TYPES.has(t));
  const capabilities: Capabilities = { ...base, extensions: [...new Set([...base.extensions, ...groupTypes, ...leafTypes])] };
  const signatureKey = opts.signaturePublicKey ?? cs.signaturePublicKey(opts.signaturePrivateKey);
  const newEpoch = gc.epoch + 1n;
  const created = createUpdatePath(cs, tree, me, {
    groupId: gc.groupId,
    signaturePrivateKey: opts.signaturePrivateKey,
    leaf: { signatureKey, credential: opts.credential, capabilities, extensions: opts.leafExtensions ?? [] },
    groupContext: (th) => groupContextBytes({ ...gc, epoch: newEpoch, treeHash: th, extensions: applied.extensions }),
  });
  const problem = leafGroupSupportProblem(created.updatePath.leafNode, applied.extensions);
  if (problem !== undefined) throw new MlsError('INVALID_MESSAGE', `the new leaf ${problem}`);

  const content: FramedContent = {
    groupId: gc.groupId,
    epoch: gc.epoch,
    sender,
    authenticatedData: opts.authenticatedData ?? new Uint8Array(0),
    contentType: ContentType.commit,
    commit: { proposals: proposals.map((proposal) => ({ type: ProposalOrRefType.proposal, proposal })), path: created.updatePath },
  };
  const wireFormat = WireFormat.mls_public_message;
  const signature = signFramedContent(cs, opts.signaturePrivateKey, wireFormat, content, groupContextBytes(gc));
  const interimBefore = interimTranscriptHash(cs, gc.confirmedTranscriptHash, gi.confirmationTag);
  const confirmed = confirmedTranscriptHash(cs, interimBefore, { wireFormat, content, signature });
  const context: GroupContext = { ...gc, epoch: newEpoch, treeHash: treeHash(cs, tree), confirmedTranscriptHash: confirmed, extensions: applied.extensions };
  const epoch = keySchedule(cs, {
    initSecret,
    commitSecret: created.commitSecret,
    pskSecret: psks.length > 0 ? pskSecret(cs, psks) : undefined,
    groupContext: context,
  });
  initSecret.fill(0);
  const tag = confirmationTag(cs, epoch.confirmationKey, confirmed);
  const commit = mlsMessageBytes({
    wireFormat: WireFormat.mls_public_message,
    publicMessage: { content, auth: { signature, confirmationTag: tag } },
  });
  const state: GroupState = {
    cs,
    config,
    context,
    tree,
    myLeaf: me,
    privateKeys: created.privateKeys.keys,
    signaturePrivateKey: opts.signaturePrivateKey,
    ...consumeEncryptionSecret(cs, epochOnly(epoch), tree.nLeaves, config.secretTreeWindow),
    interimTranscriptHash: interimTranscriptHash(cs, confirmed, tag),
    confirmationTag: tag,
    proposals: [],
    resumptionPsks: [],
    externalPsks,
    pastEpochs: [],
    active: true,
    reinit: undefined,
  };
  epoch.joinerSecret.fill(0);
  epoch.welcomeSecret.fill(0);
  epoch.epochSecret.fill(0);
  const groupInfo = buildGroupInfo(cs, {
    context,
    tree,
    confirmationTag: tag,
    signer: me,
    signaturePrivateKey: opts.signaturePrivateKey,
    externalPub: epoch.externalPub,
  });
  return { state, commit, groupInfo: mlsMessageBytes({ wireFormat: WireFormat.mls_group_info, groupInfo }) };
}

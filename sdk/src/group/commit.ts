/**
 * Commits (RFC 9420 §12.4): creating one (§12.4.1) and processing one (§12.4.2), both ending in a StagedCommit —
 * the complete next epoch, computed on copies — and `mergeStagedCommit`, the only epoch transition.
 *
 * Processing order (§12.4.2): the message is already unprotected (messages.ts: epoch, membership tag or
 * decryption, signature); then the proposals are resolved (references from this epoch's cache) and validated as a
 * list (§12.2, proposals.ts), the PSKs looked up, the list applied to a tree copy, the path-required rule checked,
 * the UpdatePath validated (§7.3 leaf checks, fresh keys) and merged and its path secret decrypted under the
 * provisional GroupContext, the transcript hashes and the key schedule advanced, and the confirmation tag
 * verified. Any failure throws before anything is returned; the input state is never touched.
 *
 * Secrets: path secrets and the commit secret are the key schedule's inputs; the new epoch's secrets are in the
 * staged state. The confirmation tag is compared in constant time (framing/transcript.ts).
 */
import { bytesKey } from '../crypto/bytes.ts';
import { MlsError } from '../errors.ts';
import {
  ContentType,
  SenderType,
  type AuthenticatedContent,
  type FramedContent,
  type Sender,
} from '../framing/content.ts';
import { confirmationTag, confirmedTranscriptHash, interimTranscriptHash, verifyConfirmationTag } from '../framing/transcript.ts';
import type { Commit, UpdatePath } from '../messages/commit.ts';
import { WireFormat } from '../messages/common.ts';
import { groupContextBytes, type GroupContext } from '../messages/group-context.ts';
import type { GroupInfo } from '../messages/group-info.ts';
import { LeafNodeSource } from '../messages/leaf-node.ts';
import { mlsMessageBytes } from '../messages/mls-message.ts';
import {
  ProposalOrRefType,
  type PreSharedKeyID,
  type Proposal,
  type ProposalOrRef,
  type ReInit,
  type ResumptionPSKUsage,
} from '../messages/proposals.ts';
import { checkMemberLeaf, validateLeafNode, type Instant } from '../messages/validate.ts';
import { epochOnly, externalInitReceive, keySchedule, type KeyScheduleEpoch } from '../schedule/key-schedule.ts';
import { pskSecret } from '../schedule/psk.ts';
import type { SecretTree } from '../schedule/secret-tree.ts';
import { leafToNode, type LeafIndex, type NodeIndex } from '../tree/math.ts';
import type { TreeState } from '../tree/ratchet-tree.ts';
import { treeHash } from '../tree/tree-hash.ts';
import { createUpdatePath, processUpdatePath, type LeafNodeFields } from '../tree/treekem.ts';
import { buildGroupInfo, type GroupInfoOptions } from './group-info.ts';
import {
  applyProposalList,
  lookupPsks,
  pskStoreOf,
  ProposalCheck,
  proposalFail,
  selectPending,
  type AppliedProposals,
  type ProposalEntry,
} from './proposals.ts';
import { bytesEqual, consumeEncryptionSecret, hexOf, requireActive, type GroupState, type PastEpoch } from './state.ts';
import { buildWelcome } from './welcome.ts';
import { frame, handshakeWireFormat, signFor } from './wire.ts';

/** What a commit changed, for the application (member list updates, UI). */
export interface CommitSummary {
  /** The committer: a member's leaf, or the leaf an external joiner took. */
  readonly committer: LeafIndex;
  readonly external: boolean;
  /** The proposals applied, in commit order. */
  readonly proposals: readonly Proposal[];
  readonly added: readonly LeafIndex[];
  readonly removed: readonly LeafIndex[];
  readonly updated: readonly LeafIndex[];
  /** True when the commit carried an UpdatePath. */
  readonly path: boolean;
}

/**
 * A commit validated and applied on copies: the whole next epoch. Adopt it with `mergeStagedCommit`, or drop
 * it (nothing else changes). `removed` is true when the commit removed this member: merging then yields an
 * inactive state.
 */
export interface StagedCommit {
  readonly groupId: Uint8Array;
  /** The epoch the commit was made in (the state it merges into must be at this epoch). */
  readonly fromEpoch: bigint;
  /** The state of the next epoch (inactive when this member was removed). */
  readonly state: GroupState;
  readonly summary: CommitSummary;
  /** This member was removed by the commit. */
  readonly removed: boolean;
}

/**
 * Adopt a staged commit: returns its next-epoch state. The only epoch transition of the group layer.
 * @throws MlsError STATE when the staged commit is for another group or epoch than `state` (e.g. another commit
 *   was merged first: the staged one is stale and must be discarded).
 * @example const { staged } = processMessage(state, msg) as { kind: 'commit', staged }; state = mergeStagedCommit(state, staged);
 */
export function mergeStagedCommit(state: GroupState, staged: StagedCommit): GroupState {
  if (!bytesEqual(staged.groupId, state.context.groupId)) throw new MlsError('STATE', 'the staged commit is for another group');
  if (staged.fromEpoch !== state.context.epoch)
    throw new MlsError('STATE', `the staged commit was made at epoch ${staged.fromEpoch}; the state is at epoch ${state.context.epoch}`);
  return staged.state;
}

/** The next epoch's state from its parts (shared by creating and processing commits). */
export function advanceState(
  state: GroupState,
  x: {
    readonly context: GroupContext;
    readonly tree: TreeState;
    readonly epoch: KeyScheduleEpoch;
    readonly privateKeys: ReadonlyMap<NodeIndex, Uint8Array>;
    readonly confirmationTag: Uint8Array;
    readonly interim: Uint8Array;
    /** The old epoch's secret tree as left by this message (a PrivateMessage commit consumes a key). */
    readonly oldSecretTree: SecretTree;
    readonly signaturePrivateKey?: Uint8Array | undefined;
    readonly myLeaf?: LeafIndex | undefined;
    readonly reinit?: ReInit | undefined;
  },
): GroupState {
  const { cs, config } = state;
  const keep = <T>(list: readonly T[], n: number): T[] => (n <= 0 ? [] : list.slice(Math.max(0, list.length - n)));
  const past: PastEpoch = {
    context: state.context,
    tree: state.tree,
    secretTree: x.oldSecretTree,
    senderDataSecret: state.secrets.senderDataSecret,
  };
  return {
    cs,
    config,
    context: x.context,
    tree: x.tree,
    myLeaf: x.myLeaf ?? state.myLeaf,
    privateKeys: x.privateKeys,
    signaturePrivateKey: x.signaturePrivateKey ?? state.signaturePrivateKey,
    ...consumeEncryptionSecret(cs, epochOnly(x.epoch), x.tree.nLeaves, config.secretTreeWindow),
    interimTranscriptHash: x.interim,
    confirmationTag: x.confirmationTag,
    proposals: [],
    resumptionPsks: keep([...state.resumptionPsks, { epoch: state.context.epoch, psk: state.secrets.resumptionPsk }], config.resumptionPsks),
    externalPsks: state.externalPsks,
    pastEpochs: keep([...state.pastEpochs, past], config.pastEpochs),
    active: x.reinit === undefined,
    reinit: x.reinit,
  };
}

/** The proposals a commit names, by value or from this epoch's cache (§12.4). */
function resolveProposals(state: GroupState, commit: Commit, sender: Sender): ProposalEntry[] {
  return commit.proposals.map((por) => {
    if (por.type === ProposalOrRefType.proposal) return { proposal: por.proposal, sender };
    const cached = state.proposals.find((c) => bytesEqual(c.ref, por.reference));
    if (cached === undefined)
      proposalFail(ProposalCheck.knownReference, `proposal reference ${hexOf(por.reference)} is not a proposal of epoch ${state.context.epoch}`);
    return { proposal: cached.proposal, sender: cached.sender, ref: cached.ref, updatePrivateKey: cached.updatePrivateKey };
  });
}

/** Private keys that survive the proposals: those of nodes still non-blank (plus the own Update's leaf key). */
function keysAfterProposals(state: GroupState, applied: AppliedProposals): Map<NodeIndex, Uint8Array> {
  const tree = applied.tree;
  const keys = new Map<NodeIndex, Uint8Array>();
  for (const [x, k] of state.privateKeys) if (x < tree.nNodes && !tree.isBlank(x)) keys.set(x, k);
  if (applied.ownUpdatePrivateKey !== undefined) keys.set(leafToNode(state.myLeaf), applied.ownUpdatePrivateKey);
  return keys;
}

/**
 * §12.4.2 "Verify that none of the public keys in the UpdatePath appear in any node of the new ratchet tree."
 * O(log N): the ~log N new keys are looked up in the tree's key index.
 */
function checkFreshPathKeys(tree: TreeState, path: UpdatePath): void {
  const keys = [path.leafNode.encryptionKey, ...path.nodes.map((n) => n.encryptionKey)];
  if (new Set(keys.map(bytesKey)).size !== keys.length)
    throw new MlsError('INVALID_COMMIT', '[§12.4.2 fresh path keys] the UpdatePath repeats a public key');
  for (const k of keys) {
    const x = tree.nodeWithEncryptionKey(k);
    if (x !== undefined) throw new MlsError('INVALID_COMMIT', `[§12.4.2 fresh path keys] an UpdatePath key is already used by node ${x}`);
  }
}

export interface ProcessCommitOptions {
  /** The time for KeyPackage lifetimes of Adds (default now). */
  readonly now?: Instant | undefined;
}

/**
 * Stage a received commit (§12.4.2) whose AuthenticatedContent was unprotected in the state's epoch.
 * @param oldSecretTree the current epoch's secret tree as left by unprotecting (a PrivateMessage consumed a key).
 * @throws MlsError STATE for this member's own commit (merge the staged commit from createCommit instead) or an
 *   inactive state; INVALID_PROPOSAL / INVALID_COMMIT naming the failed check; AEAD_DECRYPT for a path secret
 *   that does not decrypt.
 */
export function stageCommit(state: GroupState, ac: AuthenticatedContent, oldSecretTree: SecretTree, opts: ProcessCommitOptions = {}): StagedCommit {
  requireActive(state, 'processing a commit');
  const { cs } = state;
  const content = ac.content;
  if (content.contentType !== ContentType.commit) throw new MlsError('INVALID_COMMIT', 'content is not a commit');
  const sender = content.sender;
  const commit = content.commit;
  let committer: LeafIndex | undefined;
  if (sender.senderType === SenderType.member) {
    committer = sender.leafIndex;
    if (committer === state.myLeaf)
      throw new MlsError('STATE', 'this is our own commit: merge the StagedCommit returned by createCommit instead');
    if (state.tree.leafNode(committer) === null) throw new MlsError('INVALID_COMMIT', `commit from blank leaf ${committer}`);
  } else if (sender.senderType !== SenderType.new_member_commit) {
    throw new MlsError('INVALID_COMMIT', `a commit cannot come from sender type ${sender.senderType} (§6.1)`);
  }
  const external = committer === undefined;
  if (external && commit.path === undefined) proposalFail(ProposalCheck.pathRequired, 'an external commit has no path (§12.4.3.2)');

  const entries = resolveProposals(state, commit, sender);
  const applied = applyProposalList(state, entries, { committer, now: opts.now });
  const psks = lookupPsks(pskStoreOf(state), applied.psks);
  if (applied.pathRequired && commit.path === undefined)
    proposalFail(ProposalCheck.pathRequired, entries.length === 0 ? 'an empty commit has no path' : 'a path-required proposal is committed without a path');

  const tree = applied.tree;
  const summaryBase = {
    external,
    proposals: entries.map((e) => e.proposal),
    added: applied.added.map((a) => a.leaf),
    removed: applied.removed,
    updated: applied.updated,
    path: commit.path !== undefined,
  };
  if (applied.removed.includes(state.myLeaf)) {
    // §12.4.2: "clients need to be prepared to receive a valid Commit message that removes them".
    const gone: GroupState = { ...state, active: false, proposals: [], privateKeys: new Map() };
    return {
      groupId: state.context.groupId,
      fromEpoch: state.context.epoch,
      state: gone,
      removed: true,
      summary: { ...summaryBase, committer: committer ?? tree.nextFreeLeaf() },
    };
  }

  let keys = keysAfterProposals(state, applied);
  const newEpoch = state.context.epoch + 1n;
  const provisional = (th: Uint8Array): Uint8Array =>
    groupContextBytes({ ...state.context, epoch: newEpoch, treeHash: th, extensions: applied.extensions });
  let commitSecret: Uint8Array | undefined;
  let committerLeaf = committer;
  if (commit.path !== undefined) {
    const path = commit.path;
    if (external) committerLeaf = tree.nextFreeLeaf();
    const leafIndex = committerLeaf!;
    // §12.4.2: validate the LeafNode (§7.3), source commit.
    validateLeafNode(path.leafNode, {
      suite: cs,
      expectedSource: LeafNodeSource.commit,
      groupId: state.context.groupId,
      leafIndex,
      groupExtensions: applied.extensions,
      code: 'INVALID_COMMIT',
    });
    checkMemberLeaf(applied.members, path.leafNode, external ? { code: 'INVALID_COMMIT' } : { replacing: leafIndex, code: 'INVALID_COMMIT' });
    if (!external) {
      const old = tree.leafNode(leafIndex)!;
      if (bytesEqual(old.encryptionKey, path.leafNode.encryptionKey))
        throw new MlsError('INVALID_COMMIT', `[§12.4.2 new leaf key] the committer's encryption_key is unchanged`);
    }
    checkFreshPathKeys(tree, path);
    if (external) tree.addLeaf(path.leafNode);
    const r = processUpdatePath(cs, tree, leafIndex, path, { leaf: state.myLeaf, keys }, {
      groupContext: provisional,
      exclude: new Set(applied.added.map((a) => a.leaf)),
    });
    commitSecret = r.commitSecret;
    keys = new Map(r.privateKeys.keys);
  }

  // §12.4.2: transcript hashes, new GroupContext, key schedule, confirmation tag.
  const confirmed = confirmedTranscriptHash(cs, state.interimTranscriptHash, ac);
  const context: GroupContext = {
    ...state.context,
    epoch: newEpoch,
    treeHash: treeHash(cs, tree),
    confirmedTranscriptHash: confirmed,
    extensions: applied.extensions,
  };
  const initSecret = applied.externalInit
    ? externalInitReceive(cs, state.secrets.externalPriv, applied.externalInit.kemOutput)
    : state.secrets.initSecret;
  const epoch = keySchedule(cs, {
    initSecret,
    commitSecret,
    pskSecret: psks.length > 0 ? pskSecret(cs, psks) : undefined,
    groupContext: context,
  });
  const tag = ac.auth.confirmationTag;
  if (tag === undefined || !verifyConfirmationTag(cs, epoch.confirmationKey, confirmed, tag))
    throw new MlsError('INVALID_COMMIT', '[§8.1 confirmation tag] confirmation_tag does not verify');
  const next = advanceState(state, {
    context,
    tree,
    epoch,
    privateKeys: keys,
    confirmationTag: tag,
    interim: interimTranscriptHash(cs, confirmed, tag),
    oldSecretTree,
    reinit: applied.reinit,
  });
  return {
    groupId: state.context.groupId,
    fromEpoch: state.context.epoch,
    state: next,
    removed: false,
    summary: { ...summaryBase, committer: committerLeaf ?? (0 as LeafIndex) },
  };
}

/** Options of `createCommit`. */
export interface CommitOptions extends GroupInfoOptions {
  /** Proposals to commit by value (Add, Remove, PreSharedKey, GroupContextExtensions, ReInit, …). */
  readonly proposals?: readonly Proposal[];
  /** Commit the pending proposals of this epoch by reference (default true; see `selectPending`). */
  readonly includePending?: boolean;
  /** Include an UpdatePath even when not required (default true; forced when required, §12.4). */
  readonly path?: boolean;
  /** New fields for the own leaf (credential, capabilities, extensions, signature key) in the UpdatePath. */
  readonly leaf?: LeafNodeFields;
  /** A new signature private key, matching `leaf.signatureKey`. */
  readonly signaturePrivateKey?: Uint8Array;
  readonly authenticatedData?: Uint8Array;
  /** Override the config's handshake wire format for this commit. */
  readonly wireFormat?: 'public' | 'private';
  /** The time for KeyPackage lifetimes of Adds (default now). */
  readonly now?: Instant;
  /** PSK values not in the state (e.g. another group's resumption PSK, §11.2–§11.3), consulted first. */
  readonly pskLookup?: (id: PreSharedKeyID) => Uint8Array | undefined;
  /** @internal reinit/branch (§11.2, §11.3): the resumption PSK usage the first commit may carry. */
  readonly allowPskUsage?: ResumptionPSKUsage;
}

/** The output of `createCommit`: the staged next epoch and the messages to send. */
export interface CreatedCommit {
  /** Merge once the delivery service accepted the commit; discard otherwise. */
  readonly staged: StagedCommit;
  /** The commit as an MLSMessage, for the group. */
  readonly commit: Uint8Array;
  /** The Welcome as an MLSMessage, for the added members (absent when nobody was added). */
  readonly welcome?: Uint8Array | undefined;
  /**
   * The new epoch's GroupInfo as an MLSMessage (publish it to allow external joins). Built and signed on first
   * read (with the ratchet tree unless `ratchetTree: false`, that is O(N) bytes): a commit nobody reads it from
   * costs O(log N). A commit with a Welcome shares the GroupInfo the Welcome carries.
   */
  readonly groupInfo: Uint8Array;
  /**
   * The current epoch's secret tree after framing the commit. A PrivateMessage commit used this member's next
   * handshake key (§6.3.2); to discard the commit, continue with `{ ...state, secretTree: currentSecretTree }`
   * (and persist it before the commit is sent) so that key and nonce are never used again (§9.1). For a
   * PublicMessage commit it is `state.secretTree` itself.
   */
  readonly currentSecretTree: SecretTree;
}

/**
 * Create a commit (§12.4.1) with the pending proposals (by reference) and `opts.proposals` (by value), an
 * UpdatePath, and a Welcome for added members. The state is untouched: merge `staged` when the delivery service
 * has accepted the commit.
 * @throws MlsError INVALID_PROPOSAL for an invalid list (same rules as receivers, §12.2); STATE when inactive.
 * @example const { staged, commit, welcome } = createCommit(state, { proposals: [addProposal(kp)] });
 *   send(commit, welcome); state = mergeStagedCommit(state, staged);
 */
export function createCommit(state: GroupState, opts: CommitOptions = {}): CreatedCommit {
  requireActive(state, 'createCommit');
  const { cs } = state;
  const me = state.myLeaf;
  const sender: Sender = { senderType: SenderType.member, leafIndex: me };
  const pending = opts.includePending === false ? [] : selectPending(state, cs);
  const entries: ProposalEntry[] = [...pending, ...(opts.proposals ?? []).map((proposal) => ({ proposal, sender }))];
  const applied = applyProposalList(state, entries, { committer: me, now: opts.now, allowPskUsage: opts.allowPskUsage });
  const own = pskStoreOf(state);
  const lookup = opts.pskLookup;
  const psks = lookupPsks(
    lookup === undefined ? own : { externalPsks: own.externalPsks, resumption: (id) => lookup(id) ?? own.resumption?.(id) },
    applied.psks,
  );
  const tree = applied.tree;
  const newEpoch = state.context.epoch + 1n;
  const doPath = applied.pathRequired || (opts.path ?? true);
  const added = applied.added;

  let commitSecret: Uint8Array | undefined;
  let pathSecrets: ReadonlyMap<NodeIndex, Uint8Array> | undefined;
  let keys: ReadonlyMap<NodeIndex, Uint8Array>;
  let path: UpdatePath | undefined;
  const signaturePrivateKey = opts.signaturePrivateKey ?? state.signaturePrivateKey;
  if (doPath) {
    const created = createUpdatePath(cs, tree, me, {
      groupId: state.context.groupId,
      signaturePrivateKey,
      ...(opts.leaf !== undefined ? { leaf: opts.leaf } : {}),
      groupContext: (th) => groupContextBytes({ ...state.context, epoch: newEpoch, treeHash: th, extensions: applied.extensions }),
      exclude: new Set(added.map((a) => a.leaf)),
    });
    commitSecret = created.commitSecret;
    pathSecrets = created.pathSecrets;
    keys = created.privateKeys.keys;
    path = created.updatePath;
  } else {
    keys = keysAfterProposals(state, applied);
  }

  const proposals: ProposalOrRef[] = entries.map((e) =>
    e.ref !== undefined ? { type: ProposalOrRefType.reference, reference: e.ref } : { type: ProposalOrRefType.proposal, proposal: e.proposal },
  );
  const content: FramedContent = {
    groupId: state.context.groupId,
    epoch: state.context.epoch,
    sender,
    authenticatedData: opts.authenticatedData ?? new Uint8Array(0),
    contentType: ContentType.commit,
    commit: { proposals, path },
  };
  const wireFormat =
    opts.wireFormat === undefined ? handshakeWireFormat(state) : opts.wireFormat === 'private' ? WireFormat.mls_private_message : WireFormat.mls_public_message;
  // §12.4.1: sign with the old GroupContext (and the old key), then transcript, key schedule, confirmation tag.
  const signature = signFor(state, wireFormat, content);
  const confirmed = confirmedTranscriptHash(cs, state.interimTranscriptHash, { wireFormat, content, signature });
  const context: GroupContext = {
    ...state.context,
    epoch: newEpoch,
    treeHash: treeHash(cs, tree),
    confirmedTranscriptHash: confirmed,
    extensions: applied.extensions,
  };
  const epoch = keySchedule(cs, {
    initSecret: state.secrets.initSecret,
    commitSecret,
    pskSecret: psks.length > 0 ? pskSecret(cs, psks) : undefined,
    groupContext: context,
  });
  const tag = confirmationTag(cs, epoch.confirmationKey, confirmed);
  const ac: AuthenticatedContent = { wireFormat, content, auth: { signature, confirmationTag: tag } };
  const framed = frame(state, ac, state.secretTree);

  const next = advanceState(state, {
    context,
    tree,
    epoch,
    privateKeys: keys,
    confirmationTag: tag,
    interim: interimTranscriptHash(cs, confirmed, tag),
    oldSecretTree: framed.secretTree,
    signaturePrivateKey,
    reinit: applied.reinit,
  });
  // The tree is next.tree: staged states are never mutated, so building the GroupInfo later gives the same bytes.
  const externalPub = epoch.externalPub;
  let groupInfo: GroupInfo | undefined;
  const groupInfoOf = () =>
    (groupInfo ??= buildGroupInfo(cs, { context, tree, confirmationTag: tag, signer: me, signaturePrivateKey, externalPub }, opts));
  let groupInfoBytes: Uint8Array | undefined;
  const welcome =
    added.length === 0
      ? undefined
      : buildWelcome(cs, {
          groupInfo: groupInfoOf(),
          joinerSecret: epoch.joinerSecret,
          welcomeSecret: epoch.welcomeSecret,
          psks: applied.psks,
          newMembers: added,
          committer: me,
          pathSecrets,
        });
  epoch.epochSecret.fill(0); // §9.2: only the derived secrets are kept
  return {
    staged: {
      groupId: state.context.groupId,
      fromEpoch: state.context.epoch,
      state: next,
      removed: false,
      summary: {
        committer: me,
        external: false,
        proposals: entries.map((e) => e.proposal),
        added: added.map((a) => a.leaf),
        removed: applied.removed,
        updated: applied.updated,
        path: doPath,
      },
    },
    commit: framed.bytes,
    welcome,
    get groupInfo() {
      return (groupInfoBytes ??= mlsMessageBytes({ wireFormat: WireFormat.mls_group_info, groupInfo: groupInfoOf() }));
    },
    currentSecretTree: framed.secretTree,
  };
}

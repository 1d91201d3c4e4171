/**
 * Proposals (RFC 9420 §12.1–§12.3): validation of a commit's proposal list (§12.2), application of the list to a
 * copy of the ratchet tree and GroupContext (§12.3), the path-required rule (§12.4), PSK lookup (§8.4), and the
 * committer's choice among pending proposals.
 *
 * Every check has a name citing its section (`ProposalCheck`); a failure is `MlsError('INVALID_PROPOSAL')` whose
 * message starts with `[<check>]`. The same function validates for the committer (createCommit) and for every
 * receiver (processCommit), so both sides agree on what is valid.
 *
 * Cost for N members and k proposals: O(k) checks against the tree's key index (`TreeState.members()`, kept
 * current across epochs); a GroupContextExtensions proposal adds one O(N) pass over the leaves (every member must
 * support the new extensions). Public data only (PSK values are looked up, never compared).
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { MlsError } from '../errors.ts';
import { SenderType, type Sender } from '../framing/content.ts';
import {
  DEFAULT_EXTENSION_TYPES,
  ExtensionType,
  findExtension,
  readRequiredCapabilities,
  type Extension,
} from '../messages/extensions.ts';
import type { KeyPackage } from '../messages/key-package.ts';
import { LeafNodeSource, type LeafNode } from '../messages/leaf-node.ts';
import {
  PSKType,
  ResumptionPSKUsage,
  encodePreSharedKeyID,
  proposalTypeOf,
  type ExternalInit,
  type PreSharedKeyID,
  type Proposal,
  type ReInit,
  type ResumptionPSKID,
  type ResumptionPSKUsage as ResumptionPSKUsageT,
} from '../messages/proposals.ts';
import {
  DEFAULT_PROPOSAL_TYPES,
  LeafNodeCheck,
  checkMemberLeaf,
  validateKeyPackage,
  validateLeafNode,
  verifyKeyPackageSignatures,
  type Instant,
  type MemberIndex,
} from '../messages/validate.ts';
import { encode } from '../codec/writer.ts';
import type { PskInput } from '../schedule/psk.ts';
import type { LeafIndex } from '../tree/math.ts';
import type { TreeState } from '../tree/ratchet-tree.ts';
import { bytesEqual, hexOf, type ExternalPsk, type GroupState } from './state.ts';

/** The checks of §12.1 (individual proposals), §12.2 (the list) and §12.4 (references, path). */
export const ProposalCheck = {
  // §12.1 individual proposals
  senderType: '§12.1.8 proposal type allowed for its sender type',
  addKeyPackage: '§12.1.1 Add carries a valid KeyPackage',
  updateSender: '§12.1.2 Update sent by a member',
  updateLeafNode: '§12.1.2 Update carries a valid LeafNode',
  removeNonBlank: '§12.1.3 Remove names a non-blank leaf',
  pskNonce: '§12.1.4 psk_nonce is KDF.Nh bytes',
  pskUsage: '§12.1.4 resumption PSK usage is application',
  pskAvailable: '§12.4.2 PSK available',
  reinitVersion: '§12.1.5 ReInit version not below the group\'s',
  gceSupported: '§12.1.7 GroupContextExtensions supported by every member',
  // §12.2 the list of a regular commit
  updateByCommitter: '§12.2 no Update from the committer',
  removeCommitter: '§12.2 no Remove of the committer',
  oneChangePerLeaf: '§12.2 at most one Update or Remove per leaf',
  duplicateAdd: '§12.2 Adds for distinct clients',
  addExistingMember: '§12.2 Add of a client not already in the group',
  duplicatePsk: '§12.2 distinct PreSharedKeyIDs',
  oneGce: '§12.2 at most one GroupContextExtensions',
  reinitAlone: '§12.2 ReInit alone',
  noExternalInit: '§12.2 no ExternalInit in a regular commit',
  typeSupported: '§12.2 proposal type supported by every member',
  // §12.2 the list of an external commit
  externalOnlyAllowed: '§12.2 external commit carries only ExternalInit, Remove and PreSharedKey',
  externalOneInit: '§12.2 external commit carries exactly one ExternalInit',
  externalOneRemove: '§12.2 external commit carries at most one Remove',
  externalByValue: '§12.4.3.2 external commit carries proposals by value',
  // §12.4
  knownReference: '§12.4 proposal reference known in this epoch',
  pathRequired: '§12.4 path present when required',
} as const;
export type ProposalCheckName = (typeof ProposalCheck)[keyof typeof ProposalCheck];

export function proposalFail(check: ProposalCheckName, what: string, cause?: unknown): never {
  throw new MlsError(check === ProposalCheck.pathRequired ? 'INVALID_COMMIT' : 'INVALID_PROPOSAL', `[${check}] ${what}`, cause === undefined ? undefined : { cause });
}

/** Proposal types an `external` sender may send (§12.1.8, "Ext" column of §17.4). */
const EXTERNAL_SENDER_KINDS: ReadonlySet<Proposal['kind']> = new Set(['add', 'remove', 'psk', 'reinit', 'group_context_extensions']);
/** Types whose presence makes a path mandatory (§12.4 pathRequiredTypes; unknown types count as requiring one). */
const PATH_REQUIRED_KINDS: ReadonlySet<Proposal['kind']> = new Set(['update', 'remove', 'external_init', 'group_context_extensions', 'unknown']);

/** One proposal of a commit, with who proposed it and, for a reference, its ProposalRef. */
export interface ProposalEntry {
  readonly proposal: Proposal;
  /** The proposal's sender: the committer for proposals by value. */
  readonly sender: Sender;
  /** Set when the commit names the proposal by reference. */
  readonly ref?: Uint8Array | undefined;
  /** This member's own Update: the new leaf's private key. */
  readonly updatePrivateKey?: Uint8Array | undefined;
}

/** The result of applying a proposal list to a copy of the tree and GroupContext. */
export interface AppliedProposals {
  /** A clone of the state's tree with the proposals applied. */
  readonly tree: TreeState;
  /** The GroupContext extensions after the list (a GroupContextExtensions replaces them, §12.1.7). */
  readonly extensions: readonly Extension[];
  readonly added: readonly { readonly leaf: LeafIndex; readonly keyPackage: KeyPackage }[];
  readonly removed: readonly LeafIndex[];
  readonly updated: readonly LeafIndex[];
  /** The PreSharedKeyIDs, in list order (§8.4). */
  readonly psks: readonly PreSharedKeyID[];
  readonly externalInit?: ExternalInit | undefined;
  readonly reinit?: ReInit | undefined;
  /** §12.4: a path is required (empty list, or a path-required type). */
  readonly pathRequired: boolean;
  /** The members after the list (for the committer's path leaf checks, §7.3). */
  readonly members: MemberIndex;
  /** The own leaf's new private key when this member's own Update was committed. */
  readonly ownUpdatePrivateKey?: Uint8Array | undefined;
}

export interface ApplyOptions {
  /** The committer's leaf; undefined for an external commit (its leaf is assigned after the list). */
  readonly committer: LeafIndex | undefined;
  /** The time for KeyPackage lifetimes (default now). */
  readonly now?: Instant | undefined;
  /** The first commit of a reinitialised (§11.2) or branched (§11.3) group may carry one PSK of this usage. */
  readonly allowPskUsage?: ResumptionPSKUsageT | undefined;
}

const isMemberSender = (s: Sender): s is Extract<Sender, { senderType: 1 }> => s.senderType === SenderType.member;
const pskKey = (id: PreSharedKeyID): string => hexOf(encode((w) => encodePreSharedKeyID(w, id)));

/**
 * Check that a proposal may come from its sender type (§12.1.8): external senders send Add, Remove, PSK, ReInit
 * and GroupContextExtensions; a new_member_proposal sender only an Add; nobody sends a standalone ExternalInit.
 * @throws MlsError INVALID_PROPOSAL [senderType].
 */
export function checkProposalSender(p: Proposal, sender: Sender): void {
  if (p.kind === 'external_init')
    proposalFail(ProposalCheck.senderType, 'an ExternalInit is only valid by value inside an external commit (§12.1.6)');
  if (sender.senderType === SenderType.external && !EXTERNAL_SENDER_KINDS.has(p.kind))
    proposalFail(ProposalCheck.senderType, `an external sender cannot propose ${p.kind}`);
  if (sender.senderType === SenderType.new_member_proposal && p.kind !== 'add')
    proposalFail(ProposalCheck.senderType, `a new_member_proposal sender can only propose add, not ${p.kind}`);
  if (sender.senderType === SenderType.new_member_commit)
    proposalFail(ProposalCheck.senderType, 'new_member_commit is a commit sender, not a proposal sender');
  if (p.kind === 'update' && sender.senderType !== SenderType.member)
    proposalFail(ProposalCheck.updateSender, 'an Update must come from a member');
}

/**
 * The §7.3/§13.4 checks of a leaf against the group's extensions: required_capabilities listed in the leaf's
 * capabilities, and every non-default GroupContext extension supported.
 * @returns a description of what is missing, or undefined when the leaf is fine.
 */
export function leafGroupSupportProblem(leaf: LeafNode, extensions: readonly Extension[]): string | undefined {
  const caps = leaf.capabilities;
  const rcExt = findExtension(extensions, ExtensionType.required_capabilities);
  if (rcExt !== undefined) {
    const rc = readRequiredCapabilities(rcExt);
    for (const t of rc.extensionTypes)
      if (!DEFAULT_EXTENSION_TYPES.has(t) && !caps.extensions.includes(t)) return `lacks required extension type ${t}`;
    for (const t of rc.proposalTypes)
      if (!DEFAULT_PROPOSAL_TYPES.has(t) && !caps.proposals.includes(t)) return `lacks required proposal type ${t}`;
    for (const t of rc.credentialTypes) if (!caps.credentials.includes(t)) return `lacks required credential type ${t}`;
  }
  for (const e of extensions)
    if (!DEFAULT_EXTENSION_TYPES.has(e.extensionType) && !caps.extensions.includes(e.extensionType))
      return `does not support group context extension ${e.extensionType}`;
  return undefined;
}

/**
 * Validate a proposal list (§12.1, §12.2) and apply it (§12.3) to a clone of the state's tree. Regular commits
 * name their committer; external commits (committer undefined) follow the external-commit rules of §12.2.
 * @throws MlsError INVALID_PROPOSAL `[<ProposalCheck>] …` (KeyPackage and LeafNode failures carry the inner
 *   check's message and the original error as `cause`); UNSUPPORTED never (unknown types follow config).
 * @example const applied = applyProposalList(state, entries, { committer: sender.leafIndex });
 */
export function applyProposalList(state: GroupState, entries: readonly ProposalEntry[], opts: ApplyOptions): AppliedProposals {
  const { cs, context } = state;
  const external = opts.committer === undefined;
  const committer = opts.committer;

  // --- list-shape rules (§12.2), before any work ---
  let gce: Extension[] | undefined;
  let gceCount = 0;
  let externalInit: ExternalInit | undefined;
  let reinit: ReInit | undefined;
  const changedLeaves = new Set<number>();
  const pskIds = new Set<string>();
  let initCount = 0;
  let removeCount = 0;
  for (const e of entries) {
    const p = e.proposal;
    if (external) {
      if (e.ref !== undefined) proposalFail(ProposalCheck.externalByValue, 'an external commit names a proposal by reference');
      if (p.kind !== 'external_init' && p.kind !== 'remove' && p.kind !== 'psk')
        proposalFail(ProposalCheck.externalOnlyAllowed, `an external commit carries a ${p.kind} proposal`);
      if (p.kind === 'external_init') {
        initCount++;
        externalInit = p;
      }
      if (p.kind === 'remove') removeCount++;
    } else {
      if (p.kind === 'external_init') proposalFail(ProposalCheck.noExternalInit, 'a regular commit carries an ExternalInit');
      checkProposalSender(p, e.sender);
    }
    if (p.kind === 'unknown') {
      if (state.config.unknownProposals === 'reject')
        proposalFail(ProposalCheck.typeSupported, `proposal type ${p.proposalType} is not supported (policy: reject)`);
    }
    if (p.kind === 'update') {
      const s = e.sender as Extract<Sender, { senderType: 1 }>;
      if (s.leafIndex === committer) proposalFail(ProposalCheck.updateByCommitter, `the committer (leaf ${committer}) commits its own Update`);
      if (changedLeaves.has(s.leafIndex)) proposalFail(ProposalCheck.oneChangePerLeaf, `leaf ${s.leafIndex} is updated or removed twice`);
      changedLeaves.add(s.leafIndex);
    }
    if (p.kind === 'remove') {
      if (!external && p.removed === committer) proposalFail(ProposalCheck.removeCommitter, `the committer (leaf ${committer}) removes itself`);
      if (changedLeaves.has(p.removed)) proposalFail(ProposalCheck.oneChangePerLeaf, `leaf ${p.removed} is updated or removed twice`);
      changedLeaves.add(p.removed);
    }
    if (p.kind === 'psk') {
      const id = p.psk;
      if (id.pskNonce.length !== cs.Nh)
        proposalFail(ProposalCheck.pskNonce, `psk_nonce is ${id.pskNonce.length} bytes, KDF.Nh is ${cs.Nh}`);
      if (id.pskType === PSKType.resumption && id.usage !== ResumptionPSKUsage.application && id.usage !== opts.allowPskUsage)
        proposalFail(ProposalCheck.pskUsage, `resumption PSK usage ${id.usage} outside a reinit or branch`);
      const k = pskKey(id);
      if (pskIds.has(k)) proposalFail(ProposalCheck.duplicatePsk, 'two PreSharedKey proposals name the same PreSharedKeyID');
      pskIds.add(k);
    }
    if (p.kind === 'group_context_extensions') {
      gceCount++;
      gce = [...p.extensions];
    }
    if (p.kind === 'reinit') {
      reinit = p;
      if (p.version < 1) proposalFail(ProposalCheck.reinitVersion, `ReInit version ${p.version} is below the group's (mls10)`);
    }
  }
  if (gceCount > 1) proposalFail(ProposalCheck.oneGce, `${gceCount} GroupContextExtensions proposals`);
  if (reinit !== undefined && entries.length > 1) proposalFail(ProposalCheck.reinitAlone, `a ReInit with ${entries.length - 1} other proposal(s)`);
  if (external) {
    if (initCount !== 1) proposalFail(ProposalCheck.externalOneInit, `${initCount} ExternalInit proposals`);
    if (removeCount > 1) proposalFail(ProposalCheck.externalOneRemove, `${removeCount} Remove proposals`);
  }

  // --- application (§12.3): GroupContextExtensions, Updates, Removes, Adds ---
  const tree = state.tree.clone();
  const extensions = gce ?? context.extensions;
  const members = tree.members(); // follows the tree's changes below
  const updated: LeafIndex[] = [];
  const removed: LeafIndex[] = [];
  const added: { leaf: LeafIndex; keyPackage: KeyPackage }[] = [];
  let ownUpdatePrivateKey: Uint8Array | undefined;

  for (const e of entries) {
    if (e.proposal.kind !== 'update') continue;
    const l = (e.sender as Extract<Sender, { senderType: 1 }>).leafIndex;
    if (tree.leafNode(l) === null) proposalFail(ProposalCheck.updateSender, `Update from leaf ${l}, which is blank`);
    const leaf = e.proposal.leafNode;
    wrap(ProposalCheck.updateLeafNode, `Update of leaf ${l}`, () => {
      validateLeafNode(leaf, {
        suite: cs,
        expectedSource: LeafNodeSource.update,
        groupId: context.groupId,
        leafIndex: l,
        groupExtensions: extensions,
        code: 'INVALID_PROPOSAL',
      });
      checkMemberLeaf(members, leaf, { replacing: l, code: 'INVALID_PROPOSAL' });
    });
    tree.updateLeaf(l, leaf);
    updated.push(l);
    if (l === state.myLeaf) {
      if (e.updatePrivateKey === undefined)
        throw new MlsError('STATE', `an Update of this member's leaf ${l} whose private key is unknown`);
      ownUpdatePrivateKey = e.updatePrivateKey;
    }
  }
  for (const e of entries) {
    if (e.proposal.kind !== 'remove') continue;
    const l = e.proposal.removed;
    if (l >= tree.nLeaves || tree.leafNode(l) === null) proposalFail(ProposalCheck.removeNonBlank, `Remove of leaf ${l}, which is blank or outside the tree`);
    tree.removeLeaf(l);
    removed.push(l);
  }
  const addSigKeys = new Set<string>();
  // Every Add's two signatures in one batch (the dominant cost of adding many members); reported per Add below.
  const adds = entries.flatMap((e) => (e.proposal.kind === 'add' ? [e.proposal.keyPackage] : []));
  const addSigs = adds.length > 1 ? verifyKeyPackageSignatures(cs, adds) : undefined;
  let addNo = 0;
  for (const e of entries) {
    if (e.proposal.kind !== 'add') continue;
    const kp = e.proposal.keyPackage;
    const signatures = addSigs?.[addNo++];
    wrap(ProposalCheck.addKeyPackage, 'Add', () =>
      validateKeyPackage(kp, {
        suite: cs,
        ...(signatures !== undefined ? { signatures } : {}),
        groupExtensions: extensions,
        now: opts.now ?? new Date(),
        ...(state.config.maxLifetimeSeconds !== undefined ? { maxLifetimeSeconds: state.config.maxLifetimeSeconds } : {}),
      }),
    );
    const sk = hexOf(kp.leafNode.signatureKey);
    if (addSigKeys.has(sk)) proposalFail(ProposalCheck.duplicateAdd, 'two Adds carry the same signature key');
    addSigKeys.add(sk);
    try {
      checkMemberLeaf(members, kp.leafNode, { code: 'INVALID_PROPOSAL' });
    } catch (err) {
      if (err instanceof MlsError && err.message.includes(LeafNodeCheck.signatureKeyUnique))
        proposalFail(ProposalCheck.addExistingMember, `Add of a client already in the group: ${err.message}`, err);
      proposalFail(ProposalCheck.addKeyPackage, `Add: ${err instanceof Error ? err.message : String(err)}`, err);
    }
    const leaf = tree.addLeaf(kp.leafNode);
    added.push({ leaf, keyPackage: kp });
  }

  // §12.1.7: with new extensions, every member after the list must support them (added ones included).
  if (gce !== undefined)
    for (const [l, leaf] of tree.leaves()) {
      const problem = leafGroupSupportProblem(leaf, gce);
      if (problem !== undefined) proposalFail(ProposalCheck.gceSupported, `leaf ${l} ${problem}`);
    }
  // §12.2: a non-default type must be supported by every member that stays (added and removed ones excepted).
  const unknownTypes = entries.filter((e) => e.proposal.kind === 'unknown').map((e) => proposalTypeOf(e.proposal));
  if (unknownTypes.length > 0) {
    const addedSet = new Set<number>(added.map((a) => a.leaf));
    for (const [l, leaf] of tree.leaves()) {
      if (addedSet.has(l)) continue;
      for (const t of unknownTypes)
        if (!leaf.capabilities.proposals.includes(t)) proposalFail(ProposalCheck.typeSupported, `leaf ${l} does not support proposal type ${t}`);
    }
  }

  const pathRequired = entries.length === 0 || entries.some((e) => PATH_REQUIRED_KINDS.has(e.proposal.kind));
  const psks = entries.flatMap((e) => (e.proposal.kind === 'psk' ? [e.proposal.psk] : []));
  return { tree, extensions, added, removed, updated, psks, externalInit, reinit, pathRequired, members, ownUpdatePrivateKey };
}

/** Run f; rethrow an MlsError of a lower layer (KeyPackage, LeafNode checks) as INVALID_PROPOSAL under `check`. */
function wrap(check: ProposalCheckName, what: string, f: () => void): void {
  try {
    f();
  } catch (err) {
    if (err instanceof MlsError && err.code === 'INVALID_PROPOSAL' && err.message.includes(`[${check}]`)) throw err;
    proposalFail(check, `${what}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

/** Where PSK values come from (§8.4). */
export interface PskStore {
  readonly externalPsks: readonly ExternalPsk[];
  /** Resumption PSKs by id (this group's past epochs, or other groups'). */
  readonly resumption?: ((id: ResumptionPSKID) => Uint8Array | undefined) | undefined;
}

/** The PSK store of a state: its external PSKs, and its own group's resumption PSKs (current and kept epochs). */
export function pskStoreOf(state: GroupState): PskStore {
  return {
    externalPsks: state.externalPsks,
    resumption: (id) => {
      if (!bytesEqual(id.pskGroupId, state.context.groupId)) return undefined;
      if (id.pskEpoch === state.context.epoch) return state.secrets.resumptionPsk;
      return state.resumptionPsks.find((r) => r.epoch === id.pskEpoch)?.psk;
    },
  };
}

/**
 * The PSK values for a list of PreSharedKeyIDs, in order (§8.4).
 * @throws MlsError INVALID_PROPOSAL [pskAvailable] naming the missing PSK.
 */
export function lookupPsks(store: PskStore, ids: readonly PreSharedKeyID[]): PskInput[] {
  return ids.map((id) => {
    const psk =
      id.pskType === PSKType.external
        ? store.externalPsks.find((e) => bytesEqual(e.pskId, id.pskId))?.psk
        : store.resumption?.(id);
    if (psk === undefined)
      proposalFail(
        ProposalCheck.pskAvailable,
        id.pskType === PSKType.external ? `external PSK ${hexOf(id.pskId)} is unknown` : `resumption PSK of epoch ${id.pskEpoch} is not available`,
      );
    return { id, psk };
  });
}

/**
 * The pending proposals a committer includes (§12.4: SHOULD include all valid ones), filtered so the list stays
 * valid: its own Updates (the path replaces its leaf) and Removes of itself are left out; per leaf, a Remove wins
 * over Updates, else the most recent Update (§12.2); repeated PSK ids, earlier GroupContextExtensions, Adds of a
 * signature key seen before, and a ReInit next to other proposals are dropped.
 */
export function selectPending(state: GroupState, cs: CipherSuite): ProposalEntry[] {
  const pending = state.proposals;
  const me = state.myLeaf;
  const removedLeaves = new Set<number>();
  for (const c of pending) if (c.proposal.kind === 'remove') removedLeaves.add(c.proposal.removed);
  const lastUpdate = new Map<number, number>();
  pending.forEach((c, i) => {
    if (c.proposal.kind === 'update' && isMemberSender(c.sender)) lastUpdate.set(c.sender.leafIndex, i);
  });
  let lastGce = -1;
  pending.forEach((c, i) => {
    if (c.proposal.kind === 'group_context_extensions') lastGce = i;
  });
  const out: ProposalEntry[] = [];
  const seenRemove = new Set<number>();
  const seenPsk = new Set<string>();
  const seenAdd = new Set<string>();
  pending.forEach((c, i) => {
    const p = c.proposal;
    if (p.kind === 'update') {
      if (!isMemberSender(c.sender) || c.sender.leafIndex === me) return;
      if (removedLeaves.has(c.sender.leafIndex) || lastUpdate.get(c.sender.leafIndex) !== i) return;
    } else if (p.kind === 'remove') {
      if (p.removed === me || seenRemove.has(p.removed)) return;
      seenRemove.add(p.removed);
    } else if (p.kind === 'psk') {
      if (p.psk.pskNonce.length !== cs.Nh) return;
      const k = pskKey(p.psk);
      if (seenPsk.has(k)) return;
      seenPsk.add(k);
    } else if (p.kind === 'group_context_extensions') {
      if (i !== lastGce) return;
    } else if (p.kind === 'add') {
      const k = hexOf(p.keyPackage.leafNode.signatureKey);
      if (seenAdd.has(k)) return;
      seenAdd.add(k);
    } else if (p.kind === 'unknown' && state.config.unknownProposals === 'reject') return;
    out.push({ proposal: p, sender: c.sender, ref: c.ref, updatePrivateKey: c.updatePrivateKey });
  });
  const hasReinit = out.some((e) => e.proposal.kind === 'reinit');
  return hasReinit && out.length > 1 ? out.filter((e) => e.proposal.kind !== 'reinit') : out;
}

/**
 * Reinitialisation (RFC 9420 §11.2) and subgroup branching (§11.3): a new group whose first commit injects a
 * resumption PSK of the old group (usage reinit or branch) and welcomes the members, who join with
 * `joinFromWelcome({ …, previous: oldState })` (the PSK comes from the old state, and the reinit parameters are
 * checked against the committed ReInit).
 *
 * Flow for ReInit: a member proposes/commits `{ kind: 'reinit', groupId, version: 1, cipherSuite, extensions }`
 * (alone, §12.2); after merging that commit every state is inactive with `state.reinit` set; the committer then
 * calls `reinitGroup(oldState, { keyPackages })` with fresh KeyPackages of the other members (in the new suite).
 *
 * Secrets: the old epoch's resumption PSK enters the new group's key schedule; nothing else crosses.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { getCipherSuite } from '../crypto/suites.ts';
import { MlsError } from '../errors.ts';
import type { Credential } from '../messages/credential.ts';
import type { Extension } from '../messages/extensions.ts';
import type { KeyPackage } from '../messages/key-package.ts';
import { PSKType, ResumptionPSKUsage, type PreSharedKeyID, type Proposal } from '../messages/proposals.ts';
import { createCommit, mergeStagedCommit } from './commit.ts';
import { createGroup } from './create.ts';
import { pskStoreOf } from './proposals.ts';
import { bytesEqual, type GroupConfig, type GroupState } from './state.ts';

/** The new group after reinit or branch: the creator's state (epoch 1) and the Welcome for the others. */
export interface NewGroup {
  readonly state: GroupState;
  /** MLSMessage (Welcome) for every KeyPackage given. */
  readonly welcome: Uint8Array;
}

interface NewGroupParams {
  readonly suite: CipherSuite;
  readonly groupId: Uint8Array;
  readonly extensions: readonly Extension[];
  readonly keyPackages: readonly KeyPackage[];
  readonly credential: Credential;
  readonly signaturePrivateKey: Uint8Array;
  readonly config?: Partial<GroupConfig> | undefined;
}

function startWithPsk(old: GroupState, usage: ResumptionPSKUsage, p: NewGroupParams): NewGroup {
  const fresh = createGroup({
    suite: p.suite,
    credential: p.credential,
    signaturePrivateKey: p.signaturePrivateKey,
    groupId: p.groupId,
    extensions: p.extensions,
    config: p.config ?? old.config,
  });
  const psk: PreSharedKeyID = {
    pskType: PSKType.resumption,
    usage,
    pskGroupId: old.context.groupId,
    pskEpoch: old.context.epoch,
    pskNonce: p.suite.randomBytes(p.suite.Nh),
  };
  const proposals: Proposal[] = [...p.keyPackages.map((keyPackage) => ({ kind: 'add' as const, keyPackage })), { kind: 'psk', psk }];
  const oldStore = pskStoreOf(old);
  const c = createCommit(fresh, { proposals, allowPskUsage: usage, pskLookup: (id) => (id === psk ? oldStore.resumption?.(psk) : undefined) });
  if (c.welcome === undefined) throw new MlsError('STATE', 'a reinit or branch needs at least one other member');
  return { state: mergeStagedCommit(fresh, c.staged), welcome: c.welcome };
}

/**
 * Create the group that replaces a reinitialised one (§11.2): the ReInit's group id, suite and extensions, the
 * old group's resumption PSK (usage reinit) of the epoch the ReInit commit started, the given members.
 * @param old the state after merging the commit that carried the ReInit (inactive, `reinit` set).
 * @throws MlsError STATE when `old` has no committed ReInit; INVALID_PROPOSAL for bad KeyPackages.
 */
export function reinitGroup(
  old: GroupState,
  opts: {
    readonly keyPackages: readonly KeyPackage[];
    /** The implementation of the new suite (default getCipherSuite(reinit.cipherSuite)). */
    readonly suite?: CipherSuite;
    /** A credential and key for the new suite (default: the old leaf's, valid when the signature scheme is the same). */
    readonly credential?: Credential;
    readonly signaturePrivateKey?: Uint8Array;
    readonly config?: Partial<GroupConfig>;
  },
): NewGroup {
  const r = old.reinit;
  if (r === undefined) throw new MlsError('STATE', 'no ReInit was committed in this group');
  const suite = opts.suite ?? (r.cipherSuite === old.cs.id ? old.cs : getCipherSuite(r.cipherSuite));
  return startWithPsk(old, ResumptionPSKUsage.reinit, {
    suite,
    groupId: r.groupId,
    extensions: r.extensions,
    keyPackages: opts.keyPackages,
    credential: opts.credential ?? old.tree.leafNode(old.myLeaf)!.credential,
    signaturePrivateKey: opts.signaturePrivateKey ?? old.signaturePrivateKey,
    config: opts.config,
  });
}

/**
 * Branch a subgroup (§11.3): a new group with the same suite, a new group id, and some of the members (fresh
 * KeyPackages), bound to the current epoch of `old` by its resumption PSK (usage branch).
 * @throws MlsError STATE when inactive; INVALID_PROPOSAL for bad KeyPackages.
 */
export function branchGroup(
  old: GroupState,
  opts: { readonly keyPackages: readonly KeyPackage[]; readonly groupId?: Uint8Array; readonly extensions?: readonly Extension[]; readonly config?: Partial<GroupConfig> },
): NewGroup {
  if (!old.active) throw new MlsError('STATE', 'branchGroup: this member is no longer in the group');
  for (const kp of opts.keyPackages)
    if (kp.cipherSuite !== old.cs.id) throw new MlsError('INVALID_KEY_PACKAGE', 'a branch keeps the cipher suite (§11.3)');
  return startWithPsk(old, ResumptionPSKUsage.branch, {
    suite: old.cs,
    groupId: opts.groupId ?? old.cs.randomBytes(32),
    extensions: opts.extensions ?? old.context.extensions,
    keyPackages: opts.keyPackages,
    credential: old.tree.leafNode(old.myLeaf)!.credential,
    signaturePrivateKey: old.signaturePrivateKey,
    config: opts.config,
  });
}

/**
 * The checks a joiner makes on a reinit/branch Welcome against its old state (§12.4.3.1 last bullet).
 * @throws MlsError INVALID_MESSAGE naming the mismatch.
 */
export function checkResumptionJoin(previous: GroupState, usage: number, gc: { groupId: Uint8Array; cipherSuite: number; extensions: readonly Extension[] }): void {
  if (usage === ResumptionPSKUsage.reinit) {
    const r = previous.reinit;
    if (r === undefined) throw new MlsError('INVALID_MESSAGE', '[§12.4.3.1 reinit] the referenced group did not commit a ReInit');
    const sameExt =
      r.extensions.length === gc.extensions.length &&
      r.extensions.every((e, i) => e.extensionType === gc.extensions[i]!.extensionType && bytesEqual(e.extensionData, gc.extensions[i]!.extensionData));
    if (!bytesEqual(r.groupId, gc.groupId) || r.cipherSuite !== gc.cipherSuite || r.version !== 1 || !sameExt)
      throw new MlsError('INVALID_MESSAGE', '[§12.4.3.1 reinit] the new group does not match the committed ReInit');
  } else if (usage === ResumptionPSKUsage.branch) {
    if (previous.context.cipherSuite !== gc.cipherSuite)
      throw new MlsError('INVALID_MESSAGE', '[§12.4.3.1 branch] a branch keeps the cipher suite');
  }
}

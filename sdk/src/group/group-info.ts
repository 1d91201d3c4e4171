/**
 * GroupInfo creation and verification (RFC 9420 §12.4.3).
 *
 * ```
 * struct {
 *     GroupContext group_context;
 *     Extension extensions<V>;
 *     MAC confirmation_tag;
 *     uint32 signer;
 *     /* SignWithLabel(., "GroupInfoTBS", GroupInfoTBS) *\/
 *     opaque signature<V>;
 * } GroupInfo;
 * ```
 *
 * A member publishes a GroupInfo so that others can join by external commit (it then carries `external_pub`,
 * §12.4.3.2) and puts one, encrypted, in every Welcome. The `ratchet_tree` extension (§12.4.3.3) is optional:
 * without it the joiner needs the tree out of band. Public data only (signing uses the member's key).
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { signWithLabel, verifyWithLabel } from '../crypto/labels.ts';
import { MlsError } from '../errors.ts';
import { WireFormat } from '../messages/common.ts';
import { ExtensionType, externalPubExtension, findExtension, type Extension } from '../messages/extensions.ts';
import type { GroupContext } from '../messages/group-context.ts';
import { groupInfoTBS, type GroupInfo, type GroupInfoTBS } from '../messages/group-info.ts';
import { mlsMessageBytes } from '../messages/mls-message.ts';
import { ratchetTreeExtension, readRatchetTreeExtension, type RatchetTree } from '../messages/ratchet-tree.ts';
import type { LeafIndex } from '../tree/math.ts';
import { TreeState } from '../tree/ratchet-tree.ts';
import { requireActive, type GroupState } from './state.ts';

/** Sign a GroupInfoTBS: signature = SignWithLabel(., "GroupInfoTBS", GroupInfoTBS). */
export function signGroupInfo(cs: CipherSuite, signaturePrivateKey: Uint8Array, tbs: GroupInfoTBS): GroupInfo {
  return { ...tbs, signature: signWithLabel(cs, signaturePrivateKey, 'GroupInfoTBS', groupInfoTBS(tbs)) };
}

/** What goes into a GroupInfo besides the group context. */
export interface GroupInfoOptions {
  /** Include the ratchet tree (`ratchet_tree` extension, §12.4.3.3). Default true. */
  readonly ratchetTree?: boolean;
  /** Include `external_pub` so that the GroupInfo allows external commits (§12.4.3.2). Default true. */
  readonly externalPub?: boolean;
  /** More GroupInfo extensions (unknown ones are ignored by receivers, §12.4.3). */
  readonly extensions?: readonly Extension[];
}

/** The GroupInfo of an epoch, from its parts. */
export function buildGroupInfo(
  cs: CipherSuite,
  parts: {
    readonly context: GroupContext;
    readonly tree: TreeState;
    readonly confirmationTag: Uint8Array;
    readonly signer: LeafIndex;
    readonly signaturePrivateKey: Uint8Array;
    readonly externalPub: Uint8Array;
  },
  opts: GroupInfoOptions = {},
): GroupInfo {
  const extensions: Extension[] = [];
  if (opts.ratchetTree ?? true) extensions.push(ratchetTreeExtension(parts.tree.toWire()));
  if (opts.externalPub ?? true) extensions.push(externalPubExtension(parts.externalPub));
  for (const e of opts.extensions ?? []) extensions.push(e);
  return signGroupInfo(cs, parts.signaturePrivateKey, {
    groupContext: parts.context,
    extensions,
    confirmationTag: parts.confirmationTag,
    signer: parts.signer,
  });
}

/**
 * The GroupInfo of the state's current epoch, signed by this member, as an MLSMessage (wire_format
 * mls_group_info). Publish it to let others join by external commit.
 * @throws MlsError STATE when the member is no longer in the group.
 * @example const gi = createGroupInfo(state); // hand to a joiner: joinByExternalCommit({ groupInfo: gi, … })
 */
export function createGroupInfo(state: GroupState, opts: GroupInfoOptions = {}): Uint8Array {
  requireActive(state, 'createGroupInfo');
  const gi = buildGroupInfo(
    state.cs,
    {
      context: state.context,
      tree: state.tree,
      confirmationTag: state.confirmationTag,
      signer: state.myLeaf,
      signaturePrivateKey: state.signaturePrivateKey,
      externalPub: state.secrets.externalPub,
    },
    opts,
  );
  return mlsMessageBytes({ wireFormat: WireFormat.mls_group_info, groupInfo: gi });
}

/**
 * The ratchet tree of a GroupInfo: from its `ratchet_tree` extension, else the one given out of band.
 * Shape only (`TreeState.fromWire`); validate it with tree/validate.ts.
 * @throws MlsError INVALID_TREE when neither is there or the shape is wrong; DECODE for a malformed extension.
 */
export function groupInfoTree(gi: GroupInfo, outOfBand: RatchetTree | undefined): TreeState {
  const ext = findExtension(gi.extensions, ExtensionType.ratchet_tree);
  const wire = ext !== undefined ? readRatchetTreeExtension(ext) : outOfBand;
  if (wire === undefined) throw new MlsError('INVALID_TREE', 'no ratchet_tree extension in the GroupInfo and no tree given out of band');
  return TreeState.fromWire(wire);
}

/**
 * Verify a GroupInfo's signature with the signature key of leaf `signer` of `tree` (§12.4.3).
 * @throws MlsError BAD_SIGNATURE when the signer's leaf is blank or the signature does not verify.
 */
export function verifyGroupInfo(cs: CipherSuite, gi: GroupInfo, tree: TreeState): void {
  const leaf = gi.signer < tree.nLeaves ? tree.leafNode(gi.signer) : null;
  if (leaf === null) throw new MlsError('BAD_SIGNATURE', `GroupInfo signer leaf ${gi.signer} is blank or outside the tree`);
  if (!verifyWithLabel(cs, leaf.signatureKey, 'GroupInfoTBS', groupInfoTBS(gi), gi.signature))
    throw new MlsError('BAD_SIGNATURE', `GroupInfo signature does not verify with leaf ${gi.signer}'s signature key`);
}

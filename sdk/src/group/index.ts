/**
 * The group state machine (RFC 9420 §8–§12): create, propose, commit, process → StagedCommit, merge.
 *
 * How to drive it (every call returns new values; nothing is mutated):
 * ```ts
 * let alice = createGroup({ suite, credential, signaturePrivateKey });
 * const bobKp = createKeyPackage({ suite, credential: bobCred, signaturePrivateKey: bobSig });
 * const c = createCommit(alice, { proposals: [addProposal(bobKp.keyPackage)] });
 * alice = mergeStagedCommit(alice, c.staged);                 // after the delivery service accepted c.commit
 * let bob = joinFromWelcome({ welcome: c.welcome!, keyPackage: bobKp.keyPackage, initPrivateKey: bobKp.initPrivateKey,
 *   encryptionPrivateKey: bobKp.encryptionPrivateKey, signaturePrivateKey: bobSig });
 * const sent = encryptApplication(alice, data); alice = sent.state;
 * const r = processMessage(bob, sent.message);                // kind: 'application' | 'proposal' | 'commit'
 * if (r.kind === 'commit') bob = mergeStagedCommit(bob, r.staged); else bob = r.state;
 * ```
 */
import { mlsExporter } from '../schedule/exporter.ts';
import type { Label } from '../crypto/labels.ts';
import { requireActive, type GroupState } from './state.ts';

export {
  DEFAULT_GROUP_CONFIG,
  epochAuthenticator,
  epochOf,
  groupConfig,
  groupExtensions,
  members,
  type CachedProposal,
  type ExternalPsk,
  type GroupConfig,
  type GroupState,
  type Member,
  type PastEpoch,
  type ResumptionPsk,
} from './state.ts';
export { createGroup, type CreateGroupOptions } from './create.ts';
export {
  createCommit,
  mergeStagedCommit,
  type CommitOptions,
  type CommitSummary,
  type CreatedCommit,
  type StagedCommit,
} from './commit.ts';
export { joinFromWelcome, type JoinOptions } from './welcome.ts';
export { joinByExternalCommit, type ExternalJoin, type ExternalJoinOptions } from './external.ts';
export { createGroupInfo, verifyGroupInfo, type GroupInfoOptions } from './group-info.ts';
export {
  addProposal,
  createExternalProposal,
  createJoinProposal,
  encryptApplication,
  externalPskProposal,
  groupContextExtensionsProposal,
  processMessage,
  propose,
  proposeUpdate,
  removeProposal,
  resumptionPskProposal,
  withExternalPsk,
  type Processed,
  type ProcessOptions,
  type SendOptions,
  type Sent,
  type SentProposal,
} from './messages.ts';
export { ProposalCheck, type ProposalCheckName } from './proposals.ts';
export { branchGroup, reinitGroup, type NewGroup } from './reinit.ts';
export { deserializeGroupState, serializeGroupState } from './serialize.ts';

/**
 * MLS-Exporter(label, context, length) of the current epoch (§8.5).
 * @example const key = exportSecret(state, 'my app key', new Uint8Array(0), 32);
 */
export function exportSecret(state: GroupState, label: Label, context: Uint8Array, length: number): Uint8Array {
  requireActive(state, 'exportSecret');
  return mlsExporter(state.cs, state.secrets.exporterSecret, label, context, length);
}

/**
 * Group creation (RFC 9420 §11): a one-member group at epoch 0.
 *
 * The creator's leaf is a fresh `key_package`-source LeafNode (as in a KeyPackage: lifetime, capabilities); the
 * GroupContext has an empty confirmed transcript hash; the epoch secret is fresh random bytes; the confirmation
 * tag is MAC(confirmation_key, "") and the interim transcript hash follows from it (§11).
 *
 * Secrets: the random epoch secret (wiped once the epoch's secrets are derived) and the leaf's HPKE key.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { MlsError } from '../errors.ts';
import { confirmationTag, interimTranscriptHash } from '../framing/transcript.ts';
import type { Capabilities } from '../messages/capabilities.ts';
import type { Credential } from '../messages/credential.ts';
import type { Extension } from '../messages/extensions.ts';
import type { GroupContext } from '../messages/group-context.ts';
import { createKeyPackage } from '../messages/key-package-create.ts';
import { epochSecrets } from '../schedule/key-schedule.ts';
import { leafToNode, type LeafIndex, type NodeIndex } from '../tree/math.ts';
import { TreeState } from '../tree/ratchet-tree.ts';
import { treeHash } from '../tree/tree-hash.ts';
import { leafGroupSupportProblem } from './proposals.ts';
import { consumeEncryptionSecret, groupConfig, type ExternalPsk, type GroupConfig, type GroupState } from './state.ts';

/** Options of `createGroup`. */
export interface CreateGroupOptions {
  readonly suite: CipherSuite;
  readonly credential: Credential;
  readonly signaturePrivateKey: Uint8Array;
  /** Derived from the private key when absent. */
  readonly signaturePublicKey?: Uint8Array;
  /** Default: 32 random bytes. */
  readonly groupId?: Uint8Array;
  /** GroupContext extensions (required_capabilities, external_senders, …); the creator's leaf must support them. */
  readonly extensions?: readonly Extension[];
  /** The creator leaf's capabilities (default: defaultCapabilities plus the group's extension types). */
  readonly capabilities?: Capabilities;
  readonly leafExtensions?: readonly Extension[];
  readonly config?: Partial<GroupConfig>;
  readonly externalPsks?: readonly ExternalPsk[];
}

/**
 * Create a one-member group at epoch 0 (§11).
 * @throws MlsError INVALID_MESSAGE when the creator's leaf does not support the group's extensions.
 * @example const state = createGroup({ suite: cs, credential: { kind: 'basic', identity: utf8('alice') }, signaturePrivateKey });
 */
export function createGroup(opts: CreateGroupOptions): GroupState {
  const cs = opts.suite;
  const config = groupConfig(opts.config);
  const extensions = opts.extensions ?? [];
  const groupId = opts.groupId ?? cs.randomBytes(32);
  // The leaf: a key_package leaf, as if from a KeyPackage of the creator; listing the group's extension types.
  const kp = createKeyPackage({
    suite: cs,
    credential: opts.credential,
    signaturePrivateKey: opts.signaturePrivateKey,
    ...(opts.signaturePublicKey !== undefined ? { signaturePublicKey: opts.signaturePublicKey } : {}),
    ...(opts.capabilities !== undefined ? { capabilities: opts.capabilities } : {}),
    extensions: [],
    leafExtensions: opts.leafExtensions ?? [],
    grease: false,
  });
  kp.initPrivateKey.fill(0); // no Welcome will be encrypted to it
  const leaf = kp.keyPackage.leafNode;
  const problem = leafGroupSupportProblem(leaf, extensions);
  if (problem !== undefined) throw new MlsError('INVALID_MESSAGE', `the creator's leaf ${problem}`);

  const tree = TreeState.create(leaf);
  const context: GroupContext = {
    cipherSuite: cs.id,
    groupId,
    epoch: 0n,
    treeHash: treeHash(cs, tree),
    confirmedTranscriptHash: new Uint8Array(0),
    extensions,
  };
  const epochSecret = cs.randomBytes(cs.Nh);
  const secrets = epochSecrets(cs, epochSecret);
  epochSecret.fill(0);
  const tag = confirmationTag(cs, secrets.confirmationKey, context.confirmedTranscriptHash);
  return {
    cs,
    config,
    context,
    tree,
    myLeaf: 0 as LeafIndex,
    privateKeys: new Map<NodeIndex, Uint8Array>([[leafToNode(0 as LeafIndex), kp.encryptionPrivateKey]]),
    signaturePrivateKey: opts.signaturePrivateKey,
    ...consumeEncryptionSecret(cs, secrets, 1, config.secretTreeWindow),
    interimTranscriptHash: interimTranscriptHash(cs, context.confirmedTranscriptHash, tag),
    confirmationTag: tag,
    proposals: [],
    resumptionPsks: [],
    externalPsks: opts.externalPsks ?? [],
    pastEpochs: [],
    active: true,
    reinit: undefined,
  };
}

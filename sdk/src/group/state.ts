/**
 * GroupState: everything one member knows about one group in one epoch (RFC 9420 §8, §9, §12), as a read-only
 * value. Every operation of the group layer takes a GroupState and returns a new one (or a StagedCommit holding
 * the whole next epoch); none mutates its input. `mergeStagedCommit` (commit.ts) is the only epoch transition.
 *
 * Shape:
 * - public group data: the GroupContext, the ratchet tree (`TreeState`: shared structure, never mutated here:
 *   every change works on a `clone()`), the interim transcript hash and the confirmation tag of the commit that
 *   started the epoch (a GroupInfo carries it, §12.4.3);
 * - own secrets: leaf index, the HPKE private keys of the nodes on the own direct path, the signature key, the
 *   epoch secrets (§8), the secret tree (§9);
 * - the proposal cache of this epoch (by ProposalRef, §5.2), resumption PSKs of past epochs (§8.6), registered
 *   external PSKs, and optionally the secret trees of past epochs for late application messages;
 * - per-group configuration (`GroupConfig`).
 *
 * The CipherSuite object travels with the state (`cs`); it is not serialized (serialize.ts takes one on restore).
 * Secrets: the state holds them; nothing here compares or derives any.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { MlsError } from '../errors.ts';
import type { Sender } from '../framing/content.ts';
import type { Credential } from '../messages/credential.ts';
import type { Extension } from '../messages/extensions.ts';
import type { GroupContext } from '../messages/group-context.ts';
import type { LeafNode } from '../messages/leaf-node.ts';
import type { Proposal, ReInit } from '../messages/proposals.ts';
import type { EpochSecrets } from '../schedule/key-schedule.ts';
import { DEFAULT_WINDOW, createSecretTree, type SecretTree, type SecretTreeWindow } from '../schedule/secret-tree.ts';
import type { LeafIndex, NodeIndex } from '../tree/math.ts';
import type { TreeState } from '../tree/ratchet-tree.ts';

/** Per-group policy. Every field has a default (`DEFAULT_GROUP_CONFIG`). */
export interface GroupConfig {
  /**
   * How this member sends proposals and commits: as PublicMessage (default; deployed clients differ, and some
   * refuse encrypted handshakes) or as PrivateMessage.
   */
  readonly handshakeWireFormat: 'public' | 'private';
  /** Which handshake forms are accepted on receipt (default both). */
  readonly acceptHandshake: 'public' | 'private' | 'both';
  /** Out-of-order window of the secret tree (§9; default 1,000 ahead, 10 behind). */
  readonly secretTreeWindow: SecretTreeWindow;
  /** Past epochs whose secret trees are kept to decrypt late application messages (default 0). */
  readonly pastEpochs: number;
  /** Past epochs whose resumption PSKs are kept (§8.6; default 8). */
  readonly resumptionPsks: number;
  /** Pad PrivateMessageContent to a multiple of this many bytes (§6.3.1); 0 = no padding (default 0). */
  readonly paddingBlock: number;
  /** Proposal types outside RFC 9420's seven: refused (default) or passed when every member supports them. */
  readonly unknownProposals: 'reject' | 'accept';
  /** The application's maximum KeyPackage lifetime in seconds (§7.2); unchecked when absent. */
  readonly maxLifetimeSeconds?: bigint | undefined;
}

export const DEFAULT_GROUP_CONFIG: GroupConfig = Object.freeze({
  handshakeWireFormat: 'public',
  acceptHandshake: 'both',
  secretTreeWindow: DEFAULT_WINDOW,
  pastEpochs: 0,
  resumptionPsks: 8,
  paddingBlock: 0,
  unknownProposals: 'reject',
  maxLifetimeSeconds: undefined,
});

/** A config with defaults filled in. @throws MlsError STATE for out-of-range numbers. */
export function groupConfig(partial: Partial<GroupConfig> = {}): GroupConfig {
  const c: GroupConfig = { ...DEFAULT_GROUP_CONFIG, ...partial };
  for (const [k, v] of [
    ['pastEpochs', c.pastEpochs],
    ['resumptionPsks', c.resumptionPsks],
    ['paddingBlock', c.paddingBlock],
  ] as const)
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new MlsError('STATE', `config ${k} = ${v} is not in 0..65535`);
  if (c.handshakeWireFormat !== 'public' && c.handshakeWireFormat !== 'private')
    throw new MlsError('STATE', `config handshakeWireFormat ${String(c.handshakeWireFormat)}`);
  if (!['public', 'private', 'both'].includes(c.acceptHandshake))
    throw new MlsError('STATE', `config acceptHandshake ${String(c.acceptHandshake)}`);
  return c;
}

/** A proposal received (or sent) in the current epoch, cached by its ProposalRef (§5.2, §12.1). */
export interface CachedProposal {
  /** MakeProposalRef(AuthenticatedContent). */
  readonly ref: Uint8Array;
  readonly proposal: Proposal;
  readonly sender: Sender;
  /** For this member's own Update: the private key of the new leaf's encryption key. Secret. */
  readonly updatePrivateKey?: Uint8Array | undefined;
}

/** What is kept of a past epoch to decrypt late application messages (config.pastEpochs). */
export interface PastEpoch {
  readonly context: GroupContext;
  readonly tree: TreeState;
  readonly secretTree: SecretTree;
  readonly senderDataSecret: Uint8Array;
}

/** An external PSK (§8.4) the application has registered. Secret. */
export interface ExternalPsk {
  readonly pskId: Uint8Array;
  readonly psk: Uint8Array;
}

/** A resumption PSK of an epoch of this group (§8.6). Secret. */
export interface ResumptionPsk {
  readonly epoch: bigint;
  readonly psk: Uint8Array;
}

/** The epoch secrets a GroupState keeps (§8): all but encryption_secret, which the secret tree consumes. */
export type GroupSecrets = Omit<EpochSecrets, 'encryptionSecret'>;

/**
 * Start an epoch's secret tree from its encryption_secret and keep the other secrets (§9, §9.2): the returned
 * `secrets` no longer reference encryption_secret, the secret tree holds it as its root until its first split.
 */
export function consumeEncryptionSecret(
  cs: CipherSuite,
  epoch: EpochSecrets,
  leafCount: number,
  window: SecretTreeWindow,
): { secrets: GroupSecrets; secretTree: SecretTree } {
  const { encryptionSecret, ...secrets } = epoch;
  return { secrets, secretTree: createSecretTree(cs, encryptionSecret, leafCount, window) };
}

/** One member's view of a group in one epoch. Read-only: operations return new values. */
export interface GroupState {
  /** The group's cipher suite implementation (not serialized). */
  readonly cs: CipherSuite;
  readonly config: GroupConfig;
  readonly context: GroupContext;
  /** The public ratchet tree. Never mutate it: clone first. */
  readonly tree: TreeState;
  readonly myLeaf: LeafIndex;
  /** HPKE private keys by node index: the own leaf and the parents on its direct path that are known. Secret. */
  readonly privateKeys: ReadonlyMap<NodeIndex, Uint8Array>;
  /** The signature private key of the own leaf. Secret. */
  readonly signaturePrivateKey: Uint8Array;
  /**
   * The epoch's secrets (§8) without encryption_secret, which lives only as the secret tree's root (§9.2): a
   * second copy would let a stored state re-derive every message key of the epoch after they were used. Secret.
   */
  readonly secrets: GroupSecrets;
  /** The epoch's secret tree (§9). Secret. */
  readonly secretTree: SecretTree;
  readonly interimTranscriptHash: Uint8Array;
  /** The confirmation tag of the commit that started this epoch (for GroupInfo, §12.4.3). */
  readonly confirmationTag: Uint8Array;
  /** Proposals of this epoch, in the order received. */
  readonly proposals: readonly CachedProposal[];
  /** Resumption PSKs of past epochs, newest last (config.resumptionPsks of them). */
  readonly resumptionPsks: readonly ResumptionPsk[];
  readonly externalPsks: readonly ExternalPsk[];
  /** Past epochs kept for decryption, newest last (config.pastEpochs of them). */
  readonly pastEpochs: readonly PastEpoch[];
  /**
   * False once this member was removed (a commit removed its leaf) or the group was reinitialised; such a
   * state can still decrypt messages of the epochs it knew, but cannot send or process handshakes.
   */
  readonly active: boolean;
  /** The ReInit committed in the epoch that ended this group (§11.2), if any. */
  readonly reinit?: ReInit | undefined;
}

/** A member as the application sees it. */
export interface Member {
  readonly leafIndex: LeafIndex;
  readonly credential: Credential;
  readonly signatureKey: Uint8Array;
  readonly encryptionKey: Uint8Array;
  readonly leafNode: LeafNode;
}

/** The current epoch number. */
export const epochOf = (s: GroupState): bigint => s.context.epoch;

/** The epoch authenticator of the current epoch (§8.7): compare it out of band to detect forks. */
export const epochAuthenticator = (s: GroupState): Uint8Array => s.secrets.epochAuthenticator;

/**
 * The members of the group: every non-blank leaf, in leaf order, with its credential and keys.
 * @example for (const m of members(state)) console.log(m.leafIndex, m.credential);
 */
export function members(s: GroupState): Member[] {
  const out: Member[] = [];
  for (const [leafIndex, leaf] of s.tree.leaves())
    out.push({ leafIndex, credential: leaf.credential, signatureKey: leaf.signatureKey, encryptionKey: leaf.encryptionKey, leafNode: leaf });
  return out;
}

/** The group context's extensions. */
export const groupExtensions = (s: GroupState): readonly Extension[] => s.context.extensions;

/** @throws MlsError STATE when the state cannot send or process handshakes any more (removed, reinitialised). */
export function requireActive(s: GroupState, what: string): void {
  if (!s.active)
    throw new MlsError('STATE', `${what}: this member is no longer in the group at epoch ${s.context.epoch}` + (s.reinit ? ' (reinitialised)' : ''));
}

/** Byte equality of public values (early exit is fine for public data). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Hex of bytes (map keys for public values, messages). */
export function hexOf(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

/**
 * The MLS key schedule (RFC 9420 §8), as pure functions over plain data.
 *
 * ```
 *                     init_secret_[n-1]
 *                           |
 *     commit_secret --> KDF.Extract
 *                           |
 *                   ExpandWithLabel(., "joiner", GroupContext_[n], KDF.Nh)
 *                           |
 *                      joiner_secret
 *                           |
 * psk_secret (or 0) --> KDF.Extract
 *                           |
 *                           +--> DeriveSecret(., "welcome") = welcome_secret
 *                           |
 *                   ExpandWithLabel(., "epoch", GroupContext_[n], KDF.Nh)
 *                           |
 *                      epoch_secret
 *                           |
 *                           +--> DeriveSecret(., <label>) = <secret>     (the §8 table, see EpochSecrets)
 *                           |
 *                     DeriveSecret(., "init") = init_secret_[n]
 *
 * external_priv, external_pub = KEM.DeriveKeyPair(external_secret)                                    (§8)
 * welcome_nonce = ExpandWithLabel(welcome_secret, "nonce", "", AEAD.Nn)                            (§12.4.3.1)
 * welcome_key   = ExpandWithLabel(welcome_secret, "key", "", AEAD.Nk)
 * ```
 *
 * In the diagram KDF.Extract takes its salt from the top and its IKM from the left, so
 * `joiner input = Extract(salt = init_secret, ikm = commit_secret)` and
 * `member secret = Extract(salt = joiner_secret, ikm = psk_secret)`.
 *
 * Entry points: `keySchedule` (a member moving to a new epoch: init_secret + commit_secret + psk_secret +
 * GroupContext), `keyScheduleFromJoiner` (a new member joining from a Welcome, §12.4.3.1: joiner_secret +
 * psk_secret + GroupContext), `welcomeSecret` / `welcomeKeyNonce` (decrypting the Welcome's GroupInfo, before the
 * GroupContext is known), and the external-init helpers of §8.3.
 *
 * Deletion (§9.2): intermediate values that never leave a function (the Extract outputs, the member secret) are
 * wiped here. The caller owns what is returned: `joinerSecret`, `welcomeSecret` and `epochSecret` are needed
 * only while creating the Commit/Welcome; `epochOnly()` drops them from the object that is kept for the epoch.
 *
 * Constant-time: as the suite's HKDF and DeriveKeyPair are; the GroupContext is public.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { deriveSecret, expandWithLabel } from '../crypto/labels.ts';
import { MlsError } from '../errors.ts';
import { groupContextBytes, type GroupContext } from '../messages/group-context.ts';

/** The secrets of one epoch that a member keeps (the §8 "Epoch-Derived Secrets" table, plus next init_secret). */
export interface EpochSecrets {
  /** "sender data": keys that encrypt the SenderData of PrivateMessages (§6.3.2). */
  readonly senderDataSecret: Uint8Array;
  /** "encryption": the root of the secret tree (§9). */
  readonly encryptionSecret: Uint8Array;
  /** "exporter": MLS-Exporter (§8.5). */
  readonly exporterSecret: Uint8Array;
  /** "external": the seed of the external init key pair (§8.3). */
  readonly externalSecret: Uint8Array;
  /** "confirm": the confirmation tag MAC key (§6.1, §8.2). */
  readonly confirmationKey: Uint8Array;
  /** "membership": the PublicMessage membership tag MAC key (§6.2). */
  readonly membershipKey: Uint8Array;
  /** "resumption": the resumption PSK of this epoch (§8.6). */
  readonly resumptionPsk: Uint8Array;
  /** "authentication": the epoch authenticator (§8.7). */
  readonly epochAuthenticator: Uint8Array;
  /** DeriveSecret(epoch_secret, "init"): the init_secret that the next epoch starts from. */
  readonly initSecret: Uint8Array;
  /** KEM.DeriveKeyPair(external_secret): the public key goes into GroupInfo's external_pub extension. */
  readonly externalPub: Uint8Array;
  readonly externalPriv: Uint8Array;
}

/** Everything one run of the key schedule yields: the epoch's secrets and the values of the Welcome path. */
export interface KeyScheduleEpoch extends EpochSecrets {
  readonly joinerSecret: Uint8Array;
  readonly welcomeSecret: Uint8Array;
  readonly epochSecret: Uint8Array;
}

/** Inputs of `keySchedule` (RFC 9420 §8). */
export interface KeyScheduleInput {
  /** init_secret of the previous epoch (random for a new group's epoch 0, §11; HPKE export for external init). */
  readonly initSecret: Uint8Array;
  /** commit_secret of this epoch, or undefined for "no path" (the all-zero string, §12.4). */
  readonly commitSecret?: Uint8Array | undefined;
  /** psk_secret of this epoch (psk.ts), or undefined when no PSK is injected (the all-zero string, §8.4). */
  readonly pskSecret?: Uint8Array | undefined;
  /** GroupContext_[n] of the new epoch, as a struct or already serialized. */
  readonly groupContext: GroupContext | Uint8Array;
}

function checkNh(cs: CipherSuite, name: string, v: Uint8Array): void {
  if (!(v instanceof Uint8Array) || v.length !== cs.Nh)
    throw new MlsError('BAD_LENGTH', `${name} is ${v?.length} bytes, must be KDF.Nh = ${cs.Nh} (RFC 9420 §8)`);
}
const contextBytes = (gc: GroupContext | Uint8Array): Uint8Array =>
  gc instanceof Uint8Array ? gc : groupContextBytes(gc);
const orZero = (cs: CipherSuite, v: Uint8Array | undefined): Uint8Array => v ?? new Uint8Array(cs.Nh);

/**
 * joiner_secret = ExpandWithLabel(KDF.Extract(init_secret, commit_secret), "joiner", GroupContext_[n], KDF.Nh).
 * @throws MlsError BAD_LENGTH when a secret is not Nh bytes.
 */
export function joinerSecret(
  cs: CipherSuite,
  initSecret: Uint8Array,
  commitSecret: Uint8Array | undefined,
  groupContext: GroupContext | Uint8Array,
): Uint8Array {
  checkNh(cs, 'init_secret', initSecret);
  const commit = orZero(cs, commitSecret);
  checkNh(cs, 'commit_secret', commit);
  const extracted = cs.kdfExtract(initSecret, commit);
  try {
    return expandWithLabel(cs, extracted, 'joiner', contextBytes(groupContext), cs.Nh);
  } finally {
    extracted.fill(0);
  }
}

/** KDF.Extract(joiner_secret, psk_secret): the "member" secret the welcome and epoch secrets come from. */
function memberSecret(cs: CipherSuite, joiner: Uint8Array, pskSecret: Uint8Array | undefined): Uint8Array {
  checkNh(cs, 'joiner_secret', joiner);
  const psk = orZero(cs, pskSecret);
  checkNh(cs, 'psk_secret', psk);
  return cs.kdfExtract(joiner, psk);
}

/**
 * welcome_secret = DeriveSecret(KDF.Extract(joiner_secret, psk_secret), "welcome") (§8, §12.4.3.1). A joiner
 * needs it before it knows the GroupContext (it decrypts the GroupInfo with it).
 * @throws MlsError BAD_LENGTH when a secret is not Nh bytes.
 */
export function welcomeSecret(cs: CipherSuite, joiner: Uint8Array, pskSecret?: Uint8Array): Uint8Array {
  const member = memberSecret(cs, joiner, pskSecret);
  try {
    return deriveSecret(cs, member, 'welcome');
  } finally {
    member.fill(0);
  }
}

/**
 * The AEAD key and nonce of the Welcome's encrypted_group_info (§12.4.3.1):
 * `welcome_key = ExpandWithLabel(welcome_secret, "key", "", AEAD.Nk)`,
 * `welcome_nonce = ExpandWithLabel(welcome_secret, "nonce", "", AEAD.Nn)`.
 */
export function welcomeKeyNonce(cs: CipherSuite, welcome: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  checkNh(cs, 'welcome_secret', welcome);
  const empty = new Uint8Array(0);
  return {
    key: expandWithLabel(cs, welcome, 'key', empty, cs.Nk),
    nonce: expandWithLabel(cs, welcome, 'nonce', empty, cs.Nn),
  };
}

/** The epoch_secret → §8 table step, shared by both entry points. */
function fromMember(
  cs: CipherSuite,
  joiner: Uint8Array,
  member: Uint8Array,
  groupContext: GroupContext | Uint8Array,
): KeyScheduleEpoch {
  const welcome = deriveSecret(cs, member, 'welcome');
  const epochSecret = expandWithLabel(cs, member, 'epoch', contextBytes(groupContext), cs.Nh);
  member.fill(0);
  return { joinerSecret: joiner, welcomeSecret: welcome, epochSecret, ...epochSecrets(cs, epochSecret) };
}

/**
 * The secrets derived from an epoch_secret (§8 table) plus the next init_secret and the external key pair.
 * @throws MlsError BAD_LENGTH when epoch_secret is not Nh bytes.
 */
export function epochSecrets(cs: CipherSuite, epochSecret: Uint8Array): EpochSecrets {
  checkNh(cs, 'epoch_secret', epochSecret);
  const d = (label: string): Uint8Array => deriveSecret(cs, epochSecret, label);
  const externalSecret = d('external');
  const { privateKey: externalPriv, publicKey: externalPub } = externalKeyPair(cs, externalSecret);
  return {
    senderDataSecret: d('sender data'),
    encryptionSecret: d('encryption'),
    exporterSecret: d('exporter'),
    externalSecret,
    confirmationKey: d('confirm'),
    membershipKey: d('membership'),
    resumptionPsk: d('resumption'),
    epochAuthenticator: d('authentication'),
    initSecret: d('init'),
    externalPub,
    externalPriv,
  };
}

/**
 * Run the key schedule for a new epoch (RFC 9420 §8): init_secret of the previous epoch, this epoch's
 * commit_secret and psk_secret, and GroupContext_[n].
 * @throws MlsError BAD_LENGTH when a secret is not Nh bytes.
 * @example const next = keySchedule(cs, { initSecret: prev.initSecret, commitSecret, pskSecret, groupContext });
 */
export function keySchedule(cs: CipherSuite, input: KeyScheduleInput): KeyScheduleEpoch {
  const joiner = joinerSecret(cs, input.initSecret, input.commitSecret, input.groupContext);
  return fromMember(cs, joiner, memberSecret(cs, joiner, input.pskSecret), input.groupContext);
}

/**
 * The Welcome path (RFC 9420 §12.4.3.1): a joiner knows joiner_secret (from GroupSecrets), the PSKs it names and,
 * once the GroupInfo is decrypted, GroupContext_[n]; it never learns init_secret or commit_secret.
 * @throws MlsError BAD_LENGTH when a secret is not Nh bytes.
 * @example const epoch = keyScheduleFromJoiner(cs, groupSecrets.joinerSecret, pskSecret, groupContext);
 */
export function keyScheduleFromJoiner(
  cs: CipherSuite,
  joiner: Uint8Array,
  pskSecret: Uint8Array | undefined,
  groupContext: GroupContext | Uint8Array,
): KeyScheduleEpoch {
  return fromMember(cs, joiner, memberSecret(cs, joiner, pskSecret), groupContext);
}

/** The epoch's secrets without the Commit/Welcome-time values (joiner, welcome and epoch secrets). */
export function epochOnly(k: KeyScheduleEpoch): EpochSecrets {
  const { joinerSecret: _j, welcomeSecret: _w, epochSecret: _e, ...rest } = k;
  return rest;
}

/** external_priv, external_pub = KEM.DeriveKeyPair(external_secret) (§8). */
export function externalKeyPair(
  cs: CipherSuite,
  externalSecret: Uint8Array,
): { privateKey: Uint8Array; publicKey: Uint8Array } {
  checkNh(cs, 'external_secret', externalSecret);
  return cs.hpkeDeriveKeyPair(externalSecret);
}

/** The HPKE exporter context of external init (§8.3). */
const EXTERNAL_INIT = new TextEncoder().encode('MLS 1.0 external init secret');

/**
 * The joiner's side of external init (§8.3): `kem_output, context = SetupBaseS(external_pub, "")`,
 * `init_secret = context.export("MLS 1.0 external init secret", KDF.Nh)`. kem_output goes into the ExternalInit
 * proposal. @throws MlsError CRYPTO for an invalid external_pub.
 */
export function externalInitSend(
  cs: CipherSuite,
  externalPub: Uint8Array,
): { kemOutput: Uint8Array; initSecret: Uint8Array } {
  const { kemOutput, secret } = cs.hpkeExportSend(externalPub, new Uint8Array(0), EXTERNAL_INIT, cs.Nh);
  return { kemOutput, initSecret: secret };
}

/**
 * The members' side of external init (§8.3): `context = SetupBaseR(kem_output, external_priv, "")`,
 * `init_secret = context.export("MLS 1.0 external init secret", KDF.Nh)`. @throws MlsError CRYPTO for a bad
 * kem_output.
 */
export function externalInitReceive(cs: CipherSuite, externalPriv: Uint8Array, kemOutput: Uint8Array): Uint8Array {
  return cs.hpkeExportReceive(externalPriv, kemOutput, new Uint8Array(0), EXTERNAL_INIT, cs.Nh);
}

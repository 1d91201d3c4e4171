/**
 * Validation of KeyPackages (RFC 9420 §10.1) and LeafNodes (§7.3), and the branded types that say a value passed.
 *
 * A decoded `KeyPackage` / `LeafNode` is untrusted wire data. `validateKeyPackage` and `validateLeafNode` run the
 * checks that need no ratchet tree and return the same object typed `ValidatedKeyPackage` / `ValidatedLeafNode`
 * (a compile-time brand, no copy), so code that needs a validated value cannot be handed a raw one. The checks
 * that need the group's members (§7.3: signature and encryption key unique, credential types supported both
 * ways, an Update's new encryption key) are `checkMemberLeaf` over a `MemberIndex`: the ratchet tree's key index
 * (kept current as nodes change, so a commit's checks cost O(1) per leaf) or a tree-less `MemberLeaves`.
 *
 * Every check has a name that cites its section (`KeyPackageCheck`, `LeafNodeCheck`); a failure is an `MlsError`
 * (INVALID_KEY_PACKAGE for a KeyPackage and its leaf, INVALID_MESSAGE by default for a LeafNode, overridable)
 * whose message starts with `[<check name>]` and says what was wrong. Cheap checks run first, signatures last.
 *
 * Not here: credential validation with the application's authentication service (§5.3.1) — the group layer calls
 * the application for that; the tree-structural checks of a joined tree (tree/validate.ts). Deliberately not
 * enforced, for interoperability: that `capabilities.cipher_suites` / `versions` list the KeyPackage's own suite
 * and version (the RFC does not require it, and the mlswg welcome.json suite-7 KeyPackage does not list 7), and
 * that capabilities omit the default types (§7.2 says senders MUST NOT list them; receivers lose nothing by
 * tolerating it). Unknown and GREASE values in capabilities are ignored, as §13.5 requires.
 *
 * Public inputs only (no secrets are handled; signature verification is over public data).
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { verifyManyWithLabel, verifyWithLabel } from '../crypto/labels.ts';
import { MlsError, type MlsErrorCode } from '../errors.ts';
import { TreeKeyIndex } from '../tree/key-index.ts'; // a leaf module (no tree dependencies)
import type { LeafIndex } from '../tree/math.ts';
import { ProtocolVersion } from './common.ts';
import { credentialTypeOf } from './credential.ts';
import {
  DEFAULT_EXTENSION_TYPES,
  ExtensionType,
  findExtension,
  readRequiredCapabilities,
  type Extension,
  type RequiredCapabilities,
} from './extensions.ts';
import { keyPackageTBS, type KeyPackage } from './key-package.ts';
import { LeafNodeSource, leafNodeTBS, type LeafNode } from './leaf-node.ts';

declare const validatedLeafNode: unique symbol;
declare const validatedKeyPackage: unique symbol;

/** A LeafNode that passed `validateLeafNode` (or the leaf of a `ValidatedKeyPackage`). Type-level brand only. */
export type ValidatedLeafNode = LeafNode & { readonly [validatedLeafNode]: true };
/** A KeyPackage that passed `validateKeyPackage` (§10.1) for a given group's suite and capabilities. */
export type ValidatedKeyPackage = KeyPackage & {
  readonly leafNode: ValidatedLeafNode;
  readonly [validatedKeyPackage]: true;
};

/** Proposal types every client supports and MUST NOT list in capabilities (§7.2): add … group_context_extensions. */
export const DEFAULT_PROPOSAL_TYPES: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 7]);

/** The KeyPackage checks of §10 / §10.1 (the leaf's own checks are `LeafNodeCheck`). */
export const KeyPackageCheck = {
  version: '§10.1 version matches the group',
  cipherSuite: '§10.1 cipher suite matches the group',
  initKeyDistinct: '§10.1 init_key differs from encryption_key',
  extensionsInCapabilities: '§10 KeyPackage extensions listed in capabilities',
  signature: '§10.1 KeyPackage signature',
} as const;

/** The LeafNode checks of §7.2 / §7.3 (and §13.4 for the group's extensions). */
export const LeafNodeCheck = {
  source: '§7.3 leaf_node_source',
  lifetime: '§7.3 lifetime contains now',
  maxLifetime: '§7.2 total lifetime within the application maximum',
  requiredCapabilities: '§7.3 required_capabilities supported',
  groupExtensions: '§13.4 group context extensions supported',
  extensionsInCapabilities: '§7.3 leaf extensions listed in capabilities',
  credentialInCapabilities: '§7.2 credential type listed in capabilities',
  memberCredentialsSupported: '§7.3 credential types of the members supported by the leaf',
  credentialSupportedByMembers: '§7.3 credential type supported by every member',
  encryptionKeyUnique: '§7.3 encryption_key unique',
  signatureKeyUnique: '§7.3 signature_key unique',
  updateChangesEncryptionKey: '§7.3 Update changes encryption_key',
  signature: '§7.3 LeafNode signature',
} as const;

export type ValidationCheckName =
  | (typeof KeyPackageCheck)[keyof typeof KeyPackageCheck]
  | (typeof LeafNodeCheck)[keyof typeof LeafNodeCheck];

function fail(code: MlsErrorCode, check: ValidationCheckName, what: string): never {
  throw new MlsError(code, `[${check}] ${what}`);
}

/** A point in time: a Date, or seconds since the Unix epoch (as `Lifetime` counts them, §7.2 — not ms). */
export type Instant = Date | bigint | number;

/** Seconds since the Unix epoch. @throws MlsError INVALID_MESSAGE for a non-integer or negative number. */
export function toSeconds(t: Instant): bigint {
  if (t instanceof Date) return BigInt(Math.floor(t.getTime() / 1000));
  if (typeof t === 'number' && (!Number.isSafeInteger(t) || t < 0))
    throw new MlsError('INVALID_MESSAGE', `time ${t} is not a whole number of seconds since the epoch`);
  return BigInt(t);
}

const hex16 = (v: number): string => '0x' + v.toString(16).padStart(4, '0');
const leafName = (i: LeafIndex | undefined): string => (i === undefined ? 'leaf' : `leaf ${i}`);

/** Options shared by `validateKeyPackage` and `validateLeafNode`: what the group asks of a leaf. */
export interface GroupCapabilityOptions {
  /** The group's required_capabilities (§11.1); read from `groupExtensions` when absent. */
  readonly requiredCapabilities?: RequiredCapabilities;
  /** The GroupContext extensions: each non-default type must be in the leaf's capabilities (§13.4). */
  readonly groupExtensions?: readonly Extension[];
  /** Credential types in use by the members, which the leaf must support (§7.3). Full check: `checkMemberLeaf`. */
  readonly groupCredentialTypes?: Iterable<number>;
  /** The application's maximum for `not_after - not_before` in seconds (§7.2: applications MUST define one). */
  readonly maxLifetimeSeconds?: bigint;
}

export interface KeyPackageValidationOptions extends GroupCapabilityOptions {
  /** The group's cipher suite (the KeyPackage's must be the same, §10.1); verifies both signatures. */
  readonly suite: CipherSuite;
  /** The group's protocol version (default mls10). */
  readonly version?: number;
  /** The time to check the lifetime against (default: the current time). */
  readonly now?: Instant;
  /**
   * The two signatures' results when already verified in a batch (`verifyKeyPackageSignatures`); absent: verify
   * them here. Either way they are reported in the same order, after the cheaper checks.
   */
  readonly signatures?: KeyPackageSignatures;
}

/** Whether a KeyPackage's LeafNode signature and its own signature verify. */
export interface KeyPackageSignatures {
  readonly leaf: boolean;
  readonly keyPackage: boolean;
}

/**
 * Verify the two signatures of many KeyPackages in two batches (CipherSuite.verifyMany: the same answers as one
 * by one, several times faster on the WASM provider), for `validateKeyPackage(kp, { signatures })`.
 * @example const sigs = verifyKeyPackageSignatures(cs, kps); kps.forEach((kp, i) => validateKeyPackage(kp, { suite: cs, signatures: sigs[i] }));
 */
export function verifyKeyPackageSignatures(suite: CipherSuite, kps: readonly KeyPackage[]): KeyPackageSignatures[] {
  const keys = kps.map((kp) => kp.leafNode.signatureKey);
  const leaf = verifyManyWithLabel(suite, keys, 'LeafNodeTBS', kps.map((kp) => leafNodeTBS(kp.leafNode)), kps.map((kp) => kp.leafNode.signature));
  const own = verifyManyWithLabel(suite, keys, 'KeyPackageTBS', kps.map(keyPackageTBS), kps.map((kp) => kp.signature));
  return kps.map((_, i) => ({ leaf: leaf[i]!, keyPackage: own[i]! }));
}

/**
 * Validate a KeyPackage for use in a group (RFC 9420 §10.1, with the §7.3 checks of its leaf that need no tree).
 * Checks, in order: version, cipher suite, leaf_node_source = key_package, lifetime (and the optional maximum),
 * required_capabilities and group extensions supported, leaf and KeyPackage extensions listed in capabilities,
 * credential type listed in capabilities (and the members' credential types, when given), init_key ≠
 * encryption_key, the LeafNode signature ("LeafNodeTBS"), the KeyPackage signature ("KeyPackageTBS").
 * Credential validation with the authentication service (§5.3.1) is the caller's.
 * @returns the same object, typed `ValidatedKeyPackage`.
 * @throws MlsError INVALID_KEY_PACKAGE, message `[<KeyPackageCheck | LeafNodeCheck>] <what>`.
 * @example const kp = validateKeyPackage(decoded, { suite: cs, groupExtensions: groupContext.extensions });
 */
export function validateKeyPackage(kp: KeyPackage, opts: KeyPackageValidationOptions): ValidatedKeyPackage {
  const code: MlsErrorCode = 'INVALID_KEY_PACKAGE';
  const { suite } = opts;
  const version = opts.version ?? ProtocolVersion.mls10;
  // §10.1 "Verify that the cipher suite and protocol version of the KeyPackage match those in the GroupContext."
  if (kp.version !== version)
    fail(code, KeyPackageCheck.version, `KeyPackage version ${kp.version} is not the group's ${version} (mls10 = 1)`);
  if (kp.cipherSuite !== suite.id)
    fail(code, KeyPackageCheck.cipherSuite, `KeyPackage cipher suite ${hex16(kp.cipherSuite)} is not the group's ${hex16(suite.id)}`);

  const leaf = kp.leafNode;
  // §10: "The field leaf_node.leaf_node_source of the LeafNode in a KeyPackage MUST be set to key_package."
  checkLeafWithoutSignature(leaf, code, LeafNodeSource.key_package, undefined, {
    ...opts,
    now: opts.now ?? new Date(),
  });
  // §10: "Extensions included in the extensions or leaf_node.extensions fields MUST be included in the
  // leaf_node.capabilities field" (the default types excepted, §7.2).
  for (const e of kp.extensions)
    if (!DEFAULT_EXTENSION_TYPES.has(e.extensionType) && !leaf.capabilities.extensions.includes(e.extensionType))
      fail(code, KeyPackageCheck.extensionsInCapabilities, `KeyPackage extension ${hex16(e.extensionType)} is not in leaf_node.capabilities.extensions`);
  // §10.1: "Verify that the value of leaf_node.encryption_key is different from the value of the init_key field."
  // Public keys: a plain comparison is fine.
  if (bytesEqual(kp.initKey, leaf.encryptionKey))
    fail(code, KeyPackageCheck.initKeyDistinct, 'init_key equals leaf_node.encryption_key');
  // §7.3 "Verify that the signature on the LeafNode is valid using signature_key" (no group context: key_package).
  const sigs = opts.signatures;
  if (!(sigs ? sigs.leaf : verifyWithLabel(suite, leaf.signatureKey, 'LeafNodeTBS', leafNodeTBS(leaf), leaf.signature)))
    fail(code, LeafNodeCheck.signature, 'leaf_node signature does not verify with its signature_key');
  // §10.1 "Verify that the signature on the KeyPackage is valid using the public key in leaf_node.credential"
  // (the leaf's signature_key, which the credential binds).
  if (!(sigs ? sigs.keyPackage : verifyWithLabel(suite, leaf.signatureKey, 'KeyPackageTBS', keyPackageTBS(kp), kp.signature)))
    fail(code, KeyPackageCheck.signature, 'KeyPackage signature does not verify with leaf_node.signature_key');
  return kp as ValidatedKeyPackage;
}

export interface LeafNodeValidationOptions extends GroupCapabilityOptions {
  /** The group's cipher suite (verifies the signature). */
  readonly suite: CipherSuite;
  /**
   * The source the context requires (§7.3): `update` in an Update proposal, `commit` in an UpdatePath,
   * `key_package` in a KeyPackage. Absent: any source (e.g. a leaf of a tree being joined).
   */
  readonly expectedSource?: LeafNodeSource;
  /** The group id, for the LeafNodeTBS of `update` and `commit` leaves (§7.2). */
  readonly groupId?: Uint8Array;
  /** The leaf's index in the tree, for the LeafNodeTBS of `update` and `commit` leaves (§7.2). */
  readonly leafIndex?: LeafIndex;
  /**
   * The time to check a `key_package` leaf's lifetime against. Absent: not checked (§7.3 makes it RECOMMENDED
   * for received leaves, since a leaf may expire in transit). `update` and `commit` leaves carry no lifetime.
   */
  readonly now?: Instant;
  /** The error code (default INVALID_MESSAGE; e.g. INVALID_PROPOSAL for an Update, INVALID_COMMIT for a path). */
  readonly code?: MlsErrorCode;
}

/**
 * Validate a LeafNode (RFC 9420 §7.3) without the tree: leaf_node_source as expected, lifetime (when `now` is
 * given, key_package leaves only), required_capabilities and group extensions supported, leaf extensions and the
 * credential type listed in capabilities, the members' credential types supported (when given), and the
 * signature over LeafNodeTBS (with group id and leaf index for update/commit leaves). The member-wide checks are
 * `checkMemberLeaf`.
 * @returns the same object, typed `ValidatedLeafNode`.
 * @throws MlsError `opts.code` (default INVALID_MESSAGE), message `[<LeafNodeCheck>] <what>`; INVALID_MESSAGE
 *   when an update/commit leaf is validated without `groupId` and `leafIndex`.
 * @example validateLeafNode(update.leafNode, { suite: cs, expectedSource: LeafNodeSource.update, groupId, leafIndex: sender });
 */
export function validateLeafNode(leaf: LeafNode, opts: LeafNodeValidationOptions): ValidatedLeafNode {
  const code = opts.code ?? 'INVALID_MESSAGE';
  checkLeafWithoutSignature(leaf, code, opts.expectedSource, opts.leafIndex, opts);
  let tbs: Uint8Array;
  if (leaf.leafNodeSource === LeafNodeSource.key_package) tbs = leafNodeTBS(leaf);
  else {
    if (opts.groupId === undefined || opts.leafIndex === undefined)
      throw new MlsError('INVALID_MESSAGE', `[${LeafNodeCheck.signature}] an update/commit leaf needs groupId and leafIndex to verify`);
    tbs = leafNodeTBS(leaf, { groupId: opts.groupId, leafIndex: opts.leafIndex });
  }
  // §7.3 "Verify that the signature on the LeafNode is valid using signature_key."
  if (!verifyWithLabel(opts.suite, leaf.signatureKey, 'LeafNodeTBS', tbs, leaf.signature))
    fail(code, LeafNodeCheck.signature, `${leafName(opts.leafIndex)} signature does not verify with its signature_key`);
  return leaf as ValidatedLeafNode;
}

/** The §7.2/§7.3 checks of one leaf that need neither the signature nor the tree. */
function checkLeafWithoutSignature(
  leaf: LeafNode,
  code: MlsErrorCode,
  expectedSource: LeafNodeSource | undefined,
  index: LeafIndex | undefined,
  opts: GroupCapabilityOptions & { readonly now?: Instant },
): void {
  const name = leafName(index);
  const caps = leaf.capabilities;
  // §7.3 "Verify the leaf_node_source field": key_package in a KeyPackage, update in an Update proposal, commit
  // in an UpdatePath. The source-specific fields (lifetime / parent_hash) come with the source (leaf-node.ts);
  // a commit leaf's parent_hash value is checked against the tree by tree/parent-hash.ts.
  if (expectedSource !== undefined && leaf.leafNodeSource !== expectedSource)
    fail(code, LeafNodeCheck.source, `${name} leaf_node_source is ${sourceName(leaf.leafNodeSource)}, expected ${sourceName(expectedSource)}`);

  // §7.3 "Verify the lifetime field" (key_package leaves carry one).
  if (leaf.leafNodeSource === LeafNodeSource.key_package) {
    const { notBefore, notAfter } = leaf.lifetime;
    if (opts.now !== undefined) {
      const now = toSeconds(opts.now);
      if (now < notBefore) fail(code, LeafNodeCheck.lifetime, `${name} is not valid yet: not_before ${notBefore} > now ${now}`);
      if (now > notAfter) fail(code, LeafNodeCheck.lifetime, `${name} has expired: not_after ${notAfter} < now ${now}`);
    }
    // §7.2 "Applications MUST define a maximum total lifetime … and reject any LeafNode where the total
    // lifetime is longer than this duration."
    if (opts.maxLifetimeSeconds !== undefined && notAfter - notBefore > opts.maxLifetimeSeconds)
      fail(code, LeafNodeCheck.maxLifetime, `${name} lifetime ${notAfter - notBefore} s exceeds the maximum ${opts.maxLifetimeSeconds} s`);
  }

  // §7.3 "If the GroupContext has a required_capabilities extension, then the required extensions, proposals, and
  // credential types MUST be listed in the LeafNode's capabilities field." Default extension and proposal types
  // are implemented by everyone and never listed (§7.2, §11.1), so requiring them is always satisfied.
  let rc = opts.requiredCapabilities;
  if (rc === undefined && opts.groupExtensions !== undefined) {
    const ext = findExtension(opts.groupExtensions, ExtensionType.required_capabilities);
    if (ext !== undefined) rc = readRequiredCapabilities(ext);
  }
  if (rc !== undefined) {
    for (const t of rc.extensionTypes)
      if (!DEFAULT_EXTENSION_TYPES.has(t) && !caps.extensions.includes(t))
        fail(code, LeafNodeCheck.requiredCapabilities, `${name} capabilities lack required extension type ${hex16(t)}`);
    for (const t of rc.proposalTypes)
      if (!DEFAULT_PROPOSAL_TYPES.has(t) && !caps.proposals.includes(t))
        fail(code, LeafNodeCheck.requiredCapabilities, `${name} capabilities lack required proposal type ${hex16(t)}`);
    for (const t of rc.credentialTypes)
      if (!caps.credentials.includes(t))
        fail(code, LeafNodeCheck.requiredCapabilities, `${name} capabilities lack required credential type ${hex16(t)}`);
  }
  // §13.4: "The capabilities field MUST indicate support for each extension in the GroupContext."
  if (opts.groupExtensions !== undefined)
    for (const e of opts.groupExtensions)
      if (!DEFAULT_EXTENSION_TYPES.has(e.extensionType) && !caps.extensions.includes(e.extensionType))
        fail(code, LeafNodeCheck.groupExtensions, `${name} capabilities lack group context extension ${hex16(e.extensionType)}`);

  // §7.3 "Verify that the extensions in the LeafNode are supported by checking that the ID for each extension in
  // the extensions field is listed in the capabilities.extensions field" (default types are never listed, §7.2).
  for (const e of leaf.extensions)
    if (!DEFAULT_EXTENSION_TYPES.has(e.extensionType) && !caps.extensions.includes(e.extensionType))
      fail(code, LeafNodeCheck.extensionsInCapabilities, `${name} extension ${hex16(e.extensionType)} is not in capabilities.extensions`);

  // §7.2 "the credential type used in the LeafNode MUST be included in the credentials field of the capabilities".
  const ct = credentialTypeOf(leaf.credential);
  if (!caps.credentials.includes(ct))
    fail(code, LeafNodeCheck.credentialInCapabilities, `${name} credential type ${hex16(ct)} is not in capabilities.credentials`);

  // §7.3 "… the capabilities field of this LeafNode indicates support for all the credential types currently in
  // use by other members" (tree-less form; MemberLeaves does both directions from the tree).
  if (opts.groupCredentialTypes !== undefined)
    for (const t of opts.groupCredentialTypes)
      if (!caps.credentials.includes(t))
        fail(code, LeafNodeCheck.memberCredentialsSupported, `${name} capabilities lack credential type ${hex16(t)} used in the group`);
}

function sourceName(s: number): string {
  return s === 1 ? 'key_package' : s === 2 ? 'update' : s === 3 ? 'commit' : String(s);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface MemberCheckOptions {
  /**
   * The leaf the new one replaces (an Update proposal's sender, a committer's own leaf, an external commit's
   * resync Remove): that member is left out of the uniqueness and credential checks.
   */
  readonly replacing?: LeafIndex;
  /** The error code (default INVALID_MESSAGE). */
  readonly code?: MlsErrorCode;
}

/**
 * What the §7.3 member checks read: the members' leaves and an index of their keys and credential types.
 * `MemberLeaves` is the tree-less implementation; a ratchet tree (tree/ratchet-tree.ts `TreeState.members()`)
 * is the other, kept current as nodes change, so a commit checks its leaves in O(1) each, not O(N).
 */
export interface MemberIndex {
  /** Number of members. */
  readonly size: number;
  /** The leaf of member l, or null when there is none. */
  leafNode(l: LeafIndex): LeafNode | null;
  /** The member whose leaf has this encryption_key, if any. */
  leafWithEncryptionKey(key: Uint8Array): number | undefined;
  /** The member whose leaf has this signature_key, if any. */
  leafWithSignatureKey(key: Uint8Array): number | undefined;
  /** Number of members whose capabilities list credential type t. */
  supporters(t: number): number;
  /** Credential types in use by the members → number of members using each. */
  credentialTypesInUse(): ReadonlyMap<number, number>;
}

/**
 * Check a new or replacing leaf against the members (§7.3): `signature_key` and `encryption_key` unique among the
 * members' leaves, the new leaf's credential type supported by every member, every credential type in use
 * supported by the new leaf, and an Update's new `encryption_key` different from the replaced leaf's. O(k) in the
 * leaf's own list sizes. Parent-node encryption keys are not covered (§12.4.2 and tree/validate.ts check those).
 * @throws MlsError `opts.code` (default INVALID_MESSAGE), message `[<LeafNodeCheck>] <what>`.
 * @example checkMemberLeaf(tree.members(), kp.leafNode, { code: 'INVALID_PROPOSAL' });
 */
export function checkMemberLeaf(m: MemberIndex, leaf: LeafNode, opts: MemberCheckOptions = {}): void {
  const code = opts.code ?? 'INVALID_MESSAGE';
  const r = opts.replacing;
  const old = r === undefined ? null : m.leafNode(r);
  const others = m.size - (old ? 1 : 0);

  // §7.3 "If the LeafNode appears in an Update proposal, verify that … encryption_key represents a different
  // public key than the encryption_key in the leaf node being replaced by the Update proposal."
  if (old && leaf.leafNodeSource === LeafNodeSource.update && bytesEqual(leaf.encryptionKey, old.encryptionKey))
    fail(code, LeafNodeCheck.updateChangesEncryptionKey, `the Update for leaf ${r} keeps its encryption_key`);
  // §7.3 "Verify that the following fields are unique among the members of the group: signature_key,
  // encryption_key" (the replaced member's own leaf excepted).
  const e = m.leafWithEncryptionKey(leaf.encryptionKey);
  if (e !== undefined && e !== r) fail(code, LeafNodeCheck.encryptionKeyUnique, `encryption_key is already used by leaf ${e}`);
  const s = m.leafWithSignatureKey(leaf.signatureKey);
  if (s !== undefined && s !== r) fail(code, LeafNodeCheck.signatureKeyUnique, `signature_key is already used by leaf ${s}`);

  // §7.3 "Verify that the credential type is supported by all members of the group, as specified by the
  // capabilities field of each member's LeafNode …"
  const ct = credentialTypeOf(leaf.credential);
  const supporters = m.supporters(ct) - (old && old.capabilities.credentials.includes(ct) ? 1 : 0);
  if (supporters < others)
    fail(code, LeafNodeCheck.credentialSupportedByMembers, `credential type ${hex16(ct)} is not supported by ${others - supporters} member(s)`);
  // "… and that the capabilities field of this LeafNode indicates support for all the credential types
  // currently in use by other members."
  const oldType = old ? credentialTypeOf(old.credential) : undefined;
  for (const [t, n] of m.credentialTypesInUse()) {
    if (n - (t === oldType ? 1 : 0) <= 0) continue;
    if (!leaf.capabilities.credentials.includes(t))
      fail(code, LeafNodeCheck.memberCredentialsSupported, `capabilities lack credential type ${hex16(t)} used by a member`);
  }
}

/**
 * The members' leaves without a ratchet tree (e.g. a delivery service or a test checking KeyPackages against a
 * list of members): built in O(N) with `from`, then kept current with `add` / `remove`; `check` is
 * `checkMemberLeaf` over it.
 */
export class MemberLeaves implements MemberIndex {
  readonly #leaves = new Map<LeafIndex, LeafNode>();
  /** The same bookkeeping a ratchet tree keeps (tree/key-index.ts), fed by add / remove. */
  readonly #ix = new TreeKeyIndex();

  /** From `[leafIndex, leaf]` pairs, e.g. `tree.leaves()`. @throws MlsError INVALID_MESSAGE for a repeated index. */
  static from(leaves: Iterable<readonly [LeafIndex, LeafNode]>): MemberLeaves {
    const m = new MemberLeaves();
    for (const [i, leaf] of leaves) m.add(i, leaf);
    return m;
  }

  get size(): number {
    return this.#leaves.size;
  }
  leafNode(l: LeafIndex): LeafNode | null {
    return this.#leaves.get(l) ?? null;
  }
  leafWithEncryptionKey(k: Uint8Array): number | undefined {
    return this.#ix.leafWithEncryptionKey(k);
  }
  leafWithSignatureKey(k: Uint8Array): number | undefined {
    return this.#ix.leafWithSignatureKey(k);
  }
  supporters(t: number): number {
    return this.#ix.supporters(t);
  }
  credentialTypesInUse(): ReadonlyMap<number, number> {
    return this.#ix.credentialTypesInUse();
  }

  /** Record a member (after its leaf was checked). @throws MlsError INVALID_MESSAGE when `index` is taken. */
  add(index: LeafIndex, leaf: LeafNode): void {
    if (this.#leaves.has(index)) throw new MlsError('INVALID_MESSAGE', `leaf ${index} is already a member`);
    this.#leaves.set(index, leaf);
    this.#ix.leafSet(index, null, leaf);
  }

  /** Forget a member (a Remove, or the old leaf of an Update before `add` of the new one). */
  remove(index: LeafIndex): void {
    const leaf = this.#leaves.get(index);
    if (leaf === undefined) return;
    this.#leaves.delete(index);
    this.#ix.leafSet(index, leaf, null);
  }

  /**
   * Check a new or replacing leaf against the members (§7.3); see `checkMemberLeaf`.
   * @example const members = MemberLeaves.from(tree.leaves()); members.check(kp.leafNode); members.add(l, kp.leafNode);
   */
  check(leaf: LeafNode, opts: MemberCheckOptions = {}): void {
    checkMemberLeaf(this, leaf, opts);
  }
}

/**
 * Creating KeyPackages (RFC 9420 §10) and signing LeafNodes (§7.2) — the sending side of messages/validate.ts.
 *
 * `createKeyPackage` draws a fresh HPKE init key pair and a distinct leaf encryption key pair, builds the LeafNode
 * (source key_package, a lifetime, capabilities that list everything the package uses), signs the LeafNode
 * ("LeafNodeTBS") and the KeyPackage ("KeyPackageTBS") with the client's signature key, and returns the private
 * keys with the package. `signLeafNode` / `createLeafNode` build the `update` and `commit` leaves the group engine
 * sends (their LeafNodeTBS binds the group id and the leaf index).
 *
 * Secrets: the returned `initPrivateKey` and `encryptionPrivateKey` are the caller's to store and wipe (the init
 * key after the Welcome is processed, §16.8). Nothing here compares secrets.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { makeKeyPackageRef, signWithLabel } from '../crypto/labels.ts';
import { encode } from '../codec/writer.ts';
import { MlsError } from '../errors.ts';
import type { LeafIndex } from '../tree/math.ts';
import { isGrease, type Capabilities } from './capabilities.ts';
import { ProtocolVersion, WireFormat } from './common.ts';
import { CredentialType, credentialTypeOf, type Credential } from './credential.ts';
import { DEFAULT_EXTENSION_TYPES, LAST_RESORT_EXTENSION_TYPE, type Extension } from './extensions.ts';
import { encodeKeyPackage, keyPackageTBS, type KeyPackage, type KeyPackageTBS } from './key-package.ts';
import { LeafNodeSource, leafNodeTBS, type LeafNode, type LeafNodeContent, type LeafNodeTBSContext, type Lifetime } from './leaf-node.ts';
import { mlsMessageBytes } from './mls-message.ts';

/** Default KeyPackage lifetime: valid from one hour ago (clock skew) to 90 days ahead. */
export const DEFAULT_LIFETIME_BEFORE_SECONDS = 3600n;
export const DEFAULT_LIFETIME_AFTER_SECONDS = 90n * 24n * 3600n;

/** The 15 GREASE values of RFC 9420 §13.5. */
const GREASE_VALUES: readonly number[] = Array.from({ length: 15 }, (_, i) => 0x0a0a + i * 0x1010);

export interface CreateKeyPackageOptions {
  /** The cipher suite of the package (its id is KeyPackage.cipher_suite). */
  readonly suite: CipherSuite;
  readonly credential: Credential;
  /** The client's signature private key (signs the LeafNode and the KeyPackage). */
  readonly signaturePrivateKey: Uint8Array;
  /** Its public key; derived with `suite.signaturePublicKey` when absent. */
  readonly signaturePublicKey?: Uint8Array;
  /** Default: `now` − 1 h … `now` + 90 days, in seconds since the Unix epoch (§7.2). */
  readonly lifetime?: Lifetime;
  /** The clock for the default lifetime (default: the current time). */
  readonly now?: Date;
  /** KeyPackage.extensions (their non-default types are added to the capabilities, §10). */
  readonly extensions?: readonly Extension[];
  /** LeafNode.extensions (their non-default types are added to the capabilities, §7.2). */
  readonly leafExtensions?: readonly Extension[];
  /**
   * Capabilities to advertise (default: `defaultCapabilities`). The types the package itself uses (its credential
   * type, its non-default extension types, last_resort) are added when missing, so the result always validates.
   */
  readonly capabilities?: Capabilities;
  /** Mark the package last-resort: a `last_resort` (0x000A) KeyPackage extension with empty data. */
  readonly lastResort?: boolean;
  /**
   * Add one random GREASE value (§13.5) to each of capabilities.cipher_suites, extensions, proposals and
   * credentials (RFC 9420: "SHOULD include"). Default true.
   */
  readonly grease?: boolean;
}

export interface CreatedKeyPackage {
  readonly keyPackage: KeyPackage;
  /** The encoded KeyPackage struct (not wrapped): what an Add proposal carries and `ref` hashes. */
  readonly keyPackageBytes: Uint8Array;
  /** The same KeyPackage wrapped in an MLSMessage (wire_format mls_key_package, §6): what a client publishes. */
  readonly message: Uint8Array;
  /** KeyPackageRef = RefHash("MLS 1.0 KeyPackage Reference", keyPackageBytes) (§5.2). */
  readonly ref: Uint8Array;
  /** The HPKE private key of `init_key` (decrypts the Welcome's GroupSecrets, §12.4.3.1). Secret. */
  readonly initPrivateKey: Uint8Array;
  /** The HPKE private key of `leaf_node.encryption_key` (the new member's leaf, §7). Secret. */
  readonly encryptionPrivateKey: Uint8Array;
}

/**
 * What this SDK supports, to advertise in a new leaf (§7.2): versions [mls10], the given suite, the non-default
 * extension types given (e.g. last_resort), no non-default proposal types, and the credential types basic and
 * x509 (plus `credentialType` when it is another one). Default types are never listed (§7.2).
 * @example defaultCapabilities(cs, { extensions: [LAST_RESORT_EXTENSION_TYPE] })
 */
export function defaultCapabilities(
  suite: CipherSuite,
  opts: { readonly extensions?: readonly number[]; readonly credentialType?: number } = {},
): Capabilities {
  const credentials: number[] = [CredentialType.basic, CredentialType.x509];
  if (opts.credentialType !== undefined && !credentials.includes(opts.credentialType)) credentials.push(opts.credentialType);
  const extensions = unique((opts.extensions ?? []).filter((t) => !DEFAULT_EXTENSION_TYPES.has(t)));
  return { versions: [ProtocolVersion.mls10], cipherSuites: [suite.id], extensions, proposals: [], credentials };
}

/**
 * Create a KeyPackage with fresh init and encryption key pairs, signed with `signaturePrivateKey` (§10, §7.2).
 * @throws MlsError INVALID_MESSAGE for a lifetime with not_before > not_after or outside uint64, or duplicate
 *   extension types; the suite's errors for a bad signature key.
 * @example const { message, ref, initPrivateKey, encryptionPrivateKey } = createKeyPackage({ suite: cs, credential, signaturePrivateKey });
 */
export function createKeyPackage(opts: CreateKeyPackageOptions): CreatedKeyPackage {
  const { suite, credential, signaturePrivateKey } = opts;
  const signatureKey = opts.signaturePublicKey ?? suite.signaturePublicKey(signaturePrivateKey);
  const lifetime = opts.lifetime ?? defaultLifetime(opts.now ?? new Date());
  checkLifetime(lifetime);

  const extensions: Extension[] = [...(opts.extensions ?? [])];
  if (opts.lastResort && !extensions.some((e) => e.extensionType === LAST_RESORT_EXTENSION_TYPE))
    extensions.push({ extensionType: LAST_RESORT_EXTENSION_TYPE, extensionData: new Uint8Array(0) });
  const leafExtensions = opts.leafExtensions ?? [];

  // §10 / §7.2: every non-default extension type used, and the credential type, must be in the capabilities.
  const used = [...extensions, ...leafExtensions].map((e) => e.extensionType);
  const base = opts.capabilities ?? defaultCapabilities(suite, { credentialType: credentialTypeOf(credential) });
  const capabilities = withGrease(
    {
      ...base,
      extensions: unique([...base.extensions, ...used.filter((t) => !DEFAULT_EXTENSION_TYPES.has(t))]),
      credentials: unique([...base.credentials, credentialTypeOf(credential)]),
    },
    opts.grease ?? true,
    suite,
  );

  // §10.1: init_key and encryption_key MUST differ; two fresh draws collide only with a broken RNG, but a
  // collision would make the package invalid, so redraw rather than hand one out.
  const init = suite.hpkeGenerateKeyPair();
  let enc = suite.hpkeGenerateKeyPair();
  for (let i = 0; sameBytes(enc.publicKey, init.publicKey); i++) {
    if (i === 3) throw new MlsError('CRYPTO', 'the HPKE key generator keeps returning the same key');
    enc = suite.hpkeGenerateKeyPair();
  }

  const content: LeafNodeContent = {
    encryptionKey: enc.publicKey,
    signatureKey,
    credential,
    capabilities,
    leafNodeSource: LeafNodeSource.key_package,
    lifetime,
    extensions: leafExtensions,
  };
  const leafNode = signLeafNode(suite, signaturePrivateKey, content);
  const tbs: KeyPackageTBS = {
    version: ProtocolVersion.mls10,
    cipherSuite: suite.id,
    initKey: init.publicKey,
    leafNode,
    extensions,
  };
  // §10: signature = SignWithLabel(., "KeyPackageTBS", KeyPackageTBS).
  const keyPackage: KeyPackage = { ...tbs, signature: signWithLabel(suite, signaturePrivateKey, 'KeyPackageTBS', keyPackageTBS(tbs)) };
  const keyPackageBytes = encode((w) => encodeKeyPackage(w, keyPackage));
  return {
    keyPackage,
    keyPackageBytes,
    message: mlsMessageBytes({ wireFormat: WireFormat.mls_key_package, keyPackage }),
    ref: makeKeyPackageRef(suite, keyPackageBytes),
    initPrivateKey: init.privateKey,
    encryptionPrivateKey: enc.privateKey,
  };
}

/**
 * `n` KeyPackages with the same options, each with its own init and encryption keys. With `lastResort`, the last
 * of the `n` is the last-resort package (RFC 9420 §16.8: to be used when the one-use packages run out) and the
 * others are one-use; `options.lastResort` is ignored.
 * @throws MlsError INVALID_MESSAGE when n is not a whole number ≥ 1 (≥ 0 without lastResort).
 * @example const batch = createKeyPackages(100, { suite: cs, credential, signaturePrivateKey }, { lastResort: true });
 */
export function createKeyPackages(
  n: number,
  options: CreateKeyPackageOptions,
  batch: { readonly lastResort?: boolean } = {},
): CreatedKeyPackage[] {
  if (!Number.isSafeInteger(n) || n < (batch.lastResort ? 1 : 0))
    throw new MlsError('INVALID_MESSAGE', `cannot create ${n} KeyPackages${batch.lastResort ? ' with a last-resort one' : ''}`);
  // One public key derivation for the whole batch.
  const signaturePublicKey = options.signaturePublicKey ?? options.suite.signaturePublicKey(options.signaturePrivateKey);
  const out: CreatedKeyPackage[] = [];
  for (let i = 0; i < n; i++)
    out.push(createKeyPackage({ ...options, signaturePublicKey, lastResort: batch.lastResort === true && i === n - 1 }));
  return out;
}

/**
 * Sign a LeafNode: signature = SignWithLabel(., "LeafNodeTBS", LeafNodeTBS) (§7.2). `ctx` (group id and the
 * leaf's index) is required for `update` and `commit` leaves and ignored for `key_package` ones.
 * @throws MlsError INVALID_MESSAGE when `ctx` is missing for an update or commit leaf.
 * @example const leaf = signLeafNode(cs, sigPriv, { ...content, leafNodeSource: LeafNodeSource.commit, parentHash }, { groupId, leafIndex });
 */
export function signLeafNode(
  suite: CipherSuite,
  signaturePrivateKey: Uint8Array,
  content: LeafNodeContent,
  ctx?: LeafNodeTBSContext,
): LeafNode {
  const signature = signWithLabel(suite, signaturePrivateKey, 'LeafNodeTBS', leafNodeTBS(content, ctx));
  return { ...content, signature } as LeafNode;
}

export interface CreateLeafNodeOptions {
  readonly suite: CipherSuite;
  readonly credential: Credential;
  readonly signaturePrivateKey: Uint8Array;
  /** Derived from the private key when absent. */
  readonly signaturePublicKey?: Uint8Array;
  /** Default: `defaultCapabilities` (plus the types the leaf uses), as in createKeyPackage. */
  readonly capabilities?: Capabilities;
  readonly extensions?: readonly Extension[];
  /** `update` (an Update proposal) or `commit` (an UpdatePath's leaf, with its parent hash, §7.9). */
  readonly source: { readonly kind: 'update' } | { readonly kind: 'commit'; readonly parentHash: Uint8Array };
  /**
   * The leaf's HPKE public key. For a commit it is derived from the leaf's path secret (§7.4) and passed in; when
   * absent a fresh key pair is drawn and its private key returned.
   */
  readonly encryptionKey?: Uint8Array;
  readonly groupId: Uint8Array;
  readonly leafIndex: LeafIndex;
  /** GREASE values in the capabilities (§13.5). Default true. */
  readonly grease?: boolean;
}

/**
 * Build and sign an `update` or `commit` LeafNode for a group (§7.2, §12.1.2, §12.4.2).
 * @returns the leaf, and the private key of a freshly drawn encryption key (absent when `encryptionKey` was given).
 * @example const { leafNode, encryptionPrivateKey } = createLeafNode({ suite: cs, credential, signaturePrivateKey, source: { kind: 'update' }, groupId, leafIndex: me });
 */
export function createLeafNode(opts: CreateLeafNodeOptions): { leafNode: LeafNode; encryptionPrivateKey?: Uint8Array } {
  const { suite, credential } = opts;
  const signatureKey = opts.signaturePublicKey ?? suite.signaturePublicKey(opts.signaturePrivateKey);
  let encryptionKey = opts.encryptionKey;
  let encryptionPrivateKey: Uint8Array | undefined;
  if (encryptionKey === undefined) {
    const kp = suite.hpkeGenerateKeyPair();
    encryptionKey = kp.publicKey;
    encryptionPrivateKey = kp.privateKey;
  }
  const extensions = opts.extensions ?? [];
  const base = opts.capabilities ?? defaultCapabilities(suite, { credentialType: credentialTypeOf(credential) });
  const used = extensions.map((e) => e.extensionType).filter((t) => !DEFAULT_EXTENSION_TYPES.has(t));
  const capabilities = withGrease(
    {
      ...base,
      extensions: unique([...base.extensions, ...used]),
      credentials: unique([...base.credentials, credentialTypeOf(credential)]),
    },
    opts.grease ?? true,
    suite,
  );
  const common = { encryptionKey, signatureKey, credential, capabilities, extensions };
  const content: LeafNodeContent =
    opts.source.kind === 'update'
      ? { ...common, leafNodeSource: LeafNodeSource.update }
      : { ...common, leafNodeSource: LeafNodeSource.commit, parentHash: opts.source.parentHash };
  const leafNode = signLeafNode(suite, opts.signaturePrivateKey, content, { groupId: opts.groupId, leafIndex: opts.leafIndex });
  return encryptionPrivateKey === undefined ? { leafNode } : { leafNode, encryptionPrivateKey };
}

function defaultLifetime(now: Date): Lifetime {
  const t = BigInt(Math.floor(now.getTime() / 1000));
  const notBefore = t > DEFAULT_LIFETIME_BEFORE_SECONDS ? t - DEFAULT_LIFETIME_BEFORE_SECONDS : 0n;
  return { notBefore, notAfter: t + DEFAULT_LIFETIME_AFTER_SECONDS };
}

function checkLifetime(l: Lifetime): void {
  const max = (1n << 64n) - 1n;
  if (l.notBefore < 0n || l.notAfter > max || l.notBefore > l.notAfter)
    throw new MlsError('INVALID_MESSAGE', `lifetime ${l.notBefore}..${l.notAfter} is empty or not uint64 seconds`);
}

/** Adds one random GREASE value to each list the RFC allows it in (§13.5), unless one is there already. */
function withGrease(c: Capabilities, on: boolean, suite: CipherSuite): Capabilities {
  if (!on) return c;
  const r = suite.randomBytes(4);
  const add = (list: readonly number[], b: number): number[] =>
    list.some(isGrease) ? [...list] : [...list, GREASE_VALUES[b % GREASE_VALUES.length]!];
  return {
    versions: [...c.versions],
    cipherSuites: add(c.cipherSuites, r[0]!),
    extensions: add(c.extensions, r[1]!),
    proposals: add(c.proposals, r[2]!),
    credentials: add(c.credentials, r[3]!),
  };
}

function unique(list: readonly number[]): number[] {
  return [...new Set(list)];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

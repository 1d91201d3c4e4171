/**
 * The CipherSuite interface: the primitives of one MLS cipher suite (RFC 9420 §5.1, registry in §17.1).
 * Synchronous by design (DESIGN.md: the engine runs in a worker; WASM and @noble are synchronous).
 *
 * Everything MLS builds on top (ExpandWithLabel, DeriveSecret, RefHash, SignWithLabel, EncryptWithLabel, …) lives
 * once in labels.ts over this interface. Providers: wasm-provider.ts (the AssemblyScript core) and noble.ts (pure
 * @noble, also the test oracle); suites.ts maps an id to a provider's suite.
 *
 * Key formats (RFC 9420 §5.1.1 and the mlswg test-vector conventions):
 * - HPKE private keys: SerializePrivateKey of RFC 9180 §7.1.2 (X25519: 32 raw bytes; P-256: 32-byte big-endian
 *   scalar). HPKE public keys: SerializePublicKey (X25519: 32 bytes; P-256: 65-byte uncompressed point).
 * - Signature private keys: Ed25519/Ed448 raw seed; ECDSA big-endian scalar. Public keys: RFC 8032 encoding for
 *   EdDSA, UncompressedPointRepresentation for ECDSA. ECDSA signatures are DER (RFC 9420 §5.1.2, RFC 8446).
 */

/** An MLS cipher suite id (uint16, RFC 9420 §17.1). */
export type CipherSuiteId = number;

/** The seven suites of RFC 9420 §17.1. */
export const CipherSuiteIds = {
  MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519: 1,
  MLS_128_DHKEMP256_AES128GCM_SHA256_P256: 2,
  MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519: 3,
  MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448: 4,
  MLS_256_DHKEMP521_AES256GCM_SHA512_P521: 5,
  MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448: 6,
  MLS_256_DHKEMP384_AES256GCM_SHA384_P384: 7,
} as const;

/** A key pair; private key bytes in the formats described in the file header. */
export interface KeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** HPKE single-shot output: RFC 9420's HPKECiphertext fields (§5.1.3). */
export interface HpkeSealed {
  readonly kemOutput: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/** The primitives of one cipher suite. All methods are synchronous and throw only `MlsError`. */
export interface CipherSuite {
  /** MLS cipher suite id (§17.1). */
  readonly id: CipherSuiteId;
  /** IANA name, e.g. "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519". */
  readonly name: string;
  /** Which backend implements it ("wasm", "noble", …), for tests and diagnostics. */
  readonly provider: string;
  /** HPKE algorithm ids (RFC 9180 §7): KEM, KDF, AEAD. */
  readonly hpke: { readonly kem: number; readonly kdf: number; readonly aead: number };
  /** TLS SignatureScheme (RFC 8446 §4.2.3): 0x0807 ed25519, 0x0403 ecdsa_secp256r1_sha256, … */
  readonly signatureScheme: number;
  /** KDF/hash output length Nh (RFC 9180 §7.2; RFC 9420 uses KDF.Nh). */
  readonly Nh: number;
  /** AEAD key length Nk. */
  readonly Nk: number;
  /** AEAD nonce length Nn. */
  readonly Nn: number;

  // --- Hash and MAC (§5.1: the suite's hash; MAC is HMAC with it) ---
  /** Hash(data). Public or secret input; constant-time in the data's content. */
  hash(data: Uint8Array): Uint8Array;
  /** Hash of each message; may batch into one backend call (tree hashing). */
  hashMany(messages: readonly Uint8Array[]): Uint8Array[];
  /** MAC(key, data) = HMAC-Hash (§5.1; used for membership tags and confirmation tags). */
  mac(key: Uint8Array, data: Uint8Array): Uint8Array;

  // --- KDF (HKDF, RFC 5869) ---
  kdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** @throws MlsError BAD_LENGTH when length > 255 * Nh. */
  kdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** kdfExpand(prk, infos[k], lengths[k]) for every k; one backend call where the provider has one. */
  kdfExpandMany(prk: Uint8Array, infos: readonly Uint8Array[], lengths: readonly number[]): Uint8Array[];

  // --- AEAD (RFC 5116: ciphertext includes the tag) ---
  aeadSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** @throws MlsError AEAD_DECRYPT when the tag does not verify. */
  aeadOpen(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array;

  // --- Signatures (§5.1.2: raw Signature.Sign / Verify; use SignWithLabel from labels.ts for MLS content) ---
  signatureKeyGen(): KeyPair;
  signaturePublicKey(privateKey: Uint8Array): Uint8Array;
  sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** False (never a throw) for any malformed key or signature. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * Many verifications at once: entry i equals `verify(publicKeys[i], messages[i], signatures[i])` (except with
   * probability <= 2^-100). Ed25519 on the WASM provider checks one random linear combination of the
   * (cofactored) equations per chunk and, when it fails, narrows down to the bad entries; elsewhere a loop of
   * verify. Use it wherever many signatures are checked together (a ratchet tree's leaves on join, the
   * KeyPackages of a commit).
   * @throws MlsError BAD_LENGTH when the three lists differ in length or a message is not a Uint8Array.
   * @example const ok = cs.verifyMany(keys, tbsList, sigs); // ok[i]: boolean
   */
  verifyMany(
    publicKeys: readonly Uint8Array[],
    messages: readonly Uint8Array[],
    signatures: readonly Uint8Array[],
  ): boolean[];

  // --- HPKE (RFC 9180, base mode) ---
  hpkeGenerateKeyPair(): KeyPair;
  /** DeriveKeyPair(ikm) (RFC 9180 §7.1.3); used for path secrets → node keys (§7.4) and external_pub (§8). */
  hpkeDeriveKeyPair(ikm: Uint8Array): KeyPair;
  /** The public key of an HPKE private key. */
  hpkePublicKey(privateKey: Uint8Array): Uint8Array;
  /** SealBase (RFC 9180 §6.1). */
  hpkeSeal(publicKey: Uint8Array, info: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): HpkeSealed;
  /**
   * SealBase (RFC 9180 §6.1) of `plaintexts[i]` to `publicKeys[i]` for every i, under one info and aad; entry i
   * is what `hpkeSeal(publicKeys[i], info, aad, plaintexts[i])` gives (fresh ephemeral key each). info is hashed
   * once (§5.1 info_hash), so a long info shared by many receivers (a Welcome's EncryptContext holds the whole
   * encrypted GroupInfo) costs its length once, not once per receiver.
   * @throws MlsError BAD_LENGTH when the lists differ in length; CRYPTO for a malformed public key.
   */
  hpkeSealMany(
    publicKeys: readonly Uint8Array[],
    info: Uint8Array,
    aad: Uint8Array,
    plaintexts: readonly Uint8Array[],
  ): HpkeSealed[];
  /** OpenBase (RFC 9180 §6.1). @throws MlsError AEAD_DECRYPT or CRYPTO. */
  hpkeOpen(
    privateKey: Uint8Array,
    kemOutput: Uint8Array,
    info: Uint8Array,
    aad: Uint8Array,
    ciphertext: Uint8Array,
  ): Uint8Array;
  /**
   * SetupBaseS(pkR, info) then Context.Export(exporterContext, length) (RFC 9180 §5.1, §5.3). External init
   * (RFC 9420 §8.3): `kem_output, init_secret = hpkeExportSend(external_pub, "", "MLS 1.0 external init secret", Nh)`.
   */
  hpkeExportSend(
    publicKey: Uint8Array,
    info: Uint8Array,
    exporterContext: Uint8Array,
    length: number,
  ): { kemOutput: Uint8Array; secret: Uint8Array };
  /** SetupBaseR(kemOutput, skR, info) then Context.Export (the receiving side of external init, §8.3). */
  hpkeExportReceive(
    privateKey: Uint8Array,
    kemOutput: Uint8Array,
    info: Uint8Array,
    exporterContext: Uint8Array,
    length: number,
  ): Uint8Array;

  /** n bytes from a CSPRNG (crypto.getRandomValues). */
  randomBytes(n: number): Uint8Array;
}

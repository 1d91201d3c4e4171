/**
 * Builds a CipherSuite from parts (hash, MAC, KDF, AEAD, signer, HPKE), checking inputs once here so every
 * provider rejects the same bad inputs with the same MlsError codes. Internal to crypto/.
 *
 * Also the meeting point with the pure-@noble module (noble.ts), which the SDK loads on demand only (dynamic
 * import in suites.ts) so the default path (suites 1 and 3 on the WASM core) carries no @noble code: noble.ts
 * registers its hooks here when it is evaluated, and wasm-provider.ts / suites.ts find them here.
 */
import { MlsError, type MlsErrorCode } from '../errors.ts';
import type { CipherSuite, CipherSuiteId, KeyPair } from './cipher-suite.ts';
import type { Aead, Kdf } from './hpke.ts';
import type { SuiteParams } from './suite-params.ts';
import { randomBytes } from './random.ts';

/** Raw signature primitives (RFC 9420 §5.1.2). `verify` returns false for malformed keys or signatures. */
export interface Signer {
  readonly privateKeyLength: number;
  keyGen(): KeyPair;
  publicKey(privateKey: Uint8Array): Uint8Array;
  sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * Optional batch form of verify: entry i equals verify(publicKeys[i], messages[i], signatures[i]) (except with
   * negligible probability). Called with three lists of one length and Uint8Array messages; keys and signatures
   * may be anything (false). Without it, assembleSuite loops over verify.
   */
  verifyMany?(
    publicKeys: readonly Uint8Array[],
    messages: readonly Uint8Array[],
    signatures: readonly Uint8Array[],
  ): boolean[];
}

/** The HPKE half of the CipherSuite interface. */
export type HpkePart = Pick<
  CipherSuite,
  | 'hpkeGenerateKeyPair'
  | 'hpkeDeriveKeyPair'
  | 'hpkePublicKey'
  | 'hpkeSeal'
  | 'hpkeSealMany'
  | 'hpkeOpen'
  | 'hpkeExportSend'
  | 'hpkeExportReceive'
>;

export interface SuiteParts {
  readonly provider: string;
  hash(data: Uint8Array): Uint8Array;
  hashMany?(messages: readonly Uint8Array[]): Uint8Array[];
  mac(key: Uint8Array, data: Uint8Array): Uint8Array;
  readonly kdf: Kdf;
  readonly aead: Aead;
  readonly signer: Signer;
  readonly hpke: HpkePart;
}

/** Run f; turn any foreign exception into an MlsError with `code` (MlsErrors pass through). */
export function wrap<T>(code: MlsErrorCode, what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof MlsError) throw e;
    throw new MlsError(code, `${what}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
}

export function checkBytes(what: string, b: unknown): asserts b is Uint8Array {
  if (!(b instanceof Uint8Array)) throw new MlsError('BAD_LENGTH', `${what} must be a Uint8Array`);
}
export function checkLen(what: string, b: unknown, n: number): asserts b is Uint8Array {
  checkBytes(what, b);
  if (b.length !== n) throw new MlsError('BAD_LENGTH', `${what} must be ${n} bytes, got ${b.length}`);
}

/** Input checks of hpkeSealMany, shared by the providers: two lists of the same length, all bytes. */
export function checkSealMany(
  publicKeys: readonly Uint8Array[],
  info: Uint8Array,
  aad: Uint8Array,
  plaintexts: readonly Uint8Array[],
): void {
  if (!Array.isArray(publicKeys) || !Array.isArray(plaintexts) || publicKeys.length !== plaintexts.length)
    throw new MlsError('BAD_LENGTH', 'hpkeSealMany needs as many public keys as plaintexts');
  checkBytes('info', info);
  checkBytes('aad', aad);
  for (const pk of publicKeys) checkBytes('public key', pk);
  for (const pt of plaintexts) checkBytes('plaintext', pt);
}

/** What noble.ts offers the rest of crypto/ once evaluated (set by noble.ts itself, see `setNobleHooks`). */
export interface NobleHooks {
  /** The pure-@noble CipherSuite of a suite (1, 2, 3). */
  nobleSuite(id: CipherSuiteId): CipherSuite;
  /** The P-256 parts of suite 2 over another provider's KDF, AEAD and hash (ECDSA P-256, DHKEM(P-256) HPKE). */
  p256Parts(kdf: Kdf, aead: Aead, hash: (m: Uint8Array) => Uint8Array): { signer: Signer; hpke: HpkePart };
}

let nobleHooks: NobleHooks | undefined;

/** Called once by noble.ts when it is evaluated (statically imported, or loaded by `ensureSuite`). */
export function setNobleHooks(hooks: NobleHooks): void {
  nobleHooks = hooks;
}

/** The hooks of noble.ts, or undefined while it is not loaded. */
export function getNobleHooks(): NobleHooks | undefined {
  return nobleHooks;
}

/** Assemble a CipherSuite with uniform input checks and error codes. */
export function assembleSuite(params: SuiteParams, parts: SuiteParts): CipherSuite {
  const { kdf, aead, signer } = parts;
  const maxExpand = 255 * kdf.Nh;
  const checkExpand = (info: Uint8Array | undefined, length: number) => {
    checkBytes('info', info);
    // RFC 5869 §2.3: L <= 255 * HashLen.
    if (!Number.isInteger(length) || length < 0 || length > maxExpand)
      throw new MlsError('BAD_LENGTH', `KDF.Expand length must be 0..${maxExpand}, got ${length}`);
  };
  const hashMany = parts.hashMany ?? ((ms: readonly Uint8Array[]) => ms.map((m) => parts.hash(m)));
  const verifyOne = (pk: Uint8Array, message: Uint8Array, sig: Uint8Array): boolean => {
    checkBytes('message', message);
    if (!(pk instanceof Uint8Array) || !(sig instanceof Uint8Array)) return false;
    try {
      return signer.verify(pk, message, sig);
    } catch {
      return false;
    }
  };
  return {
    id: params.id,
    name: params.name,
    provider: parts.provider,
    hpke: params.hpke,
    signatureScheme: params.signatureScheme,
    Nh: params.Nh,
    Nk: params.Nk,
    Nn: params.Nn,

    hash(data) {
      checkBytes('data', data);
      return parts.hash(data);
    },
    hashMany(messages) {
      for (const m of messages) checkBytes('message', m);
      return hashMany(messages);
    },
    mac(key, data) {
      checkBytes('key', key);
      checkBytes('data', data);
      return parts.mac(key, data);
    },
    kdfExtract(salt, ikm) {
      checkBytes('salt', salt);
      checkBytes('ikm', ikm);
      return kdf.extract(salt, ikm);
    },
    kdfExpand(prk, info, length) {
      checkBytes('prk', prk);
      checkExpand(info, length);
      return kdf.expand(prk, info, length);
    },
    kdfExpandMany(prk, infos, lengths) {
      checkBytes('prk', prk);
      if (infos.length !== lengths.length) throw new MlsError('BAD_LENGTH', 'kdfExpandMany needs one length per info');
      for (let k = 0; k < infos.length; k++) checkExpand(infos[k], lengths[k]!);
      return kdf.expandMany?.(prk, infos, lengths) ?? infos.map((info, k) => kdf.expand(prk, info, lengths[k]!));
    },
    aeadSeal(key, nonce, aad, pt) {
      checkLen('AEAD key', key, aead.Nk);
      checkLen('AEAD nonce', nonce, aead.Nn);
      checkBytes('aad', aad);
      checkBytes('plaintext', pt);
      return aead.seal(key, nonce, aad, pt);
    },
    aeadOpen(key, nonce, aad, ct) {
      checkLen('AEAD key', key, aead.Nk);
      checkLen('AEAD nonce', nonce, aead.Nn);
      checkBytes('aad', aad);
      checkBytes('ciphertext', ct);
      if (ct.length < 16) throw new MlsError('AEAD_DECRYPT', `ciphertext of ${ct.length} bytes is shorter than the tag`);
      return aead.open(key, nonce, aad, ct);
    },

    signatureKeyGen: () => wrap('CRYPTO', 'signature key generation', () => signer.keyGen()),
    signaturePublicKey(sk) {
      checkLen('signature private key', sk, signer.privateKeyLength);
      return wrap('CRYPTO', 'signature public key', () => signer.publicKey(sk));
    },
    sign(sk, message) {
      checkLen('signature private key', sk, signer.privateKeyLength);
      checkBytes('message', message);
      return wrap('CRYPTO', 'sign', () => signer.sign(sk, message));
    },
    verify: verifyOne,
    verifyMany(publicKeys, messages, signatures) {
      if (
        !Array.isArray(publicKeys) ||
        !Array.isArray(messages) ||
        !Array.isArray(signatures) ||
        publicKeys.length !== messages.length ||
        publicKeys.length !== signatures.length
      )
        throw new MlsError('BAD_LENGTH', 'verifyMany needs as many public keys, messages and signatures');
      for (const m of messages) checkBytes('message', m);
      if (signer.verifyMany) {
        try {
          return signer.verifyMany(publicKeys, messages, signatures);
        } catch {
          // An unexpected failure of the batch path: answer one by one (verify never throws for bad input).
        }
      }
      return publicKeys.map((pk, i) => verifyOne(pk, messages[i]!, signatures[i]!));
    },

    ...parts.hpke,

    randomBytes(n) {
      if (!Number.isInteger(n) || n < 0) throw new MlsError('BAD_LENGTH', `randomBytes(${n})`);
      return randomBytes(n);
    },
  };
}

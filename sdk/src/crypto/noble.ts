/**
 * Pure-@noble provider: cipher suites 1, 2 and 3 on @noble/hashes, @noble/ciphers and @noble/curves. It is the
 * test oracle for the WASM provider, and the source of the P-256 parts the WASM core lacks (wasm-provider.ts).
 * HPKE is hpke.ts over these primitives (no synchronous HPKE library exists).
 *
 * The SDK never imports this file statically: suites.ts loads it with a dynamic import() when suite 2 or the
 * 'noble' provider is asked for (`ensureSuite`, `loadCipherSuite`), so bundles emit it, with @noble, as a chunk
 * fetched on demand. Evaluating it registers its hooks (assemble.ts `setNobleHooks`); tests and tools may import it
 * statically, which makes suite 2 on the WASM provider and the noble fallback of `getCipherSuite` available at once.
 *
 * Constant-time: as the noble primitives are (noble's AES, ChaCha20-Poly1305, HMAC and curve scalar
 * multiplications are written to be constant-time; noble does not promise it against every JIT).
 * Signature verification handles public inputs only.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { MlsError } from '../errors.ts';
import { assembleSuite, setNobleHooks, wrap, type HpkePart, type Signer } from './assemble.ts';
import type { CipherSuite, CipherSuiteId } from './cipher-suite.ts';
import { Hpke, jsHpkePart, type Aead, type DhGroup, type Kdf } from './hpke.ts';
import { HPKE_AEAD, HPKE_KDF, HPKE_KEM, suiteParams } from './suite-params.ts';
import { randomBytes } from './random.ts';

type Hash = CHash;

/** HKDF over a noble hash (RFC 5869). */
export function nobleKdf(hash: Hash, id: number): Kdf {
  return {
    id,
    Nh: hash.outputLen,
    extract: (salt, ikm) => extract(hash, ikm, salt),
    expand: (prk, info, length) => expand(hash, prk, info, length),
  };
}

type NobleAeadFn = (key: Uint8Array, nonce: Uint8Array, aad?: Uint8Array) => {
  encrypt(pt: Uint8Array): Uint8Array;
  decrypt(ct: Uint8Array): Uint8Array;
};

function nobleAead(fn: NobleAeadFn, id: number, Nk: number): Aead {
  return {
    id,
    Nk,
    Nn: 12,
    seal: (key, nonce, aad, pt) => wrap('CRYPTO', 'AEAD seal', () => fn(key, nonce, aad).encrypt(pt)),
    open: (key, nonce, aad, ct) => {
      try {
        return fn(key, nonce, aad).decrypt(ct);
      } catch (e) {
        throw new MlsError('AEAD_DECRYPT', 'authentication tag mismatch', { cause: e });
      }
    },
  };
}

export const nobleAes128Gcm = (): Aead => nobleAead(gcm as NobleAeadFn, HPKE_AEAD.AES128GCM, 16);
export const nobleAes256Gcm = (): Aead => nobleAead(gcm as NobleAeadFn, HPKE_AEAD.AES256GCM, 32);
export const nobleChaCha20Poly1305 = (): Aead =>
  nobleAead(chacha20poly1305 as NobleAeadFn, HPKE_AEAD.CHACHA20POLY1305, 32);

function isAllZero(b: Uint8Array): boolean {
  let d = 0;
  for (const x of b) d |= x;
  return d === 0;
}

/** A Montgomery-curve ECDH (X25519 / X448) as noble exposes it. */
export interface MontgomeryLike {
  getSharedSecret(sk: Uint8Array, pk: Uint8Array): Uint8Array;
  getPublicKey(sk: Uint8Array): Uint8Array;
}

/** DHKEM over X25519 or X448 (RFC 9180 §7.1, RFC 7748): Nsk = Npk = Nenc = key length. */
export function montgomeryGroup(
  curve: MontgomeryLike,
  name: string,
  kemId: number,
  keyLen: number,
  Nsecret: number,
  kdf: Kdf,
): DhGroup {
  return {
    kemId,
    Nsecret,
    Nenc: keyLen,
    Npk: keyLen,
    Nsk: keyLen,
    kdf,
    dh(sk, pk) {
      if (sk.length !== keyLen || pk.length !== keyLen) throw new MlsError('CRYPTO', `${name} keys must be ${keyLen} bytes`);
      const z = wrap('CRYPTO', name, () => curve.getSharedSecret(sk, pk));
      // RFC 9180 §7.1.4 / RFC 7748 §6: reject the all-zero output of a low-order point.
      if (isAllZero(z)) throw new MlsError('CRYPTO', `${name} result is all zero (low-order point)`);
      return z;
    },
    publicKey: (sk) => wrap('CRYPTO', `${name} public key`, () => curve.getPublicKey(sk)),
  };
}

/** X25519 for DHKEM(X25519, HKDF-SHA256). */
export const x25519Group = (kdf: Kdf): DhGroup => montgomeryGroup(x25519, 'X25519', HPKE_KEM.X25519, 32, 32, kdf);

/** A NIST curve as noble exposes it (p256, p384, p521). */
export type NistCurve = typeof p256;

/**
 * DHKEM over a NIST curve (RFC 9180 §7.1): uncompressed public keys, x-coordinate DH output, DeriveKeyPair by
 * rejection sampling with the curve order and first-byte mask (§7.1.3).
 */
export function nistGroup(curve: NistCurve, name: string, kemId: number, Nsk: number, bitmask: number, Nsecret: number, kdf: Kdf): DhGroup {
  const Npk = 1 + 2 * Nsk;
  return {
    kemId,
    Nsecret,
    Nenc: Npk,
    Npk,
    Nsk,
    kdf,
    order: curve.Point.CURVE().n,
    bitmask,
    dh(sk, pk) {
      // RFC 9180 §7.1.4: partial public key validation (noble checks the point is on the curve, not infinity).
      if (pk.length !== Npk || pk[0] !== 0x04) throw new MlsError('CRYPTO', `${name} public key must be uncompressed`);
      const shared = wrap('CRYPTO', `${name} ECDH`, () => curve.getSharedSecret(sk, pk, true));
      return shared.slice(1);
    },
    publicKey: (sk) => wrap('CRYPTO', `${name} public key`, () => curve.getPublicKey(sk, false)),
  };
}

/** P-256 for DHKEM(P-256, HKDF-SHA256). */
export const p256Group = (kdf: Kdf): DhGroup => nistGroup(p256, 'P-256', HPKE_KEM.P256, 32, 0xff, 32, kdf);

/** An EdDSA scheme as noble exposes it (ed25519, ed448). */
export type EdwardsLike = typeof ed25519;

/**
 * EdDSA (RFC 8032) with raw-seed private keys and the verification rule of the WASM core (core-as/assembly/
 * ed25519.ts header), so both providers give the same answer on every input:
 *   exact lengths; S < L; A and R decode strictly (y < p, on the curve, no x = 0 with the sign bit: noble's
 *   Point.fromBytes with zip215 false); neither A nor R of small order (isSmallOrder); then the cofactored
 *   equation [8]([S]B - R - [k]A) = O (noble's verify with zip215 true is cofactored, and after the checks above
 *   its more lenient decoding has nothing left to accept).
 * Cofactored because batch verification (verifyMany) must agree with one-by-one verification, which holds only
 * for the cofactored equation ("Taming the many EdDSAs", 2020; ZIP-215).
 * Ed448 (noble-extra.ts, suites 4-7) uses this too: the same rule with cofactor 4; it has no WASM counterpart
 * and no batch equation (verifyMany is a loop of verify there).
 */
export function eddsaSigner(curve: EdwardsLike, keyLen: number, sigLen: number): Signer {
  const L = curve.Point.CURVE().n;
  const strictPoint = (b: Uint8Array) => {
    try {
      const P = curve.Point.fromBytes(b, false);
      return P.isSmallOrder() ? undefined : P;
    } catch {
      return undefined;
    }
  };
  return {
    privateKeyLength: keyLen,
    keyGen() {
      const seed = randomBytes(keyLen);
      return { privateKey: seed, publicKey: curve.getPublicKey(seed) };
    },
    publicKey: (sk) => curve.getPublicKey(sk),
    sign: (sk, m) => curve.sign(m, sk),
    verify(pk, m, sig) {
      if (pk.length !== keyLen || sig.length !== sigLen) return false;
      if (bytesToNumberLE(sig.subarray(keyLen)) >= L) return false; //    S < L
      if (!strictPoint(pk) || !strictPoint(sig.subarray(0, keyLen))) return false; // A, R: strict, not small order
      return curve.verify(sig, m, pk, { zip215: true }); //                cofactored
    },
  };
}
export const nobleEd25519: Signer = eddsaSigner(ed25519, 32, 64);

/**
 * ECDSA over a NIST curve with the given hash (ecdsa_secp256r1_sha256 etc.). Signatures are DER (RFC 9420 §5.1.2,
 * RFC 8446 §4.2.3); signing is deterministic (RFC 6979). Verification accepts high-S signatures, as other MLS
 * implementations produce them. Private keys are big-endian scalars of `keyLen` bytes.
 */
export function ecdsaSigner(curve: NistCurve, hash: (m: Uint8Array) => Uint8Array, keyLen: number): Signer {
  return {
    privateKeyLength: keyLen,
    keyGen() {
      const sk = curve.utils.randomSecretKey();
      return { privateKey: sk, publicKey: curve.getPublicKey(sk, false) };
    },
    publicKey: (sk) => curve.getPublicKey(sk, false),
    sign: (sk, m) => curve.sign(hash(m), sk, { prehash: false, format: 'der' }),
    verify: (pk, m, sig) => curve.verify(sig, hash(m), pk, { prehash: false, format: 'der', lowS: false }),
  };
}

/** ECDSA P-256 with SHA-256; `hash` lets the WASM provider hash the message with the core. */
export const ecdsaP256Signer = (hash: (m: Uint8Array) => Uint8Array = sha256): Signer => ecdsaSigner(p256, hash, 32);
export const nobleEcdsaP256: Signer = ecdsaP256Signer();

function build(id: CipherSuiteId): CipherSuite {
  const params = suiteParams(id);
  const kdf = nobleKdf(sha256, HPKE_KDF.SHA256);
  const hash = (d: Uint8Array) => sha256(d);
  const mac = (k: Uint8Array, d: Uint8Array) => hmac(sha256, k, d);
  switch (id) {
    case 1:
    case 3: {
      const aead = id === 1 ? nobleAes128Gcm() : nobleChaCha20Poly1305();
      const hpke = new Hpke(x25519Group(kdf), kdf, aead);
      return assembleSuite(params, { provider: 'noble', hash, mac, kdf, aead, signer: nobleEd25519, hpke: jsHpkePart(hpke) });
    }
    case 2: {
      const aead = nobleAes128Gcm();
      const hpke = new Hpke(p256Group(kdf), kdf, aead);
      return assembleSuite(params, { provider: 'noble', hash, mac, kdf, aead, signer: nobleEcdsaP256, hpke: jsHpkePart(hpke) });
    }
    default:
      throw new MlsError('UNSUPPORTED', `cipher suite ${id} (${params.name}) is not implemented`);
  }
}

const cache = new Map<number, CipherSuite>();

/** The @noble implementation of a suite. @throws MlsError UNSUPPORTED for suites other than 1, 2, 3. */
export function nobleSuite(id: CipherSuiteId): CipherSuite {
  let s = cache.get(id);
  if (!s) {
    s = build(id);
    cache.set(id, s);
  }
  return s;
}

/** Suites this provider implements. */
export { NOBLE_SUITES } from './suites.ts';

/** Suite 2's P-256 parts over another provider's HKDF-SHA256, AES-128-GCM and SHA-256 (the WASM core's). */
export function p256Parts(kdf: Kdf, aead: Aead, hash: (m: Uint8Array) => Uint8Array): { signer: Signer; hpke: HpkePart } {
  return { signer: ecdsaP256Signer(hash), hpke: jsHpkePart(new Hpke(p256Group(kdf), kdf, aead)) };
}

setNobleHooks({ nobleSuite, p256Parts });

/**
 * Pure-@noble provider: cipher suites 1, 2 and 3 on @noble/hashes, @noble/ciphers and @noble/curves. It is the
 * test oracle for the WASM provider, and the source of the P-256 parts the WASM core lacks (wasm-provider.ts).
 * HPKE is hpke.ts over these primitives (no synchronous HPKE library exists).
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
import { MlsError } from '../errors.ts';
import { assembleSuite, jsHpkePart, wrap, type Signer } from './assemble.ts';
import type { CipherSuite, CipherSuiteId } from './cipher-suite.ts';
import { Hpke, type Aead, type DhGroup, type Kdf } from './hpke.ts';
import { HPKE_AEAD, HPKE_KDF, HPKE_KEM, suiteParams } from './suite-params.ts';

type Hash = typeof sha256;

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

/** X25519 for DHKEM(X25519, HKDF-SHA256) (RFC 9180 §7.1, RFC 7748). */
export function x25519Group(kdf: Kdf): DhGroup {
  return {
    kemId: HPKE_KEM.X25519,
    Nsecret: 32,
    Nenc: 32,
    Npk: 32,
    Nsk: 32,
    kdf,
    dh(sk, pk) {
      if (sk.length !== 32 || pk.length !== 32) throw new MlsError('CRYPTO', 'X25519 keys must be 32 bytes');
      const z = wrap('CRYPTO', 'X25519', () => x25519.getSharedSecret(sk, pk));
      // RFC 9180 §7.1.4 / RFC 7748 §6.1: reject the all-zero output of a low-order point.
      if (isAllZero(z)) throw new MlsError('CRYPTO', 'X25519 result is all zero (low-order point)');
      return z;
    },
    publicKey: (sk) => wrap('CRYPTO', 'X25519 public key', () => x25519.getPublicKey(sk)),
  };
}

/** P-256 for DHKEM(P-256, HKDF-SHA256) (RFC 9180 §7.1): uncompressed public keys, x-coordinate DH output. */
export function p256Group(kdf: Kdf): DhGroup {
  return {
    kemId: HPKE_KEM.P256,
    Nsecret: 32,
    Nenc: 65,
    Npk: 65,
    Nsk: 32,
    kdf,
    order: p256.Point.CURVE().n,
    bitmask: 0xff,
    dh(sk, pk) {
      // RFC 9180 §7.1.4: partial public key validation (noble checks the point is on the curve, not infinity).
      if (pk.length !== 65 || pk[0] !== 0x04) throw new MlsError('CRYPTO', 'P-256 public key must be uncompressed');
      const shared = wrap('CRYPTO', 'P-256 ECDH', () => p256.getSharedSecret(sk, pk, true));
      return shared.slice(1);
    },
    publicKey: (sk) => wrap('CRYPTO', 'P-256 public key', () => p256.getPublicKey(sk, false)),
  };
}

/** Ed25519 (RFC 8032), strict verification (no ZIP-215 leniency), like the WASM core. */
export const nobleEd25519: Signer = {
  privateKeyLength: 32,
  keyGen() {
    const seed = crypto.getRandomValues(new Uint8Array(32));
    return { privateKey: seed, publicKey: ed25519.getPublicKey(seed) };
  },
  publicKey: (sk) => ed25519.getPublicKey(sk),
  sign: (sk, m) => ed25519.sign(m, sk),
  verify: (pk, m, sig) => pk.length === 32 && sig.length === 64 && ed25519.verify(sig, m, pk, { zip215: false }),
};

/**
 * ECDSA P-256 with SHA-256 (ecdsa_secp256r1_sha256). Signatures are DER (RFC 9420 §5.1.2, RFC 8446 §4.2.3);
 * signing is deterministic (RFC 6979). Verification accepts high-S signatures, as other MLS implementations
 * produce them. `sha256` lets the WASM provider hash the message with the core (default: @noble/hashes).
 */
export function ecdsaP256Signer(hash: (m: Uint8Array) => Uint8Array = sha256): Signer {
  return {
    privateKeyLength: 32,
    keyGen() {
      const sk = p256.utils.randomSecretKey();
      return { privateKey: sk, publicKey: p256.getPublicKey(sk, false) };
    },
    publicKey: (sk) => p256.getPublicKey(sk, false),
    sign: (sk, m) => p256.sign(hash(m), sk, { prehash: false, format: 'der' }),
    verify: (pk, m, sig) => p256.verify(sig, hash(m), pk, { prehash: false, format: 'der', lowS: false }),
  };
}
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
export const NOBLE_SUITES: readonly CipherSuiteId[] = [1, 2, 3];

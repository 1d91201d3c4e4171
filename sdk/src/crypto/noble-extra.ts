/**
 * Cipher suites 4-7 (RFC 9420 §17.1: X448/Ed448, P-521, P-384 with SHA-512/SHA-384 and AES-256-GCM /
 * ChaCha20-Poly1305) on @noble only. Opt-in and separate from noble.ts so the SDK bundle does not carry Ed448,
 * X448, P-384 and P-521 unless an app asks for them; `getCipherSuite` does not offer them. They exist to show the
 * CipherSuite interface takes these suites unchanged, and they pass the crypto-basics vectors.
 *
 * Constant-time: as the noble primitives are.
 */
import { ed448, x448 } from '@noble/curves/ed448.js';
import { p384, p521 } from '@noble/curves/nist.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha384, sha512 } from '@noble/hashes/sha2.js';
import { MlsError } from '../errors.ts';
import { assembleSuite } from './assemble.ts';
import type { CipherSuite, CipherSuiteId } from './cipher-suite.ts';
import { Hpke, jsHpkePart, type DhGroup } from './hpke.ts';
import {
  ecdsaSigner,
  eddsaSigner,
  montgomeryGroup,
  nistGroup,
  nobleAes256Gcm,
  nobleChaCha20Poly1305,
  nobleKdf,
  type MontgomeryLike,
} from './noble.ts';
import { HPKE_KDF, HPKE_KEM, suiteParams } from './suite-params.ts';

function build(id: CipherSuiteId): CipherSuite {
  const params = suiteParams(id);
  const hash = id === 7 ? sha384 : sha512;
  const kdf = nobleKdf(hash, id === 7 ? HPKE_KDF.SHA384 : HPKE_KDF.SHA512);
  const aead = id === 6 ? nobleChaCha20Poly1305() : nobleAes256Gcm();
  let group: DhGroup;
  let signer;
  if (id === 4 || id === 6) {
    // DHKEM(X448, HKDF-SHA512): Nsecret 64, keys 56 bytes (RFC 9180 §7.1). Ed448 seeds are 57 bytes (RFC 8032).
    group = montgomeryGroup(x448 as MontgomeryLike, 'X448', HPKE_KEM.X448, 56, 64, kdf);
    signer = eddsaSigner(ed448, 57, 114);
  } else if (id === 5) {
    // DHKEM(P-521, HKDF-SHA512): Nsk 66, bitmask 0x01 (RFC 9180 §7.1.3); ecdsa_secp521r1_sha512.
    group = nistGroup(p521, 'P-521', HPKE_KEM.P521, 66, 0x01, 64, kdf);
    signer = ecdsaSigner(p521, sha512, 66);
  } else if (id === 7) {
    // DHKEM(P-384, HKDF-SHA384): Nsk 48, bitmask 0xff; ecdsa_secp384r1_sha384.
    group = nistGroup(p384, 'P-384', HPKE_KEM.P384, 48, 0xff, 48, kdf);
    signer = ecdsaSigner(p384, sha384, 48);
  } else {
    throw new MlsError('UNSUPPORTED', `cipher suite ${id} is not one of suites 4-7`);
  }
  return assembleSuite(params, {
    provider: 'noble',
    hash: (d) => hash(d),
    mac: (k, d) => hmac(hash, k, d),
    kdf,
    aead,
    signer,
    hpke: jsHpkePart(new Hpke(group, kdf, aead)),
  });
}

const cache = new Map<number, CipherSuite>();

/** The @noble implementation of suites 4-7. @throws MlsError UNSUPPORTED for other ids. */
export function nobleExtraSuite(id: CipherSuiteId): CipherSuite {
  let s = cache.get(id);
  if (!s) cache.set(id, (s = build(id)));
  return s;
}

export const NOBLE_EXTRA_SUITES: readonly CipherSuiteId[] = [4, 5, 6, 7];

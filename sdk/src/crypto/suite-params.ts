/**
 * Static parameters of the RFC 9420 §17.1 cipher suites (no code, no provider): ids, names, HPKE algorithm ids,
 * signature scheme, and the sizes Nh, Nk, Nn. Providers build on these; decoders may use them without crypto.
 */
import { MlsError } from '../errors.ts';
import type { CipherSuiteId } from './cipher-suite.ts';

export interface SuiteParams {
  readonly id: CipherSuiteId;
  readonly name: string;
  readonly hpke: { readonly kem: number; readonly kdf: number; readonly aead: number };
  /** TLS SignatureScheme (RFC 8446 §4.2.3). */
  readonly signatureScheme: number;
  readonly Nh: number;
  readonly Nk: number;
  readonly Nn: number;
}

// RFC 9180 §7.1-7.3 ids.
const KEM = { P256: 0x0010, P384: 0x0011, P521: 0x0012, X25519: 0x0020, X448: 0x0021 } as const;
const KDF = { SHA256: 0x0001, SHA384: 0x0002, SHA512: 0x0003 } as const;
const AEAD = { AES128GCM: 0x0001, AES256GCM: 0x0002, CHACHA20POLY1305: 0x0003 } as const;
// RFC 8446 §4.2.3 SignatureScheme.
export const SIG = { ED25519: 0x0807, ED448: 0x0808, P256: 0x0403, P384: 0x0503, P521: 0x0603 } as const;

const p = (
  id: number,
  name: string,
  kem: number,
  kdf: number,
  aead: number,
  signatureScheme: number,
  Nh: number,
  Nk: number,
): SuiteParams => ({ id, name, hpke: { kem, kdf, aead }, signatureScheme, Nh, Nk, Nn: 12 });

/** RFC 9420 §17.1, Table 6. */
const TABLE: ReadonlyMap<number, SuiteParams> = new Map(
  [
    p(1, 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519', KEM.X25519, KDF.SHA256, AEAD.AES128GCM, SIG.ED25519, 32, 16),
    p(2, 'MLS_128_DHKEMP256_AES128GCM_SHA256_P256', KEM.P256, KDF.SHA256, AEAD.AES128GCM, SIG.P256, 32, 16),
    p(3, 'MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519', KEM.X25519, KDF.SHA256, AEAD.CHACHA20POLY1305, SIG.ED25519, 32, 32),
    p(4, 'MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448', KEM.X448, KDF.SHA512, AEAD.AES256GCM, SIG.ED448, 64, 32),
    p(5, 'MLS_256_DHKEMP521_AES256GCM_SHA512_P521', KEM.P521, KDF.SHA512, AEAD.AES256GCM, SIG.P521, 64, 32),
    p(6, 'MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448', KEM.X448, KDF.SHA512, AEAD.CHACHA20POLY1305, SIG.ED448, 64, 32),
    p(7, 'MLS_256_DHKEMP384_AES256GCM_SHA384_P384', KEM.P384, KDF.SHA384, AEAD.AES256GCM, SIG.P384, 48, 32),
  ].map((s) => [s.id, s]),
);

/** Parameters of a registered suite (1-7). @throws MlsError UNSUPPORTED for any other id. */
export function suiteParams(id: CipherSuiteId): SuiteParams {
  const s = TABLE.get(id);
  if (!s) throw new MlsError('UNSUPPORTED', `cipher suite ${id} is not defined by RFC 9420`);
  return s;
}

export { KEM as HPKE_KEM, KDF as HPKE_KDF, AEAD as HPKE_AEAD };

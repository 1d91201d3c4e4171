/**
 * Credentials (RFC 9420 §5.3).
 *
 * ```
 * // See the "MLS Credential Types" IANA registry for values
 * uint16 CredentialType;
 *
 * struct {
 *     opaque cert_data<V>;
 * } Certificate;
 *
 * struct {
 *     CredentialType credential_type;
 *     select (Credential.credential_type) {
 *         case basic:
 *             opaque identity<V>;
 *
 *         case x509:
 *             Certificate certificates<V>;
 *     };
 * } Credential;
 * ```
 *
 * Unknown credential types are kept, not refused (§13.3): the RFC gives their body no framing, so we follow the
 * convention of OpenMLS and mls-rs, whose custom credentials carry their content as one `opaque content<V>`
 * after the type; that body is kept as is and re-encoded byte for byte. `credential_type` 0 (reserved) is refused.
 * Decoded byte fields are views into the input (messages/common.ts).
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import { MlsError } from '../errors.ts';

/** Credential types of RFC 9420 §17.5. */
export const CredentialType = { basic: 1, x509: 2 } as const;

/** `basic`: a bare identity whose format the application defines. */
export interface BasicCredential {
  readonly kind: 'basic';
  readonly identity: Uint8Array;
}
/** `x509`: DER certificates, end-entity first (`certificates[i]` is `Certificate.cert_data`). */
export interface X509Credential {
  readonly kind: 'x509';
  readonly certificates: readonly Uint8Array[];
}
/** A credential type we do not implement, kept as its opaque body. */
export interface UnknownCredential {
  readonly kind: 'unknown';
  readonly credentialType: number;
  readonly body: Uint8Array;
}
export type Credential = BasicCredential | X509Credential | UnknownCredential;

/** The wire `credential_type` of a credential. */
export function credentialTypeOf(c: Credential): number {
  return c.kind === 'basic' ? CredentialType.basic : c.kind === 'x509' ? CredentialType.x509 : c.credentialType;
}

/** @throws MlsError INVALID_MESSAGE for an 'unknown' credential that claims a known or reserved type. */
export function encodeCredential(w: Writer, c: Credential): void {
  switch (c.kind) {
    case 'basic':
      w.u16(CredentialType.basic).opaque(c.identity);
      return;
    case 'x509':
      w.u16(CredentialType.x509).vector(c.certificates, (w, cert) => w.opaque(cert));
      return;
    case 'unknown':
      if (c.credentialType === 0 || c.credentialType === CredentialType.basic || c.credentialType === CredentialType.x509)
        throw new MlsError('INVALID_MESSAGE', `credential_type ${c.credentialType} cannot be an unknown credential`);
      w.u16(c.credentialType).opaque(c.body);
      return;
  }
}

/** @throws MlsError DECODE naming the field. */
export function decodeCredential(r: Reader): Credential {
  const at = r.offset;
  const t = r.u16('credential_type');
  switch (t) {
    case 0:
      return r.fail('credential_type', 'reserved credential type 0 (RFC 9420 §17.5)', at);
    case CredentialType.basic:
      return { kind: 'basic', identity: r.opaque('identity') };
    case CredentialType.x509:
      return { kind: 'x509', certificates: r.vector('certificates', (r) => r.opaque('cert_data')) };
    default:
      return { kind: 'unknown', credentialType: t, body: r.opaque('credential') };
  }
}

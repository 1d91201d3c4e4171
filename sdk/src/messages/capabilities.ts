/**
 * Capabilities (RFC 9420 §7.2).
 *
 * ```
 * struct {
 *     ProtocolVersion versions<V>;
 *     CipherSuite cipher_suites<V>;
 *     ExtensionType extensions<V>;
 *     ProposalType proposals<V>;
 *     CredentialType credentials<V>;
 * } Capabilities;
 * ```
 *
 * Every value is kept as sent, unknown and GREASE values included: §7.2 and §13.4 require receivers to ignore
 * unrecognised values, not to refuse them, and the LeafNode signature covers them. Checks of the lists against a
 * group (default types not listed, credential type listed, required capabilities) belong to validation.
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';

export interface Capabilities {
  readonly versions: readonly number[];
  readonly cipherSuites: readonly number[];
  readonly extensions: readonly number[];
  readonly proposals: readonly number[];
  readonly credentials: readonly number[];
}

const u16 = (w: Writer, v: number): void => void w.u16(v);

export function encodeCapabilities(w: Writer, c: Capabilities): void {
  w.vector(c.versions, u16);
  w.vector(c.cipherSuites, u16);
  w.vector(c.extensions, u16);
  w.vector(c.proposals, u16);
  w.vector(c.credentials, u16);
}

/** @throws MlsError DECODE naming the field (e.g. an odd byte length in `cipher_suites`). */
export function decodeCapabilities(r: Reader): Capabilities {
  return {
    versions: r.vector('versions', (r) => r.u16('versions')),
    cipherSuites: r.vector('cipher_suites', (r) => r.u16('cipher_suites')),
    extensions: r.vector('extensions', (r) => r.u16('extensions')),
    proposals: r.vector('proposals', (r) => r.u16('proposals')),
    credentials: r.vector('credentials', (r) => r.u16('credentials')),
  };
}

/** The 15 GREASE values of RFC 9420 §13.5 (0x0A0A, 0x1A1A, …, 0xEAEA), for any of the registries. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && (v >> 12) === ((v >> 4) & 0xf) && v !== 0xfafa;
}

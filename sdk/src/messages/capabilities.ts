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
import { bytesKey } from '../crypto/bytes.ts';
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

/**
 * Decoded capability lists by their encoding. The members of a group mostly run the same software, so their
 * leaves carry equal lists (GREASE makes whole Capabilities differ, §13.5, but each list has only a few
 * variants): sharing one frozen array per variant saves ~600 bytes of heap per leaf, a third of a member's share
 * of a large tree. Bounded; a full table is simply dropped.
 */
const interned = new Map<number | string, readonly number[]>();
const INTERN_MAX = 1024;

function list(r: Reader, field: string, tag: number): readonly number[] {
  const start = r.offset;
  const v = r.vector(field, (r) => r.u16(field));
  const enc = r.since(start);
  // Typical lists encode in ≤ 5 bytes (a length byte and two values): an exact number key (< 2^53), no string.
  let key: number | string;
  if (enc.length <= 5) {
    key = enc.length * 8 + tag;
    for (let i = 0; i < enc.length; i++) key = key * 256 + enc[i]!;
  } else key = field + bytesKey(enc);
  const known = interned.get(key);
  if (known !== undefined) return known;
  if (interned.size >= INTERN_MAX) interned.clear();
  interned.set(key, Object.freeze(v));
  return v;
}

/** @throws MlsError DECODE naming the field (e.g. an odd byte length in `cipher_suites`). */
export function decodeCapabilities(r: Reader): Capabilities {
  return {
    versions: list(r, 'versions', 0),
    cipherSuites: list(r, 'cipher_suites', 1),
    extensions: list(r, 'extensions', 2),
    proposals: list(r, 'proposals', 3),
    credentials: list(r, 'credentials', 4),
  };
}

/** The 15 GREASE values of RFC 9420 §13.5 (0x0A0A, 0x1A1A, …, 0xEAEA), for any of the registries. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && (v >> 12) === ((v >> 4) & 0xf) && v !== 0xfafa;
}

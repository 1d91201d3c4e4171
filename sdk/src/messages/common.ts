/**
 * Small pieces shared by the wire structs of RFC 9420: protocol version, cipher suite ids, wire formats, and the
 * decoding conventions every struct in messages/ and framing/ follows.
 *
 * Conventions (all files of messages/ and framing/):
 * - One `encodeX(w, x)` / `decodeX(r)` pair per struct over the codec (`Writer` / `Reader`). Whole-buffer helpers
 *   are `decode(bytes, decodeX, 'X')` and `encode((w) => encodeX(w, x))` from codec/.
 * - Decoding is strict and syntactic: enum values the RFC fixes are checked, reserved value 0 is refused for
 *   registry-typed fields (cipher suite, extension, proposal and credential types), trailing bytes inside a
 *   `<V>` region or after the struct are refused, and every failure is `MlsError('DECODE')` naming the field.
 *   Semantic validation (signatures, capabilities, tree invariants) lives in the layers that own it.
 * - Unknown extension, proposal and credential types are kept (RFC 9420 §13), never refused.
 * - Memory: the byte fields of a decoded value are `subarray` views into the input (no copies), which is safe
 *   because wire data is public and the codec never mutates its input. Do not mutate an input buffer after
 *   decoding it. The exceptions are secrets (GroupSecrets.joiner_secret and path_secret, welcome.ts): those are
 *   copied so the caller can wipe the decrypted plaintext and the decoded secret independently.
 * - uint64 fields (`epoch`, lifetimes) are bigints; uint32 leaf indices are `LeafIndex` (tree/math.ts).
 */
import type { Reader } from '../codec/reader.ts';

/** `opaque HPKEPublicKey<V>` (RFC 9420 §5.1.1). */
export type HPKEPublicKey = Uint8Array;
/** `opaque SignaturePublicKey<V>` (RFC 9420 §5.1.1). */
export type SignaturePublicKey = Uint8Array;

/**
 * `enum { reserved(0), mls10(1), (65535) } ProtocolVersion;` (RFC 9420 §6).
 */
export const ProtocolVersion = { mls10: 1 } as const;
export type ProtocolVersion = number;

/**
 * The MLS wire formats (RFC 9420 §6, registry §17.2). `uint16 WireFormat;`
 */
export const WireFormat = {
  mls_public_message: 1,
  mls_private_message: 2,
  mls_welcome: 3,
  mls_group_info: 4,
  mls_key_package: 5,
} as const;
export type WireFormat = (typeof WireFormat)[keyof typeof WireFormat];

/** All five wire formats (MLSMessage.wire_format). */
export const ALL_WIRE_FORMATS: ReadonlySet<WireFormat> = new Set([1, 2, 3, 4, 5] as WireFormat[]);
/** The wire formats that carry an AuthenticatedContent (public and private messages). */
export const CONTENT_WIRE_FORMATS: ReadonlySet<WireFormat> = new Set([1, 2] as WireFormat[]);

/**
 * A `ProtocolVersion` field without a fixed value (KeyPackage.version, ReInit.version, capabilities): reserved(0)
 * is refused, other values are kept for validation to judge (a ReInit may name a newer version).
 */
export function decodeVersion(r: Reader, field = 'version'): ProtocolVersion {
  const at = r.offset;
  const v = r.u16(field);
  if (v === 0) r.fail(field, 'reserved ProtocolVersion 0 (RFC 9420 §6)', at);
  return v;
}

/** A `ProtocolVersion version = mls10` field (MLSMessage, GroupContext, FramedContentTBS): must be 1. */
export function decodeMls10(r: Reader, field = 'version'): void {
  const at = r.offset;
  const v = r.u16(field);
  if (v !== ProtocolVersion.mls10) r.fail(field, `protocol version ${v} is not mls10 (1)`, at);
}

/** A `CipherSuite cipher_suite` field (uint16, §17.1): reserved 0x0000 refused, unknown suites kept. */
export function decodeCipherSuiteId(r: Reader, field = 'cipher_suite'): number {
  const at = r.offset;
  const v = r.u16(field);
  if (v === 0) r.fail(field, 'reserved cipher suite 0x0000 (RFC 9420 §17.1)', at);
  return v;
}

/** An `opaque x<V>` field copied out of the input (for secrets, see the file header). */
export function decodeOpaqueCopy(r: Reader, field: string): Uint8Array {
  return r.opaque(field).slice();
}

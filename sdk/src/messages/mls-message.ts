/**
 * MLSMessage, the envelope of everything MLS sends (RFC 9420 §6).
 *
 * ```
 * struct {
 *     ProtocolVersion version = mls10;
 *     WireFormat wire_format;
 *     select (MLSMessage.wire_format) {
 *         case mls_public_message:
 *             PublicMessage public_message;
 *         case mls_private_message:
 *             PrivateMessage private_message;
 *         case mls_welcome:
 *             Welcome welcome;
 *         case mls_group_info:
 *             GroupInfo group_info;
 *         case mls_key_package:
 *             KeyPackage key_package;
 *     };
 * } MLSMessage;
 * ```
 *
 * `version` is fixed to mls10 (decoding refuses others); wire formats other than the five above are refused,
 * since their body cannot be parsed. This file sits above framing/ (it wraps PublicMessage and PrivateMessage),
 * the other files of messages/ below it. Decoded byte fields are views into the input.
 */
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { MlsError } from '../errors.ts';
import { decodePrivateMessage, encodePrivateMessage, type PrivateMessage } from '../framing/private-message.ts';
import { decodePublicMessage, encodePublicMessage, type PublicMessage } from '../framing/public-message.ts';
import { ALL_WIRE_FORMATS, decodeMls10, ProtocolVersion, WireFormat } from './common.ts';
import { decodeGroupInfo, encodeGroupInfo, type GroupInfo } from './group-info.ts';
import { decodeKeyPackage, encodeKeyPackage, type KeyPackage } from './key-package.ts';
import { decodeWelcome, encodeWelcome, type Welcome } from './welcome.ts';

export type MLSMessage =
  | { readonly wireFormat: typeof WireFormat.mls_public_message; readonly publicMessage: PublicMessage }
  | { readonly wireFormat: typeof WireFormat.mls_private_message; readonly privateMessage: PrivateMessage }
  | { readonly wireFormat: typeof WireFormat.mls_welcome; readonly welcome: Welcome }
  | { readonly wireFormat: typeof WireFormat.mls_group_info; readonly groupInfo: GroupInfo }
  | { readonly wireFormat: typeof WireFormat.mls_key_package; readonly keyPackage: KeyPackage };

export function encodeMLSMessage(w: Writer, m: MLSMessage): void {
  w.u16(ProtocolVersion.mls10).u16(m.wireFormat);
  switch (m.wireFormat) {
    case WireFormat.mls_public_message:
      return encodePublicMessage(w, m.publicMessage);
    case WireFormat.mls_private_message:
      return encodePrivateMessage(w, m.privateMessage);
    case WireFormat.mls_welcome:
      return encodeWelcome(w, m.welcome);
    case WireFormat.mls_group_info:
      return encodeGroupInfo(w, m.groupInfo);
    case WireFormat.mls_key_package:
      return encodeKeyPackage(w, m.keyPackage);
    default:
      throw new MlsError('INVALID_MESSAGE', `wire_format ${(m as { wireFormat: number }).wireFormat} is not 1..5`);
  }
}

/** @throws MlsError DECODE naming the field (`version`, `wire_format`, then the body's fields). */
export function decodeMLSMessage(r: Reader): MLSMessage {
  decodeMls10(r);
  const wireFormat = r.enumU16('wire_format', ALL_WIRE_FORMATS);
  switch (wireFormat) {
    case WireFormat.mls_public_message:
      return { wireFormat, publicMessage: decodePublicMessage(r) };
    case WireFormat.mls_private_message:
      return { wireFormat, privateMessage: decodePrivateMessage(r) };
    case WireFormat.mls_welcome:
      return { wireFormat, welcome: decodeWelcome(r) };
    case WireFormat.mls_group_info:
      return { wireFormat, groupInfo: decodeGroupInfo(r) };
    case WireFormat.mls_key_package:
      return { wireFormat, keyPackage: decodeKeyPackage(r) };
  }
}

/** Decode a whole buffer as one MLSMessage (trailing bytes refused). */
export function mlsMessageFrom(bytes: Uint8Array): MLSMessage {
  return decode(bytes, decodeMLSMessage, 'MLSMessage');
}
/** Serialize an MLSMessage. */
export function mlsMessageBytes(m: MLSMessage): Uint8Array {
  return encode((w) => encodeMLSMessage(w, m));
}

/**
 * PrivateMessage, PrivateMessageContent, SenderData, SenderDataAAD and PrivateContentAAD (RFC 9420 §6.3).
 *
 * ```
 * struct {
 *     opaque group_id<V>;
 *     uint64 epoch;
 *     ContentType content_type;
 *     opaque authenticated_data<V>;
 *     opaque encrypted_sender_data<V>;
 *     opaque ciphertext<V>;
 * } PrivateMessage;
 *
 * struct {
 *     select (PrivateMessage.content_type) {
 *         case application:
 *           opaque application_data<V>;
 *         case proposal:
 *           Proposal proposal;
 *         case commit:
 *           Commit commit;
 *     };
 *
 *     FramedContentAuthData auth;
 *     opaque padding[length_of_padding];
 * } PrivateMessageContent;
 *
 * struct {
 *     opaque group_id<V>;
 *     uint64 epoch;
 *     ContentType content_type;
 *     opaque authenticated_data<V>;
 * } PrivateContentAAD;
 *
 * struct {
 *     uint32 leaf_index;
 *     uint32 generation;
 *     opaque reuse_guard[4];
 * } SenderData;
 *
 * struct {
 *     opaque group_id<V>;
 *     uint64 epoch;
 *     ContentType content_type;
 * } SenderDataAAD;
 * ```
 *
 * Padding (§6.3.1): the padding is whatever follows `auth` in the plaintext and MUST be all zero bytes; a
 * non-zero byte makes the message malformed (MlsError DECODE naming `padding`). `decodePrivateMessageContent`
 * therefore takes the whole plaintext. Wire structs only: the AEAD steps (sender data key from the ciphertext
 * sample, reuse guard XOR) belong to the framing/protect layer. Decoded byte fields are views into the input; a
 * decoded PrivateMessageContent's `applicationData` is a view into the caller's plaintext buffer.
 */
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { MlsError } from '../errors.ts';
import type { LeafIndex } from '../tree/math.ts';
import {
  CONTENT_TYPES,
  decodeContentBody,
  decodeFramedContentAuthData,
  encodeContentBody,
  encodeFramedContentAuthData,
  type ContentBody,
  type ContentType,
  type FramedContentAuthData,
} from './content.ts';

export interface PrivateMessage {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly contentType: ContentType;
  readonly authenticatedData: Uint8Array;
  readonly encryptedSenderData: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export function encodePrivateMessage(w: Writer, m: PrivateMessage): void {
  w.opaque(m.groupId).u64(m.epoch).u8(m.contentType).opaque(m.authenticatedData);
  w.opaque(m.encryptedSenderData).opaque(m.ciphertext);
}
/** @throws MlsError DECODE naming the field (`content_type`, …). */
export function decodePrivateMessage(r: Reader): PrivateMessage {
  const groupId = r.opaque('group_id');
  const epoch = r.u64('epoch');
  const contentType = r.enumU8('content_type', CONTENT_TYPES);
  const authenticatedData = r.opaque('authenticated_data');
  const encryptedSenderData = r.opaque('encrypted_sender_data');
  return { groupId, epoch, contentType, authenticatedData, encryptedSenderData, ciphertext: r.opaque('ciphertext') };
}

// --- PrivateMessageContent ---

export type PrivateMessageContent = ContentBody & {
  readonly auth: FramedContentAuthData;
  /** Number of zero bytes of padding (0 when none). */
  readonly paddingLength: number;
};

/** Writes the content, auth and `paddingLength` zero bytes. */
export function encodePrivateMessageContent(w: Writer, c: PrivateMessageContent): void {
  encodeContentBody(w, c);
  encodeFramedContentAuthData(w, c.auth, c.contentType);
  if (!Number.isInteger(c.paddingLength) || c.paddingLength < 0)
    throw new MlsError('BAD_LENGTH', `padding length ${c.paddingLength} is not a non-negative integer`);
  if (c.paddingLength > 0) w.bytes(new Uint8Array(c.paddingLength));
}

/**
 * Read a PrivateMessageContent that runs to the end of the reader's input: content, auth, then padding that must
 * be all zeros (§6.3.1). The content type comes from the enclosing PrivateMessage.
 * @throws MlsError DECODE naming the field, `padding` for a non-zero padding byte.
 */
export function decodePrivateMessageContent(r: Reader, contentType: ContentType): PrivateMessageContent {
  const body = decodeContentBody(r, contentType);
  const auth = decodeFramedContentAuthData(r, contentType);
  const at = r.offset;
  const padding = r.bytes('padding', r.remaining);
  // OR-accumulate over the whole padding: its length is public, its content must not steer timing.
  let acc = 0;
  for (let i = 0; i < padding.length; i++) acc |= padding[i]!;
  if (acc !== 0) r.fail('padding', 'non-zero padding byte (RFC 9420 §6.3.1: padding MUST be all zero)', at);
  return { ...body, auth, paddingLength: padding.length };
}

/** Decode a whole decrypted plaintext as PrivateMessageContent. */
export function privateMessageContentFrom(plaintext: Uint8Array, contentType: ContentType): PrivateMessageContent {
  return decode(plaintext, (r) => decodePrivateMessageContent(r, contentType), 'PrivateMessageContent');
}

// --- AADs ---

export interface PrivateContentAAD {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly contentType: ContentType;
  readonly authenticatedData: Uint8Array;
}
export function encodePrivateContentAAD(w: Writer, a: PrivateContentAAD): void {
  w.opaque(a.groupId).u64(a.epoch).u8(a.contentType).opaque(a.authenticatedData);
}
export function decodePrivateContentAAD(r: Reader): PrivateContentAAD {
  const groupId = r.opaque('group_id');
  const epoch = r.u64('epoch');
  const contentType = r.enumU8('content_type', CONTENT_TYPES);
  return { groupId, epoch, contentType, authenticatedData: r.opaque('authenticated_data') };
}
/** The AAD of the content encryption (a PrivateMessage's first four fields work as the argument). */
export function privateContentAAD(a: PrivateContentAAD): Uint8Array {
  return encode((w) => encodePrivateContentAAD(w, a));
}

export interface SenderDataAAD {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly contentType: ContentType;
}
export function encodeSenderDataAAD(w: Writer, a: SenderDataAAD): void {
  w.opaque(a.groupId).u64(a.epoch).u8(a.contentType);
}
export function decodeSenderDataAAD(r: Reader): SenderDataAAD {
  const groupId = r.opaque('group_id');
  const epoch = r.u64('epoch');
  return { groupId, epoch, contentType: r.enumU8('content_type', CONTENT_TYPES) };
}
/** The AAD of the sender data encryption (a PrivateMessage works as the argument). */
export function senderDataAAD(a: SenderDataAAD): Uint8Array {
  return encode((w) => encodeSenderDataAAD(w, a));
}

// --- SenderData ---

export interface SenderData {
  readonly leafIndex: LeafIndex;
  readonly generation: number;
  /** 4 bytes. */
  readonly reuseGuard: Uint8Array;
}
/** @throws MlsError BAD_LENGTH when reuse_guard is not 4 bytes. */
export function encodeSenderData(w: Writer, s: SenderData): void {
  if (s.reuseGuard.length !== 4)
    throw new MlsError('BAD_LENGTH', `reuse_guard is ${s.reuseGuard.length} bytes, must be 4 (RFC 9420 §6.3.2)`);
  w.u32(s.leafIndex).u32(s.generation).bytes(s.reuseGuard);
}
/** @throws MlsError DECODE naming the field. The leaf must be checked non-blank by the caller (§6.3.2). */
export function decodeSenderData(r: Reader): SenderData {
  const leafIndex = r.u32('leaf_index') as LeafIndex;
  const generation = r.u32('generation');
  // Copied: SenderData comes from a decrypted plaintext the caller may wipe, and the guard feeds the nonce.
  return { leafIndex, generation, reuseGuard: r.bytes('reuse_guard', 4).slice() };
}

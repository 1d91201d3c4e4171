/**
 * PublicMessage and AuthenticatedContentTBM (RFC 9420 §6.2).
 *
 * ```
 * struct {
 *     FramedContent content;
 *     FramedContentAuthData auth;
 *     select (PublicMessage.content.sender.sender_type) {
 *         case member:
 *             MAC membership_tag;
 *         case external:
 *         case new_member_commit:
 *         case new_member_proposal:
 *             struct{};
 *     };
 * } PublicMessage;
 *
 * struct {
 *   FramedContentTBS content_tbs;
 *   FramedContentAuthData auth;
 * } AuthenticatedContentTBM;
 *
 * membership_tag = MAC(membership_key, AuthenticatedContentTBM)
 * ```
 *
 * `membershipTag` is present exactly for member senders: the encoder refuses anything else, the decoder reads
 * it exactly then. Checking the tag (constant-time, crypto/bytes.ts `constantTimeEqual`) and the signature is
 * the group layer's job. Decoded byte fields are views into the input.
 */
import type { Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { MlsError } from '../errors.ts';
import { WireFormat } from '../messages/common.ts';
import {
  decodeFramedContent,
  decodeFramedContentAuthData,
  encodeFramedContent,
  encodeFramedContentAuthData,
  encodeFramedContentTBS,
  SenderType,
  type AuthenticatedContent,
  type FramedContent,
  type FramedContentAuthData,
  type FramedContentTBS,
} from './content.ts';

export interface PublicMessage {
  readonly content: FramedContent;
  readonly auth: FramedContentAuthData;
  /** Present exactly when `content.sender` is a member. */
  readonly membershipTag?: Uint8Array | undefined;
}

/** @throws MlsError INVALID_MESSAGE when membership_tag is not present exactly for a member sender. */
export function encodePublicMessage(w: Writer, pm: PublicMessage): void {
  encodeFramedContent(w, pm.content);
  encodeFramedContentAuthData(w, pm.auth, pm.content.contentType);
  const isMember = pm.content.sender.senderType === SenderType.member;
  if (isMember !== (pm.membershipTag !== undefined))
    throw new MlsError('INVALID_MESSAGE', 'membership_tag must be present exactly for member senders (RFC 9420 §6.2)');
  if (pm.membershipTag !== undefined) w.opaque(pm.membershipTag);
}

/** @throws MlsError DECODE naming the field. */
export function decodePublicMessage(r: Reader): PublicMessage {
  const content = decodeFramedContent(r);
  const auth = decodeFramedContentAuthData(r, content.contentType);
  if (content.sender.senderType !== SenderType.member) return { content, auth };
  return { content, auth, membershipTag: r.opaque('membership_tag') };
}

/** The AuthenticatedContent a PublicMessage carries (wire_format mls_public_message). */
export function publicMessageContent(pm: PublicMessage): AuthenticatedContent {
  return { wireFormat: WireFormat.mls_public_message, content: pm.content, auth: pm.auth };
}

/** AuthenticatedContentTBM; `contentTbs.context` must be given (membership tags exist for member senders only). */
export function encodeAuthenticatedContentTBM(
  w: Writer,
  tbm: { readonly contentTbs: FramedContentTBS; readonly auth: FramedContentAuthData },
): void {
  encodeFramedContentTBS(w, tbm.contentTbs);
  encodeFramedContentAuthData(w, tbm.auth, tbm.contentTbs.content.contentType);
}

/**
 * The AuthenticatedContentTBM bytes: `membership_tag = MAC(membership_key, authenticatedContentTBM(...))`.
 * @example const tag = cs.mac(membershipKey, authenticatedContentTBM({ contentTbs: { wireFormat: 1, content, context }, auth }))
 */
export function authenticatedContentTBM(tbm: {
  readonly contentTbs: FramedContentTBS;
  readonly auth: FramedContentAuthData;
}): Uint8Array {
  return encode((w) => encodeAuthenticatedContentTBM(w, tbm));
}

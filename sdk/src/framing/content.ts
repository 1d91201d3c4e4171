/**
 * Sender, FramedContent, FramedContentTBS, FramedContentAuthData and AuthenticatedContent (RFC 9420 §6, §6.1).
 *
 * ```
 * enum { reserved(0), application(1), proposal(2), commit(3), (255) } ContentType;
 *
 * enum {
 *     reserved(0), member(1), external(2), new_member_proposal(3), new_member_commit(4), (255)
 * } SenderType;
 *
 * struct {
 *     SenderType sender_type;
 *     select (Sender.sender_type) {
 *         case member:
 *             uint32 leaf_index;
 *         case external:
 *             uint32 sender_index;
 *         case new_member_commit:
 *         case new_member_proposal:
 *             struct{};
 *     };
 * } Sender;
 *
 * struct {
 *     opaque group_id<V>;
 *     uint64 epoch;
 *     Sender sender;
 *     opaque authenticated_data<V>;
 *
 *     ContentType content_type;
 *     select (FramedContent.content_type) {
 *         case application:
 *           opaque application_data<V>;
 *         case proposal:
 *           Proposal proposal;
 *         case commit:
 *           Commit commit;
 *     };
 * } FramedContent;
 *
 * struct {
 *     ProtocolVersion version = mls10;
 *     WireFormat wire_format;
 *     FramedContent content;
 *     select (FramedContentTBS.content.sender.sender_type) {
 *         case member:
 *         case new_member_commit:
 *             GroupContext context;
 *         case external:
 *         case new_member_proposal:
 *             struct{};
 *     };
 * } FramedContentTBS;
 *
 * opaque MAC<V>;
 *
 * struct {
 *     // SignWithLabel(., "FramedContentTBS", FramedContentTBS)
 *     opaque signature<V>;
 *     select (FramedContent.content_type) {
 *         case commit:
 *             // MAC(confirmation_key, GroupContext.confirmed_transcript_hash)
 *             MAC confirmation_tag;
 *         case application:
 *         case proposal:
 *             struct{};
 *     };
 * } FramedContentAuthData;
 *
 * struct {
 *     WireFormat wire_format;
 *     FramedContent content;
 *     FramedContentAuthData auth;
 * } AuthenticatedContent;
 * ```
 *
 * `FramedContent` flattens the content select into the struct (`contentType` discriminates). The wire_format of
 * an AuthenticatedContent (and of FramedContentTBS / ConfirmedTranscriptHashInput) must be mls_public_message or
 * mls_private_message: no other wire format carries content. Decoded byte fields are views into the input.
 */
import type { Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { MlsError } from '../errors.ts';
import { decodeCommit, encodeCommit, type Commit } from '../messages/commit.ts';
import { CONTENT_WIRE_FORMATS, ProtocolVersion, WireFormat } from '../messages/common.ts';
import { encodeGroupContext, type GroupContext } from '../messages/group-context.ts';
import { decodeProposal, encodeProposal, type Proposal } from '../messages/proposals.ts';
import type { LeafIndex } from '../tree/math.ts';

export const ContentType = { application: 1, proposal: 2, commit: 3 } as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];
export const CONTENT_TYPES: ReadonlySet<ContentType> = new Set([1, 2, 3] as ContentType[]);

export const SenderType = { member: 1, external: 2, new_member_proposal: 3, new_member_commit: 4 } as const;
export type SenderType = (typeof SenderType)[keyof typeof SenderType];
const SENDER_TYPES: ReadonlySet<SenderType> = new Set([1, 2, 3, 4] as SenderType[]);

/** The wire formats that carry content: mls_public_message (1) and mls_private_message (2). */
export type ContentWireFormat = typeof WireFormat.mls_public_message | typeof WireFormat.mls_private_message;

export type Sender =
  | { readonly senderType: typeof SenderType.member; readonly leafIndex: LeafIndex }
  /** Index into the group's external_senders extension (§12.1.8.1). */
  | { readonly senderType: typeof SenderType.external; readonly senderIndex: number }
  | { readonly senderType: typeof SenderType.new_member_proposal }
  | { readonly senderType: typeof SenderType.new_member_commit };

/** The content select of FramedContent and PrivateMessageContent. */
export type ContentBody =
  | { readonly contentType: typeof ContentType.application; readonly applicationData: Uint8Array }
  | { readonly contentType: typeof ContentType.proposal; readonly proposal: Proposal }
  | { readonly contentType: typeof ContentType.commit; readonly commit: Commit };

export type FramedContent = {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly sender: Sender;
  readonly authenticatedData: Uint8Array;
} & ContentBody;

export interface FramedContentAuthData {
  readonly signature: Uint8Array;
  /** Present exactly when the content is a commit. */
  readonly confirmationTag?: Uint8Array | undefined;
}

export interface AuthenticatedContent {
  readonly wireFormat: ContentWireFormat;
  readonly content: FramedContent;
  readonly auth: FramedContentAuthData;
}

// --- Sender ---

export function encodeSender(w: Writer, s: Sender): void {
  w.u8(s.senderType);
  switch (s.senderType) {
    case SenderType.member:
      w.u32(s.leafIndex);
      return;
    case SenderType.external:
      w.u32(s.senderIndex);
      return;
    case SenderType.new_member_proposal:
    case SenderType.new_member_commit:
      return;
    default:
      throw new MlsError('INVALID_MESSAGE', `sender_type ${(s as { senderType: number }).senderType} is not 1..4`);
  }
}
/** @throws MlsError DECODE naming `sender_type` for a reserved or unknown SenderType. */
export function decodeSender(r: Reader): Sender {
  const senderType = r.enumU8('sender_type', SENDER_TYPES);
  switch (senderType) {
    case SenderType.member:
      return { senderType, leafIndex: r.u32('leaf_index') as LeafIndex };
    case SenderType.external:
      return { senderType, senderIndex: r.u32('sender_index') };
    case SenderType.new_member_proposal:
      return { senderType };
    case SenderType.new_member_commit:
      return { senderType };
  }
}

// --- The content select ---

export function encodeContentBody(w: Writer, b: ContentBody): void {
  switch (b.contentType) {
    case ContentType.application:
      w.opaque(b.applicationData);
      return;
    case ContentType.proposal:
      encodeProposal(w, b.proposal);
      return;
    case ContentType.commit:
      encodeCommit(w, b.commit);
      return;
    default:
      throw new MlsError('INVALID_MESSAGE', `content_type ${(b as { contentType: number }).contentType} is not 1..3`);
  }
}
export function decodeContentBody(r: Reader, contentType: ContentType): ContentBody {
  switch (contentType) {
    case ContentType.application:
      return { contentType, applicationData: r.opaque('application_data') };
    case ContentType.proposal:
      return { contentType, proposal: decodeProposal(r) };
    case ContentType.commit:
      return { contentType, commit: decodeCommit(r) };
  }
}

/** The content select's body, without the content type (for building a FramedContent from a ContentBody). */
export function contentBodyOf(c: ContentBody): ContentBody {
  switch (c.contentType) {
    case ContentType.application:
      return { contentType: c.contentType, applicationData: c.applicationData };
    case ContentType.proposal:
      return { contentType: c.contentType, proposal: c.proposal };
    case ContentType.commit:
      return { contentType: c.contentType, commit: c.commit };
  }
}

/**
 * A first Writer capacity for encoding structures around `c` (FramedContent, FramedContentTBS, PrivateMessageContent):
 * big enough that a 1 KiB application message is written without growing the buffer. Only a hint.
 */
export function contentSizeHint(c: ContentBody & { readonly authenticatedData?: Uint8Array; readonly groupId?: Uint8Array }): number {
  const data = c.contentType === ContentType.application ? c.applicationData.length : 0;
  return 256 + data + (c.authenticatedData?.length ?? 0) + (c.groupId?.length ?? 0);
}

// --- FramedContent ---

export function encodeFramedContent(w: Writer, c: FramedContent): void {
  w.opaque(c.groupId).u64(c.epoch);
  encodeSender(w, c.sender);
  w.opaque(c.authenticatedData).u8(c.contentType);
  encodeContentBody(w, c);
}
/** @throws MlsError DECODE naming the field (`sender_type`, `content_type`, …). */
export function decodeFramedContent(r: Reader): FramedContent {
  const groupId = r.opaque('group_id');
  const epoch = r.u64('epoch');
  const sender = decodeSender(r);
  const authenticatedData = r.opaque('authenticated_data');
  const contentType = r.enumU8('content_type', CONTENT_TYPES);
  return { groupId, epoch, sender, authenticatedData, ...decodeContentBody(r, contentType) };
}

// --- FramedContentAuthData ---

/** @throws MlsError INVALID_MESSAGE when confirmation_tag is not present exactly for commits. */
export function encodeFramedContentAuthData(w: Writer, auth: FramedContentAuthData, contentType: ContentType): void {
  w.opaque(auth.signature);
  const isCommit = contentType === ContentType.commit;
  if (isCommit !== (auth.confirmationTag !== undefined))
    throw new MlsError('INVALID_MESSAGE', 'confirmation_tag must be present exactly for commit content (RFC 9420 §6.1)');
  if (auth.confirmationTag !== undefined) w.opaque(auth.confirmationTag);
}
export function decodeFramedContentAuthData(r: Reader, contentType: ContentType): FramedContentAuthData {
  const signature = r.opaque('signature');
  if (contentType !== ContentType.commit) return { signature };
  return { signature, confirmationTag: r.opaque('confirmation_tag') };
}

/** Read a WireFormat that must be mls_public_message or mls_private_message. */
export function decodeContentWireFormat(r: Reader, field = 'wire_format'): ContentWireFormat {
  return r.enumU16(field, CONTENT_WIRE_FORMATS) as ContentWireFormat;
}

// --- AuthenticatedContent ---

export function encodeAuthenticatedContent(w: Writer, ac: AuthenticatedContent): void {
  w.u16(ac.wireFormat);
  encodeFramedContent(w, ac.content);
  encodeFramedContentAuthData(w, ac.auth, ac.content.contentType);
}
/** @throws MlsError DECODE naming the field (wire_format other than public/private, …). */
export function decodeAuthenticatedContent(r: Reader): AuthenticatedContent {
  const wireFormat = decodeContentWireFormat(r);
  const content = decodeFramedContent(r);
  return { wireFormat, content, auth: decodeFramedContentAuthData(r, content.contentType) };
}
/** The serialized AuthenticatedContent (the input of MakeProposalRef, §5.2). */
export function authenticatedContentBytes(ac: AuthenticatedContent): Uint8Array {
  return encode((w) => encodeAuthenticatedContent(w, ac));
}

// --- FramedContentTBS (§6.1) ---

/** True when FramedContentTBS carries the GroupContext (member and new_member_commit senders). */
export function tbsHasContext(sender: Sender): boolean {
  return sender.senderType === SenderType.member || sender.senderType === SenderType.new_member_commit;
}

export interface FramedContentTBS {
  readonly wireFormat: ContentWireFormat;
  readonly content: FramedContent;
  /**
   * The current epoch's GroupContext, or its serialization (callers usually hold it encoded): required for
   * member and new_member_commit senders, ignored for the others.
   */
  readonly context?: GroupContext | Uint8Array | undefined;
}

/** @throws MlsError INVALID_MESSAGE when the context is missing for a member or new_member_commit sender. */
export function encodeFramedContentTBS(w: Writer, tbs: FramedContentTBS): void {
  w.u16(ProtocolVersion.mls10).u16(tbs.wireFormat);
  encodeFramedContent(w, tbs.content);
  if (!tbsHasContext(tbs.content.sender)) return;
  const ctx = tbs.context;
  if (ctx === undefined)
    throw new MlsError('INVALID_MESSAGE', 'FramedContentTBS of a member or new_member_commit sender needs the GroupContext');
  if (ctx instanceof Uint8Array) w.bytes(ctx);
  else encodeGroupContext(w, ctx);
}

/**
 * The FramedContentTBS bytes to sign or verify with label "FramedContentTBS" (§6.1).
 * @example signWithLabel(cs, sigPriv, 'FramedContentTBS', framedContentTBS({ wireFormat: 1, content, context }))
 */
export function framedContentTBS(tbs: FramedContentTBS): Uint8Array {
  const ctx = tbs.context;
  return encode((w) => encodeFramedContentTBS(w, tbs), contentSizeHint(tbs.content) + (ctx instanceof Uint8Array ? ctx.length : 256));
}

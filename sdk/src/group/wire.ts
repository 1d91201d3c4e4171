/**
 * Framing for the group layer: sign content once, then wrap the same AuthenticatedContent as a PublicMessage or a
 * PrivateMessage (RFC 9420 §6.1–§6.3), and wrap/unwrap MLSMessages.
 *
 * Why not framing/protect.ts's protect functions for sending: a commit's signature enters the confirmed
 * transcript hash (§8.2) before the confirmation tag exists, so the content must be signed first and protected
 * afterwards with that same signature; protectPublicMessage/protectPrivateMessage sign internally (and ECDSA
 * signatures need not be deterministic). The steps below are those of protect.ts with a given signature.
 * Receiving uses protect.ts unchanged.
 *
 * Constant-time: as the suite's AEAD and MAC are; everything else is public data.
 */
import { encode } from '../codec/writer.ts';
import { signFramedContent, membershipTag, type PaddingPolicy } from '../framing/protect.ts';
import {
  contentBodyOf,
  ContentType,
  SenderType,
  type AuthenticatedContent,
  type ContentWireFormat,
  type FramedContent,
  type FramedContentAuthData,
} from '../framing/content.ts';
import {
  encodePrivateMessageContent,
  encodeSenderData,
  privateContentAAD,
  senderDataAAD,
  type PrivateMessage,
} from '../framing/private-message.ts';
import type { PublicMessage } from '../framing/public-message.ts';
import { MlsError } from '../errors.ts';
import { WireFormat } from '../messages/common.ts';
import { groupContextBytes } from '../messages/group-context.ts';
import { mlsMessageBytes, mlsMessageFrom, type MLSMessage } from '../messages/mls-message.ts';
import { nextSendKey, senderDataKeyNonce, type SecretTree } from '../schedule/secret-tree.ts';
import type { GroupState } from './state.ts';

/** The wire format this state sends handshakes in. */
export const handshakeWireFormat = (s: GroupState): ContentWireFormat =>
  s.config.handshakeWireFormat === 'private' ? WireFormat.mls_private_message : WireFormat.mls_public_message;

/** Sign FramedContent for a wire format under the state's current GroupContext (§6.1). */
export function signFor(s: GroupState, wireFormat: ContentWireFormat, content: FramedContent): Uint8Array {
  return signFramedContent(s.cs, s.signaturePrivateKey, wireFormat, content, groupContextBytes(s.context));
}

/** A member's PublicMessage for already-signed content: adds the membership tag (§6.2). */
export function publicMessageFor(s: GroupState, content: FramedContent, auth: FramedContentAuthData): PublicMessage {
  if (content.sender.senderType !== SenderType.member) return { content, auth };
  return { content, auth, membershipTag: membershipTag(s.cs, s.secrets.membershipKey, content, auth, groupContextBytes(s.context)) };
}

/**
 * Encrypt already-signed content as a PrivateMessage (§6.3) with the next key of the sender's ratchet.
 * @returns the message and the secret tree with the ratchet advanced.
 */
export function privateMessageFor(
  s: GroupState,
  content: FramedContent,
  auth: FramedContentAuthData,
  secretTree: SecretTree,
  padding: PaddingPolicy,
): { message: PrivateMessage; secretTree: SecretTree } {
  const { cs } = s;
  if (content.sender.senderType !== SenderType.member)
    throw new MlsError('INVALID_MESSAGE', 'a PrivateMessage sender must be a member (RFC 9420 §6.3.2)');
  const leaf = content.sender.leafIndex;
  const body = { ...contentBodyOf(content), auth };
  const unpadded = encode((w) => encodePrivateMessageContent(w, { ...body, paddingLength: 0 })).length;
  const paddingLength = typeof padding === 'number' ? padding : padding(unpadded);
  const plaintext = encode((w) => encodePrivateMessageContent(w, { ...body, paddingLength }), unpadded + paddingLength);
  const k = nextSendKey(cs, secretTree, leaf, content.contentType === ContentType.application ? 'application' : 'handshake');
  const reuseGuard = cs.randomBytes(4);
  const nonce = k.nonce.slice();
  for (let i = 0; i < 4; i++) nonce[i]! ^= reuseGuard[i]!; // §6.3.1 reuse guard
  const ciphertext = cs.aeadSeal(k.key, nonce, privateContentAAD(content), plaintext);
  // Fresh from the ratchet and used once: consumed, so wiped (§9.2).
  k.key.fill(0);
  k.nonce.fill(0);
  nonce.fill(0);
  plaintext.fill(0);
  const sd = senderDataKeyNonce(cs, s.secrets.senderDataSecret, ciphertext);
  const sdAad = senderDataAAD({ groupId: content.groupId, epoch: content.epoch, contentType: content.contentType });
  const encryptedSenderData = cs.aeadSeal(
    sd.key,
    sd.nonce,
    sdAad,
    encode((w) => encodeSenderData(w, { leafIndex: leaf, generation: k.generation, reuseGuard }), 12),
  );
  sd.key.fill(0);
  sd.nonce.fill(0);
  const message: PrivateMessage = {
    groupId: content.groupId,
    epoch: content.epoch,
    contentType: content.contentType,
    authenticatedData: content.authenticatedData,
    encryptedSenderData,
    ciphertext,
  };
  return { message, secretTree: k.tree };
}

/** The padding policy of the state's config (§6.3.1). */
export function paddingOf(s: GroupState): PaddingPolicy {
  const b = s.config.paddingBlock;
  return b <= 1 ? 0 : (n: number) => (b - (n % b)) % b;
}

/**
 * Protect signed content in the given wire format and encode it as an MLSMessage.
 * @returns the MLSMessage bytes and the (possibly advanced) secret tree.
 */
export function frame(
  s: GroupState,
  ac: AuthenticatedContent,
  secretTree: SecretTree,
): { bytes: Uint8Array; secretTree: SecretTree } {
  if (ac.wireFormat === WireFormat.mls_public_message) {
    const m: MLSMessage = { wireFormat: WireFormat.mls_public_message, publicMessage: publicMessageFor(s, ac.content, ac.auth) };
    return { bytes: mlsMessageBytes(m), secretTree };
  }
  const r = privateMessageFor(s, ac.content, ac.auth, secretTree, paddingOf(s));
  return { bytes: mlsMessageBytes({ wireFormat: WireFormat.mls_private_message, privateMessage: r.message }), secretTree: r.secretTree };
}

/** Decode an MLSMessage given as bytes (or pass a decoded one through). @throws MlsError DECODE. */
export function toMlsMessage(m: Uint8Array | MLSMessage): MLSMessage {
  return m instanceof Uint8Array ? mlsMessageFrom(m) : m;
}

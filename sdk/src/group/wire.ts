/**
 * Framing for the group layer: sign content once, then wrap the same AuthenticatedContent as a PublicMessage or a
 * PrivateMessage (RFC 9420 §6.1–§6.3) with framing/protect.ts, and wrap/unwrap MLSMessages.
 *
 * Content is signed first (`signFor`) and protected afterwards with that same signature (protect.ts `SignWith`):
 * a commit's signature enters the confirmed transcript hash (§8.2) before the confirmation tag exists, and ECDSA
 * signatures need not be deterministic, so signing again at protection time would not do.
 *
 * Constant-time: as the suite's AEAD and MAC are; everything else is public data.
 */
import { protectPrivateMessage, protectPublicMessage, signFramedContent, type PaddingPolicy } from '../framing/protect.ts';
import type { AuthenticatedContent, ContentWireFormat, FramedContent, FramedContentAuthData } from '../framing/content.ts';
import type { PublicMessage } from '../framing/public-message.ts';
import { WireFormat } from '../messages/common.ts';
import { groupContextBytes } from '../messages/group-context.ts';
import { mlsMessageBytes, mlsMessageFrom, type MLSMessage } from '../messages/mls-message.ts';
import type { SecretTree } from '../schedule/secret-tree.ts';
import type { GroupState } from './state.ts';

/** The wire format this state sends handshakes in. */
export const handshakeWireFormat = (s: GroupState): ContentWireFormat =>
  s.config.handshakeWireFormat === 'private' ? WireFormat.mls_private_message : WireFormat.mls_public_message;

/** Sign FramedContent for a wire format under the state's current GroupContext (§6.1). */
export function signFor(s: GroupState, wireFormat: ContentWireFormat, content: FramedContent): Uint8Array {
  return signFramedContent(s.cs, s.signaturePrivateKey, wireFormat, content, groupContextBytes(s.context));
}

/**
 * The PublicMessage of already-signed content (§6.2): a member's gets the membership tag.
 * @throws MlsError INVALID_MESSAGE for application content or a confirmation tag on non-commit content.
 */
export function publicMessageFor(s: GroupState, content: FramedContent, auth: FramedContentAuthData): PublicMessage {
  return protectPublicMessage(s.cs, {
    content,
    signature: auth.signature,
    confirmationTag: auth.confirmationTag,
    context: groupContextBytes(s.context),
    membershipKey: s.secrets.membershipKey,
  });
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
  // §6.3 with the next key of the sender's ratchet; the returned secret tree has that ratchet advanced.
  const r = protectPrivateMessage(s.cs, {
    content: ac.content,
    signature: ac.auth.signature,
    confirmationTag: ac.auth.confirmationTag,
    secretTree,
    senderDataSecret: s.secrets.senderDataSecret,
    padding: paddingOf(s),
  });
  return { bytes: mlsMessageBytes({ wireFormat: WireFormat.mls_private_message, privateMessage: r.message }), secretTree: r.secretTree };
}

/** Decode an MLSMessage given as bytes (or pass a decoded one through). @throws MlsError DECODE. */
export function toMlsMessage(m: Uint8Array | MLSMessage): MLSMessage {
  return m instanceof Uint8Array ? mlsMessageFrom(m) : m;
}

/**
 * Content authentication and message protection (RFC 9420 §6.1–§6.3): FramedContent signatures, PublicMessage
 * membership tags, PrivateMessage encryption and decryption.
 *
 * ```
 * signature      = SignWithLabel(signature_key, "FramedContentTBS", FramedContentTBS)          (§6.1)
 * membership_tag = MAC(membership_key, AuthenticatedContentTBM)                                  (§6.2)
 *
 * PrivateMessage (§6.3):
 *   key, nonce       = ratchet key/nonce of (sender leaf, handshake|application, generation)     (§9.1)
 *   ciphertext       = AEAD.Seal(key, nonce XOR (reuse_guard || 0…), PrivateContentAAD,
 *                                PrivateMessageContent { content, auth, zero padding })           (§6.3.1)
 *   sender_data_key  = ExpandWithLabel(sender_data_secret, "key", ciphertext[0..Nh-1], AEAD.Nk)  (§6.3.2)
 *   sender_data_nonce= ExpandWithLabel(sender_data_secret, "nonce", ciphertext[0..Nh-1], AEAD.Nn)
 *   encrypted_sender_data = AEAD.Seal(sender_data_key, sender_data_nonce, SenderDataAAD, SenderData)
 * ```
 *
 * Everything here is pure over its inputs: a SecretTree goes in, the updated SecretTree comes out, and the input
 * is left as it was (the caller adopts the new tree only when it accepts the message). Every check throws an
 * MlsError with a stable code: WRONG_GROUP / WRONG_EPOCH (the message is not for this context), AEAD_DECRYPT,
 * DECODE (malformed plaintext, non-zero padding), INVALID_MESSAGE (bad sender, missing tag, blank leaf),
 * GENERATION_TOO_FAR / REPLAY (secret tree window), BAD_SIGNATURE, and membership tag failures as INVALID_MESSAGE.
 *
 * Not here: the confirmation tag (it needs the new epoch's confirmation_key: the Commit processing layer checks it
 * with framing/transcript.ts), and the sender-type rules of §6.1 on which content an external or new-member
 * sender may carry (the group layer's validation).
 *
 * Constant-time: the membership tag compares with crypto/bytes.ts `constantTimeEqual`; AEAD tags are checked by the
 * provider; padding is checked with an OR-accumulate (private-message.ts). Group ids, epochs, leaf indices and
 * generations are public.
 */
import { decode } from '../codec/reader.ts';
import { encode } from '../codec/writer.ts';
import { constantTimeEqual } from '../crypto/bytes.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { signWithLabel, verifyWithLabel } from '../crypto/labels.ts';
import { MlsError } from '../errors.ts';
import { WireFormat } from '../messages/common.ts';
import { groupContextBytes, type GroupContext } from '../messages/group-context.ts';
import {
  nextSendKey,
  receiveKey,
  senderDataKeyNonce,
  type RatchetType,
  type SecretTree,
} from '../schedule/secret-tree.ts';
import type { LeafIndex } from '../tree/math.ts';
import {
  contentBodyOf,
  contentSizeHint,
  ContentType,
  framedContentTBS,
  SenderType,
  tbsHasContext,
  type AuthenticatedContent,
  type ContentWireFormat,
  type FramedContent,
  type FramedContentAuthData,
  type Sender,
} from './content.ts';
import {
  decodeSenderData,
  encodePrivateMessageContent,
  encodeSenderData,
  privateContentAAD,
  privateMessageContentFrom,
  senderDataAAD,
  type PrivateMessage,
  type SenderData,
} from './private-message.ts';
import { authenticatedContentTBM, type PublicMessage } from './public-message.ts';

/** The GroupContext of the epoch a message belongs to, as a struct or already serialized. */
export type ContextInput = GroupContext | Uint8Array;

/** Finds the signature public key of a sender; undefined when there is none (e.g. a blank leaf). */
export type SignatureKeyLookup = (sender: Sender) => Uint8Array | undefined;

const SIGN_LABEL = 'FramedContentTBS';

function ctxBytes(context: ContextInput | undefined): Uint8Array | undefined {
  return context === undefined || context instanceof Uint8Array ? context : groupContextBytes(context);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true; // public data (group ids): an early exit is fine
}

/** WRONG_GROUP / WRONG_EPOCH unless the message's group id and epoch are the context's. */
function checkGroupEpoch(groupId: Uint8Array, epoch: bigint, context: GroupContext): void {
  if (!bytesEqual(groupId, context.groupId)) throw new MlsError('WRONG_GROUP', 'message group_id is not this group\'s');
  if (epoch !== context.epoch)
    throw new MlsError('WRONG_EPOCH', `message epoch ${epoch} is not the context's epoch ${context.epoch}`);
}

function lookupKey(key: Uint8Array | SignatureKeyLookup, sender: Sender): Uint8Array {
  const k = key instanceof Uint8Array ? key : key(sender);
  if (k === undefined)
    throw new MlsError(
      'INVALID_MESSAGE',
      `no signature key for sender ${JSON.stringify(sender)} (blank leaf or unknown sender)`,
    );
  return k;
}

// --- §6.1 Signatures ---

/**
 * signature = SignWithLabel(signature_key, "FramedContentTBS", FramedContentTBS) (RFC 9420 §6.1). The context is
 * required for member and new_member_commit senders.
 * @throws MlsError INVALID_MESSAGE when the context is missing for such a sender.
 * @example const sig = signFramedContent(cs, sigPriv, WireFormat.mls_private_message, content, groupContext);
 */
export function signFramedContent(
  cs: CipherSuite,
  signaturePrivateKey: Uint8Array,
  wireFormat: ContentWireFormat,
  content: FramedContent,
  context?: ContextInput,
): Uint8Array {
  const tbs = framedContentTBS({ wireFormat, content, context: ctxBytes(context) });
  return signWithLabel(cs, signaturePrivateKey, SIGN_LABEL, tbs);
}

/**
 * VerifyWithLabel over FramedContentTBS (§6.1). False for a bad signature or malformed key; never throws for
 * those. @throws MlsError INVALID_MESSAGE when the context is missing for a member or new_member_commit sender.
 */
export function verifyFramedContent(
  cs: CipherSuite,
  signaturePublicKey: Uint8Array,
  wireFormat: ContentWireFormat,
  content: FramedContent,
  signature: Uint8Array,
  context?: ContextInput,
): boolean {
  const tbs = framedContentTBS({ wireFormat, content, context: ctxBytes(context) });
  return verifyWithLabel(cs, signaturePublicKey, SIGN_LABEL, tbs, signature);
}

/** The FramedContentAuthData of freshly signed content; the confirmation tag exactly for commits (§6.1). */
function authData(
  content: FramedContent,
  signature: Uint8Array,
  confirmationTag: Uint8Array | undefined,
): FramedContentAuthData {
  const isCommit = content.contentType === ContentType.commit;
  if (isCommit !== (confirmationTag !== undefined))
    throw new MlsError('INVALID_MESSAGE', 'confirmation_tag must be given exactly for commit content (RFC 9420 §6.1)');
  return isCommit ? { signature, confirmationTag } : { signature };
}

/**
 * How content given to `protectPublicMessage` / `protectPrivateMessage` is authenticated: exactly one of
 * `signaturePrivateKey` (the content is signed there) or `signature`, made earlier over the same
 * FramedContentTBS (wire format, content, GroupContext). A commit needs the latter: its signature enters the
 * confirmed transcript hash (§8.2) before the confirmation tag exists, and ECDSA signatures need not be
 * deterministic, so it cannot be signed again. A given signature is not checked here.
 */
export interface SignWith {
  readonly signaturePrivateKey?: Uint8Array | undefined;
  readonly signature?: Uint8Array | undefined;
}

/** The FramedContentAuthData for protecting content: the given signature, or a fresh one (§6.1). */
function authFor(
  cs: CipherSuite,
  wireFormat: ContentWireFormat,
  input: SignWith & {
    readonly content: FramedContent;
    readonly context?: ContextInput | undefined;
    readonly confirmationTag?: Uint8Array | undefined;
  },
): FramedContentAuthData {
  let signature = input.signature;
  if (signature === undefined) {
    if (input.signaturePrivateKey === undefined)
      throw new MlsError('INVALID_MESSAGE', 'protecting content needs a signature or a signature private key');
    signature = signFramedContent(cs, input.signaturePrivateKey, wireFormat, input.content, input.context);
  } else if (input.signaturePrivateKey !== undefined) {
    throw new MlsError('INVALID_MESSAGE', 'give a signature or a signature private key, not both');
  }
  return authData(input.content, signature, input.confirmationTag);
}

/**
 * Sign content into an AuthenticatedContent for a wire format (§6.1). For commits, pass the confirmation tag
 * (MAC(confirmation_key, confirmed_transcript_hash) of the new epoch, framing/transcript.ts).
 * @throws MlsError INVALID_MESSAGE for a missing context or a confirmation tag given for non-commits (or missing).
 */
export function signContent(
  cs: CipherSuite,
  input: {
    readonly wireFormat: ContentWireFormat;
    readonly content: FramedContent;
    readonly signaturePrivateKey: Uint8Array;
    readonly context?: ContextInput | undefined;
    readonly confirmationTag?: Uint8Array | undefined;
  },
): AuthenticatedContent {
  const signature = signFramedContent(cs, input.signaturePrivateKey, input.wireFormat, input.content, input.context);
  const auth = authData(input.content, signature, input.confirmationTag);
  return { wireFormat: input.wireFormat, content: input.content, auth };
}

// --- §6.2 PublicMessage ---

/** membership_tag = MAC(membership_key, AuthenticatedContentTBM) (§6.2); the content's sender must be a member. */
export function membershipTag(
  cs: CipherSuite,
  membershipKey: Uint8Array,
  content: FramedContent,
  auth: FramedContentAuthData,
  context: ContextInput,
): Uint8Array {
  const tbm = authenticatedContentTBM({
    contentTbs: { wireFormat: WireFormat.mls_public_message, content, context: ctxBytes(context) },
    auth,
  });
  return cs.mac(membershipKey, tbm);
}

/** True when a PublicMessage's membership_tag verifies (constant-time compare); false when it has none. */
export function verifyMembershipTag(
  cs: CipherSuite,
  membershipKey: Uint8Array,
  pm: PublicMessage,
  context: ContextInput,
): boolean {
  if (pm.membershipTag === undefined) return false;
  return constantTimeEqual(membershipTag(cs, membershipKey, pm.content, pm.auth, context), pm.membershipTag);
}

export interface ProtectPublicInput extends SignWith {
  readonly content: FramedContent;
  /** The current epoch's GroupContext: required for member and new_member_commit senders. */
  readonly context?: ContextInput | undefined;
  /** The epoch's membership_key: required for member senders. */
  readonly membershipKey?: Uint8Array | undefined;
  /** Exactly for commits. */
  readonly confirmationTag?: Uint8Array | undefined;
}

/**
 * Protect content as a PublicMessage (§6.2): sign (or take the given signature, see `SignWith`), then add the
 * membership tag for member senders.
 * @throws MlsError INVALID_MESSAGE for application content (§6: application messages MUST use PrivateMessage),
 *   a missing context or membership key, a confirmation tag given for non-commits (or missing for a commit), or
 *   not exactly one of signature and signaturePrivateKey.
 * @example const pm = protectPublicMessage(cs, { content, signaturePrivateKey, context, membershipKey });
 *   const commitPm = protectPublicMessage(cs, { content, signature, confirmationTag, context, membershipKey });
 */
export function protectPublicMessage(cs: CipherSuite, input: ProtectPublicInput): PublicMessage {
  const { content } = input;
  if (content.contentType === ContentType.application)
    throw new MlsError('INVALID_MESSAGE', 'application messages MUST be sent as PrivateMessage (RFC 9420 §6)');
  const auth = authFor(cs, WireFormat.mls_public_message, input);
  if (content.sender.senderType !== SenderType.member) return { content, auth };
  if (input.membershipKey === undefined || input.context === undefined)
    throw new MlsError('INVALID_MESSAGE', "a member's PublicMessage needs the membership_key and GroupContext (§6.2)");
  const tag = membershipTag(cs, input.membershipKey, content, auth, input.context);
  return { content, auth, membershipTag: tag };
}

export interface UnprotectPublicInput {
  /** The GroupContext of the epoch the message claims (its group id and epoch must match). */
  readonly context: GroupContext;
  /** The epoch's membership_key: required for member senders. */
  readonly membershipKey?: Uint8Array | undefined;
  /** The sender's signature key, or a lookup by sender (§6.1 says which key each sender type uses). */
  readonly signaturePublicKey: Uint8Array | SignatureKeyLookup;
}

/**
 * Unprotect a PublicMessage (§6.2): check group and epoch, the membership tag (member senders), then the signature.
 * @throws MlsError WRONG_GROUP, WRONG_EPOCH; INVALID_MESSAGE for application content, a bad or missing membership
 *   tag, or no signature key for the sender; BAD_SIGNATURE.
 */
export function unprotectPublicMessage(
  cs: CipherSuite,
  pm: PublicMessage,
  input: UnprotectPublicInput,
): AuthenticatedContent {
  const { content, auth } = pm;
  checkGroupEpoch(content.groupId, content.epoch, input.context);
  if (content.contentType === ContentType.application)
    throw new MlsError('INVALID_MESSAGE', 'application content in a PublicMessage (RFC 9420 §6: MUST be private)');
  const context = groupContextBytes(input.context);
  if (content.sender.senderType === SenderType.member) {
    if (input.membershipKey === undefined)
      throw new MlsError('INVALID_MESSAGE', 'checking a member\'s PublicMessage needs the membership_key (§6.2)');
    if (!verifyMembershipTag(cs, input.membershipKey, pm, context))
      throw new MlsError('INVALID_MESSAGE', 'membership_tag does not verify (RFC 9420 §6.2)');
  } else if (pm.membershipTag !== undefined) {
    throw new MlsError('INVALID_MESSAGE', 'membership_tag on a non-member sender (RFC 9420 §6.2)');
  }
  const key = lookupKey(input.signaturePublicKey, content.sender);
  const ctx = tbsHasContext(content.sender) ? context : undefined;
  if (!verifyFramedContent(cs, key, WireFormat.mls_public_message, content, auth.signature, ctx))
    throw new MlsError('BAD_SIGNATURE', 'FramedContent signature does not verify (RFC 9420 §6.1)');
  return { wireFormat: WireFormat.mls_public_message, content, auth };
}

// --- §6.3 PrivateMessage ---

/**
 * Padding: a fixed number of zero bytes, or a function of the unpadded PrivateMessageContent length that returns
 * how many to add (§6.3.1 leaves the amount to the application).
 */
export type PaddingPolicy = number | ((unpaddedLength: number) => number);

/** A policy that pads the PrivateMessageContent to a multiple of `block` bytes. */
export function padToMultiple(block: number): (unpaddedLength: number) => number {
  if (!Number.isInteger(block) || block < 1) throw new MlsError('BAD_LENGTH', `padding block ${block} must be ≥ 1`);
  return (n) => (block - (n % block)) % block;
}

const ratchetOf = (t: ContentType): RatchetType => (t === ContentType.application ? 'application' : 'handshake');

/** §6.3.2: 4 random bytes per PrivateMessage (crypto/random.ts serves them from its pool). */
function freshReuseGuard(cs: CipherSuite): Uint8Array {
  return cs.randomBytes(4);
}

/** nonce XOR (reuse_guard || 0…) (§6.3.1), into a new buffer. */
function guardNonce(nonce: Uint8Array, reuseGuard: Uint8Array): Uint8Array {
  const out = nonce.slice();
  for (let i = 0; i < 4; i++) out[i]! ^= reuseGuard[i]!;
  return out;
}

export interface ProtectPrivateInput extends SignWith {
  /** The content; its sender must be a member (§6.3.2). */
  readonly content: FramedContent;
  /** The current epoch's GroupContext; needed only to sign (not with a given `signature`). */
  readonly context?: ContextInput | undefined;
  /** Exactly for commits. */
  readonly confirmationTag?: Uint8Array | undefined;
  readonly secretTree: SecretTree;
  readonly senderDataSecret: Uint8Array;
  /** Zero bytes to append (default none). */
  readonly padding?: PaddingPolicy | undefined;
  /** 4 bytes; fresh random by default. Only tests should set it. */
  readonly reuseGuard?: Uint8Array | undefined;
}

export interface ProtectPrivateResult {
  readonly message: PrivateMessage;
  /** The secret tree with the sender's ratchet advanced past the generation used. */
  readonly secretTree: SecretTree;
  readonly generation: number;
}

/**
 * Protect content as a PrivateMessage (§6.3): sign (or take the given signature, see `SignWith`), encrypt the
 * PrivateMessageContent with the next key of the sender's handshake or application ratchet (reuse guard XORed
 * into the nonce), then encrypt the SenderData with the key and nonce derived from the ciphertext sample.
 * @throws MlsError INVALID_MESSAGE for a non-member sender, a confirmation tag given for non-commits (or missing),
 *   not exactly one of signature and signaturePrivateKey, or no context to sign with;
 *   BAD_LENGTH for a bad reuse guard or padding; INVALID_TREE for a sender leaf outside the secret tree.
 * @example const { message, secretTree } = protectPrivateMessage(cs, { content, signaturePrivateKey, context,
 *   secretTree: st, senderDataSecret: epoch.senderDataSecret, padding: padToMultiple(32) });
 */
export function protectPrivateMessage(cs: CipherSuite, input: ProtectPrivateInput): ProtectPrivateResult {
  const { content } = input;
  if (content.sender.senderType !== SenderType.member)
    throw new MlsError('INVALID_MESSAGE', 'a PrivateMessage sender must be a member (RFC 9420 §6.3.2)');
  const leaf = content.sender.leafIndex;
  const reuseGuard = input.reuseGuard ?? freshReuseGuard(cs);
  if (reuseGuard.length !== 4) throw new MlsError('BAD_LENGTH', `reuse_guard is ${reuseGuard.length} bytes, must be 4`);

  const auth = authFor(cs, WireFormat.mls_private_message, input);
  const body = { ...contentBodyOf(content), auth };
  // Encoded once: the padding is trailing zero bytes (§6.3.1), appended by copying into a larger buffer.
  const unpadded = encode((w) => encodePrivateMessageContent(w, { ...body, paddingLength: 0 }), contentSizeHint(content));
  const p = input.padding ?? 0;
  const paddingLength = typeof p === 'number' ? p : p(unpadded.length);
  if (!Number.isInteger(paddingLength) || paddingLength < 0 || paddingLength > 0x4000_0000)
    throw new MlsError('BAD_LENGTH', `padding length ${paddingLength} is not a non-negative integer`);
  let plaintext = unpadded;
  if (paddingLength > 0) {
    plaintext = new Uint8Array(unpadded.length + paddingLength);
    plaintext.set(unpadded);
    unpadded.fill(0);
  }

  const k = nextSendKey(cs, input.secretTree, leaf, ratchetOf(content.contentType));
  const nonce = guardNonce(k.nonce, reuseGuard);
  const aad = privateContentAAD(content);
  const ciphertext = cs.aeadSeal(k.key, nonce, aad, plaintext);
  // The key and nonce came fresh from the ratchet (nothing else holds them): consumed, so wiped (§9.2).
  k.key.fill(0);
  k.nonce.fill(0);
  nonce.fill(0);
  plaintext.fill(0);

  const senderData: SenderData = { leafIndex: leaf, generation: k.generation, reuseGuard };
  const sd = senderDataKeyNonce(cs, input.senderDataSecret, ciphertext);
  const sdAad = senderDataAAD({ groupId: content.groupId, epoch: content.epoch, contentType: content.contentType });
  const encryptedSenderData = cs.aeadSeal(sd.key, sd.nonce, sdAad, encode((w) => encodeSenderData(w, senderData), 12));
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
  return { message, secretTree: k.tree, generation: k.generation };
}

export interface UnprotectPrivateInput {
  /** The GroupContext of the epoch the message claims (its group id and epoch must match). */
  readonly context: GroupContext;
  /** That epoch's secret tree (not modified; the result holds the updated one). */
  readonly secretTree: SecretTree;
  readonly senderDataSecret: Uint8Array;
  /**
   * The signature key of a member sender: the LeafNode's signature_key at that leaf, or undefined when the leaf is
   * blank (§6.3.2). A Uint8Array is used for any sender (tests, or when the caller already knows the sender).
   */
  readonly signaturePublicKey: Uint8Array | SignatureKeyLookup;
}

export interface UnprotectPrivateResult {
  readonly content: AuthenticatedContent;
  /** The secret tree with the used key deleted (and the ratchet advanced): adopt it to accept the message. */
  readonly secretTree: SecretTree;
  readonly senderData: { readonly leafIndex: LeafIndex; readonly generation: number };
}

/**
 * Unprotect a PrivateMessage (§6.3): check group and epoch; decrypt the SenderData (key/nonce from the ciphertext
 * sample); check the leaf is in the tree and non-blank; take the generation's key from the secret tree (window and
 * replay rules); decrypt the content with the reuse guard applied; decode it, checking the padding is all zero;
 * verify the signature.
 * @throws MlsError WRONG_GROUP, WRONG_EPOCH, AEAD_DECRYPT (sender data or content), DECODE (malformed SenderData or
 *   content, non-zero padding), INVALID_MESSAGE (leaf outside the tree or blank), GENERATION_TOO_FAR, REPLAY,
 *   BAD_SIGNATURE.
 * @example const { content, secretTree } = unprotectPrivateMessage(cs, msg, { context, secretTree: st,
 *   senderDataSecret, signaturePublicKey: (s) => tree.signatureKeyOf(s) });
 */
export function unprotectPrivateMessage(
  cs: CipherSuite,
  msg: PrivateMessage,
  input: UnprotectPrivateInput,
): UnprotectPrivateResult {
  checkGroupEpoch(msg.groupId, msg.epoch, input.context);

  // §6.3.2: sender data.
  const sd = senderDataKeyNonce(cs, input.senderDataSecret, msg.ciphertext);
  const sdPlain = cs.aeadOpen(sd.key, sd.nonce, senderDataAAD(msg), msg.encryptedSenderData);
  sd.key.fill(0);
  sd.nonce.fill(0);
  const senderData = decode(sdPlain, decodeSenderData, 'SenderData');
  const leaf = senderData.leafIndex;
  if (leaf >= input.secretTree.leafCount)
    throw new MlsError('INVALID_MESSAGE', `sender leaf ${leaf} is outside the tree of ${input.secretTree.leafCount}`);
  const sender: Sender = { senderType: SenderType.member, leafIndex: leaf };
  const signatureKey = lookupKey(input.signaturePublicKey, sender); // blank leaf → INVALID_MESSAGE (§6.3.2)

  // §6.3.1 / §9.1: the ratchet key of (leaf, type, generation), then the content.
  const k = receiveKey(cs, input.secretTree, leaf, ratchetOf(msg.contentType), senderData.generation);
  const nonce = guardNonce(k.nonce, senderData.reuseGuard);
  const plaintext = cs.aeadOpen(k.key, nonce, privateContentAAD(msg), msg.ciphertext);
  nonce.fill(0);
  const pmc = privateMessageContentFrom(plaintext, msg.contentType);

  const content: FramedContent = {
    groupId: msg.groupId,
    epoch: msg.epoch,
    sender,
    authenticatedData: msg.authenticatedData,
    ...contentBodyOf(pmc),
  };
  const context = groupContextBytes(input.context);
  if (!verifyFramedContent(cs, signatureKey, WireFormat.mls_private_message, content, pmc.auth.signature, context))
    throw new MlsError('BAD_SIGNATURE', 'FramedContent signature does not verify (RFC 9420 §6.1)');
  return {
    content: { wireFormat: WireFormat.mls_private_message, content, auth: pmc.auth },
    secretTree: k.tree,
    senderData: { leafIndex: leaf, generation: senderData.generation },
  };
}

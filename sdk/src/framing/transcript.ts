/**
 * Transcript hashes and the confirmation tag (RFC 9420 §8.2, §6.1).
 *
 * ```
 * struct {
 *     WireFormat wire_format;
 *     FramedContent content; // with content_type == commit
 *     opaque signature<V>;
 * } ConfirmedTranscriptHashInput;
 *
 * struct {
 *     MAC confirmation_tag;
 * } InterimTranscriptHashInput;
 *
 * confirmed_transcript_hash_[0] = ""; // zero-length octet string
 * interim_transcript_hash_[0] = "";   // zero-length octet string
 *
 * confirmed_transcript_hash_[epoch] =
 *     Hash(interim_transcript_hash_[epoch - 1] || ConfirmedTranscriptHashInput_[epoch]);
 *
 * interim_transcript_hash_[epoch] =
 *     Hash(confirmed_transcript_hash_[epoch] || InterimTranscriptHashInput_[epoch]);
 *
 * confirmation_tag = MAC(confirmation_key, GroupContext.confirmed_transcript_hash)   // §6.1
 * ```
 *
 * Hashes run over public data. The confirmation tag is a MAC under a secret key; `verifyConfirmationTag`
 * compares in constant time (crypto/bytes.ts).
 */
import { encode, type Writer } from '../codec/writer.ts';
import { constantTimeEqual } from '../crypto/bytes.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { MlsError } from '../errors.ts';
import {
  ContentType,
  encodeFramedContent,
  type AuthenticatedContent,
  type ContentWireFormat,
  type FramedContent,
} from './content.ts';

export interface ConfirmedTranscriptHashInput {
  readonly wireFormat: ContentWireFormat;
  /** Must be a commit. */
  readonly content: FramedContent;
  readonly signature: Uint8Array;
}
export interface InterimTranscriptHashInput {
  readonly confirmationTag: Uint8Array;
}

/** @throws MlsError INVALID_MESSAGE when the content is not a commit. */
export function encodeConfirmedTranscriptHashInput(w: Writer, x: ConfirmedTranscriptHashInput): void {
  if (x.content.contentType !== ContentType.commit)
    throw new MlsError('INVALID_MESSAGE', 'ConfirmedTranscriptHashInput needs commit content (RFC 9420 §8.2)');
  w.u16(x.wireFormat);
  encodeFramedContent(w, x.content);
  w.opaque(x.signature);
}
export function encodeInterimTranscriptHashInput(w: Writer, x: InterimTranscriptHashInput): void {
  w.opaque(x.confirmationTag);
}

/**
 * confirmed_transcript_hash = Hash(interim_transcript_hash_before || ConfirmedTranscriptHashInput).
 * @throws MlsError INVALID_MESSAGE when the content is not a commit.
 */
export function confirmedTranscriptHash(
  cs: Pick<CipherSuite, 'hash'>,
  interimBefore: Uint8Array,
  commit: AuthenticatedContent | ConfirmedTranscriptHashInput,
): Uint8Array {
  const input: ConfirmedTranscriptHashInput =
    'auth' in commit ? { wireFormat: commit.wireFormat, content: commit.content, signature: commit.auth.signature } : commit;
  return cs.hash(
    encode((w) => {
      w.bytes(interimBefore);
      encodeConfirmedTranscriptHashInput(w, input);
    }),
  );
}

/** interim_transcript_hash = Hash(confirmed_transcript_hash || InterimTranscriptHashInput). */
export function interimTranscriptHash(
  cs: Pick<CipherSuite, 'hash'>,
  confirmed: Uint8Array,
  confirmationTag: Uint8Array,
): Uint8Array {
  return cs.hash(
    encode((w) => {
      w.bytes(confirmed);
      encodeInterimTranscriptHashInput(w, { confirmationTag });
    }),
  );
}

/**
 * Both updates for a commit's AuthenticatedContent (its auth must carry the confirmation tag).
 * @throws MlsError INVALID_MESSAGE when the content is not a commit or has no confirmation tag.
 */
export function updateTranscriptHashes(
  cs: Pick<CipherSuite, 'hash'>,
  interimBefore: Uint8Array,
  commit: AuthenticatedContent,
): { confirmed: Uint8Array; interim: Uint8Array } {
  const tag = commit.auth.confirmationTag;
  if (tag === undefined) throw new MlsError('INVALID_MESSAGE', 'commit without confirmation_tag (RFC 9420 §6.1)');
  const confirmed = confirmedTranscriptHash(cs, interimBefore, commit);
  return { confirmed, interim: interimTranscriptHash(cs, confirmed, tag) };
}

/** confirmation_tag = MAC(confirmation_key, confirmed_transcript_hash) (§6.1). */
export function confirmationTag(
  cs: Pick<CipherSuite, 'mac'>,
  confirmationKey: Uint8Array,
  confirmed: Uint8Array,
): Uint8Array {
  return cs.mac(confirmationKey, confirmed);
}

/** Constant-time check of a received confirmation tag. */
export function verifyConfirmationTag(
  cs: Pick<CipherSuite, 'mac'>,
  confirmationKey: Uint8Array,
  confirmed: Uint8Array,
  tag: Uint8Array,
): boolean {
  return constantTimeEqual(cs.mac(confirmationKey, confirmed), tag);
}

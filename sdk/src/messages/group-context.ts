/**
 * GroupContext (RFC 9420 §8.1).
 *
 * ```
 * struct {
 *     ProtocolVersion version = mls10;
 *     CipherSuite cipher_suite;
 *     opaque group_id<V>;
 *     uint64 epoch;
 *     opaque tree_hash<V>;
 *     opaque confirmed_transcript_hash<V>;
 *     Extension extensions<V>;
 * } GroupContext;
 * ```
 *
 * `version` is fixed to mls10 by the struct, so the type does not carry it: encoding writes 1, decoding refuses
 * anything else. Decoded byte fields are views into the input.
 */
import type { Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { decodeCipherSuiteId, decodeMls10, ProtocolVersion } from './common.ts';
import { decodeExtensions, encodeExtensions, type Extension } from './extensions.ts';

export interface GroupContext {
  readonly cipherSuite: number;
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly treeHash: Uint8Array;
  readonly confirmedTranscriptHash: Uint8Array;
  readonly extensions: readonly Extension[];
}

export function encodeGroupContext(w: Writer, gc: GroupContext): void {
  w.u16(ProtocolVersion.mls10).u16(gc.cipherSuite).opaque(gc.groupId).u64(gc.epoch);
  w.opaque(gc.treeHash).opaque(gc.confirmedTranscriptHash);
  encodeExtensions(w, gc.extensions);
}

/** @throws MlsError DECODE naming the field (version ≠ mls10, cipher suite 0, …). */
export function decodeGroupContext(r: Reader): GroupContext {
  decodeMls10(r);
  const cipherSuite = decodeCipherSuiteId(r);
  const groupId = r.opaque('group_id');
  const epoch = r.u64('epoch');
  const treeHash = r.opaque('tree_hash');
  const confirmedTranscriptHash = r.opaque('confirmed_transcript_hash');
  return { cipherSuite, groupId, epoch, treeHash, confirmedTranscriptHash, extensions: decodeExtensions(r) };
}

/** The serialized GroupContext (the context of ExpandWithLabel-based derivations, §8, and FramedContentTBS). */
export function groupContextBytes(gc: GroupContext): Uint8Array {
  return encode((w) => encodeGroupContext(w, gc));
}

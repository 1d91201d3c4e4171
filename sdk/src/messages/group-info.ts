/**
 * GroupInfo and GroupInfoTBS (RFC 9420 §12.4.3).
 *
 * ```
 * struct {
 *     GroupContext group_context;
 *     Extension extensions<V>;
 *     MAC confirmation_tag;
 *     uint32 signer;
 *     // SignWithLabel(., "GroupInfoTBS", GroupInfoTBS)
 *     opaque signature<V>;
 * } GroupInfo;
 *
 * struct {
 *     GroupContext group_context;
 *     Extension extensions<V>;
 *     MAC confirmation_tag;
 *     uint32 signer;
 * } GroupInfoTBS;
 * ```
 *
 * `opaque MAC<V>` (§6.1). Unknown extensions in `extensions` are kept (§13.4: a joiner MUST ignore them).
 * Sign/verify: `signWithLabel(cs, key, 'GroupInfoTBS', groupInfoTBS(gi))` (crypto/labels.ts). Decoded byte
 * fields are views into the input.
 */
import type { Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import type { LeafIndex } from '../tree/math.ts';
import { decodeExtensions, encodeExtensions, type Extension } from './extensions.ts';
import { decodeGroupContext, encodeGroupContext, type GroupContext } from './group-context.ts';

export interface GroupInfoTBS {
  readonly groupContext: GroupContext;
  readonly extensions: readonly Extension[];
  readonly confirmationTag: Uint8Array;
  readonly signer: LeafIndex;
}
export interface GroupInfo extends GroupInfoTBS {
  readonly signature: Uint8Array;
}

export function encodeGroupInfoTBS(w: Writer, gi: GroupInfoTBS): void {
  encodeGroupContext(w, gi.groupContext);
  encodeExtensions(w, gi.extensions);
  w.opaque(gi.confirmationTag).u32(gi.signer);
}

/** The GroupInfoTBS bytes to sign or verify with label "GroupInfoTBS". */
export function groupInfoTBS(gi: GroupInfoTBS): Uint8Array {
  return encode((w) => encodeGroupInfoTBS(w, gi));
}

export function encodeGroupInfo(w: Writer, gi: GroupInfo): void {
  encodeGroupInfoTBS(w, gi);
  w.opaque(gi.signature);
}

/** @throws MlsError DECODE naming the field. */
export function decodeGroupInfo(r: Reader): GroupInfo {
  const groupContext = decodeGroupContext(r);
  const extensions = decodeExtensions(r);
  const confirmationTag = r.opaque('confirmation_tag');
  const signer = r.u32('signer') as LeafIndex;
  return { groupContext, extensions, confirmationTag, signer, signature: r.opaque('signature') };
}

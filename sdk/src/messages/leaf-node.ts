/**
 * LeafNode, Lifetime and LeafNodeTBS (RFC 9420 §7.2).
 *
 * ```
 * enum {
 *     reserved(0),
 *     key_package(1),
 *     update(2),
 *     commit(3),
 *     (255)
 * } LeafNodeSource;
 *
 * struct {
 *     uint64 not_before;
 *     uint64 not_after;
 * } Lifetime;
 *
 * struct {
 *     HPKEPublicKey encryption_key;
 *     SignaturePublicKey signature_key;
 *     Credential credential;
 *     Capabilities capabilities;
 *
 *     LeafNodeSource leaf_node_source;
 *     select (LeafNode.leaf_node_source) {
 *         case key_package:
 *             Lifetime lifetime;
 *
 *         case update:
 *             struct{};
 *
 *         case commit:
 *             opaque parent_hash<V>;
 *     };
 *
 *     Extension extensions<V>;
 *     // SignWithLabel(., "LeafNodeTBS", LeafNodeTBS)
 *     opaque signature<V>;
 * } LeafNode;
 *
 * struct {
 *     ... the fields of LeafNode up to and including extensions ...
 *
 *     select (LeafNodeTBS.leaf_node_source) {
 *         case key_package:
 *             struct{};
 *
 *         case update:
 *             opaque group_id<V>;
 *             uint32 leaf_index;
 *
 *         case commit:
 *             opaque group_id<V>;
 *             uint32 leaf_index;
 *     };
 * } LeafNodeTBS;
 * ```
 *
 * `LeafNodeContent` is a LeafNode without its signature (what a client fills in before signing). Sign and verify
 * with `signWithLabel(cs, key, 'LeafNodeTBS', leafNodeTBS(leaf, ctx))` (crypto/labels.ts); `ctx` (group id and
 * the leaf's index) is required for `update` and `commit` leaves and ignored for `key_package` ones.
 * Decoded byte fields are views into the input (messages/common.ts).
 */
import type { Reader } from '../codec/reader.ts';
import { varintSize } from '../codec/varint.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { MlsError } from '../errors.ts';
import type { LeafIndex } from '../tree/math.ts';
import { decodeCapabilities, encodeCapabilities, type Capabilities } from './capabilities.ts';
import type { HPKEPublicKey, SignaturePublicKey } from './common.ts';
import { decodeCredential, encodeCredential, type Credential } from './credential.ts';
import { decodeExtensions, encodeExtensions, type Extension } from './extensions.ts';

export const LeafNodeSource = { key_package: 1, update: 2, commit: 3 } as const;
export type LeafNodeSource = (typeof LeafNodeSource)[keyof typeof LeafNodeSource];
const LEAF_NODE_SOURCES: ReadonlySet<LeafNodeSource> = new Set([1, 2, 3] as LeafNodeSource[]);

/** Seconds since the Unix epoch (§7.2). */
export interface Lifetime {
  readonly notBefore: bigint;
  readonly notAfter: bigint;
}

interface LeafNodeCommon {
  readonly encryptionKey: HPKEPublicKey;
  readonly signatureKey: SignaturePublicKey;
  readonly credential: Credential;
  readonly capabilities: Capabilities;
  readonly extensions: readonly Extension[];
}
/** The `leaf_node_source` select. */
export type LeafNodeSourceFields =
  | { readonly leafNodeSource: typeof LeafNodeSource.key_package; readonly lifetime: Lifetime }
  | { readonly leafNodeSource: typeof LeafNodeSource.update }
  | { readonly leafNodeSource: typeof LeafNodeSource.commit; readonly parentHash: Uint8Array };

/** A LeafNode without its signature: the fields the signature covers (besides the TBS context). */
export type LeafNodeContent = LeafNodeCommon & LeafNodeSourceFields;
/** A signed LeafNode. */
export type LeafNode = LeafNodeContent & { readonly signature: Uint8Array };

/** The group context a LeafNodeTBS binds for `update` and `commit` leaves. */
export interface LeafNodeTBSContext {
  readonly groupId: Uint8Array;
  readonly leafIndex: LeafIndex;
}

export function encodeLifetime(w: Writer, l: Lifetime): void {
  w.u64(l.notBefore).u64(l.notAfter);
}
export function decodeLifetime(r: Reader): Lifetime {
  return { notBefore: r.u64('not_before'), notAfter: r.u64('not_after') };
}

/** The fields of LeafNode before `signature` (shared by LeafNode and LeafNodeTBS). */
export function encodeLeafNodeContent(w: Writer, ln: LeafNodeContent): void {
  const wire = contentBytes.get(ln); // a decoded LeafNode: its bytes are its encoding
  if (wire !== undefined) {
    w.bytes(wire);
    return;
  }
  w.opaque(ln.encryptionKey).opaque(ln.signatureKey);
  encodeCredential(w, ln.credential);
  encodeCapabilities(w, ln.capabilities);
  w.u8(ln.leafNodeSource);
  switch (ln.leafNodeSource) {
    case LeafNodeSource.key_package:
      encodeLifetime(w, ln.lifetime);
      break;
    case LeafNodeSource.update:
      break;
    case LeafNodeSource.commit:
      w.opaque(ln.parentHash);
      break;
    default:
      throw new MlsError('INVALID_MESSAGE', `leaf_node_source ${(ln as { leafNodeSource: number }).leafNodeSource} is not 1, 2 or 3`);
  }
  encodeExtensions(w, ln.extensions);
}

export function decodeLeafNodeContent(r: Reader): LeafNodeContent {
  const { signature: _, ...content } = decodeLeaf(r, false);
  return content;
}

export function encodeLeafNode(w: Writer, ln: LeafNode): void {
  encodeLeafNodeContent(w, ln);
  w.opaque(ln.signature);
}

/** @throws MlsError DECODE naming the field (e.g. `leaf_node_source` 0 or 4). */
export function decodeLeafNode(r: Reader): LeafNode {
  const start = r.offset;
  const leaf = decodeLeaf(r, true);
  // The content's wire bytes are its encoding (the decoder is strict: one encoding per value), kept so that
  // verifying, hashing or re-sending a decoded leaf does not encode it again (encodeLeafNodeContent).
  contentBytes.set(leaf, r.since(start).subarray(0, -(leaf.signature.length + varintSize(leaf.signature.length))));
  return leaf;
}

/** Decoded LeafNode → its content's bytes in the input (a view). Objects built any other way are not in it. */
const contentBytes = new WeakMap<LeafNodeContent, Uint8Array>();

/**
 * The LeafNode fields, then the signature when `signed` (else an empty one, dropped by the caller). One object
 * literal per source with its fields in one fixed order, no spreads: a 50,000-member tree decodes 50,000 of them,
 * and same-shaped objects keep the code reading the tree monomorphic.
 */
function decodeLeaf(r: Reader, signed: boolean): LeafNode {
  const encryptionKey = r.opaque('encryption_key');
  const signatureKey = r.opaque('signature_key');
  const credential = decodeCredential(r);
  const capabilities = decodeCapabilities(r);
  const leafNodeSource = r.enumU8('leaf_node_source', LEAF_NODE_SOURCES);
  switch (leafNodeSource) {
    case LeafNodeSource.key_package: {
      const lifetime = decodeLifetime(r);
      const extensions = decodeExtensions(r);
      const signature = signed ? r.opaque('signature') : NO_SIGNATURE;
      return { encryptionKey, signatureKey, credential, capabilities, leafNodeSource, lifetime, extensions, signature };
    }
    case LeafNodeSource.update: {
      const extensions = decodeExtensions(r);
      const signature = signed ? r.opaque('signature') : NO_SIGNATURE;
      return { encryptionKey, signatureKey, credential, capabilities, leafNodeSource, extensions, signature };
    }
    case LeafNodeSource.commit: {
      const parentHash = r.opaque('parent_hash');
      const extensions = decodeExtensions(r);
      const signature = signed ? r.opaque('signature') : NO_SIGNATURE;
      return { encryptionKey, signatureKey, credential, capabilities, leafNodeSource, parentHash, extensions, signature };
    }
  }
}
const NO_SIGNATURE = new Uint8Array(0);

/**
 * LeafNodeTBS: the content plus, for `update` and `commit` leaves, the group id and leaf index (§7.2).
 * @throws MlsError INVALID_MESSAGE when `ctx` is missing for an update or commit leaf.
 */
export function encodeLeafNodeTBS(w: Writer, ln: LeafNodeContent, ctx?: LeafNodeTBSContext): void {
  encodeLeafNodeContent(w, ln);
  if (ln.leafNodeSource === LeafNodeSource.key_package) return;
  if (ctx === undefined)
    throw new MlsError('INVALID_MESSAGE', 'LeafNodeTBS of an update or commit leaf needs the group_id and leaf_index');
  w.opaque(ctx.groupId).u32(ctx.leafIndex);
}

/**
 * The LeafNodeTBS bytes to sign or verify with label "LeafNodeTBS" (§7.2).
 * @example verifyWithLabel(cs, leaf.signatureKey, 'LeafNodeTBS', leafNodeTBS(leaf, { groupId, leafIndex }), leaf.signature)
 */
export function leafNodeTBS(ln: LeafNodeContent, ctx?: LeafNodeTBSContext): Uint8Array {
  return encode((w) => encodeLeafNodeTBS(w, ln, ctx));
}

/**
 * Commit, UpdatePath, UpdatePathNode and HPKECiphertext (RFC 9420 §12.4, §7.6).
 *
 * ```
 * struct {
 *     opaque kem_output<V>;
 *     opaque ciphertext<V>;
 * } HPKECiphertext;
 *
 * struct {
 *     HPKEPublicKey encryption_key;
 *     HPKECiphertext encrypted_path_secret<V>;
 * } UpdatePathNode;
 *
 * struct {
 *     LeafNode leaf_node;
 *     UpdatePathNode nodes<V>;
 * } UpdatePath;
 *
 * struct {
 *     ProposalOrRef proposals<V>;
 *     optional<UpdatePath> path;
 * } Commit;
 * ```
 *
 * Wire form only: whether a path is required (§12.4, "pathRequired") and whether the path matches the tree are
 * checked by the group and tree layers. Decoded byte fields are views into the input.
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import type { HPKEPublicKey } from './common.ts';
import { decodeLeafNode, encodeLeafNode, type LeafNode } from './leaf-node.ts';
import { decodeProposalOrRef, encodeProposalOrRef, type ProposalOrRef } from './proposals.ts';

export interface HPKECiphertext {
  readonly kemOutput: Uint8Array;
  readonly ciphertext: Uint8Array;
}
export interface UpdatePathNode {
  readonly encryptionKey: HPKEPublicKey;
  readonly encryptedPathSecret: readonly HPKECiphertext[];
}
export interface UpdatePath {
  readonly leafNode: LeafNode;
  readonly nodes: readonly UpdatePathNode[];
}
export interface Commit {
  readonly proposals: readonly ProposalOrRef[];
  /** Absent (`undefined`) when the commit has no path. */
  readonly path?: UpdatePath | undefined;
}

export function encodeHPKECiphertext(w: Writer, c: HPKECiphertext): void {
  w.opaque(c.kemOutput).opaque(c.ciphertext);
}
export function decodeHPKECiphertext(r: Reader): HPKECiphertext {
  return { kemOutput: r.opaque('kem_output'), ciphertext: r.opaque('ciphertext') };
}

export function encodeUpdatePathNode(w: Writer, n: UpdatePathNode): void {
  w.opaque(n.encryptionKey).vector(n.encryptedPathSecret, encodeHPKECiphertext);
}
export function decodeUpdatePathNode(r: Reader): UpdatePathNode {
  const encryptionKey = r.opaque('encryption_key');
  return { encryptionKey, encryptedPathSecret: r.vector('encrypted_path_secret', decodeHPKECiphertext) };
}

export function encodeUpdatePath(w: Writer, p: UpdatePath): void {
  encodeLeafNode(w, p.leafNode);
  w.vector(p.nodes, encodeUpdatePathNode);
}
export function decodeUpdatePath(r: Reader): UpdatePath {
  const leafNode = decodeLeafNode(r);
  return { leafNode, nodes: r.vector('nodes', decodeUpdatePathNode) };
}

export function encodeCommit(w: Writer, c: Commit): void {
  w.vector(c.proposals, encodeProposalOrRef).optional(c.path, encodeUpdatePath);
}
/** @throws MlsError DECODE naming the field. */
export function decodeCommit(r: Reader): Commit {
  const proposals = r.vector('proposals', decodeProposalOrRef);
  return { proposals, path: r.optional('path', decodeUpdatePath) };
}

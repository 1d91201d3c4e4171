/**
 * Tree hashes (RFC 9420 §7.8), cached per node in the TreeState and recomputed only where missing.
 *
 * ```
 * struct {
 *   NodeType node_type;
 *   select (TreeHashInput.node_type) {
 *     case leaf:   LeafNodeHashInput leaf_node;
 *     case parent: ParentNodeHashInput parent_node;
 *   };
 * } TreeHashInput;
 *
 * struct {
 *     uint32 leaf_index;
 *     optional<LeafNode> leaf_node;
 * } LeafNodeHashInput;
 *
 * struct {
 *     optional<ParentNode> parent_node;
 *     opaque left_hash<V>;
 *     opaque right_hash<V>;
 * } ParentNodeHashInput;
 * ```
 *
 * Batching: the missing hashes of a subtree are collected per level (the TreeState keeps the missing set closed
 * upward, so the walk only enters missing nodes) and hashed level by level with one `cs.hashMany` call each —
 * one JS↔WASM crossing per level, ~14 for a 10,000-leaf tree hashed from scratch, and about one node per level
 * after a commit or a proposal touched one path.
 *
 * Public inputs only.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { encode, Writer } from '../codec/writer.ts';
import { encodeLeafNode, type LeafNode } from '../messages/leaf-node.ts';
import { encodeParentNode, NodeType, type ParentNode } from '../messages/ratchet-tree.ts';
import { left, level, right, type LeafIndex, type NodeIndex } from './math.ts';
import type { TreeState } from './ratchet-tree.ts';

function writeLeafTreeHashInput(w: Writer, leafIndex: LeafIndex, leaf: LeafNode | null): void {
  w.u8(NodeType.leaf).u32(leafIndex).optional(leaf, encodeLeafNode);
}
function writeParentTreeHashInput(w: Writer, parent: ParentNode | null, leftHash: Uint8Array, rightHash: Uint8Array): void {
  w.u8(NodeType.parent).optional(parent, encodeParentNode).opaque(leftHash).opaque(rightHash);
}

/** TreeHashInput of a leaf (§7.8): node_type leaf, leaf_index, optional<LeafNode>. */
export function leafTreeHashInput(leafIndex: LeafIndex, leaf: LeafNode | null): Uint8Array {
  return encode((w) => writeLeafTreeHashInput(w, leafIndex, leaf), leaf ? 512 : 16);
}

/** TreeHashInput of a parent (§7.8): node_type parent, optional<ParentNode>, left_hash, right_hash. */
export function parentTreeHashInput(parent: ParentNode | null, leftHash: Uint8Array, rightHash: Uint8Array): Uint8Array {
  return encode((w) => writeParentTreeHashInput(w, parent, leftHash, rightHash), 256);
}

/**
 * Fill in the missing tree hashes of the subtree under x (default: the whole tree), bottom-up, one batched hash
 * call per level. O(number of missing nodes).
 */
export function fillTreeHashes(cs: CipherSuite, tree: TreeState, x: NodeIndex = tree.root): void {
  if (tree.hasHash(x, cs.id)) return;
  // Collect the missing nodes by level; a cached node's subtree is fully cached, so the walk stops there.
  const byLevel: number[][] = [];
  const stack: number[] = [x];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const k = level(n as NodeIndex);
    (byLevel[k] ??= []).push(n);
    if (k > 0) {
      const a = left(n as NodeIndex);
      const b = right(n as NodeIndex);
      if (!tree.hasHash(a, cs.id)) stack.push(a);
      if (!tree.hasHash(b, cs.id)) stack.push(b);
    }
  }
  for (let k = 0; k < byLevel.length; k++) {
    const nodes = byLevel[k];
    if (!nodes || nodes.length === 0) continue;
    // One Writer for the whole level, hashed as views into its buffer: no per-node buffers.
    const w = new Writer(nodes.length * (k === 0 ? 320 : 128));
    const ends: number[] = new Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      if (k === 0) writeLeafTreeHashInput(w, (n / 2) as LeafIndex, tree.leafNode((n / 2) as LeafIndex));
      else
        writeParentTreeHashInput(
          w,
          tree.parentNode(n as NodeIndex),
          tree.cachedHash(left(n as NodeIndex), cs.id)!,
          tree.cachedHash(right(n as NodeIndex), cs.id)!,
        );
      ends[i] = w.length;
    }
    const buf = w.view();
    const inputs: Uint8Array[] = new Array(nodes.length);
    for (let i = 0, start = 0; i < nodes.length; start = ends[i]!, i++) inputs[i] = buf.subarray(start, ends[i]);
    const hashes = cs.hashMany(inputs);
    for (let i = 0; i < nodes.length; i++) tree.storeHash(nodes[i]!, cs.id, hashes[i]!);
  }
}

/**
 * The tree hash of node x (§7.8), from the cache or computed along the missing paths.
 * @example const th = nodeTreeHash(cs, tree, tree.root);
 */
export function nodeTreeHash(cs: CipherSuite, tree: TreeState, x: NodeIndex): Uint8Array {
  let h = tree.cachedHash(x, cs.id);
  if (h === undefined) {
    fillTreeHashes(cs, tree, x);
    h = tree.cachedHash(x, cs.id)!;
  }
  return h;
}

/**
 * The tree hash of the whole tree: the root's (§7.8; GroupContext.tree_hash, §8.1).
 * @example const groupContext = { ...gc, treeHash: treeHash(cs, tree) };
 */
export function treeHash(cs: CipherSuite, tree: TreeState): Uint8Array {
  return nodeTreeHash(cs, tree, tree.root);
}

/** The tree hash of every node, by node index (test vectors; a full-tree pass). */
export function allTreeHashes(cs: CipherSuite, tree: TreeState): Uint8Array[] {
  fillTreeHashes(cs, tree);
  const out: Uint8Array[] = new Array(tree.nNodes);
  for (let x = 0; x < tree.nNodes; x++) out[x] = tree.cachedHash(x, cs.id)!;
  return out;
}

/**
 * ParentNode, Node and the `ratchet_tree` wire form (RFC 9420 §7.1, §7.8, §12.4.3.3), plus the ratchet_tree
 * extension helpers.
 *
 * ```
 * struct {
 *     HPKEPublicKey encryption_key;
 *     opaque parent_hash<V>;
 *     uint32 unmerged_leaves<V>;
 * } ParentNode;
 *
 * enum {
 *     reserved(0),
 *     leaf(1),
 *     parent(2),
 *     (255)
 * } NodeType;
 *
 * struct {
 *     NodeType node_type;
 *     select (Node.node_type) {
 *         case leaf:   LeafNode leaf_node;
 *         case parent: ParentNode parent_node;
 *     };
 * } Node;
 *
 * optional<Node> ratchet_tree<V>;
 * ```
 *
 * The wire tree is a flat array in node-index order (Appendix C), `null` for a blank node; it is as sent (not
 * extended to a full tree). `decodeRatchetTree` is syntactic; `checkRatchetTreeShape` adds the structural checks
 * of §12.4.3.3 (non-empty, last node non-blank, leaves at even and parents at odd indices) for the tree layer,
 * which owns the semantic checks of §7.9 (sorted unmerged leaves, hashes, signatures). Decoded byte fields are
 * views into the input.
 */
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { MlsError } from '../errors.ts';
import type { LeafIndex } from '../tree/math.ts';
import type { HPKEPublicKey } from './common.ts';
import { ExtensionType, type Extension } from './extensions.ts';
import { decodeLeafNode, encodeLeafNode, type LeafNode } from './leaf-node.ts';

export interface ParentNode {
  readonly encryptionKey: HPKEPublicKey;
  readonly parentHash: Uint8Array;
  /** Leaf indices, which §7.1 requires sorted in increasing order (checked by tree validation). */
  readonly unmergedLeaves: readonly LeafIndex[];
}

export const NodeType = { leaf: 1, parent: 2 } as const;
const NODE_TYPES: ReadonlySet<number> = new Set([1, 2]);

export type Node =
  | { readonly nodeType: typeof NodeType.leaf; readonly leaf: LeafNode }
  | { readonly nodeType: typeof NodeType.parent; readonly parent: ParentNode };

/** `optional<Node> ratchet_tree<V>` as a flat array, `null` for blank nodes. */
export type RatchetTree = readonly (Node | null)[];

export function encodeParentNode(w: Writer, p: ParentNode): void {
  w.opaque(p.encryptionKey).opaque(p.parentHash).vector(p.unmergedLeaves, (w, i) => w.u32(i));
}
export function decodeParentNode(r: Reader): ParentNode {
  const encryptionKey = r.opaque('encryption_key');
  const parentHash = r.opaque('parent_hash');
  return { encryptionKey, parentHash, unmergedLeaves: r.vector('unmerged_leaves', (r) => r.u32('unmerged_leaves') as LeafIndex) };
}

export function encodeNode(w: Writer, n: Node): void {
  w.u8(n.nodeType);
  if (n.nodeType === NodeType.leaf) encodeLeafNode(w, n.leaf);
  else if (n.nodeType === NodeType.parent) encodeParentNode(w, n.parent);
  else throw new MlsError('INVALID_MESSAGE', `node_type ${(n as { nodeType: number }).nodeType} is not 1 or 2`);
}
/** @throws MlsError DECODE naming `node_type` for a reserved or unknown NodeType. */
export function decodeNode(r: Reader): Node {
  const nodeType = r.enumU8('node_type', NODE_TYPES);
  if (nodeType === NodeType.leaf) return { nodeType, leaf: decodeLeafNode(r) };
  return { nodeType: NodeType.parent, parent: decodeParentNode(r) };
}

export function encodeRatchetTree(w: Writer, tree: RatchetTree): void {
  w.vector(tree, (w, n) => w.optional(n, encodeNode));
}
/** @throws MlsError DECODE naming the field (e.g. `ratchet_tree[3].node_type`). */
export function decodeRatchetTree(r: Reader): (Node | null)[] {
  return r.vector('ratchet_tree', (r) => r.optional('node', decodeNode) ?? null);
}

/**
 * The structural checks of §12.4.3.3 on a received tree: at least one node, the last node non-blank (senders
 * MUST NOT send trailing blanks), leaves at even indices and parents at odd ones (Appendix C).
 * @throws MlsError INVALID_TREE naming the node index.
 */
export function checkRatchetTreeShape(tree: RatchetTree): void {
  if (tree.length === 0) throw new MlsError('INVALID_TREE', 'ratchet_tree is empty');
  if (tree[tree.length - 1] === null)
    throw new MlsError('INVALID_TREE', `ratchet_tree ends with a blank node (index ${tree.length - 1}, RFC 9420 §12.4.3.3)`);
  for (let i = 0; i < tree.length; i++) {
    const n = tree[i];
    if (n === null || n === undefined) continue;
    const want = (i & 1) === 0 ? NodeType.leaf : NodeType.parent;
    if (n.nodeType !== want)
      throw new MlsError('INVALID_TREE', `node ${i} is a ${n.nodeType === NodeType.leaf ? 'leaf' : 'parent'}; ` +
        `${want === NodeType.leaf ? 'leaves sit at even' : 'parents sit at odd'} indices (RFC 9420 Appendix C)`);
  }
}

/** A ratchet_tree extension (§12.4.3.3) for a GroupInfo. */
export function ratchetTreeExtension(tree: RatchetTree): Extension {
  return { extensionType: ExtensionType.ratchet_tree, extensionData: encode((w) => encodeRatchetTree(w, tree)) };
}
/**
 * The tree in a ratchet_tree extension (syntax only: run `checkRatchetTreeShape` and tree validation next).
 * @throws MlsError DECODE for malformed data, INVALID_MESSAGE for an extension of another type.
 */
export function readRatchetTreeExtension(ext: Extension): (Node | null)[] {
  if (ext.extensionType !== ExtensionType.ratchet_tree)
    throw new MlsError('INVALID_MESSAGE', `extension 0x${ext.extensionType.toString(16).padStart(4, '0')} is not ratchet_tree`);
  return decode(ext.extensionData, decodeRatchetTree, 'ratchet_tree extension_data');
}

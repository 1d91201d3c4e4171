/**
 * Array-based tree math (RFC 9420 Appendix C, §4.1 / §7.1 terminology). Leaves sit at even node indices, parents
 * at odd ones; node x has level = number of trailing 1 bits. Pure functions over public indices, each O(log N)
 * or better; no allocation except for the arrays `directPath` / `copath` return.
 *
 * `LeafIndex` and `NodeIndex` are branded numbers, so a leaf index is never passed where a node index belongs:
 * convert with `leafToNode` / `nodeToLeaf`, and brand raw numbers (from the wire) with `leafIndex` / `nodeIndex`.
 *
 * Functions take the tree size as a number of leaves (`nLeaves`), as in the RFC's pseudocode. The RFC keeps
 * trees full (a power of two leaves, §7.7), but these functions also answer for any n ≥ 1 as Appendix C does.
 */
import { MlsError } from '../errors.ts';

export type LeafIndex = number & { readonly __brand: 'LeafIndex' };
export type NodeIndex = number & { readonly __brand: 'NodeIndex' };

function checkIndex(what: string, x: number, limit: number): void {
  if (!Number.isInteger(x) || x < 0 || x >= limit)
    throw new MlsError('INVALID_TREE', `${what} ${x} is not an index below ${limit}`);
}

/** Brand a leaf index (uint32 on the wire). */
export const leafIndex = (n: number): LeafIndex => {
  checkIndex('leaf index', n, 0x1_0000_0000);
  return n as LeafIndex;
};
/** Brand a node index. */
export const nodeIndex = (n: number): NodeIndex => {
  checkIndex('node index', n, 0x1_0000_0000);
  return n as NodeIndex;
};

/** floor(log2(x)) for x ≥ 1; 0 for x = 0 (Appendix C `log2`). */
export function log2(x: number): number {
  return x === 0 ? 0 : 31 - Math.clz32(x);
}

/** Level of a node: 0 for leaves, k for a node with k trailing 1 bits (Appendix C `level`). */
export function level(x: NodeIndex): number {
  // Trailing ones of x = trailing zeros of ~x; x < 2^32 so the 32-bit complement is exact.
  const inv = ~x >>> 0;
  return inv === 0 ? 32 : 31 - Math.clz32(inv & -inv);
}

export const isLeaf = (x: NodeIndex): boolean => (x & 1) === 0;
export const leafToNode = (leaf: LeafIndex): NodeIndex => (leaf * 2) as NodeIndex;
/** @throws MlsError INVALID_TREE when x is a parent node. */
export function nodeToLeaf(x: NodeIndex): LeafIndex {
  if (x & 1) throw new MlsError('INVALID_TREE', `node ${x} is not a leaf`);
  return (x / 2) as LeafIndex;
}

/** Number of nodes in a tree with n leaves: 2(n - 1) + 1, 0 for n = 0 (Appendix C `node_width`). */
export function nodeWidth(nLeaves: number): number {
  return nLeaves === 0 ? 0 : 2 * (nLeaves - 1) + 1;
}

/** Number of leaves of a tree with w nodes (inverse of nodeWidth). */
export function leafWidth(nNodes: number): number {
  return nNodes === 0 ? 0 : (nNodes - 1) / 2 + 1;
}

/** Root node of a tree with n leaves (Appendix C `root`). */
export function root(nLeaves: number): NodeIndex {
  if (!(nLeaves >= 1)) throw new MlsError('INVALID_TREE', `a tree needs at least one leaf, got ${nLeaves}`);
  const w = nodeWidth(nLeaves);
  return ((1 << log2(w)) - 1) as NodeIndex;
}

/** Left child of a parent node (Appendix C `left`). @throws INVALID_TREE for a leaf. */
export function left(x: NodeIndex): NodeIndex {
  const k = level(x);
  if (k === 0) throw new MlsError('INVALID_TREE', `leaf node ${x} has no children`);
  return (x ^ (1 << (k - 1))) as NodeIndex;
}

/** Right child of a parent node (Appendix C `right`). @throws INVALID_TREE for a leaf. */
export function right(x: NodeIndex): NodeIndex {
  const k = level(x);
  if (k === 0) throw new MlsError('INVALID_TREE', `leaf node ${x} has no children`);
  return (x ^ (3 << (k - 1))) as NodeIndex;
}

/** Parent in an infinite tree (Appendix C `parent_step`). */
function parentStep(x: number): number {
  const k = level(x as NodeIndex);
  const b = (x >> (k + 1)) & 1;
  return ((x | (1 << k)) ^ (b << (k + 1))) >>> 0;
}

/** Parent of a non-root node (Appendix C `parent`). @throws INVALID_TREE for the root or an index out of range. */
export function parent(x: NodeIndex, nLeaves: number): NodeIndex {
  const r = root(nLeaves);
  if (x === r) throw new MlsError('INVALID_TREE', `root node ${x} has no parent`);
  const w = nodeWidth(nLeaves);
  checkIndex('node', x, w);
  let p = parentStep(x);
  while (p >= w) p = parentStep(p);
  return p as NodeIndex;
}

/** Sibling of a non-root node (Appendix C `sibling`). */
export function sibling(x: NodeIndex, nLeaves: number): NodeIndex {
  const p = parent(x, nLeaves);
  return x < p ? right(p) : left(p);
}

/** Direct path of a node: its ancestors up to and including the root, from the bottom (§4.1, Appendix C). */
export function directPath(x: NodeIndex, nLeaves: number): NodeIndex[] {
  const r = root(nLeaves);
  checkIndex('node', x, nodeWidth(nLeaves));
  const d: NodeIndex[] = [];
  while (x !== r) {
    x = parent(x, nLeaves);
    d.push(x);
  }
  return d;
}

/** Copath of a node: the sibling of each node on its path, excluding the root (§4.1, Appendix C). */
export function copath(x: NodeIndex, nLeaves: number): NodeIndex[] {
  const r = root(nLeaves);
  checkIndex('node', x, nodeWidth(nLeaves));
  const c: NodeIndex[] = [];
  while (x !== r) {
    c.push(sibling(x, nLeaves));
    x = parent(x, nLeaves);
  }
  return c;
}

/** Lowest common ancestor of two nodes (Appendix C `common_ancestor_semantic`, computed by bits). */
export function commonAncestor(x: NodeIndex, y: NodeIndex): NodeIndex {
  // Appendix C `common_ancestor_direct`: shift off differing low bits, then set the level's trailing ones.
  const lx = level(x) + 1;
  const ly = level(y) + 1;
  if (lx <= ly && x >>> ly === y >>> ly) return y;
  if (ly <= lx && x >>> lx === y >>> lx) return x;
  let xn = x >>> 0;
  let yn = y >>> 0;
  let k = 0;
  while (xn !== yn) {
    xn >>>= 1;
    yn >>>= 1;
    k++;
  }
  return (xn * 2 ** k + 2 ** (k - 1) - 1) as NodeIndex;
}

/** True when `ancestor` is x itself or on x's direct path (subtree membership by index ranges). */
export function isAncestor(ancestor: NodeIndex, x: NodeIndex): boolean {
  const k = level(ancestor);
  // Subtree of a node at level k spans [a - (2^k - 1), a + (2^k - 1)].
  const span = 2 ** k - 1;
  return x >= ancestor - span && x <= ancestor + span;
}

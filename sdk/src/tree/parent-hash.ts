/**
 * Parent hashes (RFC 9420 §7.9): computing them along a path (commit creation and processing, §7.5) and
 * verifying that every non-blank parent node of a tree is parent-hash valid (joining, §7.9.2, §12.4.3.1).
 *
 * ```
 * struct {
 *     HPKEPublicKey encryption_key;
 *     opaque parent_hash<V>;
 *     opaque original_sibling_tree_hash<V>;
 * } ParentHashInput;
 * ```
 *
 * `original_sibling_tree_hash` of P with copath child S is the tree hash of S after blanking every leaf in
 * P.unmerged_leaves and removing those leaves from the unmerged lists below. When none of P's unmerged leaves is
 * under S it is the cached tree hash of S; otherwise only the nodes above the blanked leaves are re-hashed (one
 * batched hash call per level), the rest comes from the cache. Summed over all parents this is O(N log N) at
 * worst (each node is re-hashed at most once per ancestor), and O(N) for the common shapes.
 *
 * Verification cost: for each non-blank parent P and each child C, the resolution of C is computed with a cap of
 * |P.unmerged ∩ C| + 1 entries (only then can it qualify), and the sibling hash is computed only for a candidate.
 * Public inputs only.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { encode, Writer } from '../codec/writer.ts';
import { MlsError } from '../errors.ts';
import { LeafNodeSource } from '../messages/leaf-node.ts';
import { NodeType, type ParentNode } from '../messages/ratchet-tree.ts';
import { leafToNode, left, level, right, type LeafIndex, type NodeIndex } from './math.ts';
import { parentOf, type TreeState } from './ratchet-tree.ts';
import { fillTreeHashes, leafTreeHashInput, nodeTreeHash, parentTreeHashInput } from './tree-hash.ts';

const EMPTY = new Uint8Array(0);

/** The encoded ParentHashInput (§7.9). */
export function parentHashInput(
  encryptionKey: Uint8Array,
  parentHash: Uint8Array,
  originalSiblingTreeHash: Uint8Array,
): Uint8Array {
  return encode(
    (w) => writeParentHashInput(w, encryptionKey, parentHash, originalSiblingTreeHash),
    16 + encryptionKey.length + parentHash.length + originalSiblingTreeHash.length,
  );
}
function writeParentHashInput(w: Writer, encryptionKey: Uint8Array, parentHash: Uint8Array, osth: Uint8Array): void {
  w.opaque(encryptionKey).opaque(parentHash).opaque(osth);
}

/** Hash(ParentHashInput) (§7.9). */
export function computeParentHash(
  cs: CipherSuite,
  encryptionKey: Uint8Array,
  parentHash: Uint8Array,
  originalSiblingTreeHash: Uint8Array,
): Uint8Array {
  return cs.hash(parentHashInput(encryptionKey, parentHash, originalSiblingTreeHash));
}

/** First and last leaf index under node x. */
function leafRange(x: NodeIndex): [number, number] {
  const span = 2 ** level(x) - 1;
  return [(x - span) / 2, (x + span) / 2];
}

/** The entries of a sorted leaf list that lie under node x. */
function leavesUnder(list: readonly LeafIndex[], x: NodeIndex): LeafIndex[] {
  const [lo, hi] = leafRange(x);
  const out: LeafIndex[] = [];
  for (const l of list) if (l >= lo && l <= hi) out.push(l);
  return out;
}

/**
 * The tree hash of node x with the leaves in `blanked` (all under x) blanked and removed from every unmerged
 * list (§7.9's "original" tree). Assumes unmerged leaves sit under the parents that list them (validate.ts checks
 * that first), so only the ancestors of the blanked leaves change.
 */
export function treeHashWithout(cs: CipherSuite, tree: TreeState, x: NodeIndex, blanked: readonly LeafIndex[]): Uint8Array {
  if (blanked.length === 0) return nodeTreeHash(cs, tree, x);
  fillTreeHashes(cs, tree, x);
  const drop = new Set<number>(blanked);
  // Affected nodes: every node from a blanked leaf up to x, grouped by level.
  const changed = new Map<number, Uint8Array>();
  const byLevel: number[][] = [];
  const seen = new Set<number>();
  for (const l of blanked) {
    let n: number = leafToNode(l);
    for (;;) {
      if (seen.has(n)) break;
      seen.add(n);
      (byLevel[level(n as NodeIndex)] ??= []).push(n);
      if (n === x) break;
      n = parentOf(n);
    }
  }
  const hashOf = (n: number): Uint8Array => changed.get(n) ?? tree.cachedHash(n, cs.id)!;
  for (let k = 0; k < byLevel.length; k++) {
    const nodes = byLevel[k];
    if (!nodes) continue;
    const inputs = nodes.map((n) => {
      if (k === 0) return leafTreeHashInput((n / 2) as LeafIndex, null);
      let p = tree.parentNode(n as NodeIndex);
      if (p !== null && p.unmergedLeaves.some((u) => drop.has(u)))
        p = { ...p, unmergedLeaves: p.unmergedLeaves.filter((u) => !drop.has(u)) };
      return parentTreeHashInput(p, hashOf(left(n as NodeIndex)), hashOf(right(n as NodeIndex)));
    });
    const hs = cs.hashMany(inputs);
    for (let i = 0; i < nodes.length; i++) changed.set(nodes[i]!, hs[i]!);
  }
  return changed.get(x)!;
}

/** original_sibling_tree_hash of parent p with copath child s (§7.9). */
export function originalSiblingTreeHash(cs: CipherSuite, tree: TreeState, p: NodeIndex, s: NodeIndex): Uint8Array {
  const pn = tree.parentNode(p);
  return treeHashWithout(cs, tree, s, pn ? leavesUnder(pn.unmergedLeaves, s) : []);
}

/** The parent hash of non-blank parent p with copath child s: Hash(ParentHashInput) (§7.9). */
export function parentHashOf(cs: CipherSuite, tree: TreeState, p: NodeIndex, s: NodeIndex): Uint8Array {
  const pn = tree.parentNode(p);
  if (pn === null) throw new MlsError('INVALID_TREE', `node ${p} is blank and has no parent hash`);
  return computeParentHash(cs, pn.encryptionKey, pn.parentHash, originalSiblingTreeHash(cs, tree, p, s));
}

/**
 * Set the `parent_hash` of each node on leaf l's filtered direct path, from the root down (§7.5 step 3, §7.9):
 * the topmost gets "", each lower one the parent hash of the node above it. The nodes must already hold their new
 * keys. Returns the parent hash the leaf's LeafNode must carry ("" when the filtered direct path is empty).
 * @throws MlsError INVALID_TREE when a node on the filtered direct path is blank.
 */
export function setPathParentHashes(cs: CipherSuite, tree: TreeState, l: LeafIndex): Uint8Array {
  const path = tree.filteredDirectPath(l);
  let above: Uint8Array = EMPTY;
  for (let i = path.length - 1; i >= 0; i--) {
    const { node, copathChild } = path[i]!;
    const pn = tree.parentNode(node);
    if (pn === null) throw new MlsError('INVALID_TREE', `node ${node} on the filtered direct path of leaf ${l} is blank`);
    const updated: ParentNode = { ...pn, parentHash: above };
    tree.setParent(node, updated);
    above = computeParentHash(cs, updated.encryptionKey, above, originalSiblingTreeHash(cs, tree, node, copathChild));
  }
  return above;
}

/** The parent_hash a node carries: a parent's field, a commit leaf's field; undefined for other leaves. */
function carriedParentHash(tree: TreeState, d: NodeIndex): Uint8Array | undefined {
  const n = tree.node(d);
  if (n === null) return undefined;
  if (n.nodeType === NodeType.parent) return n.parent.parentHash;
  return n.leaf.leafNodeSource === LeafNodeSource.commit ? n.leaf.parentHash : undefined;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A descendant that may link to a parent, with the ParentHashInput its parent_hash must hash to. */
interface LinkCandidate {
  readonly d: NodeIndex;
  readonly carried: Uint8Array;
  /** Where its ParentHashInput ends in the batch Writer (it starts where the previous one ended). */
  readonly end: number;
}

/**
 * The candidates D for parent p (§7.9.2): for each child C (S the other child), D is the one node of
 * resolution(C) outside P.unmerged_leaves ∩ subtree(C), with resolution(C) \ {D} equal to that set; D must carry a
 * parent_hash. The resolution is computed with a cap of |P.unmerged ∩ C| + 1 entries (only then can it qualify),
 * and the original sibling tree hash only for a candidate.
 */
function linkCandidates(cs: CipherSuite, tree: TreeState, p: NodeIndex, w: Writer, out: LinkCandidate[]): void {
  const pn = tree.parentNode(p);
  if (pn === null) return;
  const children: [NodeIndex, NodeIndex][] = [
    [left(p), right(p)],
    [right(p), left(p)],
  ];
  for (const [c, s] of children) {
    const unmergedC = leavesUnder(pn.unmergedLeaves, c);
    const res = tree.resolutionUpTo(c, unmergedC.length + 1);
    if (res === undefined || res.length !== unmergedC.length + 1) continue;
    let d: NodeIndex | undefined;
    let outside = 0;
    if (unmergedC.length === 0) {
      d = res[0];
      outside = 1;
    } else {
      const inU = new Set<number>(unmergedC.map((u) => leafToNode(u)));
      for (const r of res) {
        if (!inU.has(r)) {
          d = r;
          outside++;
        }
      }
    }
    if (outside !== 1 || d === undefined) continue;
    const carried = carriedParentHash(tree, d);
    if (carried === undefined) continue;
    const osth = treeHashWithout(cs, tree, s, leavesUnder(pn.unmergedLeaves, s));
    writeParentHashInput(w, pn.encryptionKey, pn.parentHash, osth);
    out.push({ d, carried, end: w.length });
  }
}

/** Hash the ParentHashInputs a Writer holds (one batch) and return the candidates whose parent_hash matches. */
function matches(cs: CipherSuite, w: Writer, cands: readonly LinkCandidate[]): boolean[] {
  const buf = w.view();
  const inputs = cands.map((c, i) => buf.subarray(i === 0 ? 0 : cands[i - 1]!.end, c.end));
  const hs = cs.hashMany(inputs);
  return cands.map((c, i) => bytesEqual(c.carried, hs[i]!));
}

/**
 * The descendants D of parent p for which p is parent-hash valid (§7.9.2): D in the resolution of a child C,
 * P.unmerged_leaves ∩ subtree(C) = resolution(C) \ {D}, and D.parent_hash = parent hash of P with copath child
 * S (the other child). A valid tree has exactly one.
 */
export function parentHashLinks(cs: CipherSuite, tree: TreeState, p: NodeIndex): NodeIndex[] {
  const w = new Writer(256);
  const cands: LinkCandidate[] = [];
  linkCandidates(cs, tree, p, w, cands);
  const ok = matches(cs, w, cands);
  return cands.filter((_, i) => ok[i]).map((c) => c.d);
}

/**
 * Verify that every non-blank parent node is parent-hash valid (§7.9.2, §12.4.3.1), bottom-up by level: each
 * must have exactly one descendant D linked to it. Since every parent D is itself checked, each link chains down
 * to a leaf. Assumes the unmerged-leaf lists were checked first (validate.ts).
 * @throws MlsError INVALID_TREE naming the first parent node that is not parent-hash valid.
 */
export function verifyParentHashes(cs: CipherSuite, tree: TreeState): void {
  fillTreeHashes(cs, tree);
  const maxLevel = level(tree.root);
  for (let k = 1; k <= maxLevel; k++) {
    // Nodes at level k: 2^k - 1 + j * 2^(k+1). Their candidates' parent hashes are hashed in one batch.
    const parents: number[] = [];
    const firstCand: number[] = [];
    const cands: LinkCandidate[] = [];
    const w = new Writer(4096);
    for (let x = 2 ** k - 1; x < tree.nNodes; x += 2 ** (k + 1)) {
      if (tree.parentNode(x as NodeIndex) === null) continue;
      parents.push(x);
      firstCand.push(cands.length);
      linkCandidates(cs, tree, x as NodeIndex, w, cands);
    }
    firstCand.push(cands.length);
    const ok = matches(cs, w, cands);
    for (let i = 0; i < parents.length; i++) {
      const links: NodeIndex[] = [];
      for (let j = firstCand[i]!; j < firstCand[i + 1]!; j++) if (ok[j]) links.push(cands[j]!.d);
      if (links.length !== 1)
        throw new MlsError(
          'INVALID_TREE',
          `[§7.9.2 parent-hash valid] node ${parents[i]}: ${links.length === 0 ? 'no descendant carries its parent hash' :
            `${links.length} descendants (${links.join(', ')}) carry its parent hash`}`,
        );
    }
  }
}

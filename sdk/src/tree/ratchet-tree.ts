/**
 * The in-memory ratchet tree (RFC 9420 §4, §7.1, §7.7, §7.8; array layout of Appendix C).
 *
 * `TreeState` holds the *public* tree only: nodes in an array indexed by node index (`null` for a blank node),
 * always a full tree of 2^d leaves (§7.7: a received tree is extended to full width on load, trailing blanks are
 * dropped again on output), plus a parallel cache of tree hashes (§7.8). Private keys live elsewhere (treekem.ts
 * `TreePrivateKeys`), so a public tree can be copied, serialized and shown without secrets in it.
 *
 * Tree-hash cache (hash-cache.ts, packed and copy-on-write): node x's tree hash, or nothing when not known. Every
 * mutation clears the entry of the changed node and of all its ancestors, so the set of missing entries is closed
 * upward: when a node's hash is cached, the hashes of its whole subtree are cached too. tree-hash.ts relies on this
 * to recompute only the missing (changed) paths. Extension keeps every cached hash (a subtree's hash does not
 * depend on the tree around it); truncation keeps those of the remaining nodes.
 *
 * Node objects (`Node`, `LeafNode`, `ParentNode`) are treated as immutable values: a change stores a new object.
 * Hence `clone()` is a shallow copy of the node array — O(N) pointer copies, a fraction of a millisecond at 50,000
 * members — plus O(1) for the hash cache and the key index, and the right tool for a staged next-epoch state (DESIGN.md "validate, then merge").
 *
 * Free-leaf hint: `#freeHint` is a lower bound on the leftmost blank leaf (every leaf below it is non-blank), so
 * `nextFreeLeaf` scans from there and a commit of N Adds costs O(N) leaf probes in all, not O(N²). Blanking a leaf
 * lowers the hint; filling one never invalidates it; it is one number, copied by `clone()`.
 *
 * Key index (key-index.ts): which node holds an encryption key, which leaf a signature key, the members'
 * credential types. Built on first use (O(N), once per loaded tree), then kept current by `#put`, the one place a
 * node is stored; `clone()` forks it in O(1) amortized. It makes a commit's whole-tree checks (§7.3 uniqueness,
 * §12.4.2 fresh path keys) O(1) per key.
 *
 * Resolutions (§4.1.1) and filtered direct paths (§4.1.2) are computed on demand, never stored.
 * Public data only; nothing here is constant-time and nothing needs to be.
 */
import { MlsError } from '../errors.ts';
import { checkRatchetTreeShape, NodeType, type Node, type ParentNode, type RatchetTree } from '../messages/ratchet-tree.ts';
import type { LeafNode } from '../messages/leaf-node.ts';
import type { MemberIndex } from '../messages/validate.ts';
import { HashCache } from './hash-cache.ts';
import { TreeKeyIndex } from './key-index.ts';
import {
  isLeaf,
  leafToNode,
  leafWidth,
  left,
  level,
  nodeWidth,
  right,
  root,
  type LeafIndex,
  type NodeIndex,
} from './math.ts';

/** A key found twice in a tree: `node` holds it, `other` (an earlier node) too. */
export interface KeyRepeat {
  readonly kind: 'encryption' | 'signature';
  readonly node: number;
  readonly other: number;
}

/** One step of a filtered direct path: a parent node and its child on the leaf's copath. */
export interface PathStep {
  readonly node: NodeIndex;
  readonly copathChild: NodeIndex;
}

/** The smallest power of two ≥ n (n ≥ 1). */
function fullLeaves(n: number): number {
  let w = 1;
  while (w < n) w *= 2;
  return w;
}

/** Insert `l` into a sorted leaf list (returns a new array; unchanged copy when already present). */
function insertSorted(list: readonly LeafIndex[], l: LeafIndex): LeafIndex[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < l) lo = mid + 1;
    else hi = mid;
  }
  const out = list.slice();
  if (list[lo] !== l) out.splice(lo, 0, l);
  return out;
}

/** Binary search in a sorted leaf list (`unmerged_leaves`, §7.1 keeps them sorted). */
export function sortedHas(list: readonly LeafIndex[], l: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = list[mid]!;
    if (v === l) return true;
    if (v < l) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export class TreeState {
  #nodes: (Node | null)[];
  readonly #hashes: HashCache;
  /** Every leaf below this index is non-blank (a lower bound on the leftmost blank leaf; see the file header). */
  #freeHint: number;
  /** Built on first use; see the file header. */
  #index: TreeKeyIndex | undefined;

  private constructor(
    nodes: (Node | null)[],
    hashes: HashCache,
    freeHint: number,
    index?: TreeKeyIndex,
  ) {
    this.#nodes = nodes;
    this.#hashes = hashes;
    this.#freeHint = freeHint;
    this.#index = index;
  }

  /** A one-member tree holding `leaf` at leaf 0 (group creation, §11). */
  static create(leaf: LeafNode): TreeState {
    return new TreeState([{ nodeType: NodeType.leaf, leaf }], new HashCache(), 1);
  }

  /**
   * The in-memory tree for a wire `ratchet_tree` (§12.4.3.3): checks the shape (non-empty, last node non-blank,
   * leaves at even and parents at odd indices), then extends it with blanks to a full tree of 2^d leaves.
   * Semantic validation (hashes, signatures, unmerged leaves) is validate.ts's job.
   * @throws MlsError INVALID_TREE naming the node at fault.
   * @example const tree = TreeState.fromWire(readRatchetTreeExtension(ext));
   */
  static fromWire(wire: RatchetTree): TreeState {
    checkRatchetTreeShape(wire);
    if (wire.length % 2 === 0)
      throw new MlsError('INVALID_TREE', `ratchet_tree has ${wire.length} nodes; a tree has an odd number (Appendix C)`);
    const n = nodeWidth(fullLeaves(leafWidth(wire.length)));
    const nodes: (Node | null)[] = new Array(n);
    for (let i = 0; i < n; i++) nodes[i] = i < wire.length ? (wire[i] ?? null) : null;
    return new TreeState(nodes, new HashCache(), 0);
  }

  /** The wire `ratchet_tree` (§12.4.3.3): the node array without trailing blank nodes. */
  toWire(): (Node | null)[] {
    let end = this.#nodes.length;
    while (end > 0 && this.#nodes[end - 1] === null) end--;
    return this.#nodes.slice(0, end);
  }

  /** A copy for a staged state: later changes to either tree do not affect the other. O(N) pointer copies. */
  clone(): TreeState {
    return new TreeState(this.#nodes.slice(), this.#hashes.clone(), this.#freeHint, this.#index?.fork());
  }

  /** The key index, built now if needed. */
  #ix(): TreeKeyIndex {
    if (this.#index === undefined) this.#index = this.#buildIndex().index;
    return this.#index;
  }

  /** A key index of the nodes, and the first key found held by two of them (in node order), if any. */
  #buildIndex(): { index: TreeKeyIndex; repeat?: KeyRepeat } {
    const ix = new TreeKeyIndex();
    let repeat: KeyRepeat | undefined;
    const nodes = this.#nodes;
    for (let x = 0; x < nodes.length; x++) {
      const n = nodes[x];
      if (n == null) continue;
      const enc = n.nodeType === NodeType.leaf ? n.leaf.encryptionKey : n.parent.encryptionKey;
      if (repeat === undefined) {
        const l = ix.leafWithEncryptionKey(enc);
        const other = l !== undefined ? 2 * l : ix.parentWithEncryptionKey(enc);
        if (other !== undefined) repeat = { kind: 'encryption', node: x, other };
        else if (n.nodeType === NodeType.leaf) {
          const o = ix.leafWithSignatureKey(n.leaf.signatureKey);
          if (o !== undefined) repeat = { kind: 'signature', node: x, other: 2 * o };
        }
      }
      if (n.nodeType === NodeType.leaf) ix.leafSet(x / 2, null, n.leaf);
      else ix.parentSet(x, null, enc);
    }
    return repeat === undefined ? { index: ix } : { index: ix, repeat };
  }

  /**
   * The first encryption key held by two nodes, or signature key by two leaves, in node order (tree validation,
   * §7.3 / §12.4.3.1). Builds the key index on the way when the tree has none yet (a joined tree), so the check
   * and the later commits share one pass.
   */
  firstRepeatedKey(): KeyRepeat | undefined {
    const built = this.#buildIndex();
    this.#index ??= built.index;
    return built.repeat;
  }

  /** Store node x (the only write to `#nodes` besides growing and shrinking), keeping the key index current. */
  #put(x: number, node: Node | null): void {
    const ix = this.#index;
    if (ix !== undefined) {
      const old = this.#nodes[x] ?? null;
      if (isLeaf(x as NodeIndex)) {
        ix.leafSet(x / 2, old && old.nodeType === NodeType.leaf ? old.leaf : null, node && node.nodeType === NodeType.leaf ? node.leaf : null);
      } else {
        const a = old && old.nodeType === NodeType.parent ? old.parent.encryptionKey : null;
        const b = node && node.nodeType === NodeType.parent ? node.parent.encryptionKey : null;
        if (a !== b) ix.parentSet(x, a, b);
      }
    }
    this.#nodes[x] = node;
  }

  /** The §7.3 view of the members for `checkMemberLeaf` (messages/validate.ts), answered from the key index. */
  members(): MemberIndex {
    const ix = this.#ix();
    return {
      get size() {
        return ix.members;
      },
      leafNode: (l) => this.leafNode(l),
      leafWithEncryptionKey: (k) => ix.leafWithEncryptionKey(k),
      leafWithSignatureKey: (k) => ix.leafWithSignatureKey(k),
      supporters: (t) => ix.supporters(t),
      credentialTypesInUse: () => ix.credentialTypesInUse(),
    };
  }

  /** A node (leaf or parent) whose encryption_key is `key`, if any (§12.4.2 fresh path keys). O(1). */
  nodeWithEncryptionKey(key: Uint8Array): NodeIndex | undefined {
    const ix = this.#ix();
    const l = ix.leafWithEncryptionKey(key);
    return (l !== undefined ? leafToNode(l as LeafIndex) : ix.parentWithEncryptionKey(key)) as NodeIndex | undefined;
  }

  /** Number of leaves (a power of two). */
  get nLeaves(): number {
    return leafWidth(this.#nodes.length);
  }
  /** Number of nodes, 2 * nLeaves - 1. */
  get nNodes(): number {
    return this.#nodes.length;
  }
  /** The root node index. */
  get root(): NodeIndex {
    return root(this.nLeaves);
  }

  #check(x: number): void {
    if (!Number.isInteger(x) || x < 0 || x >= this.#nodes.length)
      throw new MlsError('INVALID_TREE', `node ${x} is outside the tree (${this.#nodes.length} nodes)`);
  }

  /** The node at x, or null when blank. @throws INVALID_TREE when x is outside the tree. */
  node(x: NodeIndex): Node | null {
    this.#check(x);
    return this.#nodes[x]!;
  }
  /** True when node x is blank. */
  isBlank(x: NodeIndex): boolean {
    this.#check(x);
    return this.#nodes[x] === null;
  }
  /** The LeafNode at leaf l, or null when blank (or outside the tree, so callers can probe). */
  leafNode(l: LeafIndex): LeafNode | null {
    const n = this.#nodes[leafToNode(l)];
    return n && n.nodeType === NodeType.leaf ? n.leaf : null;
  }
  /** The ParentNode at x, or null when blank. */
  parentNode(x: NodeIndex): ParentNode | null {
    this.#check(x);
    const n = this.#nodes[x];
    return n && n.nodeType === NodeType.parent ? n.parent : null;
  }
  /** The HPKE public key of a non-blank node. */
  encryptionKey(x: NodeIndex): Uint8Array {
    const n = this.node(x);
    if (n === null) throw new MlsError('INVALID_TREE', `node ${x} is blank and has no encryption key`);
    return n.nodeType === NodeType.leaf ? n.leaf.encryptionKey : n.parent.encryptionKey;
  }

  /** Non-blank leaves, in leaf order. */
  *leaves(): IterableIterator<[LeafIndex, LeafNode]> {
    for (let x = 0; x < this.#nodes.length; x += 2) {
      const n = this.#nodes[x];
      if (n && n.nodeType === NodeType.leaf) yield [(x / 2) as LeafIndex, n.leaf];
    }
  }
  /** Number of non-blank leaves (members). */
  memberCount(): number {
    if (this.#index !== undefined) return this.#index.members;
    let c = 0;
    for (let x = 0; x < this.#nodes.length; x += 2) if (this.#nodes[x] !== null) c++;
    return c;
  }

  // --- mutation (each clears the tree-hash cache along the changed path) ---

  /**
   * Set node x (a leaf at even x, a parent at odd x) or blank it with null.
   * @throws MlsError INVALID_TREE when the node type does not match the index.
   */
  setNode(x: NodeIndex, node: Node | null): void {
    this.#check(x);
    if (node !== null && (node.nodeType === NodeType.leaf) !== isLeaf(x))
      throw new MlsError('INVALID_TREE', `node ${x} cannot hold a ${node.nodeType === NodeType.leaf ? 'leaf' : 'parent'} node`);
    this.#put(x, node);
    if (node === null && isLeaf(x)) this.#leafBlanked(x / 2);
    this.#invalidateUp(x);
  }
  /** Set or blank leaf l. */
  setLeaf(l: LeafIndex, leaf: LeafNode | null): void {
    this.setNode(leafToNode(l), leaf === null ? null : { nodeType: NodeType.leaf, leaf });
  }
  /** Set or blank parent node x. */
  setParent(x: NodeIndex, parent: ParentNode | null): void {
    this.setNode(x, parent === null ? null : { nodeType: NodeType.parent, parent });
  }

  /** Keep the free-leaf hint a lower bound after leaf l became blank. */
  #leafBlanked(l: number): void {
    if (l < this.#freeHint) this.#freeHint = l;
  }

  /** Clear the cached tree hash of x and of every ancestor (the missing set stays closed upward). */
  #invalidateUp(x: number): void {
    const r = this.root;
    const h = this.#hashes;
    h.delete(x);
    while (x !== r) {
      x = parentOf(x);
      h.delete(x);
    }
  }

  /** Blank every node on the direct path of leaf l (§7.4, §12.1.2, §12.1.3); the leaf itself is kept. */
  blankDirectPath(l: LeafIndex): void {
    const r = this.root;
    let x: number = this.#leafX(l);
    this.#invalidateUp(x);
    while (x !== r) {
      x = parentOf(x);
      if (this.#nodes[x] !== null) this.#put(x, null);
    }
  }

  #leafX(l: LeafIndex): NodeIndex {
    const x = leafToNode(l);
    if (!Number.isInteger(l) || l < 0 || x >= this.#nodes.length)
      throw new MlsError('INVALID_TREE', `leaf ${l} is outside the tree (${this.nLeaves} leaves)`);
    return x;
  }

  /** Double the number of leaves: a new blank root over the old tree and an all-blank right subtree (§7.7). */
  extend(): void {
    const n = this.#nodes.length;
    for (let i = 0; i <= n; i++) this.#nodes.push(null);
    // The old root's hash stays valid; the new root (index n) and the new subtree are uncached. The missing set
    // stays closed upward: the new root is missing, and the new subtree's nodes are missing with it.
  }

  /**
   * The leftmost blank leaf, or the first new leaf after extending the tree (§12.1.1). Also used for the
   * external-commit sender's leaf (§12.4.2).
   */
  nextFreeLeaf(): LeafIndex {
    // Leaves below the hint are non-blank (file header): start there, and remember where the scan stopped.
    for (let x = 2 * this.#freeHint; x < this.#nodes.length; x += 2)
      if (this.#nodes[x] === null) {
        this.#freeHint = x / 2;
        return (x / 2) as LeafIndex;
      }
    this.#freeHint = this.nLeaves; // no blank leaf at all
    return this.nLeaves as LeafIndex;
  }

  /**
   * Apply an Add (§12.1.1): put `leaf` at the leftmost blank leaf (extending the tree when there is none) and add
   * that leaf index to `unmerged_leaves` of every non-blank parent on its direct path.
   * @returns the new member's leaf index.
   */
  addLeaf(leaf: LeafNode): LeafIndex {
    const l = this.nextFreeLeaf();
    if (leafToNode(l) >= this.#nodes.length) this.extend();
    const x = leafToNode(l);
    this.#put(x, { nodeType: NodeType.leaf, leaf });
    this.#freeHint = l + 1; // l was the leftmost blank leaf
    this.#invalidateUp(x);
    const r = this.root;
    let p: number = x;
    while (p !== r) {
      p = parentOf(p);
      const n = this.#nodes[p];
      if (n && n.nodeType === NodeType.parent) {
        const unmergedLeaves = insertSorted(n.parent.unmergedLeaves, l);
        this.#put(p, { nodeType: NodeType.parent, parent: { ...n.parent, unmergedLeaves } });
      }
    }
    return l;
  }

  /**
   * Apply an Update (§12.1.2): replace leaf l's LeafNode and blank its direct path.
   * @throws MlsError INVALID_TREE when leaf l is blank or outside the tree.
   */
  updateLeaf(l: LeafIndex, leaf: LeafNode): void {
    const x = this.#leafX(l);
    if (this.#nodes[x] === null) throw new MlsError('INVALID_TREE', `leaf ${l} is blank and cannot be updated`);
    this.#put(x, { nodeType: NodeType.leaf, leaf });
    this.blankDirectPath(l);
  }

  /**
   * Apply a Remove (§12.1.3): blank leaf l and its direct path, then truncate trailing blank subtrees (§7.7).
   * (Parents listing l as unmerged are all on its direct path, so they are blanked too.)
   * @throws MlsError INVALID_TREE when leaf l is blank or outside the tree.
   */
  removeLeaf(l: LeafIndex): void {
    const x = this.#leafX(l);
    if (this.#nodes[x] === null) throw new MlsError('INVALID_TREE', `leaf ${l} is blank and cannot be removed`);
    this.blankDirectPath(l);
    this.#put(x, null);
    this.#leafBlanked(l);
    this.truncate();
  }

  /**
   * Drop the right half of the tree while it holds no non-blank leaf (§7.7, §12.1.3): the tree ends with
   * 2^d leaves, d the smallest value with 2^d > the rightmost non-blank leaf index. The root and the right
   * subtree are discarded whether or not the root is blank. A tree with no non-blank leaf keeps one leaf.
   */
  truncate(): void {
    let rightmostLeaf = 0;
    for (let x = this.#nodes.length - 1; x >= 0; x -= 2) {
      if (this.#nodes[x] !== null) {
        rightmostLeaf = x / 2;
        break;
      }
    }
    const n = nodeWidth(fullLeaves(rightmostLeaf + 1));
    if (n < this.#nodes.length) {
      if (this.#index !== undefined) for (let x = n; x < this.#nodes.length; x++) if (this.#nodes[x] !== null) this.#put(x, null);
      this.#nodes.length = n;
      this.#hashes.truncate(n);
    }
  }

  // --- resolution and paths (§4.1.1, §4.1.2) ---

  /**
   * The resolution of node x (§4.1.1): x and its unmerged leaves when x is non-blank, [] for a blank leaf, and
   * the left child's resolution followed by the right child's for a blank parent. Leaves in `exclude` (e.g. the
   * members added by the commit being built, §12.4.2) are left out, also from unmerged-leaf lists.
   * Cost: the number of nodes visited (at most the size of x's subtree).
   */
  resolution(x: NodeIndex, exclude?: ReadonlySet<number>): NodeIndex[] {
    this.#check(x);
    const out: NodeIndex[] = [];
    this.#resolve(x, out, exclude, Infinity);
    return out;
  }

  /**
   * Like `resolution`, but stops once more than `limit` nodes are found and returns undefined then (used by the
   * parent-hash check, where only small resolutions can qualify).
   */
  resolutionUpTo(x: NodeIndex, limit: number): NodeIndex[] | undefined {
    this.#check(x);
    const out: NodeIndex[] = [];
    return this.#resolve(x, out, undefined, limit) ? out : undefined;
  }

  /** Appends x's resolution to out; false when out grew past limit. */
  #resolve(x: number, out: NodeIndex[], exclude: ReadonlySet<number> | undefined, limit: number): boolean {
    const n = this.#nodes[x];
    if (n) {
      if (n.nodeType === NodeType.leaf) {
        if (!exclude?.has(x / 2)) out.push(x as NodeIndex);
      } else {
        out.push(x as NodeIndex);
        for (const u of n.parent.unmergedLeaves) if (!exclude?.has(u)) out.push(leafToNode(u));
      }
      return out.length <= limit;
    }
    if ((x & 1) === 0) return true;
    return (
      this.#resolve(left(x as NodeIndex), out, exclude, limit) &&
      this.#resolve(right(x as NodeIndex), out, exclude, limit)
    );
  }

  /** True when node x's resolution is empty, i.e. its whole subtree is blank (early exit on the first node). */
  isSubtreeBlank(x: NodeIndex): boolean {
    if (this.#nodes[x] !== null) return false;
    if ((x & 1) === 0) return true;
    return this.isSubtreeBlank(left(x)) && this.isSubtreeBlank(right(x));
  }

  /** Direct path of leaf l: its ancestors from the bottom to the root (§4.1.2). */
  directPath(l: LeafIndex): NodeIndex[] {
    const r = this.root;
    let x: number = this.#leafX(l);
    const d: NodeIndex[] = [];
    while (x !== r) {
      x = parentOf(x);
      d.push(x as NodeIndex);
    }
    return d;
  }

  /**
   * Filtered direct path of leaf l (§4.1.2): its direct path without the nodes whose copath child has an empty
   * resolution (unmerged leaves count toward it), each step with that copath child.
   */
  filteredDirectPath(l: LeafIndex): PathStep[] {
    const r = this.root;
    let x: number = this.#leafX(l);
    const out: PathStep[] = [];
    while (x !== r) {
      const p = parentOf(x);
      const s = siblingIn(x, p);
      if (!this.isSubtreeBlank(s as NodeIndex)) out.push({ node: p as NodeIndex, copathChild: s as NodeIndex });
      x = p;
    }
    return out;
  }

  // --- tree-hash cache (used by tree-hash.ts and parent-hash.ts; not for other callers) ---

  /** @internal The cached tree hash of x for suite `suite` (a copy), if any. */
  cachedHash(x: number, suite: number): Uint8Array | undefined {
    return this.#hashes.get(x, suite);
  }
  /** @internal True when the tree hash of x for suite `suite` is cached. */
  hasHash(x: number, suite: number): boolean {
    return this.#hashes.has(x, suite);
  }
  /** @internal Store a tree hash computed for suite `suite`. */
  storeHash(x: number, suite: number, h: Uint8Array): void {
    this.#hashes.set(x, suite, h);
  }
  /** @internal Drop every cached hash (tests: compare the cached result with a from-scratch one). */
  clearHashCache(): void {
    this.#hashes.clearAll();
  }
}

/** Parent of x in a full tree (Appendix C parent_step; never past the root for x ≠ root). */
export function parentOf(x: number): number {
  const k = level(x as NodeIndex);
  const b = (x >> (k + 1)) & 1;
  return ((x | (1 << k)) ^ (b << (k + 1))) >>> 0;
}
/** Sibling of x given its parent p. */
function siblingIn(x: number, p: number): number {
  return x < p ? right(p as NodeIndex) : left(p as NodeIndex);
}

/**
 * Validation of a ratchet tree received when joining (RFC 9420 §12.4.3.1 "Verify the integrity of the ratchet
 * tree", with §7.1, §7.3, §7.8, §7.9.2). Each check has a name citing its section (`TreeCheck`), and a failure
 * is an `MlsError` with code INVALID_TREE whose message starts with `[<check name>]` and names the node.
 *
 * Cost, N leaves: O(N log N) at worst and linear for the usual shapes — one tree-hash pass (cached afterwards),
 * one walk up each leaf's direct path for unmerged-leaf consistency, one Set for key uniqueness, one signature
 * verification per leaf, one bottom-up pass over the parents for parent hashes (parent-hash.ts). No check looks
 * at pairs of leaves.
 *
 * Order: cheap structural checks first, then signatures, then parent hashes (parent hashes cover leaf contents
 * through the original sibling tree hashes, so a tampered leaf is reported as what it is: a bad signature).
 *
 * Not here: credential validation (the application's authentication service, §5.3.1) and the checks against the
 * group's capabilities and required_capabilities (§7.3 bullets 3–4, 6), which need the GroupContext: the group
 * layer runs them. Public inputs only.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { verifyManyWithLabel, verifyWithLabel } from '../crypto/labels.ts';
import { MlsError } from '../errors.ts';
import { LeafNodeSource, leafNodeTBS, type LeafNode } from '../messages/leaf-node.ts';
import { leafToNode, level, type LeafIndex, type NodeIndex } from './math.ts';
import { verifyParentHashes } from './parent-hash.ts';
import { parentOf, sortedHas, type TreeState } from './ratchet-tree.ts';
import { treeHash } from './tree-hash.ts';

/** The checks, each named with its RFC section (the prefix of the error message). */
export const TreeCheck = {
  treeHash: '§12.4.3.1 tree hash matches',
  unmergedSorted: '§7.1 unmerged_leaves sorted',
  unmergedLeaf: '§12.4.3.1 unmerged leaf is a non-blank descendant',
  unmergedPath: '§12.4.3.1 unmerged leaf listed by intermediate nodes',
  lifetime: '§7.3 lifetime',
  encryptionKeyUnique: '§7.3 / §12.4.3.1 encryption key unique',
  signatureKeyUnique: '§7.3 signature key unique',
  leafSignature: '§7.3 leaf signature',
  parentHash: '§7.9.2 parent-hash valid',
} as const;
export type TreeCheckName = (typeof TreeCheck)[keyof typeof TreeCheck];

function fail(check: TreeCheckName, what: string): never {
  throw new MlsError('INVALID_TREE', `[${check}] ${what}`);
}

export interface TreeValidationOptions {
  /** The group id the `update` and `commit` leaves sign in their LeafNodeTBS (§7.2). */
  readonly groupId: Uint8Array;
  /** The expected root tree hash (GroupInfo's group_context.tree_hash); unchecked when absent. */
  readonly treeHash?: Uint8Array;
  /**
   * The current time in seconds since the Unix epoch, to check `key_package` leaves' lifetimes (§7.3: RECOMMENDED
   * for received trees). Lifetimes are not checked when absent.
   */
  readonly now?: bigint | number;
}

/**
 * Validate a tree on join (§12.4.3.1). Fills the tree-hash cache as a side effect.
 * @throws MlsError INVALID_TREE, message `[<TreeCheck>] <node>: <what>`.
 * @example validateTree(cs, TreeState.fromWire(wire), { groupId, treeHash: groupInfo.groupContext.treeHash, now });
 */
export function validateTree(cs: CipherSuite, tree: TreeState, opts: TreeValidationOptions): void {
  if (opts.treeHash !== undefined) checkTreeHash(cs, tree, opts.treeHash);
  checkUnmergedLeaves(tree);
  if (opts.now !== undefined) checkLifetimes(tree, BigInt(opts.now));
  checkKeyUniqueness(tree);
  checkLeafSignatures(cs, tree, opts.groupId);
  verifyParentHashes(cs, tree);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** §12.4.3.1: the root tree hash equals the one in the GroupInfo. */
export function checkTreeHash(cs: CipherSuite, tree: TreeState, expected: Uint8Array): void {
  if (!bytesEqual(treeHash(cs, tree), expected)) fail(TreeCheck.treeHash, `root node ${tree.root}: tree hash differs from the GroupInfo's`);
}

/**
 * §7.1 and §12.4.3.1: each parent's unmerged_leaves are strictly increasing, each entry is a non-blank leaf under
 * that parent, and every non-blank intermediate node between the leaf and the parent lists it too. The last
 * condition is checked per leaf in one walk up its direct path: the ancestors listing the leaf must be the lowest
 * non-blank ones (once a non-blank ancestor does not list it, no higher one may).
 */
export function checkUnmergedLeaves(tree: TreeState): void {
  for (let x = 1; x < tree.nNodes; x += 2) {
    const p = tree.parentNode(x as NodeIndex);
    if (p === null) continue;
    const span = 2 ** level(x as NodeIndex) - 1;
    const lo = (x - span) / 2;
    const hi = (x + span) / 2;
    let prev = -1;
    for (const l of p.unmergedLeaves) {
      if (l <= prev) fail(TreeCheck.unmergedSorted, `node ${x}: unmerged leaf ${l} follows ${prev}`);
      prev = l;
      if (l < lo || l > hi) fail(TreeCheck.unmergedLeaf, `node ${x}: unmerged leaf ${l} is not under it (leaves ${lo}..${hi})`);
      if (tree.leafNode(l) === null) fail(TreeCheck.unmergedLeaf, `node ${x}: unmerged leaf ${l} is blank`);
    }
  }
  const r = tree.root;
  for (let l = 0; l < tree.nLeaves; l++) {
    let x: number = leafToNode(l as LeafIndex);
    if (tree.isBlank(x as NodeIndex)) continue;
    let lowestNotListing = -1;
    while (x !== r) {
      x = parentOf(x);
      const p = tree.parentNode(x as NodeIndex);
      if (p === null) continue;
      if (sortedHas(p.unmergedLeaves, l)) {
        if (lowestNotListing >= 0)
          fail(TreeCheck.unmergedPath, `node ${lowestNotListing}: lies between leaf ${l} and node ${x}, which lists it as unmerged, but does not list it`);
      } else if (lowestNotListing < 0) lowestNotListing = x;
    }
  }
}

/** §7.3: now within [not_before, not_after] for every `key_package` leaf (the others carry no lifetime). */
export function checkLifetimes(tree: TreeState, now: bigint): void {
  for (const [l, leaf] of tree.leaves()) {
    if (leaf.leafNodeSource !== LeafNodeSource.key_package) continue;
    const { notBefore, notAfter } = leaf.lifetime;
    if (now < notBefore || now > notAfter)
      fail(TreeCheck.lifetime, `leaf ${l} (node ${2 * l}): lifetime ${notBefore}..${notAfter} does not include ${now}`);
  }
}


/**
 * §7.3 and §12.4.3.1: no encryption key appears in two nodes (leaves and parents alike), and no signature key in
 * two leaves. One O(N) pass, which also builds the tree's key index for later commits.
 */
export function checkKeyUniqueness(tree: TreeState): void {
  const r = tree.firstRepeatedKey();
  if (r === undefined) return;
  if (r.kind === 'encryption') fail(TreeCheck.encryptionKeyUnique, `node ${r.node}: encryption key already used by node ${r.other}`);
  fail(TreeCheck.signatureKeyUnique, `leaf ${r.node / 2} (node ${r.node}): signature key already used by leaf ${r.other / 2}`);
}

/**
 * VerifyWithLabel(signature_key, "LeafNodeTBS", LeafNodeTBS, signature) for one leaf (§7.2, §7.3); the TBS binds
 * the group id and leaf index for `update` and `commit` leaves.
 */
export function verifyLeafSignature(cs: CipherSuite, leaf: LeafNode, groupId: Uint8Array, l: LeafIndex): boolean {
  const tbs = leafNodeTBS(leaf, { groupId, leafIndex: l });
  return verifyWithLabel(cs, leaf.signatureKey, 'LeafNodeTBS', tbs, leaf.signature);
}

/**
 * §7.3: every leaf's signature verifies with its signature_key. One batch verification (CipherSuite.verifyMany:
 * the same answers as one by one), the join's dominant cost; a failure names the first bad leaf.
 */
export function checkLeafSignatures(cs: CipherSuite, tree: TreeState, groupId: Uint8Array): void {
  const at: LeafIndex[] = [];
  const keys: Uint8Array[] = [];
  const tbs: Uint8Array[] = [];
  const sigs: Uint8Array[] = [];
  for (const [l, leaf] of tree.leaves()) {
    at.push(l);
    keys.push(leaf.signatureKey);
    tbs.push(leafNodeTBS(leaf, { groupId, leafIndex: l }));
    sigs.push(leaf.signature);
  }
  const ok = verifyManyWithLabel(cs, keys, 'LeafNodeTBS', tbs, sigs);
  const bad = ok.indexOf(false);
  if (bad >= 0) fail(TreeCheck.leafSignature, `leaf ${at[bad]} (node ${2 * at[bad]!}): signature does not verify`);
}

// tree/validate.ts (RFC 9420 §12.4.3.1, §7.1, §7.3, §7.9.2): each join-time check has an input that trips it — a
// valid tree from tree-validation.json (mlswg interop vectors, suite 1) with one mutation — and fails with
// MlsError INVALID_TREE naming the check and the node; the tree is left as it was. Plus the tree-hash cache
// the validation relies on: random trees up to 2,000 leaves (adds, removes, updates, commit paths) hash the same
// through the cache as from scratch, and one change re-hashes only its path.
import { decode } from '../../sdk/src/codec/reader.ts';
import { encode } from '../../sdk/src/codec/writer.ts';
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { LeafNodeSource, type LeafNode } from '../../sdk/src/messages/leaf-node.ts';
import { decodeRatchetTree, encodeRatchetTree, NodeType, type Node } from '../../sdk/src/messages/ratchet-tree.ts';
import type { LeafIndex, NodeIndex } from '../../sdk/src/tree/math.ts';
import { TreeState } from '../../sdk/src/tree/ratchet-tree.ts';
import { allTreeHashes, treeHash } from '../../sdk/src/tree/tree-hash.ts';
import { TreeCheck, validateTree, type TreeCheckName } from '../../sdk/src/tree/validate.ts';
import { hex, prng, throwsCode, toHex } from '../lib/bytes.ts';
import { mlsVectors } from '../lib/vectors.ts';

interface TreeValidationCase {
  cipher_suite: number;
  tree: string;
  group_id: string;
  tree_hashes: string[];
}

const core = await loadCore();
const cs: CipherSuite = wasmSuite(core, 1);
const cases = await mlsVectors<TreeValidationCase>('tree-validation.json');

const wireHex = (t: TreeState): string => toHex(encode((w) => encodeRatchetTree(w, t.toWire())));

function load(i: number): { tree: TreeState; groupId: Uint8Array; rootHash: Uint8Array } {
  const c = cases![i]!;
  if (c.cipher_suite !== 1) throw new Error(`entry ${i} is not suite 1`);
  const tree = TreeState.fromWire(decode(hex(c.tree), decodeRatchetTree, 'ratchet_tree'));
  return { tree, groupId: hex(c.group_id), rootHash: hex(c.tree_hashes[tree.root]!) };
}

/** Expect validateTree to fail with INVALID_TREE, the check's name and the node; the tree's wire form unchanged. */
function expectTrip(tree: TreeState, opts: Parameters<typeof validateTree>[2], check: TreeCheckName, where: string): void {
  const before = wireHex(tree);
  const e = throwsCode(() => validateTree(cs, tree, opts), 'INVALID_TREE');
  expect(e.message).to.contain(`[${check}]`);
  expect(e.message).to.contain(where);
  expect(wireHex(tree)).to.equal(before);
}

const parentAt = (tree: TreeState, x: number) => {
  const p = tree.parentNode(x as NodeIndex);
  if (!p) throw new Error(`node ${x} is blank`);
  return p;
};
const leafAt = (tree: TreeState, l: number): LeafNode => {
  const n = tree.leafNode(l as LeafIndex);
  if (!n) throw new Error(`leaf ${l} is blank`);
  return n;
};

describe('tree/validate.ts: every check trips on a mutated vector tree', () => {
  if (!cases) {
    it.skip('tree-validation.json not installed (see README "Test vectors")', () => {});
    return;
  }
  // Entry 2: get_tree(8), full. Entry 12: get_tree(7) plus an Add: leaf 7 unmerged at nodes 11 and 7 (resolutions
  // [11, 14], [7, 14] in the vector). Both suite 1.
  it('the unmutated trees pass (with tree hash and a clock inside every lifetime)', () => {
    for (const i of [2, 12, 13]) {
      const { tree, groupId, rootHash } = load(i);
      validateTree(cs, tree, { groupId, treeHash: rootHash });
    }
    const { tree, groupId } = load(12);
    const kp = leafAt(tree, 7);
    if (kp.leafNodeSource !== LeafNodeSource.key_package) throw new Error('leaf 7 should be a key_package leaf');
    validateTree(cs, tree, { groupId, now: kp.lifetime.notBefore });
  });

  it(`${TreeCheck.treeHash}: an expected root hash one bit off`, () => {
    const { tree, groupId, rootHash } = load(2);
    const bad = rootHash.slice();
    bad[0]! ^= 1;
    expectTrip(tree, { groupId, treeHash: bad }, TreeCheck.treeHash, `root node ${tree.root}`);
  });

  it(`${TreeCheck.unmergedSorted}: a repeated unmerged leaf`, () => {
    const { tree, groupId } = load(12);
    const p = parentAt(tree, 11);
    expect(p.unmergedLeaves).to.deep.equal([7]);
    tree.setParent(11 as NodeIndex, { ...p, unmergedLeaves: [7, 7] as LeafIndex[] });
    expectTrip(tree, { groupId }, TreeCheck.unmergedSorted, 'node 11');
  });

  it(`${TreeCheck.unmergedLeaf}: an unmerged leaf outside the parent's subtree`, () => {
    const { tree, groupId } = load(12);
    const p = parentAt(tree, 3);
    tree.setParent(3 as NodeIndex, { ...p, unmergedLeaves: [4] as LeafIndex[] });
    expectTrip(tree, { groupId }, TreeCheck.unmergedLeaf, 'node 3');
  });

  it(`${TreeCheck.unmergedLeaf}: a blank unmerged leaf`, () => {
    // Entry 4: get_tree(8), then leaf 0 removes 2 and 3 and adds one member (leaf 2; leaf 3 stays blank).
    const { tree, groupId } = load(4);
    expect(tree.leafNode(3 as LeafIndex)).to.equal(null);
    const p = parentAt(tree, 7);
    tree.setParent(7 as NodeIndex, { ...p, unmergedLeaves: [...p.unmergedLeaves, 3].sort((a, b) => a - b) as LeafIndex[] });
    expectTrip(tree, { groupId }, TreeCheck.unmergedLeaf, 'node 7');
  });

  it(`${TreeCheck.unmergedPath}: the root lists a leaf that a non-blank intermediate node does not`, () => {
    const { tree, groupId } = load(2);
    const r = parentAt(tree, 7);
    tree.setParent(7 as NodeIndex, { ...r, unmergedLeaves: [5] as LeafIndex[] });
    // Between leaf 5 (node 10) and the root: nodes 9 and 11, both non-blank; the lowest (9) is named.
    expectTrip(tree, { groupId }, TreeCheck.unmergedPath, 'node 9');
  });

  it(`${TreeCheck.lifetime}: a clock after not_after, and one before not_before`, () => {
    const { tree, groupId } = load(12);
    // Leaves 6 and 7 never committed: key_package leaves with lifetimes; leaf 6 is the first one checked.
    const kp = leafAt(tree, 6);
    if (kp.leafNodeSource !== LeafNodeSource.key_package) throw new Error('leaf 6 should be a key_package leaf');
    expectTrip(tree, { groupId, now: kp.lifetime.notAfter + 1n }, TreeCheck.lifetime, 'leaf 6');
    expectTrip(tree, { groupId, now: kp.lifetime.notBefore - 1n }, TreeCheck.lifetime, 'leaf 6');
  });

  it(`${TreeCheck.encryptionKeyUnique}: a parent reusing another parent's key, a leaf reusing a parent's`, () => {
    let { tree, groupId } = load(2);
    tree.setParent(5 as NodeIndex, { ...parentAt(tree, 5), encryptionKey: parentAt(tree, 1).encryptionKey });
    expectTrip(tree, { groupId }, TreeCheck.encryptionKeyUnique, 'node 5');
    ({ tree, groupId } = load(2));
    tree.setLeaf(6 as LeafIndex, { ...leafAt(tree, 6), encryptionKey: parentAt(tree, 3).encryptionKey });
    expectTrip(tree, { groupId }, TreeCheck.encryptionKeyUnique, 'node 12');
  });

  it(`${TreeCheck.signatureKeyUnique}: two leaves with one signature key`, () => {
    const { tree, groupId } = load(2);
    tree.setLeaf(3 as LeafIndex, { ...leafAt(tree, 3), signatureKey: leafAt(tree, 1).signatureKey });
    expectTrip(tree, { groupId }, TreeCheck.signatureKeyUnique, 'leaf 3');
  });

  it(`${TreeCheck.leafSignature}: a flipped signature bit, a wrong group id, a changed signed field`, () => {
    let { tree, groupId } = load(2);
    const leaf = leafAt(tree, 5);
    const sig = leaf.signature.slice();
    sig[7]! ^= 0x10;
    tree.setLeaf(5 as LeafIndex, { ...leaf, signature: sig });
    expectTrip(tree, { groupId }, TreeCheck.leafSignature, 'leaf 5');
    // commit leaves sign the group id (§7.2): another group id fails on the first leaf.
    ({ tree, groupId } = load(2));
    const other = groupId.slice();
    other[0]! ^= 1;
    expectTrip(tree, { groupId: other }, TreeCheck.leafSignature, 'leaf 0');
    ({ tree, groupId } = load(2));
    tree.setLeaf(2 as LeafIndex, { ...leafAt(tree, 2), extensions: [{ extensionType: 0xff00, extensionData: new Uint8Array(1) }] });
    expectTrip(tree, { groupId }, TreeCheck.leafSignature, 'leaf 2');
  });

  it(`${TreeCheck.parentHash}: a parent with a new key, a parent with a changed parent_hash, an extra unmerged leaf`, () => {
    let { tree, groupId } = load(2);
    const key = parentAt(tree, 11).encryptionKey.slice();
    key[3]! ^= 1;
    tree.setParent(11 as NodeIndex, { ...parentAt(tree, 11), encryptionKey: key });
    expectTrip(tree, { groupId }, TreeCheck.parentHash, 'node 11');
    ({ tree, groupId } = load(2));
    const ph = parentAt(tree, 3).parentHash.slice();
    ph[0]! ^= 1;
    tree.setParent(3 as NodeIndex, { ...parentAt(tree, 3), parentHash: ph });
    // Node 3's parent hash (its ParentHashInput includes its parent_hash field) no longer matches what its
    // descendant carries; bottom-up, node 3 is reported before the root, whose link from node 3 broke too.
    expectTrip(tree, { groupId }, TreeCheck.parentHash, 'node 3');
    // A consistent unmerged leaf that was never added: nodes 13, 11 and 7 all list leaf 7 (the unmerged checks
    // pass), but node 13's original sibling tree hash now blanks leaf 7, so leaf 6's parent hash no longer matches.
    ({ tree, groupId } = load(2));
    tree.setParent(13 as NodeIndex, { ...parentAt(tree, 13), unmergedLeaves: [7] as LeafIndex[] });
    tree.setParent(11 as NodeIndex, { ...parentAt(tree, 11), unmergedLeaves: [7] as LeafIndex[] });
    tree.setParent(7 as NodeIndex, { ...parentAt(tree, 7), unmergedLeaves: [7] as LeafIndex[] });
    expectTrip(tree, { groupId }, TreeCheck.parentHash, 'node 13');
  });

  it('wire shape (§12.4.3.3): trailing blank, a parent at a leaf index, an even node count', () => {
    const wire = decode(hex(cases[2]!.tree), decodeRatchetTree, 'ratchet_tree');
    throwsCode(() => TreeState.fromWire([...wire, null, null]), 'INVALID_TREE');
    const swapped: (Node | null)[] = wire.slice();
    swapped[2] = wire[1]!;
    throwsCode(() => TreeState.fromWire(swapped), 'INVALID_TREE');
    throwsCode(() => TreeState.fromWire(wire.slice(0, 4)), 'INVALID_TREE');
    throwsCode(() => TreeState.fromWire([]), 'INVALID_TREE');
  });
});

// --- the tree-hash cache under random operations ---

function randomLeaf(rnd: (n: number) => Uint8Array): LeafNode {
  return {
    encryptionKey: rnd(32),
    signatureKey: rnd(32),
    credential: { kind: 'basic', identity: rnd(8) },
    capabilities: { versions: [1], cipherSuites: [1], extensions: [], proposals: [], credentials: [1] },
    leafNodeSource: LeafNodeSource.key_package,
    lifetime: { notBefore: 0n, notAfter: 0xffff_ffff_ffff_ffffn },
    extensions: [],
    signature: rnd(64),
  };
}

/** A suite wrapper that counts hashed messages and batches. */
function counting(inner: CipherSuite): CipherSuite & { messages: number; batches: number } {
  const c = Object.create(inner) as CipherSuite & { messages: number; batches: number };
  c.messages = 0;
  c.batches = 0;
  c.hashMany = (ms) => {
    c.messages += ms.length;
    c.batches++;
    return inner.hashMany(ms);
  };
  return c;
}

describe('tree/ratchet-tree.ts + tree-hash.ts: cached tree hashes equal from-scratch ones', () => {
  it('random adds, removes, updates and commit paths up to 2,000 leaves (seed 9420)', () => {
    const rnd = prng(9420);
    const byte = () => rnd(1)[0]!;
    const pick = (n: number) => ((byte() << 8) | byte()) % n;
    let tree = TreeState.create(randomLeaf(rnd));
    let checks = 0;
    for (let op = 0; tree.nLeaves < 2048 || tree.memberCount() < 2000; op++) {
      const members = [...tree.leaves()].map(([l]) => l);
      const r = byte();
      if (r < 170 || members.length < 2) tree.addLeaf(randomLeaf(rnd));
      else if (r < 205) tree.removeLeaf(members[pick(members.length)]!);
      else if (r < 230) tree.updateLeaf(members[pick(members.length)]!, randomLeaf(rnd));
      else {
        // A commit path: blank the direct path, fresh keys on the filtered direct path.
        const l = members[pick(members.length)]!;
        tree.blankDirectPath(l);
        for (const { node } of tree.filteredDirectPath(l))
          tree.setParent(node, { encryptionKey: rnd(32), parentHash: rnd(32), unmergedLeaves: [] });
      }
      if (op % 97 === 0 || tree.memberCount() >= 2000) {
        if (op % 3 === 0) tree = tree.clone(); // a staged copy carries its cache along
        const scratch = tree.clone();
        scratch.clearHashCache();
        expect(toHex(treeHash(cs, tree)), `op ${op}`).to.equal(toHex(treeHash(cs, scratch)));
        checks++;
        if (tree.memberCount() >= 2000) break;
      }
    }
    expect(checks).to.be.greaterThan(20);
    // Every node's cached hash, not only the root's.
    const scratch = tree.clone();
    scratch.clearHashCache();
    expect(allTreeHashes(cs, tree).map(toHex)).to.deep.equal(allTreeHashes(cs, scratch).map(toHex));
  });

  it('one change re-hashes only its path: log2(N) + 1 hashes in as many batches', () => {
    const rnd = prng(7);
    const tree = TreeState.create(randomLeaf(rnd));
    for (let i = 1; i < 1024; i++) tree.addLeaf(randomLeaf(rnd));
    const cc = counting(cs);
    treeHash(cc, tree);
    expect(cc.messages).to.equal(2047);
    expect(cc.batches).to.equal(11); // one per level
    cc.messages = cc.batches = 0;
    tree.updateLeaf(300 as LeafIndex, randomLeaf(rnd));
    treeHash(cc, tree);
    expect([cc.messages, cc.batches]).to.deep.equal([11, 11]);
    cc.messages = cc.batches = 0;
    tree.addLeaf(randomLeaf(rnd)); // extends to 2048 leaves: the new leaf's path, the new blank subtree and root
    treeHash(cc, tree);
    expect(cc.messages).to.equal(2048); // 1024 new leaves + 1023 new parents + the new root
    cc.messages = 0;
    tree.removeLeaf(1024 as LeafIndex); // truncates back: the old root's hash is still cached
    treeHash(cc, tree);
    expect(cc.messages).to.equal(0);
  });

  it('Add fills the leftmost blank leaf and lists it as unmerged at non-blank parents; Remove truncates', () => {
    const rnd = prng(3);
    const tree = TreeState.create(randomLeaf(rnd));
    for (let i = 1; i < 8; i++) tree.addLeaf(randomLeaf(rnd));
    tree.setParent(3 as NodeIndex, { encryptionKey: rnd(32), parentHash: new Uint8Array(0), unmergedLeaves: [] });
    tree.setParent(7 as NodeIndex, { encryptionKey: rnd(32), parentHash: new Uint8Array(0), unmergedLeaves: [] });
    tree.removeLeaf(2 as LeafIndex);
    expect(tree.parentNode(3 as NodeIndex)).to.equal(null); // on leaf 2's direct path
    expect(tree.parentNode(7 as NodeIndex)).to.equal(null);
    tree.setParent(7 as NodeIndex, { encryptionKey: rnd(32), parentHash: new Uint8Array(0), unmergedLeaves: [] });
    expect(tree.addLeaf(randomLeaf(rnd))).to.equal(2);
    expect(tree.parentNode(7 as NodeIndex)!.unmergedLeaves).to.deep.equal([2]);
    expect(tree.resolution(7 as NodeIndex)).to.deep.equal([7, 4]);
    for (const l of [7, 6, 5, 4, 3]) tree.removeLeaf(l as LeafIndex);
    expect(tree.nLeaves).to.equal(4);
    tree.removeLeaf(2 as LeafIndex);
    expect(tree.nLeaves).to.equal(2);
    expect(tree.toWire().length).to.equal(3);
    throwsCode(() => tree.removeLeaf(2 as LeafIndex), 'INVALID_TREE');
  });
});

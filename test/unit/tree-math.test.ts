// sdk/src/tree/math.ts beyond the tree-math.json vectors: direct paths, copaths, common ancestors and
// subtree membership against brute force built from parent() alone (RFC 9420 Appendix C, §4.1).
import { throwsCode } from '../lib/bytes.ts';
import * as tm from '../../sdk/src/tree/math.ts';
import type { LeafIndex, NodeIndex } from '../../sdk/src/tree/math.ts';

const N = (x: number) => x as NodeIndex;

/** Ancestors of x (inclusive of x), by repeated parent(). */
function ancestors(x: NodeIndex, n: number): NodeIndex[] {
  const out = [x];
  const r = tm.root(n);
  while (x !== r) out.push((x = tm.parent(x, n)));
  return out;
}

describe('tree/math.ts', () => {
  it('RFC 9420 Appendix C / §4.1 example: 8 leaves', () => {
    // §4.1 figure: root 7; leaf 0 (node 0) has direct path 1, 3, 7 and copath 2, 5, 11.
    expect(tm.root(8)).to.equal(7);
    expect(tm.directPath(N(0), 8)).to.deep.equal([1, 3, 7]);
    expect(tm.copath(N(0), 8)).to.deep.equal([2, 5, 11]);
    expect(tm.level(N(7))).to.equal(3);
    expect(tm.commonAncestor(N(0), N(6))).to.equal(3);
    expect(tm.commonAncestor(N(4), N(14))).to.equal(7);
  });

  it('directPath, copath, commonAncestor, isAncestor match brute force for 1..64 leaves', () => {
    for (let n = 1; n <= 64; n++) {
      const w = tm.nodeWidth(n);
      const full = (n & (n - 1)) === 0;
      const anc = Array.from({ length: w }, (_, x) => ancestors(N(x), n));
      const ancSet = anc.map((a) => new Set(a));
      const got: string[] = [];
      const want: string[] = [];
      for (let x = 0; x < w; x++) {
        got.push(JSON.stringify([tm.directPath(N(x), n), tm.copath(N(x), n)]));
        want.push(JSON.stringify([anc[x]!.slice(1), anc[x]!.slice(0, -1).map((a) => tm.sibling(a, n))]));
        for (let y = 0; y < w; y++) {
          const lca = anc[x]!.find((a) => ancSet[y]!.has(a))!;
          // Appendix C's common ancestor is defined on the infinite tree; it agrees with the finite one for full trees.
          got.push(`${tm.isAncestor(N(x), N(y))} ${full ? tm.commonAncestor(N(x), N(y)) : ''}`);
          want.push(`${ancSet[y]!.has(N(x))} ${full ? lca : ''}`);
        }
      }
      expect(got.join('|')).to.equal(want.join('|'), `n = ${n}`);
    }
  });

  it('leaf/node conversions and levels', () => {
    expect(tm.leafToNode(5 as LeafIndex)).to.equal(10);
    expect(tm.nodeToLeaf(N(10))).to.equal(5);
    expect(tm.isLeaf(N(10))).to.be.true;
    expect(tm.isLeaf(N(11))).to.be.false;
    expect(tm.level(N(0))).to.equal(0);
    expect(tm.level(N(1))).to.equal(1);
    expect(tm.level(N(5))).to.equal(1);
    expect(tm.level(N(2 ** 20 - 1))).to.equal(20);
    expect(tm.log2(0)).to.equal(0);
    expect(tm.log2(1)).to.equal(0);
    expect(tm.log2(2 ** 31)).to.equal(31);
    expect(tm.leafWidth(tm.nodeWidth(50000))).to.equal(50000);
  });

  it('is O(log N): 100,000 direct paths in a 2^20-leaf tree', () => {
    const n = 2 ** 20;
    let total = 0;
    const t0 = performance.now();
    for (let i = 0; i < 100000; i++) {
      const leaf = tm.leafToNode(((i * 2654435761) >>> 0) % n as LeafIndex);
      total += tm.directPath(leaf, n).length;
    }
    expect(total).to.equal(100000 * 20);
    expect(performance.now() - t0).to.be.lessThan(3000);
  });

  it('rejects impossible questions with INVALID_TREE', () => {
    throwsCode(() => tm.parent(N(7), 8), 'INVALID_TREE'); // the root
    throwsCode(() => tm.sibling(N(3), 4), 'INVALID_TREE');
    throwsCode(() => tm.left(N(4)), 'INVALID_TREE'); // a leaf
    throwsCode(() => tm.right(N(0)), 'INVALID_TREE');
    throwsCode(() => tm.parent(N(15), 8), 'INVALID_TREE'); // outside the tree
    throwsCode(() => tm.directPath(N(16), 8), 'INVALID_TREE');
    throwsCode(() => tm.nodeToLeaf(N(3)), 'INVALID_TREE');
    throwsCode(() => tm.root(0), 'INVALID_TREE');
    throwsCode(() => tm.leafIndex(-1), 'INVALID_TREE');
    throwsCode(() => tm.nodeIndex(2 ** 32), 'INVALID_TREE');
  });
});

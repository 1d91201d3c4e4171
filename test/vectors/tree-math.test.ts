// mlswg tree-math.json (RFC 9420 Appendix C): node width, root, left, right, parent, sibling for each node.
import { mlsVectors } from '../lib/vectors.ts';
import * as tm from '../../sdk/src/tree/math.ts';
import type { NodeIndex } from '../../sdk/src/tree/math.ts';

interface TreeMathCase {
  n_leaves: number;
  n_nodes: number;
  root: number;
  left: (number | null)[];
  right: (number | null)[];
  parent: (number | null)[];
  sibling: (number | null)[];
}

const cases = await mlsVectors<TreeMathCase>('tree-math.json');

/** f(x), or null where the function has no answer (leaf children, root parent/sibling). */
const orNull = (f: () => number): number | null => {
  try {
    return f();
  } catch (e) {
    if ((e as { code?: string }).code === 'INVALID_TREE') return null;
    throw e;
  }
};

describe('tree-math.json', () => {
  if (!cases) {
    it.skip('mlswg test vectors not installed (set MLS_TEST_VECTORS)');
    return;
  }
  for (const c of cases) {
    it(`${c.n_leaves} leaves`, () => {
      const n = c.n_leaves;
      expect(tm.nodeWidth(n)).to.equal(c.n_nodes);
      expect(tm.leafWidth(c.n_nodes)).to.equal(n);
      expect(tm.root(n)).to.equal(c.root);
      const left: (number | null)[] = [];
      const right: (number | null)[] = [];
      const parent: (number | null)[] = [];
      const sibling: (number | null)[] = [];
      for (let i = 0; i < c.n_nodes; i++) {
        const x = i as NodeIndex;
        left.push(orNull(() => tm.left(x)));
        right.push(orNull(() => tm.right(x)));
        parent.push(orNull(() => tm.parent(x, n)));
        sibling.push(orNull(() => tm.sibling(x, n)));
      }
      expect(left).to.deep.equal(c.left);
      expect(right).to.deep.equal(c.right);
      expect(parent).to.deep.equal(c.parent);
      expect(sibling).to.deep.equal(c.sibling);
    });
  }
});

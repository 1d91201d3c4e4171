// tree-validation.json (mlswg/mls-implementations test-vectors, "Tree Validation"; RFC 9420 §4.1.1, §7.8, §7.9,
// §12.4.3.1): per entry and provider (noble, wasm), one test: the tree decodes and re-encodes byte-identically,
// the resolution and the tree hash of every node match, every non-blank parent is parent-hash valid, every leaf
// signature verifies with the entry's group_id as context — and validateTree accepts it with the root hash.
// Suites without a provider (4-7) are registered as skipped, with the suite named.
import type { NodeIndex } from '../../sdk/src/tree/math.ts';
import { parentHashLinks, verifyParentHashes } from '../../sdk/src/tree/parent-hash.ts';
import { TreeState } from '../../sdk/src/tree/ratchet-tree.ts';
import { allTreeHashes, treeHash } from '../../sdk/src/tree/tree-hash.ts';
import { validateTree } from '../../sdk/src/tree/validate.ts';
import { hex, toHex } from '../lib/bytes.ts';
import { describeVectors } from '../lib/describe-vectors.ts';
import { forEachProvider } from '../lib/providers.ts';
import { treeHex, wireTreeFromHex } from '../lib/trees.ts';
import { mlsVectors } from '../lib/vectors.ts';

interface TreeValidationCase {
  cipher_suite: number;
  tree: string;
  group_id: string;
  resolutions: number[][];
  tree_hashes: string[];
}

const cases = await mlsVectors<TreeValidationCase>('tree-validation.json');

describeVectors('tree-validation.json', cases, (cases) => {
  cases.forEach((c, i) => {
    describe(`entry ${i} (suite ${c.cipher_suite})`, () => {
      forEachProvider(c.cipher_suite, (name, cs) => {
        it(`${name}: resolutions, tree hashes, parent hashes, leaf signatures`, () => {
          const wire = wireTreeFromHex(c.tree, 'ratchet_tree');
          expect(treeHex(wire)).to.equal(c.tree);
          const tree = TreeState.fromWire(wire);
          expect(treeHex(tree)).to.equal(c.tree);
          expect(tree.nNodes).to.equal(c.resolutions.length);
          for (let x = 0; x < tree.nNodes; x++)
            expect(tree.resolution(x as NodeIndex), `resolution of node ${x}`).to.deep.equal(c.resolutions[x]);
          expect(allTreeHashes(cs, tree).map(toHex)).to.deep.equal(c.tree_hashes);
          // Parent hashes: every non-blank parent has exactly one linked descendant.
          for (let x = 1; x < tree.nNodes; x += 2)
            if (tree.parentNode(x as NodeIndex)) expect(parentHashLinks(cs, tree, x as NodeIndex), `node ${x}`).to.have.length(1);
          verifyParentHashes(cs, tree);
          // The whole join-time validation (leaf signatures with group_id as context, §7.3, included), from a fresh
          // tree (no cached hashes), against the root hash. Signatures are verified once: noble's are slow.
          const groupId = hex(c.group_id);
          const fresh = TreeState.fromWire(wire);
          validateTree(cs, fresh, { groupId, treeHash: hex(c.tree_hashes[tree.root]!) });
          expect(toHex(treeHash(cs, fresh))).to.equal(c.tree_hashes[tree.root]);
        });
      });
    });
  });
});

// tree-operations.json (mlswg/mls-implementations test-vectors, "Tree Operations"; RFC 9420 §7.7, §7.8,
// §12.1.1-§12.1.3): per entry and provider (noble, wasm), one test: the tree hash of tree_before, the tree after
// applying the Add / Update / Remove sent by proposal_sender (serialized byte-identically to tree_after), and its
// tree hash — once through the cache (only the changed path re-hashed) and once from scratch.
// Suites without a provider (4-7) are registered as skipped, with the suite named.
import { decode } from '../../sdk/src/codec/reader.ts';
import { decodeProposal } from '../../sdk/src/messages/proposals.ts';
import type { LeafIndex } from '../../sdk/src/tree/math.ts';
import { treeHash } from '../../sdk/src/tree/tree-hash.ts';
import { hex, toHex } from '../lib/bytes.ts';
import { describeVectors } from '../lib/describe-vectors.ts';
import { forEachProvider } from '../lib/providers.ts';
import { treeFromHex, treeHex } from '../lib/trees.ts';
import { mlsVectors } from '../lib/vectors.ts';

interface TreeOperationsCase {
  cipher_suite: number;
  tree_before: string;
  proposal: string;
  proposal_sender: number;
  tree_hash_before: string;
  tree_after: string;
  tree_hash_after: string;
}

const cases = await mlsVectors<TreeOperationsCase>('tree-operations.json');

describeVectors('tree-operations.json', cases, (cases) => {
  cases.forEach((c, i) => {
    const proposal = decode(hex(c.proposal), decodeProposal, 'Proposal');
    describe(`entry ${i} (suite ${c.cipher_suite}, ${proposal.kind})`, () => {
      forEachProvider(c.cipher_suite, (name, cs) => {
        it(`${name}: tree hash before, tree and tree hash after`, () => {
          const before = treeFromHex(c.tree_before, 'tree_before');
          expect(treeHex(before)).to.equal(c.tree_before);
          expect(toHex(treeHash(cs, before))).to.equal(c.tree_hash_before);
          const tree = before.clone();
          const sender = c.proposal_sender as LeafIndex;
          if (proposal.kind === 'add') tree.addLeaf(proposal.keyPackage.leafNode);
          else if (proposal.kind === 'update') tree.updateLeaf(sender, proposal.leafNode);
          else if (proposal.kind === 'remove') tree.removeLeaf(proposal.removed);
          else throw new Error(`unexpected proposal ${proposal.kind}`);
          expect(treeHex(tree)).to.equal(c.tree_after);
          expect(toHex(treeHash(cs, tree))).to.equal(c.tree_hash_after);
          // The staged copy left the original alone, and the cached result equals a from-scratch one.
          expect(treeHex(before)).to.equal(c.tree_before);
          expect(toHex(treeHash(cs, before))).to.equal(c.tree_hash_before);
          tree.clearHashCache();
          expect(toHex(treeHash(cs, tree))).to.equal(c.tree_hash_after);
          const fresh = treeFromHex(c.tree_after, 'tree_after');
          expect(toHex(treeHash(cs, fresh))).to.equal(c.tree_hash_after);
        });
      });
    });
  });
});

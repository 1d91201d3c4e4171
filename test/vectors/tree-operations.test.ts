// tree-operations.json (mlswg/mls-implementations test-vectors, "Tree Operations"; RFC 9420 §7.7, §7.8,
// §12.1.1-§12.1.3): per entry and provider (noble, wasm), one test: the tree hash of tree_before, the tree after
// applying the Add / Update / Remove sent by proposal_sender (serialized byte-identically to tree_after), and its
// tree hash — once through the cache (only the changed path re-hashed) and once from scratch.
// Suites without a provider (4-7) are registered as skipped, with the suite named.
import { decode } from '../../sdk/src/codec/reader.ts';
import { encode } from '../../sdk/src/codec/writer.ts';
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { NOBLE_SUITES, nobleSuite, WASM_SUITES, wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { decodeProposal } from '../../sdk/src/messages/proposals.ts';
import { decodeRatchetTree, encodeRatchetTree } from '../../sdk/src/messages/ratchet-tree.ts';
import type { LeafIndex } from '../../sdk/src/tree/math.ts';
import { TreeState } from '../../sdk/src/tree/ratchet-tree.ts';
import { treeHash } from '../../sdk/src/tree/tree-hash.ts';
import { hex, toHex } from '../lib/bytes.ts';
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
const core = await loadCore();

function wasmReady(id: number): CipherSuite | undefined {
  try {
    const cs = wasmSuite(core, id);
    cs.hash(new Uint8Array(1));
    return cs;
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) return undefined;
    throw e;
  }
}

const providers: { name: string; ids: readonly number[]; get: (id: number) => CipherSuite | undefined }[] = [
  { name: 'noble', ids: NOBLE_SUITES, get: nobleSuite },
  { name: 'wasm', ids: WASM_SUITES, get: wasmReady },
];

const wireOf = (tree: TreeState): string => toHex(encode((w) => encodeRatchetTree(w, tree.toWire())));

describe('tree-operations.json (mlswg interop vectors)', () => {
  if (!cases) {
    it.skip('tree-operations.json not installed (see README "Test vectors")', () => {});
    return;
  }
  cases.forEach((c, i) => {
    const proposal = decode(hex(c.proposal), decodeProposal, 'Proposal');
    for (const p of providers) {
      const title = `entry ${i} (suite ${c.cipher_suite}, ${proposal.kind}), ${p.name}`;
      if (!p.ids.includes(c.cipher_suite)) {
        it.skip(`${title}: suite ${c.cipher_suite} not supported by this provider`, () => {});
        continue;
      }
      it(`${title}: tree hash before, tree and tree hash after`, () => {
        const cs = p.get(c.cipher_suite);
        if (!cs) throw new Error(`${p.name} suite ${c.cipher_suite} not available`);
        const before = TreeState.fromWire(decode(hex(c.tree_before), decodeRatchetTree, 'tree_before'));
        expect(wireOf(before)).to.equal(c.tree_before);
        expect(toHex(treeHash(cs, before))).to.equal(c.tree_hash_before);
        const tree = before.clone();
        const sender = c.proposal_sender as LeafIndex;
        if (proposal.kind === 'add') tree.addLeaf(proposal.keyPackage.leafNode);
        else if (proposal.kind === 'update') tree.updateLeaf(sender, proposal.leafNode);
        else if (proposal.kind === 'remove') tree.removeLeaf(proposal.removed);
        else throw new Error(`unexpected proposal ${proposal.kind}`);
        expect(wireOf(tree)).to.equal(c.tree_after);
        expect(toHex(treeHash(cs, tree))).to.equal(c.tree_hash_after);
        // The staged copy left the original alone, and the cached result equals a from-scratch one.
        expect(wireOf(before)).to.equal(c.tree_before);
        expect(toHex(treeHash(cs, before))).to.equal(c.tree_hash_before);
        tree.clearHashCache();
        expect(toHex(treeHash(cs, tree))).to.equal(c.tree_hash_after);
        const fresh = TreeState.fromWire(decode(hex(c.tree_after), decodeRatchetTree, 'tree_after'));
        expect(toHex(treeHash(cs, fresh))).to.equal(c.tree_hash_after);
      });
    }
  });
});

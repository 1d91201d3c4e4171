// tree/ratchet-tree.ts free-leaf hint: nextFreeLeaf (RFC 9420 §12.1.1 "the leftmost blank leaf", or the first new
// leaf after extending) agrees with a scan from leaf 0 after every step of seeded random sequences of adds, removes
// (with §7.7 truncation), updates, blanking and re-setting leaves through setNode/setLeaf, and clones (a clone and
// its source evolve independently). Also: N adds to a one-member tree fill leaves 1..N in order.
import { LeafNodeSource, type LeafNode } from '../../sdk/src/messages/leaf-node.ts';
import type { LeafIndex } from '../../sdk/src/tree/math.ts';
import { TreeState } from '../../sdk/src/tree/ratchet-tree.ts';
import { prng } from '../lib/bytes.ts';

function leaf(rnd: (n: number) => Uint8Array): LeafNode {
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

/** The leftmost blank leaf by a scan from 0, or nLeaves. */
function scan(t: TreeState): number {
  for (let l = 0; l < t.nLeaves; l++) if (t.leafNode(l as LeafIndex) === null) return l;
  return t.nLeaves;
}

const nonBlank = (t: TreeState): number[] => [...t.leaves()].map(([l]) => l);

describe('TreeState.nextFreeLeaf with its hint', () => {
  it('1,000 adds to a one-member tree take leaves 1..1000 in order', () => {
    const rnd = prng(3);
    const t = TreeState.create(leaf(rnd));
    for (let i = 1; i <= 1000; i++) expect(t.addLeaf(leaf(rnd))).to.equal(i);
    expect(t.nLeaves).to.equal(1024);
    expect(t.nextFreeLeaf()).to.equal(1001);
  });

  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: agrees with a scan from leaf 0 after each of 3,000 random steps (clones included)`, () => {
      const rnd = prng(seed);
      const byte = () => rnd(1)[0]!;
      let trees = [TreeState.create(leaf(rnd))];
      for (let step = 0; step < 3000; step++) {
        const i = byte() % trees.length;
        const t = trees[i]!;
        const members = nonBlank(t);
        const r = byte();
        if (r < 100 || members.length < 2) {
          const expected = scan(t);
          expect(t.addLeaf(leaf(rnd))).to.equal(expected);
        } else if (r < 160) {
          t.removeLeaf(members[byte() % members.length]! as LeafIndex);
        } else if (r < 190) {
          t.updateLeaf(members[byte() % members.length]! as LeafIndex, leaf(rnd));
        } else if (r < 215) {
          // Blank or fill a leaf directly (setLeaf → setNode); never the last non-blank one.
          const l = (byte() % t.nLeaves) as LeafIndex;
          if (t.leafNode(l) === null) t.setLeaf(l, leaf(rnd));
          else if (members.length > 1) t.setLeaf(l, null);
        } else if (r < 235) {
          if (trees.length < 6) trees.push(t.clone());
        } else if (r < 245) {
          t.extend();
        } else if (trees.length > 1) {
          trees = trees.filter((_, k) => k !== i);
        }
        for (const u of trees) {
          const got = u.nextFreeLeaf();
          if (got !== scan(u)) throw new Error(`step ${step}: nextFreeLeaf ${got}, scan ${scan(u)}`);
        }
      }
    });
  }
});

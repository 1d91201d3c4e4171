// tree/ratchet-tree.ts free-leaf hint: nextFreeLeaf (RFC 9420 §12.1.1 "the leftmost blank leaf", or the first new
// leaf after extending) agrees with a scan from leaf 0 after every step of seeded random sequences of adds, removes
// (with §7.7 truncation), updates, blanking and re-setting leaves through setNode/setLeaf, and clones (a clone and
// its source evolve independently). Also: N adds to a one-member tree fill leaves 1..N in order.
// The key index (tree/key-index.ts: encryption keys of all nodes, signature keys, credential types of the members)
// agrees with a scan of the nodes after every step of seeded random sequences, through ~25 generations of clones
// (past the flattening depth), each clone changed independently, and with the index built at random moments.
// The same runs check the packed copy-on-write tree-hash cache (tree/hash-cache.ts): every tree's cached root and
// node hashes equal a from-scratch computation, while clones share and then copy pages.
import { LeafNodeSource, type LeafNode } from '../../sdk/src/messages/leaf-node.ts';
import { NodeType } from '../../sdk/src/messages/ratchet-tree.ts';
import { credentialTypeOf } from '../../sdk/src/messages/credential.ts';
import type { LeafIndex, NodeIndex } from '../../sdk/src/tree/math.ts';
import { TreeState } from '../../sdk/src/tree/ratchet-tree.ts';
import { allTreeHashes } from '../../sdk/src/tree/tree-hash.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { prng, toHex } from '../lib/bytes.ts';

const cs = wasmSuite(await loadCore(), 1);

function leaf(rnd: (n: number) => Uint8Array): LeafNode {
  const b = rnd(1)[0]!;
  return {
    encryptionKey: rnd(32),
    signatureKey: rnd(32),
    credential: b & 1 ? { kind: 'basic', identity: rnd(8) } : { kind: 'x509', certificates: [rnd(8)] },
    capabilities: { versions: [1], cipherSuites: [1], extensions: [], proposals: [], credentials: [1, 2, 3].filter((_, i) => (b >> (i + 1)) & 1) },
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

/**
 * Every fact the key index answers, by a scan of the nodes; throws on the first disagreement. `seen`: every key
 * ever put in any tree: those not in this tree now must not be found.
 */
function checkIndex(t: TreeState, seen: readonly Uint8Array[], where: string): void {
  const m = t.members();
  const supporters = new Map<number, number>();
  const inUse = new Map<number, number>();
  const present = new Set<Uint8Array>();
  let members = 0;
  for (let x = 0; x < t.nNodes; x++) {
    const n = t.node(x as NodeIndex);
    if (n === null) continue;
    const enc = n.nodeType === NodeType.leaf ? n.leaf.encryptionKey : n.parent.encryptionKey;
    present.add(enc);
    if (t.nodeWithEncryptionKey(enc) !== x) throw new Error(`${where}: node ${x}'s key maps to ${t.nodeWithEncryptionKey(enc)}`);
    if (n.nodeType !== NodeType.leaf) continue;
    present.add(n.leaf.signatureKey);
    members++;
    if (m.leafWithEncryptionKey(enc) !== x / 2) throw new Error(`${where}: leaf ${x / 2} encryption key`);
    if (m.leafWithSignatureKey(n.leaf.signatureKey) !== x / 2) throw new Error(`${where}: leaf ${x / 2} signature key`);
    for (const c of n.leaf.capabilities.credentials) supporters.set(c, (supporters.get(c) ?? 0) + 1);
    const ct = credentialTypeOf(n.leaf.credential);
    inUse.set(ct, (inUse.get(ct) ?? 0) + 1);
  }
  if (m.size !== members || t.memberCount() !== members) throw new Error(`${where}: ${m.size} members indexed, ${members} in the tree`);
  for (const c of [1, 2, 3]) if (m.supporters(c) !== (supporters.get(c) ?? 0)) throw new Error(`${where}: supporters of ${c}`);
  expect([...m.credentialTypesInUse()].sort()).to.deep.equal([...inUse].sort());
  for (const k of seen)
    if (!present.has(k) && (t.nodeWithEncryptionKey(k) !== undefined || m.leafWithSignatureKey(k) !== undefined))
      throw new Error(`${where}: a key no longer in the tree is still indexed`);
}

describe('TreeState key index', () => {
  for (const seed of [5, 6, 7]) {
    it(`seed ${seed}: agrees with a scan after each of 800 random steps over ~25 clone generations`, () => {
      const rnd0 = prng(seed);
      const seen: Uint8Array[] = [];
      const rnd = (n: number) => {
        const b = rnd0(n);
        if (n === 32) seen.push(b);
        return b;
      };
      const byte = () => rnd(1)[0]!;
      const t0 = TreeState.create(leaf(rnd));
      for (let i = 0; i < 20; i++) t0.addLeaf(leaf(rnd));
      let trees = [t0];
      for (let step = 0; step < 800; step++) {
        const i = byte() % trees.length;
        const t = trees[i]!;
        const members = nonBlank(t);
        const r = byte();
        if (r < 60 || members.length < 2) {
          t.addLeaf(leaf(rnd));
        } else if (r < 95) {
          t.removeLeaf(members[byte() % members.length]! as LeafIndex); // blanks the direct path, may truncate
        } else if (r < 125) {
          t.updateLeaf(members[byte() % members.length]! as LeafIndex, leaf(rnd));
        } else if (r < 185) {
          // A commit's path: set the parents on one member's direct path (unmerged leaves kept empty).
          const l = members[byte() % members.length]! as LeafIndex;
          for (const p of t.directPath(l)) t.setParent(p, { encryptionKey: rnd(32), parentHash: new Uint8Array(0), unmergedLeaves: [] });
        } else if (r < 235) {
          trees.push(t.clone());
          if (trees.length > 3) trees = trees.slice(-3);
        } else if (r < 245) {
          if (t.nLeaves < 128) t.extend();
        } else {
          t.truncate();
        }
        if (byte() < 40 || step === 799) for (const u of trees) checkIndex(u, seen, `step ${step}`);
        if (byte() < 30 || step === 799)
          for (const u of trees) {
            const cached = allTreeHashes(cs, u).map(toHex); // fills only what changed since the last fill
            const fresh = u.clone();
            fresh.clearHashCache();
            if (allTreeHashes(cs, fresh).map(toHex).join() !== cached.join()) throw new Error(`step ${step}: cached tree hashes differ`);
          }
      }
    });
  }
});

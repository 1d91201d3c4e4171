// Secret tree (sdk/src/schedule/secret-tree.ts; RFC 9420 §9, §9.1, §9.2): lazy path derivation, the out-of-order
// window (ahead: GENERATION_TOO_FAR, behind: kept keys usable once, REPLAY otherwise), deletion of consumed values
// from the returned (and serialized) state, immutability for staged states, serialization and wiping. Keys are
// checked against a direct transcription of the §9 derivations over labels.ts (the oracle below); the secret-tree
// interop vectors live in test/vectors/secret-tree.test.ts.
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { deriveTreeSecret, expandWithLabel } from '../../sdk/src/crypto/labels.ts';
import { nobleSuite } from '../../sdk/src/crypto/noble.ts';
import { wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import {
  createSecretTree,
  nextSendKey,
  peekLeafRatchets,
  receiveKey,
  secretTreeBuffers,
  secretTreeBytes,
  secretTreeEntries,
  secretTreeFrom,
  wipeReleased,
  type RatchetType,
  type SecretTree,
} from '../../sdk/src/schedule/secret-tree.ts';
import { isAncestor, leafToNode, left, right, root, type LeafIndex } from '../../sdk/src/tree/math.ts';
import { prng, throwsCode, toHex, utf8 } from '../lib/bytes.ts';

const core = await loadCore();
const rand = prng(0x5ec7e7);
const L = (n: number) => n as LeafIndex;

/** RFC 9420 §9 written out directly: leaf secret by walking from the root, then the ratchet to generation j. */
function oracle(cs: CipherSuite, enc: Uint8Array, nLeaves: number, leaf: number, type: RatchetType, j: number) {
  let node = root(nLeaves);
  let s = enc;
  const target = leafToNode(L(leaf));
  while (node !== target) {
    const l = left(node);
    const goLeft = isAncestor(l, target);
    s = expandWithLabel(cs, s, 'tree', utf8(goLeft ? 'left' : 'right'), cs.Nh);
    node = goLeft ? l : right(node);
  }
  let r = expandWithLabel(cs, s, type, new Uint8Array(0), cs.Nh);
  for (let g = 0; g < j; g++) r = deriveTreeSecret(cs, r, 'secret', g, cs.Nh);
  return { key: toHex(deriveTreeSecret(cs, r, 'key', j, cs.Nk)), nonce: toHex(deriveTreeSecret(cs, r, 'nonce', j, cs.Nn)) };
}

/** True when `needle` occurs in `hay`. */
function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  return toHex(hay).match(new RegExp(`^(..)*?${toHex(needle)}`)) !== null;
}

for (const [name, cs] of [
  ['noble', nobleSuite(1)],
  ['wasm', wasmSuite(core, 1)],
] as [string, CipherSuite][]) {
  describe(`secret tree (${name}, suite 1)`, () => {
    const enc = rand(32);

    it('derives only the path to the leaf that needs it; node secrets are deleted once split (§9.2)', () => {
      const n = 1 << 20; // a million leaves: nothing may be proportional to N
      const t0 = createSecretTree(cs, enc, n);
      expect(secretTreeEntries(t0).map(([x]) => x)).to.deep.equal([root(n)]);
      const { tree, key } = receiveKey(cs, t0, L(777_777), 'application', 0);
      expect(toHex(key)).to.equal(oracle(cs, enc, n, 777_777, 'application', 0).key);
      const entries = secretTreeEntries(tree);
      // 20 copath siblings (unsplit secrets) + the leaf's ratchets; the root and the path nodes are gone.
      expect(entries.length).to.equal(21);
      expect(entries.some(([x]) => x === root(n))).to.be.false;
      expect(entries.filter(([, e]) => !(e instanceof Uint8Array)).map(([x]) => x)).to.deep.equal([leafToNode(L(777_777))]);
      expect(contains(secretTreeBytes(tree), enc)).to.be.false;
      // A second leaf starts from its lowest stored ancestor (a sibling kept above), not from the root.
      const t2 = receiveKey(cs, tree, L(777_776), 'handshake', 3);
      expect(toHex(t2.key)).to.equal(oracle(cs, enc, n, 777_776, 'handshake', 3).key);
      // The sibling leaf's stored secret is replaced by its ratchets: still 21 entries, two of them ratchets.
      expect(secretTreeEntries(t2.tree).length).to.equal(21);
      expect(secretTreeEntries(t2.tree).filter(([, e]) => !(e instanceof Uint8Array)).length).to.equal(2);
    });

    it('matches the §9 oracle for every leaf of an 8-leaf tree, both ratchets, generations 0..5', () => {
      let t = createSecretTree(cs, enc, 8);
      for (const leaf of [5, 0, 7, 2, 3, 1, 6, 4])
        for (const type of ['handshake', 'application'] as const)
          for (let g = 0; g <= 5; g++) {
            const r = receiveKey(cs, t, L(leaf), type, g);
            const o = oracle(cs, enc, 8, leaf, type, g);
            expect(toHex(r.key)).to.equal(o.key);
            expect(toHex(r.nonce)).to.equal(o.nonce);
            t = r.tree;
          }
      // Every leaf has ratchets; no node secret is left.
      expect(secretTreeEntries(t).every(([x, e]) => x % 2 === 0 && !(e instanceof Uint8Array))).to.be.true;
    });

    it('a single-leaf tree: the root is the leaf', () => {
      const r = nextSendKey(cs, createSecretTree(cs, enc, 1), L(0), 'handshake');
      expect(toHex(r.key)).to.equal(oracle(cs, enc, 1, 0, 'handshake', 0).key);
      expect(secretTreeEntries(r.tree).length).to.equal(1);
    });

    it('sender side: nextSendKey yields generations 0, 1, 2 … and keeps no key (one message per key)', () => {
      let t = createSecretTree(cs, enc, 4);
      for (let g = 0; g < 5; g++) {
        const r = nextSendKey(cs, t, L(2), 'application');
        expect(r.generation).to.equal(g);
        expect(toHex(r.key)).to.equal(oracle(cs, enc, 4, 2, 'application', g).key);
        t = r.tree;
      }
      const lr = peekLeafRatchets(t, L(2))!;
      expect(lr.application.generation).to.equal(5);
      expect(lr.application.retained.length).to.equal(0);
      expect(lr.handshake.generation).to.equal(0); // the other ratchet is independent
      // Receiving one's own sent generation is a replay.
      throwsCode(() => receiveKey(cs, t, L(2), 'application', 3), 'REPLAY');
    });

    it('out of order within the window: 5, 3, 0, 4, 1, 2 all decrypt, each once', () => {
      let t = createSecretTree(cs, enc, 2);
      for (const g of [5, 3, 0, 4, 1, 2]) {
        const r = receiveKey(cs, t, L(1), 'application', g);
        expect(toHex(r.key), `generation ${g}`).to.equal(oracle(cs, enc, 2, 1, 'application', g).key);
        t = r.tree;
      }
      for (const g of [0, 1, 2, 3, 4, 5]) throwsCode(() => receiveKey(cs, t, L(1), 'application', g), 'REPLAY');
      expect(peekLeafRatchets(t, L(1))!.application.retained.length).to.equal(0);
      const next = receiveKey(cs, t, L(1), 'application', 6);
      expect(toHex(next.key)).to.equal(oracle(cs, enc, 2, 1, 'application', 6).key);
    });

    it('beyond the window ahead → GENERATION_TOO_FAR (default 1,000 past the next expected generation)', () => {
      const t = createSecretTree(cs, enc, 2);
      throwsCode(() => receiveKey(cs, t, L(0), 'application', 1001), 'GENERATION_TOO_FAR');
      throwsCode(() => receiveKey(cs, t, L(0), 'handshake', 0xffffffff), 'GENERATION_TOO_FAR');
      const r = receiveKey(cs, t, L(0), 'application', 1000); // exactly at the edge
      expect(toHex(r.key)).to.equal(oracle(cs, enc, 2, 0, 'application', 1000).key);
      // The window moves with the ratchet: next expected is 1001, so 2001 is allowed, 2002 is not.
      throwsCode(() => receiveKey(cs, r.tree, L(0), 'application', 2002), 'GENERATION_TOO_FAR');
      expect(receiveKey(cs, r.tree, L(0), 'application', 2001).generation).to.equal(2001);
      // Only the keys of the last 10 generations before 1000 are kept, not 1,000 of them.
      expect(peekLeafRatchets(r.tree, L(0))!.application.retained.map((k) => k.generation)).to.deep.equal(
        [990, 991, 992, 993, 994, 995, 996, 997, 998, 999],
      );
    });

    it('the window is configurable: { maxAhead: 3, maxBehind: 2 }', () => {
      const t = createSecretTree(cs, enc, 2, { maxAhead: 3, maxBehind: 2 });
      throwsCode(() => receiveKey(cs, t, L(1), 'handshake', 4), 'GENERATION_TOO_FAR');
      const r = receiveKey(cs, t, L(1), 'handshake', 3);
      expect(peekLeafRatchets(r.tree, L(1))!.handshake.retained.map((k) => k.generation)).to.deep.equal([1, 2]);
      throwsCode(() => receiveKey(cs, r.tree, L(1), 'handshake', 0), 'REPLAY'); // fell out of the window
      expect(receiveKey(cs, r.tree, L(1), 'handshake', 1).generation).to.equal(1);
      throwsCode(() => createSecretTree(cs, enc, 2, { maxAhead: -1 }), 'BAD_LENGTH');
      throwsCode(() => createSecretTree(cs, enc, 2, { maxBehind: 1.5 }), 'BAD_LENGTH');
    });

    it('replay of a consumed generation → REPLAY (newest and out-of-order ones alike)', () => {
      const t = createSecretTree(cs, enc, 4);
      const a = receiveKey(cs, t, L(3), 'handshake', 7);
      throwsCode(() => receiveKey(cs, a.tree, L(3), 'handshake', 7), 'REPLAY');
      const b = receiveKey(cs, a.tree, L(3), 'handshake', 6);
      throwsCode(() => receiveKey(cs, b.tree, L(3), 'handshake', 6), 'REPLAY');
      // Other leaves and the other ratchet are unaffected.
      expect(receiveKey(cs, b.tree, L(3), 'application', 7).generation).to.equal(7);
      expect(receiveKey(cs, b.tree, L(2), 'handshake', 7).generation).to.equal(7);
    });

    it('old generations within the "behind" window decrypt once; older ones are deleted (REPLAY)', () => {
      let t = createSecretTree(cs, enc, 2);
      t = receiveKey(cs, t, L(0), 'application', 20).tree;
      throwsCode(() => receiveKey(cs, t, L(0), 'application', 9), 'REPLAY'); // 11 behind: deleted
      for (let g = 10; g < 20; g++) {
        const r = receiveKey(cs, t, L(0), 'application', g);
        expect(toHex(r.nonce), `generation ${g}`).to.equal(oracle(cs, enc, 2, 0, 'application', g).nonce);
        throwsCode(() => receiveKey(cs, r.tree, L(0), 'application', g), 'REPLAY');
        t = r.tree;
      }
      // A later jump drops kept keys that leave the window.
      let u = receiveKey(cs, createSecretTree(cs, enc, 2), L(0), 'application', 5).tree; // keeps 0..4
      u = receiveKey(cs, u, L(0), 'application', 12).tree; // keeps 2..11 minus used
      expect(peekLeafRatchets(u, L(0))!.application.retained.map((k) => k.generation)).to.deep.equal(
        [2, 3, 4, 6, 7, 8, 9, 10, 11],
      );
    });

    it('consumed keys, nonces and ratchet secrets are gone from the serialized state', () => {
      const t0 = createSecretTree(cs, enc, 2);
      const r20 = receiveKey(cs, t0, L(1), 'application', 20);
      const r15 = receiveKey(cs, r20.tree, L(1), 'application', 15);
      const bytes = secretTreeBytes(r15.tree);
      for (const [what, b] of [
        ['encryption_secret', enc],
        ['key 20', r20.key],
        ['nonce 20', r20.nonce],
        ['key 15', r15.key],
        ['nonce 15', r15.nonce],
      ] as const)
        expect(contains(bytes, b), what).to.be.false;
      // Kept (unconsumed) keys are there, and the current ratchet secret is that of generation 21.
      const k16 = receiveKey(cs, r15.tree, L(1), 'application', 16);
      expect(contains(bytes, k16.key)).to.be.true;
      expect(contains(secretTreeBytes(k16.tree), k16.key)).to.be.false;
      const lr = peekLeafRatchets(r15.tree, L(1))!;
      expect(lr.application.generation).to.equal(21);
      // No secret of an earlier ratchet generation is stored: the state holds exactly one ratchet secret per type.
      expect(secretTreeBuffers(r15.tree).length).to.equal(2 + 2 * lr.application.retained.length + 1); // + leaf 0 secret
    });

    it('is immutable: operations leave their input as it was (a staged state can roll back)', () => {
      const t0 = createSecretTree(cs, enc, 8);
      const t1 = receiveKey(cs, t0, L(4), 'application', 2).tree;
      const before0 = toHex(secretTreeBytes(t0));
      const before1 = toHex(secretTreeBytes(t1));
      const staged = receiveKey(cs, t1, L(4), 'application', 1);
      nextSendKey(cs, staged.tree, L(6), 'handshake');
      expect(toHex(secretTreeBytes(t0))).to.equal(before0);
      expect(toHex(secretTreeBytes(t1))).to.equal(before1);
      // Rolling back: the same generation is still available from t1.
      expect(toHex(receiveKey(cs, t1, L(4), 'application', 1).key)).to.equal(toHex(staged.key));
      // Untouched subtrees are shared, not copied.
      const t2 = receiveKey(cs, t1, L(4), 'handshake', 0).tree;
      expect(t2.nodes).to.not.equal(t1.nodes);
    });

    it('serializes canonically: bytes → tree → bytes, structuredClone, and the copy behaves the same', () => {
      let t = createSecretTree(cs, enc, 32, { maxAhead: 50, maxBehind: 4 });
      t = receiveKey(cs, t, L(9), 'application', 7).tree;
      t = nextSendKey(cs, t, L(30), 'handshake').tree;
      const bytes = secretTreeBytes(t);
      const back = secretTreeFrom(bytes);
      expect(toHex(secretTreeBytes(back))).to.equal(toHex(bytes));
      expect(back.window).to.deep.equal({ maxAhead: 50, maxBehind: 4 });
      const clone = structuredClone(t) as SecretTree;
      for (const copy of [back, clone]) {
        expect(toHex(receiveKey(cs, copy, L(9), 'application', 5).key)).to.equal(oracle(cs, enc, 32, 9, 'application', 5).key);
        throwsCode(() => receiveKey(cs, copy, L(9), 'application', 7), 'REPLAY');
        expect(nextSendKey(cs, copy, L(30), 'handshake').generation).to.equal(1);
        throwsCode(() => receiveKey(cs, copy, L(9), 'application', 59), 'GENERATION_TOO_FAR');
      }
    });

    it('decoding refuses malformed state', () => {
      const good = secretTreeBytes(createSecretTree(cs, enc, 4));
      const bad = (patch: (b: Uint8Array) => void) => {
        const b = good.slice();
        patch(b);
        return b;
      };
      throwsCode(() => secretTreeFrom(bad((b) => (b[3] = 3))), 'DECODE'); // leaf_count 3
      throwsCode(() => secretTreeFrom(bad((b) => (b[3] = 0))), 'DECODE'); // leaf_count 0
      throwsCode(() => secretTreeFrom(bad((b) => (b[16] = 9))), 'DECODE'); // node 9 outside 7 nodes
      throwsCode(() => secretTreeFrom(bad((b) => (b[17] = 2))), 'DECODE'); // ratchets on a parent node
      throwsCode(() => secretTreeFrom(new Uint8Array([...good, 0])), 'DECODE'); // trailing byte
    });

    it('wipeReleased zeroes what the old value held and the new one does not', () => {
      const t0 = createSecretTree(cs, enc.slice(), 2);
      const t1 = receiveKey(cs, t0, L(0), 'application', 3).tree;
      const r = receiveKey(cs, t1, L(0), 'application', 1);
      const keep = secretTreeBuffers(r.tree).map(toHex);
      wipeReleased(t1, r.tree);
      expect(r.key.every((x) => x === 0)).to.be.true; // the used key
      expect(secretTreeBuffers(r.tree).map(toHex)).to.deep.equal(keep); // the new state intact
      const root0 = secretTreeEntries(t0)[0]![1] as Uint8Array;
      wipeReleased(t0, t1);
      expect(root0.every((x) => x === 0)).to.be.true; // the encryption_secret, split and consumed
    });

    it('wipeReleased with alsoKeep: a batch wipes its intermediate trees, never the stored one', () => {
      const stored = createSecretTree(cs, enc.slice(), 2);
      const s1 = nextSendKey(cs, stored, L(1), 'application').tree; // the batch's working trees
      const s2 = nextSendKey(cs, s1, L(1), 'application').tree;
      const storedBufs = secretTreeBuffers(stored).map(toHex);
      const s1Only = secretTreeBuffers(s1).filter((b) => !secretTreeBuffers(s2).includes(b) && !secretTreeBuffers(stored).includes(b));
      expect(s1Only.length).to.be.greaterThan(0); // the ratchet secret of generation 1 lives in s1 only
      wipeReleased(s1, s2, stored);
      for (const b of s1Only) expect(b.every((x) => x === 0)).to.be.true;
      expect(secretTreeBuffers(stored).map(toHex)).to.deep.equal(storedBufs); // still usable if the batch fails
      wipeReleased(stored, s2); // the batch was written
      expect(secretTreeBuffers(stored).filter((b) => !secretTreeBuffers(s2).includes(b)).every((b) => b.every((x) => x === 0))).to.be.true;
    });

    it('refuses bad arguments', () => {
      throwsCode(() => createSecretTree(cs, enc, 3), 'INVALID_TREE');
      throwsCode(() => createSecretTree(cs, enc, 0), 'INVALID_TREE');
      throwsCode(() => createSecretTree(cs, enc.subarray(1), 4), 'BAD_LENGTH');
      const t = createSecretTree(cs, enc, 4);
      throwsCode(() => receiveKey(cs, t, L(4), 'handshake', 0), 'INVALID_TREE');
      throwsCode(() => nextSendKey(cs, t, L(-1), 'handshake'), 'INVALID_TREE');
      throwsCode(() => receiveKey(cs, t, L(0), 'handshake', -1), 'BAD_LENGTH');
      throwsCode(() => receiveKey(cs, t, L(0), 'handshake', 2 ** 32), 'BAD_LENGTH');
      throwsCode(() => receiveKey(cs, t, L(0), 'other' as RatchetType, 0), 'STATE');
    });
  });
}

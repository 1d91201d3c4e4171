// tree/treekem.ts processUpdatePath (RFC 9420 §7.5, §7.6) error codes on a 4-member group built through the group
// API (wasm suite 1): a receiver that holds no private key for any node in the resolution of its copath node
// cannot follow the commit: INVALID_COMMIT (not STATE). The same path processes with the receiver's real keys, and
// a path with a ciphertext missing is INVALID_COMMIT too. The staged trees are clones: the states are untouched.
import { wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { addProposal, createCommit, createGroup, joinFromWelcome, mergeStagedCommit, type GroupState } from '../../sdk/src/group/index.ts';
import { createKeyPackage } from '../../sdk/src/messages/key-package-create.ts';
import type { LeafIndex, NodeIndex } from '../../sdk/src/tree/math.ts';
import { createUpdatePath, processUpdatePath } from '../../sdk/src/tree/treekem.ts';
import { throwsCode, toHex, utf8 } from '../lib/bytes.ts';

const core = await loadCore();
const cs = wasmSuite(core, 1);

// Alice (leaf 0) adds Bob, Carol, Dave in one commit with a path: nodes 1 and 3 get keys, node 5 stays blank.
const sigs = ['alice', 'bob', 'carol', 'dave'].map(() => cs.signatureKeyGen().privateKey);
let alice = createGroup({ suite: cs, credential: { kind: 'basic', identity: utf8('alice') }, signaturePrivateKey: sigs[0]! });
const kps = [1, 2, 3].map((i) => createKeyPackage({ suite: cs, credential: { kind: 'basic', identity: utf8(`m${i}`) }, signaturePrivateKey: sigs[i]! }));
const c = createCommit(alice, { proposals: kps.map((k) => addProposal(k.keyPackage)) });
alice = mergeStagedCommit(alice, c.staged);
const [bob, carol] = [0, 1].map((i) =>
  joinFromWelcome({
    welcome: c.welcome!,
    keyPackage: kps[i]!.keyPackage,
    initPrivateKey: kps[i]!.initPrivateKey,
    encryptionPrivateKey: kps[i]!.encryptionPrivateKey,
    signaturePrivateKey: sigs[i + 1]!,
    suite: cs,
  }),
) as [GroupState, GroupState];

const groupContext = (th: Uint8Array) => th; // any function both sides share
const bobPath = () => createUpdatePath(cs, bob.tree.clone(), bob.myLeaf, { groupId: bob.context.groupId, signaturePrivateKey: sigs[1]!, groupContext });

describe('processUpdatePath', () => {
  it('the group has the expected shape: Carol at leaf 2, under the blank node 5', () => {
    expect(carol.myLeaf).to.equal(2);
    expect(alice.tree.isBlank(5 as NodeIndex)).to.be.true;
    expect(alice.tree.isBlank(1 as NodeIndex)).to.be.false;
  });

  it("Carol processes Bob's path with her keys: the commit secrets agree", () => {
    const created = bobPath();
    const out = processUpdatePath(cs, carol.tree.clone(), bob.myLeaf, created.updatePath, { leaf: carol.myLeaf, keys: carol.privateKeys }, { groupContext });
    expect(toHex(out.commitSecret)).to.equal(toHex(created.commitSecret));
    expect(out.decryptedNode).to.equal(3);
  });

  it('a receiver with no private key in the copath resolution: INVALID_COMMIT', () => {
    const created = bobPath();
    // Carol without her leaf key (the resolution of node 5 is leaves 2 and 3: she holds neither).
    throwsCode(() => processUpdatePath(cs, carol.tree.clone(), bob.myLeaf, created.updatePath, { leaf: carol.myLeaf, keys: new Map() }, { groupContext }), 'INVALID_COMMIT');
    // Alice without her leaf key (the resolution of node 0 is her leaf).
    const noLeaf = new Map([...alice.privateKeys].filter(([x]) => x !== 0));
    throwsCode(() => processUpdatePath(cs, alice.tree.clone(), bob.myLeaf, created.updatePath, { leaf: 0 as LeafIndex, keys: noLeaf }, { groupContext }), 'INVALID_COMMIT');
  });

  it('a path node with a ciphertext missing: INVALID_COMMIT', () => {
    const { updatePath } = bobPath();
    const nodes = updatePath.nodes.map((n, k) => (k === 1 ? { ...n, encryptedPathSecret: n.encryptedPathSecret.slice(1) } : n));
    throwsCode(() => processUpdatePath(cs, carol.tree.clone(), bob.myLeaf, { ...updatePath, nodes }, { leaf: carol.myLeaf, keys: carol.privateKeys }, { groupContext }), 'INVALID_COMMIT');
  });
});

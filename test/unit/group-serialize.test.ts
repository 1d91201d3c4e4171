// GroupState at rest (group/serialize.ts, group/state.ts): forward secrecy within an epoch (RFC 9420 §9.2: the
// epoch's encryption_secret is the secret tree's root and must not survive in the state once the tree split),
// and a restored state that does not depend on its input buffer.
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { nobleSuite } from '../../sdk/src/crypto/noble.ts';
import { wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import {
  addProposal,
  createCommit,
  createGroup,
  deserializeGroupState,
  encryptApplication,
  joinFromWelcome,
  mergeStagedCommit,
  processMessage,
  serializeGroupState,
  type GroupState,
} from '../../sdk/src/group/index.ts';
import type { Credential } from '../../sdk/src/messages/credential.ts';
import { createKeyPackage } from '../../sdk/src/messages/key-package-create.ts';
import { secretTreeBytes, secretTreeEntries, secretTreeFrom } from '../../sdk/src/schedule/secret-tree.ts';
import { throwsCode, toHex, utf8 } from '../lib/bytes.ts';

const core = await loadCore();
const cred = (name: string): Credential => ({ kind: 'basic', identity: utf8(name) });

/** The secret tree's root of a fresh epoch: its encryption_secret (§9), read before any message split it. */
function treeRoot(s: GroupState): Uint8Array {
  const entries = secretTreeEntries(s.secretTree);
  expect(entries.length).to.equal(1);
  const e = entries[0]![1];
  if (!(e instanceof Uint8Array)) throw new Error('a fresh secret tree holds one secret, its root');
  return e.slice();
}
const contains = (hay: Uint8Array, needle: Uint8Array): boolean => toHex(hay).includes(toHex(needle));

function scenario(cs: CipherSuite) {
  const aSig = cs.signatureKeyGen().privateKey;
  const bSig = cs.signatureKeyGen().privateKey;
  const created = createGroup({ suite: cs, credential: cred('alice'), signaturePrivateKey: aSig });
  const rootCreated = treeRoot(created);
  const kp = createKeyPackage({ suite: cs, credential: cred('bob'), signaturePrivateKey: bSig });
  const c = createCommit(created, { proposals: [addProposal(kp.keyPackage)] });
  const merged = mergeStagedCommit(created, c.staged);
  const rootMerged = treeRoot(merged);
  const joined = joinFromWelcome({
    welcome: c.welcome!,
    keyPackage: kp.keyPackage,
    initPrivateKey: kp.initPrivateKey,
    encryptionPrivateKey: kp.encryptionPrivateKey,
    signaturePrivateKey: bSig,
    suite: cs,
  });
  return { created, rootCreated, merged, rootMerged, joined };
}

describe('group state at rest', () => {
  for (const [name, getCs] of [
    ['noble suite 1', () => nobleSuite(1)],
    ['wasm suite 3', () => wasmSuite(core, 3)],
  ] as const) {
    it(`${name}: no stored state holds encryption_secret once the secret tree split (§9.2)`, () => {
      const cs = getCs();
      const { created, rootCreated, merged, rootMerged, joined } = scenario(cs);
      // The state keeps no copy of encryption_secret beside the tree.
      for (const s of [created, merged, joined]) expect('encryptionSecret' in s.secrets).to.be.false;
      expect(toHex(treeRoot(joined))).to.equal(toHex(rootMerged));
      // Created: one message splits the tree; the stored state must not contain the root any more.
      const a0 = encryptApplication(created, utf8('epoch 0')).state;
      expect(contains(serializeGroupState(a0), rootCreated)).to.be.false;
      // Merged (committer) and joined (Welcome): the same after one message each way.
      const sent = encryptApplication(merged, utf8('hi bob'));
      expect(contains(serializeGroupState(sent.state), rootMerged)).to.be.false;
      const got = processMessage(joined, sent.message);
      if (got.kind !== 'application') throw new Error(got.kind);
      expect(contains(serializeGroupState(got.state), rootMerged)).to.be.false;
      // And a restored state neither.
      const restored = deserializeGroupState(serializeGroupState(got.state), cs);
      expect(contains(serializeGroupState(restored), rootMerged)).to.be.false;
    });

    it(`${name}: a restored state does not depend on its input (wipe it after restore)`, () => {
      const cs = getCs();
      const { joined, merged } = scenario(cs);
      for (const s of [joined, merged]) {
        const bytes = serializeGroupState(s);
        const expected = toHex(bytes);
        const input = bytes.slice();
        const restored = deserializeGroupState(input, cs);
        input.fill(0);
        expect(toHex(serializeGroupState(restored))).to.equal(expected);
        // It still works: send a message that the other member can read.
        const sent = encryptApplication(restored, utf8('after wipe'));
        const other = s === joined ? merged : joined;
        const got = processMessage(other, sent.message);
        if (got.kind !== 'application') throw new Error(got.kind);
        expect(new TextDecoder().decode(got.data)).to.equal('after wipe');
      }
    });
  }
});

describe('group state at rest: the secret tree apart', () => {
  it('serialize({ secretTree: false }) + secretTreeBytes round-trip; a message changes only the tree part', () => {
    const cs = nobleSuite(1);
    const { merged, joined } = scenario(cs);
    const rest = serializeGroupState(merged, { secretTree: false });
    const tree = secretTreeBytes(merged.secretTree);
    expect(rest.length < serializeGroupState(merged).length).to.be.true;
    throwsCode(() => deserializeGroupState(rest, cs), 'STATE');
    const back = deserializeGroupState(rest, cs, { secretTree: secretTreeFrom(tree) });
    expect(toHex(serializeGroupState(back))).to.equal(toHex(serializeGroupState(merged)));
    // Sending and receiving move only the secret tree: the rest is byte-identical.
    const sent = encryptApplication(back, utf8('one'));
    expect(toHex(serializeGroupState(sent.state, { secretTree: false }))).to.equal(toHex(rest));
    expect(toHex(secretTreeBytes(sent.state.secretTree))).to.not.equal(toHex(tree));
    const got = processMessage(joined, sent.message);
    if (got.kind !== 'application') throw new Error(got.kind);
    expect(toHex(serializeGroupState(got.state, { secretTree: false }))).to.equal(toHex(serializeGroupState(joined, { secretTree: false })));
  });
});

// The group state machine (RFC 9420 §8-§12) end to end: create, add two by Welcome, application messages both
// ways (out of order within the window, REPLAY on replay), proposals by reference (Update, Remove, external sender,
// new member), PSK commits (external and resumption), GroupContextExtensions, private-message handshakes, remove
// (the removed member cannot decrypt), external join and resync, past-epoch decryption per config, exporter,
// members list, serialize/restore. After every epoch all members agree on epoch, tree hash, epoch authenticator
// and exporter output. Runs on noble (suites 1, 2, 3) and wasm (suite 1, 3).
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { nobleSuite } from '../../sdk/src/crypto/noble.ts';
import { wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import {
  addProposal,
  createCommit,
  createExternalProposal,
  createGroup,
  createGroupInfo,
  createJoinProposal,
  deserializeGroupState,
  encryptApplication,
  epochAuthenticator,
  exportSecret,
  externalPskProposal,
  groupContextExtensionsProposal,
  joinByExternalCommit,
  joinFromWelcome,
  members,
  mergeStagedCommit,
  processMessage,
  propose,
  proposeUpdate,
  removeProposal,
  resumptionPskProposal,
  serializeGroupState,
  withExternalPsk,
  branchGroup,
  reinitGroup,
  type GroupState,
  type Processed,
} from '../../sdk/src/group/index.ts';
import type { Credential } from '../../sdk/src/messages/credential.ts';
import { externalSendersExtension } from '../../sdk/src/messages/extensions.ts';
import { createKeyPackage } from '../../sdk/src/messages/key-package-create.ts';
import { throwsCode, toHex, utf8 } from '../lib/bytes.ts';

const core = await loadCore();
const cred = (name: string): Credential => ({ kind: 'basic', identity: utf8(name) });

interface Client {
  name: string;
  sig: Uint8Array;
}
function client(cs: CipherSuite, name: string): Client {
  return { name, sig: cs.signatureKeyGen().privateKey };
}
function keyPackage(cs: CipherSuite, c: Client) {
  return createKeyPackage({ suite: cs, credential: cred(c.name), signaturePrivateKey: c.sig });
}

/** All states agree on epoch, tree hash, epoch authenticator and an exporter output. */
function agree(states: GroupState[]): void {
  const [a, ...rest] = states;
  for (const s of rest) {
    expect(s.context.epoch).to.equal(a!.context.epoch);
    expect(toHex(s.context.treeHash)).to.equal(toHex(a!.context.treeHash));
    expect(toHex(epochAuthenticator(s))).to.equal(toHex(epochAuthenticator(a!)));
    expect(toHex(exportSecret(s, 'test', utf8('ctx'), 16))).to.equal(toHex(exportSecret(a!, 'test', utf8('ctx'), 16)));
    expect(members(s).map((m) => m.leafIndex)).to.deep.equal(members(a!).map((m) => m.leafIndex));
  }
}

function asCommit(r: Processed) {
  if (r.kind !== 'commit') throw new Error(`expected a commit, got ${r.kind}`);
  return r.staged;
}
function asApp(r: Processed) {
  if (r.kind !== 'application') throw new Error(`expected an application message, got ${r.kind}`);
  return r;
}
function asProposal(r: Processed) {
  if (r.kind !== 'proposal') throw new Error(`expected a proposal, got ${r.kind}`);
  return r;
}
/** Process a commit at every receiver and merge. */
function deliver(commit: Uint8Array, receivers: GroupState[]): GroupState[] {
  return receivers.map((s) => mergeStagedCommit(s, asCommit(processMessage(s, commit))));
}

const cases: [string, () => CipherSuite][] = [
  ['noble suite 1', () => nobleSuite(1)],
  ['noble suite 2', () => nobleSuite(2)],
  ['noble suite 3', () => nobleSuite(3)],
  ['wasm suite 1', () => wasmSuite(core, 1)],
  ['wasm suite 3', () => wasmSuite(core, 3)],
];

describe('group: 3-member flow', () => {
  for (const [name, getCs] of cases) {
    it(`${name}: create, add two, messages, update by reference, PSKs, GCE, remove, external join, resync, serialize`, () => {
      const cs = getCs();
      const [A, B, C, D] = ['alice', 'bob', 'carol', 'dave'].map((n) => client(cs, n)) as [Client, Client, Client, Client];
      const extSender = cs.signatureKeyGen();
      let alice = createGroup({ suite: cs, credential: cred('alice'), signaturePrivateKey: A.sig });
      expect(alice.context.epoch).to.equal(0n);
      expect(members(alice).length).to.equal(1);

      // Add bob and carol in one commit; both join from the Welcome (tree in the ratchet_tree extension).
      const kpB = keyPackage(cs, B);
      const kpC = keyPackage(cs, C);
      const c1 = createCommit(alice, { proposals: [addProposal(kpB.keyPackage), addProposal(kpC.keyPackage)] });
      expect(c1.welcome).to.not.equal(undefined);
      alice = mergeStagedCommit(alice, c1.staged);
      const join = (kp: ReturnType<typeof keyPackage>, c: Client, cfg = {}) =>
        joinFromWelcome({
          welcome: c1.welcome!,
          keyPackage: kp.keyPackage,
          initPrivateKey: kp.initPrivateKey,
          encryptionPrivateKey: kp.encryptionPrivateKey,
          signaturePrivateKey: c.sig,
          suite: cs,
          config: cfg,
        });
      let bob = join(kpB, B, { pastEpochs: 1 });
      let carol = join(kpC, C);
      agree([alice, bob, carol]);
      expect(members(bob).map((m) => new TextDecoder().decode((m.credential as { identity: Uint8Array }).identity))).to.deep.equal(['alice', 'bob', 'carol']);
      expect(bob.myLeaf).to.equal(1);
      expect(carol.myLeaf).to.equal(2);

      // Application messages both ways.
      let s = encryptApplication(alice, utf8('hi from alice'));
      alice = s.state;
      let r = asApp(processMessage(bob, s.message));
      bob = r.state;
      expect(new TextDecoder().decode(r.data)).to.equal('hi from alice');
      expect(r.sender).to.equal(0);
      r = asApp(processMessage(carol, s.message));
      carol = r.state;
      // Out of order within the window, then REPLAY.
      const msgs: Uint8Array[] = [];
      for (let i = 0; i < 3; i++) {
        const m = encryptApplication(bob, utf8(`bob ${i}`));
        bob = m.state;
        msgs.push(m.message);
      }
      for (const i of [2, 0, 1]) {
        const x = asApp(processMessage(alice, msgs[i]!));
        expect(new TextDecoder().decode(x.data)).to.equal(`bob ${i}`);
        alice = x.state;
      }
      throwsCode(() => processMessage(alice, msgs[0]!), 'REPLAY');

      // Bob proposes an Update (by reference); carol commits it (PrivateMessage handshake this time).
      const up = proposeUpdate(bob);
      bob = up.state;
      alice = asProposal(processMessage(alice, up.message)).state;
      carol = asProposal(processMessage(carol, up.message)).state;
      throwsCode(() => encryptApplication(carol, utf8('x')), 'STATE'); // pending proposals: commit first (§12.4)
      const c2 = createCommit(carol, { wireFormat: 'private' });
      expect(c2.staged.summary.updated).to.deep.equal([1]);
      carol = mergeStagedCommit(carol, c2.staged);
      [alice, bob] = deliver(c2.commit, [alice, bob]) as [GroupState, GroupState];
      agree([alice, bob, carol]);

      // Past-epoch decryption: bob keeps 1 past epoch, alice keeps none.
      const late = encryptApplication(carol, utf8('late'));
      carol = late.state;
      const c3 = createCommit(alice, {}); // empty commit with path
      alice = mergeStagedCommit(alice, c3.staged);
      [bob, carol] = deliver(c3.commit, [bob, carol]) as [GroupState, GroupState];
      agree([alice, bob, carol]);
      const lateAtBob = asApp(processMessage(bob, late.message));
      expect(new TextDecoder().decode(lateAtBob.data)).to.equal('late');
      expect(lateAtBob.epoch).to.equal(c3.staged.fromEpoch);
      throwsCode(() => processMessage(lateAtBob.state, late.message), 'REPLAY');
      throwsCode(() => processMessage(alice, late.message), 'WRONG_EPOCH');

      // PSKs: an external PSK and the resumption PSK of the previous epoch in one commit (by value).
      const pskId = utf8('shared psk');
      const pskVal = cs.randomBytes(32);
      [alice, bob, carol] = [alice, bob, carol].map((x) => withExternalPsk(x, pskId, pskVal)) as [GroupState, GroupState, GroupState];
      const c4 = createCommit(bob, { proposals: [externalPskProposal(cs, pskId), resumptionPskProposal(bob, bob.context.epoch - 1n)] });
      bob = mergeStagedCommit(bob, c4.staged);
      [alice, carol] = deliver(c4.commit, [alice, carol]) as [GroupState, GroupState];
      agree([alice, bob, carol]);

      // GroupContextExtensions: an external sender; then its Remove proposal of carol, committed by alice.
      const c5 = createCommit(alice, {
        proposals: [groupContextExtensionsProposal([externalSendersExtension([{ signatureKey: extSender.publicKey, credential: cred('ds') }])])],
      });
      alice = mergeStagedCommit(alice, c5.staged);
      [bob, carol] = deliver(c5.commit, [bob, carol]) as [GroupState, GroupState];
      agree([alice, bob, carol]);
      const extRemove = createExternalProposal(cs, {
        groupId: alice.context.groupId,
        epoch: alice.context.epoch,
        senderIndex: 0,
        signaturePrivateKey: extSender.privateKey,
        proposal: removeProposal(2),
      });
      [alice, bob, carol] = [alice, bob, carol].map((x) => asProposal(processMessage(x, extRemove)).state) as [GroupState, GroupState, GroupState];
      const c6 = createCommit(alice);
      expect(c6.staged.summary.removed).to.deep.equal([2]);
      alice = mergeStagedCommit(alice, c6.staged);
      [bob] = deliver(c6.commit, [bob]) as [GroupState];
      const carolStaged = asCommit(processMessage(carol, c6.commit));
      expect(carolStaged.removed).to.be.true;
      const carolGone = mergeStagedCommit(carol, carolStaged);
      expect(carolGone.active).to.be.false;
      agree([alice, bob]);
      expect(members(alice).length).to.equal(2);
      const afterRemove = encryptApplication(alice, utf8('secret'));
      alice = afterRemove.state;
      throwsCode(() => processMessage(carolGone, afterRemove.message), 'WRONG_EPOCH');
      throwsCode(() => processMessage(carol, afterRemove.message), 'WRONG_EPOCH');
      bob = asApp(processMessage(bob, afterRemove.message)).state;

      // External join by dave from alice's GroupInfo; then dave resyncs (removes his old leaf).
      const ej = joinByExternalCommit({ groupInfo: createGroupInfo(alice), credential: cred('dave'), signaturePrivateKey: D.sig, suite: cs });
      let dave = ej.state;
      [alice, bob] = deliver(ej.commit, [alice, bob]) as [GroupState, GroupState];
      agree([alice, bob, dave]);
      expect(dave.myLeaf).to.equal(2);
      const ej2 = joinByExternalCommit({ groupInfo: createGroupInfo(bob, { ratchetTree: false }), ratchetTree: bob.tree.toWire(), credential: cred('dave'), signaturePrivateKey: D.sig, suite: cs, removeLeaf: dave.myLeaf });
      dave = ej2.state;
      [alice, bob] = deliver(ej2.commit, [alice, bob]) as [GroupState, GroupState];
      agree([alice, bob, dave]);
      expect(members(alice).length).to.equal(3);

      // A new member's own Add proposal (new_member_proposal), committed by bob.
      const E = client(cs, 'erin');
      const kpE = keyPackage(cs, E);
      const jp = createJoinProposal(cs, { groupId: bob.context.groupId, epoch: bob.context.epoch, keyPackage: kpE.keyPackage, signaturePrivateKey: E.sig });
      [alice, bob, dave] = [alice, bob, dave].map((x) => asProposal(processMessage(x, jp)).state) as [GroupState, GroupState, GroupState];
      const c7 = createCommit(bob, { path: false });
      expect(c7.staged.summary.path).to.be.false;
      bob = mergeStagedCommit(bob, c7.staged);
      [alice, dave] = deliver(c7.commit, [alice, dave]) as [GroupState, GroupState];
      const erin = joinFromWelcome({ welcome: c7.welcome!, keyPackage: kpE.keyPackageBytes, initPrivateKey: kpE.initPrivateKey, encryptionPrivateKey: kpE.encryptionPrivateKey, signaturePrivateKey: E.sig, suite: cs });
      agree([alice, bob, dave, erin]);

      // Messages from the newest members reach everyone.
      const fromErin = encryptApplication(erin, utf8('hello from erin'));
      for (const x of [alice, bob, dave]) expect(new TextDecoder().decode(asApp(processMessage(x, fromErin.message)).data)).to.equal('hello from erin');

      // Serialize/restore: byte-identical round trip; the restored state keeps working.
      for (const x of [alice, bob, dave, erin, carolGone]) {
        const bytes = serializeGroupState(x);
        const back = deserializeGroupState(bytes, cs);
        expect(toHex(serializeGroupState(back))).to.equal(toHex(bytes));
      }
      const bob2 = deserializeGroupState(serializeGroupState(bob), cs);
      const m2 = encryptApplication(bob2, utf8('after restore'));
      expect(new TextDecoder().decode(asApp(processMessage(deserializeGroupState(serializeGroupState(alice), cs), m2.message)).data)).to.equal('after restore');
      const c8 = createCommit(bob2);
      const [alice3] = deliver(c8.commit, [deserializeGroupState(serializeGroupState(alice), cs)]);
      agree([alice3!, mergeStagedCommit(bob2, c8.staged)]);
    });
  }

  it('proposals by reference from several members, committed together; a stale staged commit is refused', () => {
    const cs = nobleSuite(1);
    const [A, B, C] = ['a', 'b', 'c'].map((n) => client(cs, n)) as [Client, Client, Client];
    let a = createGroup({ suite: cs, credential: cred('a'), signaturePrivateKey: A.sig });
    const kpB = keyPackage(cs, B);
    const c1 = createCommit(a, { proposals: [addProposal(kpB.keyPackage)] });
    a = mergeStagedCommit(a, c1.staged);
    let b = joinFromWelcome({ welcome: c1.welcome!, keyPackage: kpB.keyPackage, initPrivateKey: kpB.initPrivateKey, encryptionPrivateKey: kpB.encryptionPrivateKey, signaturePrivateKey: B.sig, suite: cs });
    // b proposes adding c; a proposes an update; a commits both (its own Update is dropped: the path replaces it).
    const kpC = keyPackage(cs, C);
    const pAdd = propose(b, addProposal(kpC.keyPackage));
    b = pAdd.state;
    a = asProposal(processMessage(a, pAdd.message)).state;
    const pUp = proposeUpdate(a);
    a = pUp.state;
    b = asProposal(processMessage(b, pUp.message)).state;
    const c2 = createCommit(a);
    expect(c2.staged.summary.added).to.deep.equal([2]);
    // b races with its own commit; the DS takes a's. b's staged commit is then stale.
    const c2b = createCommit(b);
    const staleB = c2b.staged;
    a = mergeStagedCommit(a, c2.staged);
    b = mergeStagedCommit(b, asCommit(processMessage(b, c2.commit)));
    throwsCode(() => mergeStagedCommit(b, staleB), 'STATE');
    const c = joinFromWelcome({ welcome: c2.welcome!, keyPackage: kpC.keyPackage, initPrivateKey: kpC.initPrivateKey, encryptionPrivateKey: kpC.encryptionPrivateKey, signaturePrivateKey: C.sig, suite: cs });
    agree([a, b, c]);
  });

  it('handshake wire-format policy: a group that accepts only PublicMessage refuses a private commit', () => {
    const cs = nobleSuite(1);
    const [A, B] = ['a', 'b'].map((n) => client(cs, n)) as [Client, Client];
    let a = createGroup({ suite: cs, credential: cred('a'), signaturePrivateKey: A.sig });
    const kpB = keyPackage(cs, B);
    const c1 = createCommit(a, { proposals: [addProposal(kpB.keyPackage)] });
    a = mergeStagedCommit(a, c1.staged);
    const b = joinFromWelcome({ welcome: c1.welcome!, keyPackage: kpB.keyPackage, initPrivateKey: kpB.initPrivateKey, encryptionPrivateKey: kpB.encryptionPrivateKey, signaturePrivateKey: B.sig, suite: cs, config: { acceptHandshake: 'public' } });
    const c2 = createCommit(a, { wireFormat: 'private' });
    throwsCode(() => processMessage(b, c2.commit), 'INVALID_MESSAGE');
    const c3 = createCommit(a);
    agree([mergeStagedCommit(a, c3.staged), mergeStagedCommit(b, asCommit(processMessage(b, c3.commit)))]);
  });

  it('ReInit (§11.2) then branch (§11.3): new groups bound by resumption PSKs; members join with their old state', () => {
    const cs = nobleSuite(1);
    const [A, B] = ['a', 'b'].map((n) => client(cs, n)) as [Client, Client];
    let a = createGroup({ suite: cs, credential: cred('a'), signaturePrivateKey: A.sig });
    const kpB = keyPackage(cs, B);
    const c1 = createCommit(a, { proposals: [addProposal(kpB.keyPackage)] });
    a = mergeStagedCommit(a, c1.staged);
    let b = joinFromWelcome({ welcome: c1.welcome!, keyPackage: kpB.keyPackage, initPrivateKey: kpB.initPrivateKey, encryptionPrivateKey: kpB.encryptionPrivateKey, signaturePrivateKey: B.sig, suite: cs });
    const newId = utf8('the reinitialised group');
    const c2 = createCommit(b, { proposals: [{ kind: 'reinit', groupId: newId, version: 1, cipherSuite: 1, extensions: [] }] });
    b = mergeStagedCommit(b, c2.staged);
    a = mergeStagedCommit(a, asCommit(processMessage(a, c2.commit)));
    expect(a.active).to.be.false;
    expect(b.reinit?.groupId).to.deep.equal(newId);
    throwsCode(() => encryptApplication(a, utf8('x')), 'STATE');
    throwsCode(() => createCommit(a), 'STATE');
    // b committed the ReInit: it creates the new group; a joins with its old state.
    const kpA = keyPackage(cs, A);
    const re = reinitGroup(b, { keyPackages: [kpA.keyPackage] });
    const joinA = (extra: object) =>
      joinFromWelcome({ welcome: re.welcome, keyPackage: kpA.keyPackage, initPrivateKey: kpA.initPrivateKey, encryptionPrivateKey: kpA.encryptionPrivateKey, signaturePrivateKey: A.sig, suite: cs, ...extra });
    throwsCode(() => joinA({}), 'INVALID_PROPOSAL'); // the resumption PSK is needed
    const a2 = joinA({ previous: a });
    expect(a2.context.groupId).to.deep.equal(newId);
    expect(a2.context.epoch).to.equal(1n);
    agree([a2, re.state]);
    // Branch from the new group: a takes b along into a subgroup.
    const kpB2 = keyPackage(cs, B);
    const br = branchGroup(a2, { keyPackages: [kpB2.keyPackage] });
    const b3 = joinFromWelcome({ welcome: br.welcome, keyPackage: kpB2.keyPackage, initPrivateKey: kpB2.initPrivateKey, encryptionPrivateKey: kpB2.encryptionPrivateKey, signaturePrivateKey: B.sig, suite: cs, previous: re.state });
    agree([br.state, b3]);
    expect(toHex(br.state.context.groupId)).to.not.equal(toHex(a2.context.groupId));
  });

  it('unknown proposal types: passed when the policy accepts them and every member supports them, refused otherwise', () => {
    const cs = nobleSuite(1);
    const [A, B] = ['a', 'b'].map((n) => client(cs, n)) as [Client, Client];
    const caps = { versions: [1], cipherSuites: [1], extensions: [], proposals: [0xff00], credentials: [1] };
    let a = createGroup({ suite: cs, credential: cred('a'), signaturePrivateKey: A.sig, capabilities: caps, config: { unknownProposals: 'accept' } });
    const kpB = createKeyPackage({ suite: cs, credential: cred('b'), signaturePrivateKey: B.sig, capabilities: caps });
    const c1 = createCommit(a, { proposals: [addProposal(kpB.keyPackage)] });
    a = mergeStagedCommit(a, c1.staged);
    const j = (cfg: object) => joinFromWelcome({ welcome: c1.welcome!, keyPackage: kpB.keyPackage, initPrivateKey: kpB.initPrivateKey, encryptionPrivateKey: kpB.encryptionPrivateKey, signaturePrivateKey: B.sig, suite: cs, config: cfg });
    const bAccept = j({ unknownProposals: 'accept' });
    const bReject = j({});
    const custom = { kind: 'unknown' as const, proposalType: 0xff00, body: utf8('app-defined') };
    const c2 = createCommit(a, { proposals: [custom] });
    agree([mergeStagedCommit(a, c2.staged), mergeStagedCommit(bAccept, asCommit(processMessage(bAccept, c2.commit)))]);
    throwsCode(() => processMessage(bReject, c2.commit), 'INVALID_PROPOSAL');
    throwsCode(() => createCommit(a, { proposals: [{ ...custom, proposalType: 0xff01 }] }), 'INVALID_PROPOSAL');
  });
});

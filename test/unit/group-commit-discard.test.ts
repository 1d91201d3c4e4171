// Discarding an own encrypted commit (RFC 9420 §9.1, §6.3.2): a PrivateMessage commit used the current epoch's
// next handshake key; CreatedCommit.currentSecretTree is the current epoch's tree past that key, so a member that
// discards the commit (the delivery service refused it) never reuses that key and nonce.
import { nobleSuite } from '../../sdk/src/crypto/noble.ts';
import { addProposal, createCommit, createGroup, joinFromWelcome, mergeStagedCommit, processMessage, proposeUpdate } from '../../sdk/src/group/index.ts';
import type { Credential } from '../../sdk/src/messages/credential.ts';
import { createKeyPackage } from '../../sdk/src/messages/key-package-create.ts';
import { peekLeafRatchets } from '../../sdk/src/schedule/secret-tree.ts';
import type { LeafIndex } from '../../sdk/src/tree/math.ts';
import { toHex, utf8 } from '../lib/bytes.ts';

const cred = (name: string): Credential => ({ kind: 'basic', identity: utf8(name) });

describe('group: discarding an encrypted commit', () => {
  it('CreatedCommit.currentSecretTree is the current epoch past the commit’s handshake key', () => {
    const cs = nobleSuite(1);
    const aSig = cs.signatureKeyGen().privateKey;
    const bSig = cs.signatureKeyGen().privateKey;
    const config = { handshakeWireFormat: 'private' as const };
    let alice = createGroup({ suite: cs, credential: cred('alice'), signaturePrivateKey: aSig, config });
    const kp = createKeyPackage({ suite: cs, credential: cred('bob'), signaturePrivateKey: bSig });
    const c1 = createCommit(alice, { proposals: [addProposal(kp.keyPackage)] });
    alice = mergeStagedCommit(alice, c1.staged);
    const bob = joinFromWelcome({
      welcome: c1.welcome!,
      keyPackage: kp.keyPackage,
      initPrivateKey: kp.initPrivateKey,
      encryptionPrivateKey: kp.encryptionPrivateKey,
      signaturePrivateKey: bSig,
      suite: cs,
      config,
    });

    // An encrypted commit: the returned tree moved alice's handshake ratchet by one; the state did not.
    const c2 = createCommit(alice, { path: true });
    expect(peekLeafRatchets(alice.secretTree, 0 as LeafIndex)).to.equal(undefined);
    expect(peekLeafRatchets(c2.currentSecretTree, 0 as LeafIndex)!.handshake.generation).to.equal(1);
    // Discard it, keep the tree: the next handshake uses generation 1, so bob can read both (no key reuse).
    const discarded = { ...alice, secretTree: c2.currentSecretTree };
    const p = proposeUpdate(discarded);
    const got = processMessage(bob, p.message);
    if (got.kind !== 'proposal') throw new Error(got.kind);
    expect(peekLeafRatchets(got.state.secretTree, 0 as LeafIndex)!.handshake.generation).to.equal(2);
    // The refused commit was at generation 0: bob can still open it (a different key and nonce than the proposal).
    const late = processMessage(got.state, c2.commit);
    expect(late.kind).to.equal('commit');
    // A PublicMessage commit uses no key: the tree is the state's own.
    const c3 = createCommit(alice, { path: true, wireFormat: 'public' });
    expect(c3.currentSecretTree).to.equal(alice.secretTree);
    expect(toHex(c3.commit).length > 0).to.be.true;
  });
});

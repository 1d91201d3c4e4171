// The group scale smoke (issue 4 "Proof"), shared by test/unit/group-scale.test.ts (always on) and
// test/slow/group-scale.test.ts: an n-member group created by ONE commit adding n-1 KeyPackages, joined from its
// Welcome by one of the new members (full tree validation: every leaf signature, parent hashes, tree hash), and
// advanced by an update commit (a path, no proposals) from that new member which the creator processes. Both
// agree on epoch, tree hash and epoch authenticator after each step. No timing assertion: the timings are
// returned and printed (speed is the benchmark issue's).
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import {
  addProposal,
  createCommit,
  createGroup,
  epochAuthenticator,
  joinFromWelcome,
  members,
  mergeStagedCommit,
  processMessage,
  type GroupState,
} from '../../sdk/src/group/index.ts';
import { createKeyPackage, type CreatedKeyPackage } from '../../sdk/src/messages/key-package-create.ts';
import { toHex, utf8 } from './bytes.ts';

export interface ScaleTimings {
  readonly members: number;
  /** Creating the n-1 KeyPackages (each with its own signature key): the test's setup, not the group's work. */
  readonly keyPackagesMs: number;
  /** createGroup + createCommit adding all n-1 (validating every KeyPackage, Welcome for all) + merge. */
  readonly createAndAddMs: number;
  readonly joinMs: number;
  readonly updateCommitMs: number;
  /** The creator processes the update commit and merges it. */
  readonly processMs: number;
  readonly welcomeBytes: number;
}

function agree(a: GroupState, b: GroupState): void {
  expect(b.context.epoch).to.equal(a.context.epoch);
  expect(toHex(b.context.treeHash)).to.equal(toHex(a.context.treeHash));
  expect(toHex(epochAuthenticator(b))).to.equal(toHex(epochAuthenticator(a)));
}

/**
 * @param ratchetTreeInWelcome true: the tree travels in the Welcome's GroupInfo (ratchet_tree extension); false:
 *   it is handed to the joiner out of band (RFC 9420 §12.4.3.3 allows both).
 */
export function runScaleSmoke(cs: CipherSuite, n: number, ratchetTreeInWelcome: boolean): ScaleTimings {
  let t = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const d = now - t;
    t = now;
    return Math.round(d);
  };
  const joinerAt = n >> 1; // a member in the middle of the tree
  let joinerSig: Uint8Array | undefined;
  let joinerKp: CreatedKeyPackage | undefined;
  const adds = [];
  for (let i = 1; i < n; i++) {
    const sig = cs.signatureKeyGen().privateKey;
    const kp = createKeyPackage({ suite: cs, credential: { kind: 'basic', identity: utf8(`member ${i}`) }, signaturePrivateKey: sig });
    if (i === joinerAt) {
      joinerSig = sig;
      joinerKp = kp;
    }
    adds.push(addProposal(kp.keyPackage));
  }
  const keyPackagesMs = lap();

  let creator = createGroup({ suite: cs, credential: { kind: 'basic', identity: utf8('member 0') }, signaturePrivateKey: cs.signatureKeyGen().privateKey });
  const c = createCommit(creator, { proposals: adds, ratchetTree: ratchetTreeInWelcome });
  creator = mergeStagedCommit(creator, c.staged);
  const createAndAddMs = lap();
  expect(c.staged.summary.added.length).to.equal(n - 1);
  expect(members(creator).length).to.equal(n);

  let joiner = joinFromWelcome({
    welcome: c.welcome!,
    keyPackage: joinerKp!.keyPackage,
    initPrivateKey: joinerKp!.initPrivateKey,
    encryptionPrivateKey: joinerKp!.encryptionPrivateKey,
    signaturePrivateKey: joinerSig!,
    suite: cs,
    ...(ratchetTreeInWelcome ? {} : { ratchetTree: creator.tree.toWire() }),
  });
  const joinMs = lap();
  expect(joiner.myLeaf).to.equal(joinerAt);
  agree(creator, joiner);

  const u = createCommit(joiner);
  joiner = mergeStagedCommit(joiner, u.staged);
  const updateCommitMs = lap();
  const r = processMessage(creator, u.commit);
  if (r.kind !== 'commit') throw new Error(`expected a commit, got ${r.kind}`);
  creator = mergeStagedCommit(creator, r.staged);
  const processMs = lap();
  expect(r.staged.summary.path).to.be.true;
  agree(creator, joiner);
  return { members: n, keyPackagesMs, createAndAddMs, joinMs, updateCommitMs, processMs, welcomeBytes: c.welcome!.length };
}

export const describeTimings = (suite: string, x: ScaleTimings, inWelcome: boolean): string =>
  `[group-scale] ${suite}, ${x.members} members (tree ${inWelcome ? 'in the Welcome' : 'out of band'}): ` +
  `KeyPackages ${x.keyPackagesMs} ms (setup), create+add-all ${x.createAndAddMs} ms, join ${x.joinMs} ms, ` +
  `update commit ${x.updateCommitMs} ms, process ${x.processMs} ms; Welcome ${x.welcomeBytes} bytes`;

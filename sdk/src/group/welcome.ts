/**
 * Welcome messages (RFC 9420 §12.4.3.1): built inside commit creation for the added members, and processed by a
 * new member to join (`joinFromWelcome`), with the ratchet tree from the GroupInfo's `ratchet_tree` extension or
 * given out of band, and full tree validation (tree/validate.ts: tree hash, unmerged leaves, key uniqueness, leaf
 * signatures, parent hashes; plus the §7.3 checks of every leaf against the group's extensions).
 *
 * ```
 * encrypted_group_secrets = EncryptWithLabel(init_key, "Welcome", encrypted_group_info, group_secrets)
 * welcome_key / welcome_nonce from welcome_secret; encrypted_group_info = AEAD.Seal(key, nonce, "", GroupInfo)
 * ```
 *
 * Secrets: joiner_secret, path_secret and the PSKs; the decrypted GroupSecrets are wiped once used.
 */
import { encode, Writer } from '../codec/writer.ts';
import { decode } from '../codec/reader.ts';
import type { CipherSuite, HpkeSealed } from '../crypto/cipher-suite.ts';
import { decryptWithLabel, encryptWithLabelMany, makeKeyPackageRef } from '../crypto/labels.ts';
import { getCipherSuite } from '../crypto/suites.ts';
import { MlsError } from '../errors.ts';
import { interimTranscriptHash, verifyConfirmationTag } from '../framing/transcript.ts';
import { WireFormat } from '../messages/common.ts';
import { decodeGroupInfo, encodeGroupInfo, type GroupInfo } from '../messages/group-info.ts';
import { decodeKeyPackage, encodeKeyPackage, type KeyPackage } from '../messages/key-package.ts';
import { encodeLeafNode } from '../messages/leaf-node.ts';
import { mlsMessageBytes, type MLSMessage } from '../messages/mls-message.ts';
import { PSKType, ResumptionPSKUsage, type PreSharedKeyID } from '../messages/proposals.ts';
import { decodeRatchetTree, type RatchetTree } from '../messages/ratchet-tree.ts';
import { toSeconds, type Instant } from '../messages/validate.ts';
import {
  decodeGroupSecrets,
  encodeGroupSecrets,
  wipeGroupSecrets,
  type EncryptedGroupSecrets,
  type Welcome,
} from '../messages/welcome.ts';
import { epochOnly, keyScheduleFromJoiner, welcomeKeyNonce, welcomeSecret } from '../schedule/key-schedule.ts';
import { pskSecret } from '../schedule/psk.ts';
import { commonAncestor, leafToNode, type LeafIndex, type NodeIndex } from '../tree/math.ts';
import { parentOf } from '../tree/ratchet-tree.ts';
import { checkPrivateKeys, deriveNodeKeyPair, nextPathSecret } from '../tree/treekem.ts';
import { validateTree } from '../tree/validate.ts';
import { groupInfoTree, verifyGroupInfo } from './group-info.ts';
import { leafGroupSupportProblem, lookupPsks, pskStoreOf } from './proposals.ts';
import { checkResumptionJoin } from './reinit.ts';
import { bytesEqual, consumeEncryptionSecret, groupConfig, type ExternalPsk, type GroupConfig, type GroupState } from './state.ts';
import { toMlsMessage } from './wire.ts';

const EMPTY = new Uint8Array(0);

/** Inputs of `buildWelcome` (called by createCommit). */
export interface WelcomeInput {
  readonly groupInfo: GroupInfo;
  readonly joinerSecret: Uint8Array;
  readonly welcomeSecret: Uint8Array;
  readonly psks: readonly PreSharedKeyID[];
  readonly newMembers: readonly { readonly leaf: LeafIndex; readonly keyPackage: KeyPackage }[];
  readonly committer: LeafIndex;
  /** The committer's path secrets by node (absent for a commit without path). */
  readonly pathSecrets?: ReadonlyMap<NodeIndex, Uint8Array> | undefined;
}

/**
 * Build one Welcome for all new members (§12.4.3.1), as an MLSMessage: the GroupInfo encrypted under the
 * welcome key, and per member the GroupSecrets (joiner secret, the path secret of the lowest common ancestor of
 * the member and the committer, the PSK ids) encrypted to its init key.
 */
export function buildWelcome(cs: CipherSuite, x: WelcomeInput): Uint8Array {
  const { key, nonce } = welcomeKeyNonce(cs, x.welcomeSecret);
  const encryptedGroupInfo = cs.aeadSeal(key, nonce, EMPTY, encode((w) => encodeGroupInfo(w, x.groupInfo)));
  key.fill(0);
  nonce.fill(0);
  // One GroupSecrets per member; sealed in one batch so the EncryptContext (which holds the whole encrypted
  // GroupInfo, tree included) is built and hashed once rather than once per member.
  const plaintexts = x.newMembers.map(({ leaf }) => {
    const pathSecret = x.pathSecrets?.get(commonAncestor(leafToNode(leaf), leafToNode(x.committer)));
    const w = new Writer();
    encodeGroupSecrets(w, { joinerSecret: x.joinerSecret, pathSecret, psks: x.psks });
    const plaintext = w.finish();
    w.wipe();
    return plaintext;
  });
  let sealed: HpkeSealed[];
  try {
    sealed = encryptWithLabelMany(
      cs,
      x.newMembers.map((m) => m.keyPackage.initKey),
      'Welcome',
      encryptedGroupInfo,
      plaintexts,
    );
  } finally {
    for (const p of plaintexts) p.fill(0);
  }
  const secrets: EncryptedGroupSecrets[] = x.newMembers.map(({ keyPackage }, i) => ({
    newMember: makeKeyPackageRef(cs, encode((w) => encodeKeyPackage(w, keyPackage))),
    encryptedGroupSecrets: sealed[i]!,
  }));
  const welcome: Welcome = { cipherSuite: cs.id, secrets, encryptedGroupInfo };
  return mlsMessageBytes({ wireFormat: WireFormat.mls_welcome, welcome });
}

/** Options of `joinFromWelcome`. */
export interface JoinOptions {
  /** The Welcome: an MLSMessage (bytes or decoded) or a bare Welcome struct. */
  readonly welcome: Uint8Array | MLSMessage | Welcome;
  /** The KeyPackage the Welcome is for (struct, or its encoding — not wrapped in an MLSMessage). */
  readonly keyPackage: KeyPackage | Uint8Array;
  /** Private key of the KeyPackage's init_key. Secret. */
  readonly initPrivateKey: Uint8Array;
  /** Private key of the KeyPackage leaf's encryption_key. Secret. */
  readonly encryptionPrivateKey: Uint8Array;
  /** The signature private key of the KeyPackage's leaf. Secret. */
  readonly signaturePrivateKey: Uint8Array;
  /** The ratchet tree when the GroupInfo has no ratchet_tree extension (struct, or encoded `ratchet_tree<V>`). */
  readonly ratchetTree?: RatchetTree | Uint8Array;
  /** External PSKs (§8.4) the Welcome may name; kept in the state for later commits. */
  readonly externalPsks?: readonly ExternalPsk[];
  /** Resumption PSKs of other groups (branch, reinit: §11), by PreSharedKeyID. */
  readonly resumptionPsk?: (id: PreSharedKeyID) => Uint8Array | undefined;
  /**
   * The joiner's state in the old group, for a reinit or branch Welcome (§11.2, §11.3): supplies the resumption
   * PSK and is checked against the new group (ReInit parameters, suite).
   */
  readonly previous?: GroupState;
  /** The cipher suite implementation (default `getCipherSuite(welcome.cipher_suite)`). */
  readonly suite?: CipherSuite;
  readonly config?: Partial<GroupConfig>;
  /**
   * The time to check the tree's KeyPackage-leaf lifetimes against (§7.3, RECOMMENDED); `false` to skip (e.g.
   * test vectors with fixed lifetimes). Default: now.
   */
  readonly now?: Instant | false;
}

function welcomeOf(w: JoinOptions['welcome']): Welcome {
  if (w instanceof Uint8Array || 'wireFormat' in w) {
    const m = toMlsMessage(w as Uint8Array | MLSMessage);
    if (m.wireFormat !== WireFormat.mls_welcome) throw new MlsError('INVALID_MESSAGE', `expected a Welcome, got wire_format ${m.wireFormat}`);
    return m.welcome;
  }
  return w;
}

/**
 * Join a group from a Welcome (§12.4.3.1): find and decrypt the own GroupSecrets, derive the welcome key with
 * the PSKs, decrypt and verify the GroupInfo, load and fully validate the ratchet tree, locate the own leaf,
 * derive the path keys from the path secret, run the key schedule and verify the confirmation tag.
 * @returns the new member's GroupState.
 * @throws MlsError INVALID_MESSAGE (no entry for this KeyPackage, cipher suite mismatch, own leaf not in the tree,
 *   bad confirmation tag, PSK rules), INVALID_PROPOSAL (unknown PSK), BAD_SIGNATURE (GroupInfo), INVALID_TREE,
 *   AEAD_DECRYPT, DECODE, UNSUPPORTED (cipher suite).
 * @example const state = joinFromWelcome({ welcome, keyPackage: kp.keyPackage, initPrivateKey: kp.initPrivateKey,
 *   encryptionPrivateKey: kp.encryptionPrivateKey, signaturePrivateKey });
 */
export function joinFromWelcome(opts: JoinOptions): GroupState {
  const welcome = welcomeOf(opts.welcome);
  const kp = opts.keyPackage instanceof Uint8Array ? decode(opts.keyPackage, decodeKeyPackage, 'KeyPackage') : opts.keyPackage;
  const cs = opts.suite ?? getCipherSuite(welcome.cipherSuite);
  if (cs.id !== welcome.cipherSuite) throw new MlsError('UNSUPPORTED', `suite ${cs.id} given for a Welcome of suite ${welcome.cipherSuite}`);
  if (kp.cipherSuite !== welcome.cipherSuite)
    throw new MlsError('INVALID_MESSAGE', `the KeyPackage's cipher suite ${kp.cipherSuite} is not the Welcome's ${welcome.cipherSuite}`);
  const config = groupConfig(opts.config);

  // §12.4.3.1: the entry for our KeyPackage, decrypted with init_key_priv.
  const ref = makeKeyPackageRef(cs, encode((w) => encodeKeyPackage(w, kp)));
  const entry = welcome.secrets.find((s) => bytesEqual(s.newMember, ref));
  if (entry === undefined) throw new MlsError('INVALID_MESSAGE', 'the Welcome has no GroupSecrets for this KeyPackage');
  const gsBytes = decryptWithLabel(
    cs,
    opts.initPrivateKey,
    'Welcome',
    welcome.encryptedGroupInfo,
    entry.encryptedGroupSecrets.kemOutput,
    entry.encryptedGroupSecrets.ciphertext,
  );
  const gs = decode(gsBytes, decodeGroupSecrets, 'GroupSecrets');
  try {
    // PSKs (§12.4.3.1): all available; at most one resumption PSK of usage reinit or branch.
    const special = gs.psks.filter((p) => p.pskType === PSKType.resumption && p.usage !== ResumptionPSKUsage.application);
    if (special.length > 1) throw new MlsError('INVALID_MESSAGE', `${special.length} reinit/branch resumption PSKs in the Welcome (at most one)`);
    const externalPsks = [...(opts.externalPsks ?? [])];
    const prevStore = opts.previous === undefined ? undefined : pskStoreOf(opts.previous);
    const psks = lookupPsks(
      { externalPsks, resumption: (id) => opts.resumptionPsk?.(id) ?? prevStore?.resumption?.(id) },
      gs.psks,
    );
    const psk = psks.length > 0 ? pskSecret(cs, psks) : undefined;

    // GroupInfo.
    const ws = welcomeSecret(cs, gs.joinerSecret, psk);
    const { key, nonce } = welcomeKeyNonce(cs, ws);
    ws.fill(0);
    const giBytes = cs.aeadOpen(key, nonce, EMPTY, welcome.encryptedGroupInfo);
    key.fill(0);
    nonce.fill(0);
    const gi = decode(giBytes, decodeGroupInfo, 'GroupInfo');
    const gc = gi.groupContext;
    if (gc.cipherSuite !== kp.cipherSuite)
      throw new MlsError('INVALID_MESSAGE', `GroupInfo cipher suite ${gc.cipherSuite} is not the KeyPackage's ${kp.cipherSuite}`);
    if (special.length === 1 && gc.epoch !== 1n)
      throw new MlsError('INVALID_MESSAGE', `a reinit/branch Welcome must start at epoch 1, not ${gc.epoch}`);
    const sp = special[0];
    if (sp !== undefined && sp.pskType === PSKType.resumption && opts.previous !== undefined) checkResumptionJoin(opts.previous, sp.usage, gc);

    // The tree: shape, GroupInfo signature, full validation (§12.4.3.1).
    const oob = opts.ratchetTree instanceof Uint8Array ? decode(opts.ratchetTree, decodeRatchetTree, 'ratchet_tree') : opts.ratchetTree;
    const tree = groupInfoTree(gi, oob);
    verifyGroupInfo(cs, gi, tree);
    const now = opts.now === false ? undefined : toSeconds(opts.now ?? new Date());
    validateTree(cs, tree, { groupId: gc.groupId, treeHash: gc.treeHash, ...(now !== undefined ? { now } : {}) });
    for (const [l, leaf] of tree.leaves()) {
      const problem = leafGroupSupportProblem(leaf, gc.extensions);
      if (problem !== undefined) throw new MlsError('INVALID_TREE', `[§7.3 leaf supports the group] leaf ${l} ${problem}`);
    }

    // my_leaf: the leaf identical to the KeyPackage's.
    const mine = encode((w) => encodeLeafNode(w, kp.leafNode));
    let myLeaf: LeafIndex | undefined;
    for (const [l, leaf] of tree.leaves())
      if (bytesEqual(leaf.encryptionKey, kp.leafNode.encryptionKey) && bytesEqual(encode((w) => encodeLeafNode(w, leaf)), mine)) {
        myLeaf = l;
        break;
      }
    if (myLeaf === undefined) throw new MlsError('INVALID_MESSAGE', 'the KeyPackage\'s leaf is not in the ratchet tree');

    // Private keys: the leaf, then from the path secret up to the root (non-blank ancestors).
    const keys = new Map<NodeIndex, Uint8Array>([[leafToNode(myLeaf), opts.encryptionPrivateKey]]);
    if (gs.pathSecret !== undefined) {
      if (gi.signer === myLeaf) throw new MlsError('INVALID_MESSAGE', 'a path secret from a GroupInfo signed by our own leaf');
      let x = commonAncestor(leafToNode(myLeaf), leafToNode(gi.signer)) as number;
      let ps: Uint8Array = gs.pathSecret.slice();
      for (;;) {
        if (!tree.isBlank(x as NodeIndex)) {
          const kpair = deriveNodeKeyPair(cs, ps);
          if (!bytesEqual(kpair.publicKey, tree.encryptionKey(x as NodeIndex)))
            throw new MlsError('INVALID_MESSAGE', `[§12.4.3.1 path secret] the key derived for node ${x} is not the node's`);
          keys.set(x as NodeIndex, kpair.privateKey);
          const n = nextPathSecret(cs, ps);
          ps.fill(0);
          ps = n;
        }
        if (x === tree.root) break;
        x = parentOf(x);
      }
      ps.fill(0);
    }
    checkPrivateKeys(cs, tree, { leaf: myLeaf, keys });

    // Key schedule, confirmation tag, interim transcript hash.
    const epoch = keyScheduleFromJoiner(cs, gs.joinerSecret, psk, gc);
    if (!verifyConfirmationTag(cs, epoch.confirmationKey, gc.confirmedTranscriptHash, gi.confirmationTag))
      throw new MlsError('INVALID_MESSAGE', '[§12.4.3.1 confirmation tag] the GroupInfo confirmation_tag does not verify');
    epoch.welcomeSecret.fill(0);
    epoch.epochSecret.fill(0);
    return {
      cs,
      config,
      context: gc,
      tree,
      myLeaf,
      privateKeys: keys,
      signaturePrivateKey: opts.signaturePrivateKey,
      ...consumeEncryptionSecret(cs, epochOnly(epoch), tree.nLeaves, config.secretTreeWindow),
      interimTranscriptHash: interimTranscriptHash(cs, gc.confirmedTranscriptHash, gi.confirmationTag),
      confirmationTag: gi.confirmationTag,
      proposals: [],
      resumptionPsks: [],
      externalPsks,
      pastEpochs: [],
      active: true,
      reinit: undefined,
    };
  } finally {
    wipeGroupSecrets(gs);
    gsBytes.fill(0); // the PSK ids were views into it: wiped only now
  }
}

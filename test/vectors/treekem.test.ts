// treekem.json (mlswg/mls-implementations test-vectors, "TreeKEM"; RFC 9420 §7.4-§7.6, §7.9, §12.4.2): per entry
// and provider (noble, wasm), one test. The leaves' private states (leaf key, path secrets → node keys) must match
// the tree; then for each update path: every other non-blank leaf merges it into a staged copy of the tree (the
// parent hashes check out), decrypts the expected path secret and gets commit_secret, and the merged tree hashes
// to tree_hash_after; finally the sender creates its own UpdatePath on a fresh copy and every other member
// processes it to the same commit secret and the same tree hash. GroupContext as the vector format says:
// cipher_suite, group_id, epoch, confirmed_transcript_hash as given, the tree hash after the path, no extensions.
// Suites without a provider (4-7) are registered as skipped, with the suite named.
import { decode } from '../../sdk/src/codec/reader.ts';
import { encode } from '../../sdk/src/codec/writer.ts';
import type { CipherSuite, KeyPair } from '../../sdk/src/crypto/cipher-suite.ts';
import { decodeUpdatePath, encodeUpdatePath } from '../../sdk/src/messages/commit.ts';
import { groupContextBytes } from '../../sdk/src/messages/group-context.ts';
import { leafToNode, type LeafIndex, type NodeIndex } from '../../sdk/src/tree/math.ts';
import { treeHash } from '../../sdk/src/tree/tree-hash.ts';
import {
  checkPrivateKeys,
  createUpdatePath,
  deriveNodeKeyPair,
  processUpdatePath,
  type TreePrivateKeys,
} from '../../sdk/src/tree/treekem.ts';
import { verifyLeafSignature } from '../../sdk/src/tree/validate.ts';
import { hex, toHex } from '../lib/bytes.ts';
import { describeVectors } from '../lib/describe-vectors.ts';
import { forEachProvider } from '../lib/providers.ts';
import { treeFromHex } from '../lib/trees.ts';
import { mlsVectors } from '../lib/vectors.ts';

interface TreeKemCase {
  cipher_suite: number;
  group_id: string;
  epoch: number;
  confirmed_transcript_hash: string;
  ratchet_tree: string;
  leaves_private: {
    index: number;
    encryption_priv: string;
    signature_priv: string;
    path_secrets: { node: number; path_secret: string }[];
  }[];
  update_paths: {
    sender: number;
    update_path: string;
    path_secrets: (string | null)[];
    commit_secret: string;
    tree_hash_after: string;
  }[];
}

const cases = await mlsVectors<TreeKemCase>('treekem.json');

/**
 * `cs` with its three deterministic public-key operations memoized by input, for one test. Most of their calls here
 * repeat an identical computation: members sharing a node of a copath resolution each decrypt the same ciphertext
 * with the same private key (hpkeOpen), members under the same lowest common ancestor derive the same node keys
 * above it (hpkeDeriveKeyPair), and private keys shared by several members are checked once per member
 * (hpkePublicKey). Each distinct input is still computed by `cs`, every processUpdatePath and checkPrivateKeys still
 * runs in full and every assertion is unchanged; suite 2's P-256 (@noble in both providers) made this the file's cost.
 * Results are handed out as copies, so a caller that wipes its copy cannot change what another call receives.
 */
function memoized(cs: CipherSuite): CipherSuite {
  const cache = new Map<string, unknown>();
  const key = (op: string, args: Uint8Array[]) => `${op}:${args.map(toHex).join(':')}`;
  function memo<R>(op: string, args: Uint8Array[], compute: () => R, copy: (r: R) => R): R {
    const k = key(op, args);
    if (!cache.has(k)) cache.set(k, compute()); // a throw (e.g. AEAD_DECRYPT) is not cached
    return copy(cache.get(k) as R);
  }
  const copyPair = (kp: KeyPair): KeyPair => ({ privateKey: kp.privateKey.slice(), publicKey: kp.publicKey.slice() });
  const copyBytes = (b: Uint8Array) => b.slice();
  return Object.assign(Object.create(cs) as CipherSuite, {
    hpkeOpen: (sk: Uint8Array, kemOutput: Uint8Array, info: Uint8Array, aad: Uint8Array, ct: Uint8Array) =>
      memo('open', [sk, kemOutput, info, aad, ct], () => cs.hpkeOpen(sk, kemOutput, info, aad, ct), copyBytes),
    hpkeDeriveKeyPair: (ikm: Uint8Array) => memo('derive', [ikm], () => cs.hpkeDeriveKeyPair(ikm), copyPair),
    hpkePublicKey: (sk: Uint8Array) => memo('pub', [sk], () => cs.hpkePublicKey(sk), copyBytes),
  });
}

function run(suite: CipherSuite, c: TreeKemCase): void {
  const cs = memoized(suite);
  const groupId = hex(c.group_id);
  const base = treeFromHex(c.ratchet_tree, 'ratchet_tree');
  const groupContext = (th: Uint8Array): Uint8Array =>
    groupContextBytes({
      cipherSuite: c.cipher_suite,
      groupId,
      epoch: BigInt(c.epoch),
      treeHash: th,
      confirmedTranscriptHash: hex(c.confirmed_transcript_hash),
      extensions: [],
    });

  // Private states: the leaf key plus DeriveKeyPair(DeriveSecret(path_secret, "node")) per given node.
  const privs = new Map<number, TreePrivateKeys>();
  const sigKeys = new Map<number, Uint8Array>();
  for (const lp of c.leaves_private) {
    const keys = new Map<NodeIndex, Uint8Array>([[leafToNode(lp.index as LeafIndex), hex(lp.encryption_priv)]]);
    for (const ps of lp.path_secrets) keys.set(ps.node as NodeIndex, deriveNodeKeyPair(cs, hex(ps.path_secret)).privateKey);
    const priv: TreePrivateKeys = { leaf: lp.index as LeafIndex, keys };
    checkPrivateKeys(cs, base, priv);
    privs.set(lp.index, priv);
    sigKeys.set(lp.index, hex(lp.signature_priv));
  }

  for (const up of c.update_paths) {
    const sender = up.sender as LeafIndex;
    const path = decode(hex(up.update_path), decodeUpdatePath, 'update_path');
    expect(toHex(encode((w) => encodeUpdatePath(w, path)))).to.equal(up.update_path);
    let merged: string | undefined;
    for (const [j, priv] of privs) {
      if (j === sender) continue;
      const staged = base.clone();
      const out = processUpdatePath(cs, staged, sender, path, priv, { groupContext });
      expect(toHex(out.pathSecret), `sender ${sender}, receiver ${j}: path secret`).to.equal(up.path_secrets[j]);
      expect(toHex(out.commitSecret), `sender ${sender}, receiver ${j}: commit secret`).to.equal(up.commit_secret);
      if (merged === undefined) checkPrivateKeys(cs, staged, out.privateKeys); // once per path: keys match the merged tree
      merged ??= toHex(treeHash(cs, staged));
      expect(toHex(treeHash(cs, staged))).to.equal(up.tree_hash_after);
    }
    expect(merged, `sender ${sender}: nobody processed`).to.equal(up.tree_hash_after);

    // Our own UpdatePath from this sender, processed by everyone else.
    const mine = base.clone();
    const created = createUpdatePath(cs, mine, sender, { groupId, signaturePrivateKey: sigKeys.get(sender)!, groupContext });
    expect(verifyLeafSignature(cs, created.updatePath.leafNode, groupId, sender)).to.be.true;
    const myHash = toHex(treeHash(cs, mine));
    for (const [j, priv] of privs) {
      if (j === sender) continue;
      const staged = base.clone();
      const out = processUpdatePath(cs, staged, sender, created.updatePath, priv, { groupContext });
      expect(toHex(out.commitSecret), `own path from ${sender}, receiver ${j}`).to.equal(toHex(created.commitSecret));
      expect(toHex(out.pathSecret)).to.equal(toHex(created.pathSecrets.get(out.decryptedNode)!));
      expect(toHex(treeHash(cs, staged))).to.equal(myHash);
    }
  }
}

describeVectors('treekem.json', cases, (cases) => {
  cases.forEach((c, i) => {
    describe(`entry ${i} (suite ${c.cipher_suite})`, () => {
      forEachProvider(c.cipher_suite, (name, cs) => {
        it(`${name}: process every update path, create and process our own`, () => run(cs, c));
      });
    });
  });
});

/**
 * TreeKEM (RFC 9420 §7.4–§7.6, §12.4.2): creating an UpdatePath for a commit and processing a received one.
 *
 * Private keys are kept apart from the public tree: `TreePrivateKeys` maps node indices to HPKE private keys
 * (the member's leaf and the parent nodes above it that it knows, §4.2). Both operations work on a *staged*
 * TreeState (a `clone()` of the current one, with the commit's proposals applied): they blank the sender's direct
 * path, install the new public keys and parent hashes, and leave the old state untouched.
 *
 * Derivations (§7.4):
 *   path_secret[0] = DeriveSecret(leaf_secret, "path"), path_secret[n] = DeriveSecret(path_secret[n-1], "path")
 *   node_priv, node_pub = KEM.DeriveKeyPair(DeriveSecret(path_secret, "node"))
 *   commit_secret = DeriveSecret(path_secret[last], "path") (§12.4.2)
 * The leaf's key pair comes from a fresh random leaf_secret the same way (DeriveSecret(leaf_secret, "node")).
 *
 * Secrets: path secrets, node secrets and private keys. Intermediate node secrets are wiped as soon as the key
 * pair is derived; the path secrets and keys returned are the caller's to wipe after use (§7.5: delete what is
 * outdated). The HPKE and KDF operations are the suite's (constant-time in the WASM core); the control flow here
 * depends only on public data (tree shape, indices, which private keys a member holds).
 */
import type { CipherSuite, KeyPair } from '../crypto/cipher-suite.ts';
import { decryptWithLabel, deriveSecret, encryptWithLabelMany, signWithLabel } from '../crypto/labels.ts';
import { MlsError } from '../errors.ts';
import type { HPKECiphertext, UpdatePath, UpdatePathNode } from '../messages/commit.ts';
import { LeafNodeSource, leafNodeTBS, type LeafNode, type LeafNodeContent } from '../messages/leaf-node.ts';
import { isAncestor, leafToNode, type LeafIndex, type NodeIndex } from './math.ts';
import { setPathParentHashes } from './parent-hash.ts';
import type { TreeState } from './ratchet-tree.ts';
import { treeHash } from './tree-hash.ts';

const EMPTY = new Uint8Array(0);

/** The private keys a member holds for tree nodes, by node index; kept outside the public tree. */
export interface TreePrivateKeys {
  /** The member's own leaf. */
  readonly leaf: LeafIndex;
  /** HPKE private keys by node index: the leaf's node (2 * leaf) and the parent nodes above it the member knows. */
  readonly keys: ReadonlyMap<NodeIndex, Uint8Array>;
}

/**
 * node_priv, node_pub = KEM.DeriveKeyPair(DeriveSecret(path_secret, "node")) (§7.4). The node secret is wiped.
 * @example const { privateKey, publicKey } = deriveNodeKeyPair(cs, pathSecret);
 */
export function deriveNodeKeyPair(cs: CipherSuite, pathSecret: Uint8Array): KeyPair {
  const nodeSecret = deriveSecret(cs, pathSecret, 'node');
  try {
    return cs.hpkeDeriveKeyPair(nodeSecret);
  } finally {
    nodeSecret.fill(0); // §7.5: the node secret is only an intermediate; delete it once used.
  }
}

/** path_secret[n] = DeriveSecret(path_secret[n-1], "path") (§7.4). */
export const nextPathSecret = (cs: CipherSuite, pathSecret: Uint8Array): Uint8Array => deriveSecret(cs, pathSecret, 'path');

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Check that each private key matches the public key of a non-blank node of the tree (the consistency a member's
 * private state must have; the treekem vectors ask for it, and a restored state can be checked the same way).
 * @throws MlsError STATE naming the node.
 */
export function checkPrivateKeys(cs: CipherSuite, tree: TreeState, priv: TreePrivateKeys): void {
  for (const [x, sk] of priv.keys) {
    if (x >= tree.nNodes || tree.isBlank(x)) throw new MlsError('STATE', `private key held for blank node ${x}`);
    if (!bytesEqual(cs.hpkePublicKey(sk), tree.encryptionKey(x)))
      throw new MlsError('STATE', `private key for node ${x} does not match its encryption key`);
  }
}

/** The fields of the new LeafNode an UpdatePath carries; missing ones are taken from the sender's current leaf. */
export type LeafNodeFields = Partial<Pick<LeafNodeContent, 'signatureKey' | 'credential' | 'capabilities' | 'extensions'>>;

export interface CreateUpdatePathOptions {
  /** The group id, bound into the new leaf's LeafNodeTBS (§7.2). */
  readonly groupId: Uint8Array;
  /** Signature private key that signs the new leaf (the sender's, or a new one matching `leaf.signatureKey`). */
  readonly signaturePrivateKey: Uint8Array;
  /** New leaf fields; default: those of the sender's current leaf (required when the sender's leaf is blank). */
  readonly leaf?: LeafNodeFields;
  /**
   * The serialized provisional GroupContext (§12.4.2) for the tree hash after the path is merged: new epoch, the
   * new tree hash, the old confirmed transcript hash, the new extensions. It is the HPKE context of every
   * encrypted path secret (§7.6).
   */
  readonly groupContext: (treeHash: Uint8Array) => Uint8Array;
  /** Leaves added by this commit: excluded from the copath resolutions (§7.5, §7.6). */
  readonly exclude?: ReadonlySet<number>;
  /** The leaf secret (deterministic tests only); default: Nh fresh random bytes. */
  readonly leafSecret?: Uint8Array;
}

export interface CreatedUpdatePath {
  readonly updatePath: UpdatePath;
  /** commit_secret = path_secret[n+1] (§12.4.2). */
  readonly commitSecret: Uint8Array;
  /** The path secret of each filtered-direct-path node (the Welcome sends the one at the lowest common ancestor). */
  readonly pathSecrets: ReadonlyMap<NodeIndex, Uint8Array>;
  /** The sender's private keys after the commit: the new leaf key and one per filtered-direct-path node. */
  readonly privateKeys: TreePrivateKeys;
}

/**
 * Create an UpdatePath for `sender` (§7.4, §7.5, §7.6, §12.4.2) on the staged tree, which it updates: the
 * direct path is blanked, the filtered direct path gets fresh keys and parent hashes, the leaf gets a new
 * `commit` LeafNode signed with the group id and leaf index; each path secret is encrypted to every node in the
 * resolution of the copath child (new members excluded) with EncryptWithLabel(…, "UpdatePathNode",
 * group_context, path_secret).
 * Cost: one HPKE seal per resolution entry along the copath (inherent; large on a freshly built group).
 * @throws MlsError INVALID_TREE for a sender outside the tree; STATE when the sender's leaf is blank and `leaf`
 * does not give every field.
 * @example const { updatePath, commitSecret } = createUpdatePath(cs, staged, me, { groupId, signaturePrivateKey, groupContext });
 */
export function createUpdatePath(
  cs: CipherSuite,
  tree: TreeState,
  sender: LeafIndex,
  opts: CreateUpdatePathOptions,
): CreatedUpdatePath {
  const current = tree.leafNode(sender);
  const fields = { ...(current ?? {}), ...(opts.leaf ?? {}) } as Partial<LeafNodeContent>;
  const { signatureKey, credential, capabilities, extensions } = fields;
  if (!signatureKey || !credential || !capabilities || !extensions)
    throw new MlsError('STATE', `leaf ${sender} is blank: the new leaf's signature key, credential, capabilities and extensions are needed`);

  // §7.4: blank the direct path; fresh leaf secret → leaf key pair and path secrets along the filtered path.
  tree.blankDirectPath(sender);
  const path = tree.filteredDirectPath(sender);
  const leafSecret = opts.leafSecret ?? cs.randomBytes(cs.Nh);
  const leafKeys = deriveNodeKeyPair(cs, leafSecret);
  const keys = new Map<NodeIndex, Uint8Array>([[leafToNode(sender), leafKeys.privateKey]]);
  const pathSecrets = new Map<NodeIndex, Uint8Array>();
  const publicKeys: Uint8Array[] = [];
  let ps = nextPathSecret(cs, leafSecret);
  if (opts.leafSecret === undefined) leafSecret.fill(0);
  for (const { node } of path) {
    const kp = deriveNodeKeyPair(cs, ps);
    pathSecrets.set(node, ps);
    keys.set(node, kp.privateKey);
    publicKeys.push(kp.publicKey);
    tree.setParent(node, { encryptionKey: kp.publicKey, parentHash: EMPTY, unmergedLeaves: [] });
    ps = nextPathSecret(cs, ps);
  }
  const commitSecret = ps;

  // §7.5 steps 3-4: parent hashes from the root down, then the new leaf, signed (§7.2).
  const parentHash = setPathParentHashes(cs, tree, sender);
  const content: LeafNodeContent = {
    encryptionKey: leafKeys.publicKey,
    signatureKey,
    credential,
    capabilities,
    leafNodeSource: LeafNodeSource.commit,
    parentHash,
    extensions,
  };
  const tbs = leafNodeTBS(content, { groupId: opts.groupId, leafIndex: sender });
  const leafNode: LeafNode = { ...content, signature: signWithLabel(cs, opts.signaturePrivateKey, 'LeafNodeTBS', tbs) };
  tree.setLeaf(sender, leafNode);

  // §7.6: encrypt each path secret to the copath child's resolution, under the provisional GroupContext. Every
  // ciphertext of the path shares that context: one batch (the EncryptContext is built and hashed once).
  const context = opts.groupContext(treeHash(cs, tree));
  const resolutions = path.map(({ copathChild }) => tree.resolution(copathChild, opts.exclude));
  const receivers: Uint8Array[] = [];
  const secrets: Uint8Array[] = [];
  resolutions.forEach((res, i) => {
    const secret = pathSecrets.get(path[i]!.node)!;
    for (const r of res) {
      receivers.push(tree.encryptionKey(r));
      secrets.push(secret);
    }
  });
  const sealed = encryptWithLabelMany(cs, receivers, 'UpdatePathNode', context, secrets);
  let next = 0;
  const nodes: UpdatePathNode[] = resolutions.map((res, i) => {
    const encryptedPathSecret: HPKECiphertext[] = sealed.slice(next, next + res.length);
    next += res.length;
    return { encryptionKey: publicKeys[i]!, encryptedPathSecret };
  });
  return { updatePath: { leafNode, nodes }, commitSecret, pathSecrets, privateKeys: { leaf: sender, keys } };
}

export interface ProcessUpdatePathOptions {
  /** The serialized provisional GroupContext for a tree hash (as for `createUpdatePath`). */
  readonly groupContext: (treeHash: Uint8Array) => Uint8Array;
  /** Leaves added by the commit (excluded from the copath resolutions, §7.6). */
  readonly exclude?: ReadonlySet<number>;
}

export interface ProcessedUpdatePath {
  /** commit_secret (§12.4.2). */
  readonly commitSecret: Uint8Array;
  /** The node whose path secret was decrypted (the lowest common ancestor of sender and receiver). */
  readonly decryptedNode: NodeIndex;
  /** The decrypted path secret. */
  readonly pathSecret: Uint8Array;
  /** The receiver's private keys after merging: keys on the sender's direct path replaced by the derived ones. */
  readonly privateKeys: TreePrivateKeys;
}

const invalid = (what: string): never => {
  throw new MlsError('INVALID_COMMIT', what);
};

/**
 * Merge a received UpdatePath into the staged tree and decrypt it (§7.5 "merges UpdatePath into the tree" and
 * "decrypts the path secrets"): blank the sender's direct path, install the new keys with empty unmerged lists,
 * recompute the parent hashes and check the leaf's (§7.9.2), set the leaf, then decrypt the path secret at the
 * lowest common ancestor with a private key from the copath child's resolution, derive the rest and check every
 * derived public key against the UpdatePath.
 * Leaf-node validation of `path.leafNode` (signature, capabilities, lifetime rules, §7.3) is the caller's.
 * @throws MlsError INVALID_COMMIT naming what does not match (node count, parent hash, ciphertext count, a public
 * key) or when the receiver holds no private key in the copath child's resolution; AEAD_DECRYPT when the path
 * secret does not decrypt; STATE for the sender's own path or a receiver leaf under no copath node.
 */
export function processUpdatePath(
  cs: CipherSuite,
  tree: TreeState,
  sender: LeafIndex,
  path: UpdatePath,
  me: TreePrivateKeys,
  opts: ProcessUpdatePathOptions,
): ProcessedUpdatePath {
  if (sender === me.leaf) throw new MlsError('STATE', 'an own UpdatePath is applied from createUpdatePath, not processed');
  if (path.leafNode.leafNodeSource !== LeafNodeSource.commit)
    invalid(`[§7.3 leaf_node_source] UpdatePath leaf of leaf ${sender} has source ${path.leafNode.leafNodeSource}, not commit`);
  const direct = tree.directPath(sender);
  tree.blankDirectPath(sender);
  const fdp = tree.filteredDirectPath(sender);
  if (path.nodes.length !== fdp.length)
    invalid(`[§7.6] UpdatePath has ${path.nodes.length} nodes; the filtered direct path of leaf ${sender} has ${fdp.length}`);
  for (let i = 0; i < fdp.length; i++)
    tree.setParent(fdp[i]!.node, { encryptionKey: path.nodes[i]!.encryptionKey, parentHash: EMPTY, unmergedLeaves: [] });
  const parentHash = setPathParentHashes(cs, tree, sender);
  const carried = path.leafNode.leafNodeSource === LeafNodeSource.commit ? path.leafNode.parentHash : EMPTY;
  if (!bytesEqual(parentHash, carried))
    invalid(`[§7.9.2 parent hash] UpdatePath leaf of leaf ${sender}: parent_hash does not match the path`);
  tree.setLeaf(sender, path.leafNode);
  const context = opts.groupContext(treeHash(cs, tree));

  // The lowest common ancestor is the filtered-direct-path node whose copath child holds the receiver.
  const myNode = leafToNode(me.leaf);
  const i = fdp.findIndex((s) => isAncestor(s.copathChild, myNode));
  if (i < 0) throw new MlsError('STATE', `leaf ${me.leaf} is not under any copath node of leaf ${sender}`);
  const { node: lca, copathChild } = fdp[i]!;
  const res = tree.resolution(copathChild, opts.exclude);
  const cts = path.nodes[i]!.encryptedPathSecret;
  if (cts.length !== res.length)
    invalid(`[§7.6] UpdatePath node ${lca} has ${cts.length} ciphertexts; the resolution of node ${copathChild} has ${res.length} nodes`);
  // The resolution covers our leaf, so a consistent state holds a key for one of its nodes; when it does not, the
  // commit cannot be processed: reject it (INVALID_COMMIT), as any commit we cannot follow.
  const j = res.findIndex((r) => me.keys.has(r));
  if (j < 0) invalid(`[§7.6] leaf ${me.leaf} holds no private key for any node in the resolution of node ${copathChild}`);
  const ct = cts[j]!;
  const pathSecret = decryptWithLabel(cs, me.keys.get(res[j]!)!, 'UpdatePathNode', context, ct.kemOutput, ct.ciphertext);

  // Derive up the path; every derived public key must be the one sent (§7.5 step 6).
  const keys = new Map(me.keys);
  for (const x of direct) keys.delete(x); // blanked or replaced: the old keys are outdated (§7.5)
  let ps = pathSecret;
  for (let k = i; k < fdp.length; k++) {
    const kp = deriveNodeKeyPair(cs, ps);
    if (!bytesEqual(kp.publicKey, path.nodes[k]!.encryptionKey))
      invalid(`[§7.5] UpdatePath node ${fdp[k]!.node}: encryption_key is not the one derived from the path secret`);
    keys.set(fdp[k]!.node, kp.privateKey);
    const next = nextPathSecret(cs, ps);
    if (ps !== pathSecret) ps.fill(0);
    ps = next;
  }
  return { commitSecret: ps, decryptedNode: lca, pathSecret, privateKeys: { leaf: me.leaf, keys } };
}

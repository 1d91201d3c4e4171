/**
 * The secret tree and its per-sender hash ratchets (RFC 9420 §9, §9.1, §9.2), as an immutable value.
 *
 * ```
 * tree_node_[N]_secret
 *     +--> ExpandWithLabel(., "tree", "left", KDF.Nh)  = tree_node_[left(N)]_secret
 *     +--> ExpandWithLabel(., "tree", "right", KDF.Nh) = tree_node_[right(N)]_secret
 * leaf secret
 *     +--> ExpandWithLabel(., "handshake", "", KDF.Nh)   = handshake_ratchet_secret_[N]_[0]
 *     +--> ExpandWithLabel(., "application", "", KDF.Nh) = application_ratchet_secret_[N]_[0]
 * ratchet_secret_[N]_[j]
 *     +--> DeriveTreeSecret(., "nonce", j, AEAD.Nn)  = ratchet_nonce_[N]_[j]
 *     +--> DeriveTreeSecret(., "key", j, AEAD.Nk)    = ratchet_key_[N]_[j]
 *     +--> DeriveTreeSecret(., "secret", j, KDF.Nh) = ratchet_secret_[N]_[j+1]
 *
 * sender_data_key   = ExpandWithLabel(sender_data_secret, "key", ciphertext_sample, AEAD.Nk)     (§6.3.2)
 * sender_data_nonce = ExpandWithLabel(sender_data_secret, "nonce", ciphertext_sample, AEAD.Nn)
 * ```
 *
 * Model. A `SecretTree` is plain data (numbers, arrays, objects and Uint8Arrays: structured-clone safe, and
 * `encodeSecretTree` gives a canonical binary form for storage). It holds one entry per node that still has a
 * secret: an unsplit tree node secret, or a leaf's two ratchets. Every operation returns a new SecretTree and
 * leaves its input untouched, so a staged state (a Commit being processed, a message whose signature has yet to
 * verify) keeps the old value and drops the new one to roll back. Entries live in a persistent 32-way trie keyed
 * by node index, so an update copies O(log32 N) small arrays, never the whole tree.
 *
 * Lazy derivation: the tree starts as { root: encryption_secret }. A leaf's secret is derived only when that
 * leaf's ratchet is first needed, along the path from the lowest stored ancestor; each node on the way is split
 * into both children at once and deleted (§9.2: a node secret is consumed once its children exist). No operation
 * ever materialises N leaves.
 *
 * Deletion (§9.2), in the returned value: a key/nonce is gone once handed out (for encryption, or for a
 * decryption), a ratchet secret is replaced by the next as the ratchet advances, tree node secrets are deleted
 * once split. Because older values may still be referenced (staged states), nothing is zeroed in place; once the
 * owner has adopted a new value and used the handed-out key, `wipeReleased(old, new)` zeroes every buffer that
 * the old value held and the new one does not.
 *
 * Out-of-order window (receiving side): a generation up to `maxAhead` past the next expected one advances the
 * ratchet, keeping the keys of the skipped generations that lie within `maxBehind` of the newest; further ahead
 * is MlsError GENERATION_TOO_FAR. An older generation decrypts once, from a kept key; a used one, or one that fell
 * out of the window, is MlsError REPLAY.
 *
 * Constant-time: derivations are as the suite's HKDF; indices, generations and window checks are public data.
 */
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { deriveTreeSecret, deriveTreeSecrets, expandWithLabel, expandWithLabels } from '../crypto/labels.ts';
import { MlsError } from '../errors.ts';
import {
  directPath,
  left,
  leafToNode,
  level,
  nodeWidth,
  right,
  root,
  type LeafIndex,
  type NodeIndex,
} from '../tree/math.ts';

/** Which of a sender's two ratchets: handshake (proposals and commits) or application (§9). */
export type RatchetType = 'handshake' | 'application';

/** The out-of-order window of the receiving side. */
export interface SecretTreeWindow {
  /** How many generations past the next expected one a message may be (default 1,000). */
  readonly maxAhead: number;
  /** How many generations below the newest one seen keep their keys for late messages (default 10). */
  readonly maxBehind: number;
}
export const DEFAULT_WINDOW: SecretTreeWindow = Object.freeze({ maxAhead: 1000, maxBehind: 10 });

/** One generation's AEAD key and nonce (ratchet_key_[N]_[j], ratchet_nonce_[N]_[j]). */
export interface RatchetKey {
  readonly generation: number;
  readonly key: Uint8Array;
  readonly nonce: Uint8Array;
}

/** One hash ratchet. */
export interface Ratchet {
  /** The next generation this ratchet yields; `secret` is ratchet_secret_[N]_[generation]. 2^32 = exhausted. */
  readonly generation: number;
  readonly secret: Uint8Array;
  /** Unused keys of generations below `generation` kept for late messages, ascending by generation. */
  readonly retained: readonly RatchetKey[];
}

/** A leaf whose ratchets have started (its leaf secret is deleted). */
export interface LeafRatchets {
  readonly handshake: Ratchet;
  readonly application: Ratchet;
}

/** What a node holds: an unsplit tree node secret, or (leaves only) the leaf's ratchets. */
export type SecretTreeEntry = Uint8Array | LeafRatchets;

/** A persistent 32-way trie node: children (inner levels) or entries (level 0), indexed by 5 bits of the key. */
export type TrieNode = readonly (TrieNode | SecretTreeEntry | undefined)[];

/** The secret tree of one epoch. Treat as read-only: every function returns a new value. */
export interface SecretTree {
  readonly leafCount: number;
  readonly window: SecretTreeWindow;
  /** Levels of the trie (ceil(log32(node width)), at least 1). */
  readonly depth: number;
  readonly nodes: TrieNode;
}

// --- Persistent trie over node indices (public data only) ---

const BITS = 5;
const MASK = 31;

function trieDepth(width: number): number {
  let d = 1;
  while (2 ** (BITS * d) < width) d++;
  return d;
}

function trieGet(t: SecretTree, key: number): SecretTreeEntry | undefined {
  let n: TrieNode | SecretTreeEntry | undefined = t.nodes;
  for (let l = t.depth - 1; l >= 0; l--) {
    if (n === undefined) return undefined;
    n = (n as TrieNode)[(key >>> (BITS * l)) & MASK];
  }
  return n as SecretTreeEntry | undefined;
}

/** Path copy: a new trie node with `key` set to `v` (deleted for undefined); undefined when it becomes empty. */
function trieSet(
  n: TrieNode | undefined,
  l: number,
  key: number,
  v: SecretTreeEntry | undefined,
): TrieNode | undefined {
  const i = (key >>> (BITS * l)) & MASK;
  const copy = n ? n.slice() : [];
  const child = l === 0 ? v : trieSet(copy[i] as TrieNode | undefined, l - 1, key, v);
  if (child !== undefined) {
    copy[i] = child;
    return copy;
  }
  copy[i] = undefined;
  while (copy.length > 0 && copy[copy.length - 1] === undefined) copy.length--;
  return copy.some((x) => x !== undefined) ? copy : undefined;
}

function withEntries(t: SecretTree, changes: readonly [number, SecretTreeEntry | undefined][]): SecretTree {
  let nodes: TrieNode | undefined = t.nodes;
  for (const [k, v] of changes) nodes = trieSet(nodes, t.depth - 1, k, v);
  return { leafCount: t.leafCount, window: t.window, depth: t.depth, nodes: nodes ?? [] };
}

/** Every stored entry, ascending by node index. */
export function secretTreeEntries(t: SecretTree): [NodeIndex, SecretTreeEntry][] {
  const out: [NodeIndex, SecretTreeEntry][] = [];
  const walk = (n: TrieNode, l: number, prefix: number): void => {
    for (let i = 0; i < n.length; i++) {
      const c = n[i];
      if (c === undefined) continue;
      const key = prefix * 32 + i;
      if (l === 0) out.push([key as NodeIndex, c as SecretTreeEntry]);
      else walk(c as TrieNode, l - 1, key);
    }
  };
  walk(t.nodes, t.depth - 1, 0);
  return out;
}

// --- Construction ---

function checkWindow(w: SecretTreeWindow): void {
  for (const [name, v] of [['maxAhead', w.maxAhead], ['maxBehind', w.maxBehind]] as const)
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
      throw new MlsError('BAD_LENGTH', `secret tree window ${name} = ${v} is not a uint32`);
}

/**
 * A fresh secret tree with `encryption_secret` at the root (RFC 9420 §9).
 * @param leafCount the ratchet tree's leaf count: a power of two (RFC 9420 trees double and halve), ≤ 2^30.
 * @throws MlsError BAD_LENGTH for a secret that is not Nh bytes or a bad window; INVALID_TREE for a bad leafCount.
 * @example const st = createSecretTree(cs, epoch.encryptionSecret, tree.leafCount, { maxAhead: 500, maxBehind: 32 });
 */
export function createSecretTree(
  cs: CipherSuite,
  encryptionSecret: Uint8Array,
  leafCount: number,
  window: Partial<SecretTreeWindow> = {},
): SecretTree {
  if (encryptionSecret.length !== cs.Nh)
    throw new MlsError('BAD_LENGTH', `encryption_secret is ${encryptionSecret.length} bytes, must be Nh = ${cs.Nh}`);
  if (!Number.isInteger(leafCount) || leafCount < 1 || leafCount > 2 ** 30 || (leafCount & (leafCount - 1)) !== 0)
    throw new MlsError('INVALID_TREE', `secret tree leaf count ${leafCount} is not a power of two in 1..2^30`);
  const w: SecretTreeWindow = {
    maxAhead: window.maxAhead ?? DEFAULT_WINDOW.maxAhead,
    maxBehind: window.maxBehind ?? DEFAULT_WINDOW.maxBehind,
  };
  checkWindow(w);
  const t: SecretTree = { leafCount, window: w, depth: trieDepth(nodeWidth(leafCount)), nodes: [] };
  return withEntries(t, [[root(leafCount), encryptionSecret]]);
}

// --- Derivation along the path ---

const EMPTY = new Uint8Array(0);
const LEFT = new TextEncoder().encode('left');
const RIGHT = new TextEncoder().encode('right');

function checkLeaf(t: SecretTree, leaf: LeafIndex): void {
  if (!Number.isInteger(leaf) || leaf < 0 || leaf >= t.leafCount)
    throw new MlsError('INVALID_TREE', `leaf ${leaf} is not in a secret tree of ${t.leafCount} leaves`);
}

function startRatchets(cs: CipherSuite, leafSecret: Uint8Array): LeafRatchets {
  const [h, a] = expandWithLabels(cs, leafSecret, [['handshake', cs.Nh], ['application', cs.Nh]], EMPTY);
  return { handshake: { generation: 0, secret: h!, retained: [] }, application: { generation: 0, secret: a!, retained: [] } };
}

/** The leaf's ratchets, deriving the path down from the lowest stored ancestor when they have not started. */
function leafRatchets(cs: CipherSuite, t: SecretTree, leaf: LeafIndex): { tree: SecretTree; ratchets: LeafRatchets } {
  checkLeaf(t, leaf);
  const x = leafToNode(leaf);
  const own = trieGet(t, x);
  if (own !== undefined && !(own instanceof Uint8Array)) return { tree: t, ratchets: own };
  // Path from the leaf up to the root; find the lowest node that still holds a secret.
  const path: NodeIndex[] = [x, ...directPath(x, t.leafCount)];
  let top = 0;
  while (top < path.length && !(trieGet(t, path[top]!) instanceof Uint8Array)) top++;
  if (top === path.length)
    throw new MlsError('STATE', `secret tree: no secret left on the path of leaf ${leaf} (state is inconsistent)`);
  const changes: [number, SecretTreeEntry | undefined][] = [];
  let secret = trieGet(t, path[top]!) as Uint8Array;
  for (let i = top; i > 0; i--) {
    const n = path[i]!;
    const l = left(n);
    const r = right(n);
    const ls = expandWithLabel(cs, secret, 'tree', LEFT, cs.Nh);
    const rs = expandWithLabel(cs, secret, 'tree', RIGHT, cs.Nh);
    // §9.2: both children exist now, so the parent's secret is consumed. Intermediate secrets created here and
    // not stored are wiped; the stored one may be referenced by an older SecretTree value, so it is only dropped.
    if (i !== top) secret.fill(0);
    changes.push([n, undefined]);
    const down = path[i - 1]!;
    changes.push([down === l ? r : l, down === l ? rs : ls]);
    secret = down === l ? ls : rs;
  }
  const ratchets = startRatchets(cs, secret);
  if (top !== 0) secret.fill(0); // the leaf secret derived here, consumed by its ratchets
  changes.push([x, ratchets]);
  return { tree: withEntries(t, changes), ratchets };
}

/** One ratchet step (§9.1): the key and nonce of `generation`, and the next secret, in one KDF call. */
function ratchetStep(cs: CipherSuite, secret: Uint8Array, generation: number): { key: RatchetKey; next: Uint8Array } {
  const [key, nonce, next] = deriveTreeSecrets(cs, secret, generation, [
    ['key', cs.Nk],
    ['nonce', cs.Nn],
    ['secret', cs.Nh],
  ]);
  return { key: { generation, key: key!, nonce: nonce! }, next: next! };
}

function setRatchet(t: SecretTree, leaf: LeafIndex, lr: LeafRatchets, type: RatchetType, r: Ratchet): SecretTree {
  const next: LeafRatchets =
    type === 'handshake' ? { handshake: r, application: lr.application } : { handshake: lr.handshake, application: r };
  return withEntries(t, [[leafToNode(leaf), next]]);
}

function checkType(type: RatchetType): void {
  if (type !== 'handshake' && type !== 'application') throw new MlsError('STATE', `ratchet type ${String(type)}`);
}

/** The result of taking a key out of the tree: the key and the tree without it. */
export interface RatchetKeyResult extends RatchetKey {
  readonly tree: SecretTree;
}

/**
 * The sending side: the next unused generation of `leaf`'s ratchet (§9.1), its key and nonce, and the tree with
 * the ratchet advanced past it (the key is not kept: a key/nonce pair encrypts one message).
 * @throws MlsError INVALID_TREE for a leaf outside the tree; STATE when the ratchet is exhausted (2^32 keys).
 * @example const { generation, key, nonce, tree } = nextSendKey(cs, st, myLeaf, 'application');
 */
export function nextSendKey(cs: CipherSuite, t: SecretTree, leaf: LeafIndex, type: RatchetType): RatchetKeyResult {
  checkType(type);
  const { tree, ratchets } = leafRatchets(cs, t, leaf);
  const r = ratchets[type];
  if (r.generation > 0xffffffff) throw new MlsError('STATE', `the ${type} ratchet of leaf ${leaf} is exhausted`);
  const { key: k, next: secret } = ratchetStep(cs, r.secret, r.generation);
  const next: Ratchet = { generation: r.generation + 1, secret, retained: r.retained };
  return { ...k, tree: setRatchet(tree, leaf, ratchets, type, next) };
}

/**
 * The receiving side: the key and nonce of `generation` in `leaf`'s ratchet, and the tree with that key deleted
 * (§9.2). Adopt the returned tree only once the message has decrypted.
 * - generation ≥ next expected: allowed up to `window.maxAhead` past it; the ratchet advances to generation + 1,
 *   keeping the keys of the skipped generations within `window.maxBehind` of `generation`.
 * - generation < next expected: only from a kept key, once.
 * @throws MlsError GENERATION_TOO_FAR beyond the window; REPLAY for a used or deleted generation; INVALID_TREE for
 *   a leaf outside the tree; BAD_LENGTH for a generation that is not a uint32.
 * @example const { key, nonce, tree } = receiveKey(cs, st, senderData.leafIndex, 'handshake', senderData.generation);
 */
export function receiveKey(
  cs: CipherSuite,
  t: SecretTree,
  leaf: LeafIndex,
  type: RatchetType,
  generation: number,
): RatchetKeyResult {
  checkType(type);
  if (!Number.isInteger(generation) || generation < 0 || generation > 0xffffffff)
    throw new MlsError('BAD_LENGTH', `generation ${generation} is not a uint32`);
  checkLeaf(t, leaf);
  const { tree, ratchets } = leafRatchets(cs, t, leaf);
  const r = ratchets[type];
  const { maxAhead, maxBehind } = t.window;

  if (generation < r.generation) {
    const i = r.retained.findIndex((k) => k.generation === generation);
    if (i < 0)
      throw new MlsError(
        'REPLAY',
        `generation ${generation} of leaf ${leaf}'s ${type} ratchet was already used or has been deleted ` +
          `(next is ${r.generation}, ${maxBehind} kept behind)`,
      );
    const k = r.retained[i]!;
    const next: Ratchet = { ...r, retained: [...r.retained.slice(0, i), ...r.retained.slice(i + 1)] };
    return { ...k, tree: setRatchet(tree, leaf, ratchets, type, next) };
  }

  if (generation - r.generation > maxAhead)
    throw new MlsError(
      'GENERATION_TOO_FAR',
      `generation ${generation} of leaf ${leaf}'s ${type} ratchet is ${generation - r.generation} past the next ` +
        `(${r.generation}); the window allows ${maxAhead}`,
    );
  // Keys of generations below this bound leave the window (and are deleted).
  const keepFrom = generation - maxBehind;
  const retained = r.retained.filter((k) => k.generation >= keepFrom);
  let secret = r.secret;
  for (let j = r.generation; j < generation; j++) {
    let s: Uint8Array;
    if (j >= keepFrom) {
      const step = ratchetStep(cs, secret, j);
      retained.push(step.key);
      s = step.next;
    } else s = deriveTreeSecret(cs, secret, 'secret', j, cs.Nh);
    if (secret !== r.secret) secret.fill(0); // an intermediate ratchet secret created in this loop
    secret = s;
  }
  const { key: k, next: nextSecret } = ratchetStep(cs, secret, generation);
  if (secret !== r.secret) secret.fill(0);
  const next: Ratchet = { generation: generation + 1, secret: nextSecret, retained };
  return { ...k, tree: setRatchet(tree, leaf, ratchets, type, next) };
}

/**
 * The sender-data AEAD key and nonce (RFC 9420 §6.3.2): from sender_data_secret and the first KDF.Nh bytes of the
 * content ciphertext (all of it when shorter).
 * @example const { key, nonce } = senderDataKeyNonce(cs, epoch.senderDataSecret, msg.ciphertext);
 */
export function senderDataKeyNonce(
  cs: CipherSuite,
  senderDataSecret: Uint8Array,
  ciphertext: Uint8Array,
): { key: Uint8Array; nonce: Uint8Array } {
  if (senderDataSecret.length !== cs.Nh)
    throw new MlsError('BAD_LENGTH', `sender_data_secret is ${senderDataSecret.length} bytes, must be Nh = ${cs.Nh}`);
  const sample = ciphertext.subarray(0, cs.Nh);
  const [key, nonce] = expandWithLabels(cs, senderDataSecret, [['key', cs.Nk], ['nonce', cs.Nn]], sample);
  return { key: key!, nonce: nonce! };
}

// --- Inspection and wiping ---

/** Every secret buffer a SecretTree holds (node secrets, ratchet secrets, kept keys and nonces). */
export function secretTreeBuffers(t: SecretTree): Uint8Array[] {
  const out: Uint8Array[] = [];
  const ratchet = (r: Ratchet): void => {
    out.push(r.secret);
    for (const k of r.retained) out.push(k.key, k.nonce);
  };
  for (const [, e] of secretTreeEntries(t)) {
    if (e instanceof Uint8Array) out.push(e);
    else {
      ratchet(e.handshake);
      ratchet(e.application);
    }
  }
  return out;
}

/**
 * Zero every buffer that `before` holds and `after` (and `alsoKeep`) do not (§9.2: delete consumed values). Call it
 * once the new value is adopted (and any key taken from `before` has been used), and only when nothing else still needs
 * `before` (e.g. no staged state built on it).
 */
export function wipeReleased(before: SecretTree, after: SecretTree, alsoKeep?: SecretTree): void {
  const keep = new Set(secretTreeBuffers(after));
  // `alsoKeep`: a tree still in use (the stored state, while a batch of messages works on newer trees).
  if (alsoKeep) for (const b of secretTreeBuffers(alsoKeep)) keep.add(b);
  for (const b of secretTreeBuffers(before)) if (!keep.has(b)) b.fill(0);
}

/** The leaf's ratchets if they have started (for inspection and tests); undefined otherwise. */
export function peekLeafRatchets(t: SecretTree, leaf: LeafIndex): LeafRatchets | undefined {
  checkLeaf(t, leaf);
  const e = trieGet(t, leafToNode(leaf));
  return e === undefined || e instanceof Uint8Array ? undefined : e;
}

// --- Serialization ---
//
// A canonical binary form for storage (this SDK's own, not an RFC 9420 struct):
//   struct { uint64 generation; opaque secret<V>; RatchetKey retained<V>; } Ratchet;   (generation ≤ 2^32)
//   struct { uint32 generation; opaque key<V>; opaque nonce<V>; } RatchetKey;
//   struct { uint32 node; uint8 kind; select (kind) { case 1: opaque secret<V>; case 2: Ratchet handshake;
//            Ratchet application; } } Entry;
//   struct { uint32 leaf_count; uint32 max_ahead; uint32 max_behind; Entry entries<V>; } SecretTreeState;

function encodeRatchet(w: Writer, r: Ratchet): void {
  w.u64(r.generation).opaque(r.secret);
  w.vector(r.retained, (w2, k) => void w2.u32(k.generation).opaque(k.key).opaque(k.nonce));
}
function decodeRatchet(r: Reader): Ratchet {
  const g = r.u64('generation');
  if (g > 0x1_0000_0000n) r.fail('generation', `ratchet generation ${g} exceeds 2^32`);
  const secret = r.opaque('secret').slice();
  const retained = r.vector('retained', (r2) => ({
    generation: r2.u32('generation'),
    key: r2.opaque('key').slice(),
    nonce: r2.opaque('nonce').slice(),
  }));
  return { generation: Number(g), secret, retained };
}

/** Write a SecretTree in its canonical binary form (for storage; it holds secrets). */
export function encodeSecretTree(w: Writer, t: SecretTree): void {
  w.u32(t.leafCount).u32(t.window.maxAhead).u32(t.window.maxBehind);
  w.vector(secretTreeEntries(t), (w2, [node, e]) => {
    w2.u32(node);
    if (e instanceof Uint8Array) w2.u8(1).opaque(e);
    else {
      w2.u8(2);
      encodeRatchet(w2, e.handshake);
      encodeRatchet(w2, e.application);
    }
  });
}

/** @throws MlsError DECODE naming the field; INVALID_TREE for a bad leaf count or a node outside the tree. */
export function decodeSecretTree(r: Reader): SecretTree {
  const leafCount = r.u32('leaf_count');
  if (leafCount < 1 || leafCount > 2 ** 30 || (leafCount & (leafCount - 1)) !== 0)
    r.fail('leaf_count', `${leafCount} is not a power of two in 1..2^30`);
  const window = { maxAhead: r.u32('max_ahead'), maxBehind: r.u32('max_behind') };
  const width = nodeWidth(leafCount);
  const entries = r.vector('entries', (r2): [number, SecretTreeEntry] => {
    const at = r2.offset;
    const node = r2.u32('node');
    if (node >= width) r2.fail('node', `node ${node} is outside a tree of ${leafCount} leaves`, at);
    const kind = r2.u8('kind');
    if (kind === 1) return [node, r2.opaque('secret').slice()];
    if (kind !== 2 || level(node as NodeIndex) !== 0) r2.fail('kind', `entry kind ${kind} for node ${node}`, at);
    return [node, { handshake: decodeRatchet(r2), application: decodeRatchet(r2) }];
  });
  for (let i = 1; i < entries.length; i++)
    if (entries[i]![0] <= entries[i - 1]![0]) r.fail('entries', 'node indices must be strictly ascending');
  const t: SecretTree = { leafCount, window, depth: trieDepth(width), nodes: [] };
  return withEntries(t, entries);
}

/** The canonical bytes of a SecretTree. */
export const secretTreeBytes = (t: SecretTree): Uint8Array => encode((w) => encodeSecretTree(w, t));
/** A SecretTree from its canonical bytes (trailing bytes refused). */
export const secretTreeFrom = (b: Uint8Array): SecretTree => decode(b, decodeSecretTree, 'SecretTreeState');

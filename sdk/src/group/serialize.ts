/**
 * The whole GroupState to bytes and back (for the storage layer), in one linear pass each way.
 *
 * This SDK's own format (not an RFC 9420 struct), in TLS presentation language over the same codec:
 * ```
 * struct {
 *   uint16 format = 3;  uint16 cipher_suite;
 *   Config config;                       // wire format policy, window, past epochs, padding, …
 *   GroupContext context;
 *   optional<Node> ratchet_tree<V>;      // the public tree (§12.4.3.3 form); tree hashes are recomputed lazily
 *   uint32 my_leaf;
 *   struct { uint32 node; opaque key<V>; } private_keys<V>;     // ascending node order
 *   opaque signature_private_key<V>;
 *   opaque epoch_secrets<V>[10];         // fixed order, see SECRET_FIELDS (no encryption_secret: §9.2)
 *   optional<SecretTreeState> secret_tree; // schedule/secret-tree.ts canonical form; absent when stored apart
 *   opaque interim_transcript_hash<V>;  opaque confirmation_tag<V>;
 *   struct { opaque ref<V>; Sender sender; Proposal proposal; optional<opaque> update_key; } proposals<V>;
 *   struct { uint64 epoch; opaque psk<V>; } resumption_psks<V>;
 *   struct { opaque psk_id<V>; opaque psk<V>; } external_psks<V>;
 *   struct { GroupContext context; optional<Node> tree<V>; SecretTreeState st; opaque sender_data<V>; } past<V>;
 *   uint8 active;  optional<ReInit> reinit;
 * } GroupStateBytes;
 * ```
 * Formats 1 and 2 (read only) held secret_tree without the optional<> prefix; format 1 also held encryption_secret
 * after sender_data_secret (read and wiped, never kept).
 * The secret tree is the only part a message changes: `{ secretTree: false }` leaves it out, so a store can keep
 * it in its own record (`secretTreeBytes`) and rewrite only that record per message (O(1) in the group size).
 * Deterministic: the same state always gives the same bytes (the rejection tests compare them). The output holds
 * every secret of the state: seal it at rest (storage/seal.ts).
 */
import { decode, Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { getCipherSuite } from '../crypto/suites.ts';
import { MlsError } from '../errors.ts';
import { decodeSender, encodeSender } from '../framing/content.ts';
import { decodeGroupContext, encodeGroupContext } from '../messages/group-context.ts';
import { decodeProposal, decodeReInit, encodeProposal, encodeReInit } from '../messages/proposals.ts';
import { decodeRatchetTree, encodeRatchetTree } from '../messages/ratchet-tree.ts';
import { decodeSecretTree, encodeSecretTree, type SecretTree } from '../schedule/secret-tree.ts';
import type { LeafIndex, NodeIndex } from '../tree/math.ts';
import { TreeState } from '../tree/ratchet-tree.ts';
import { groupConfig, type GroupConfig, type GroupSecrets, type GroupState } from './state.ts';

const FORMAT = 3;
/** Format 2: secret_tree always present, not wrapped in optional<>. */
const FORMAT_TREE_INLINE = 2;
/** Format 1 stored encryption_secret (the secret tree's root) as its second epoch secret. */
const FORMAT_WITH_ROOT = 1;
const SECRET_FIELDS = [
  'senderDataSecret',
  'exporterSecret',
  'externalSecret',
  'confirmationKey',
  'membershipKey',
  'resumptionPsk',
  'epochAuthenticator',
  'initSecret',
  'externalPub',
  'externalPriv',
] as const satisfies readonly (keyof GroupSecrets)[];

function encodeConfig(w: Writer, c: GroupConfig): void {
  w.u8(c.handshakeWireFormat === 'private' ? 1 : 0);
  w.u8(c.acceptHandshake === 'public' ? 0 : c.acceptHandshake === 'private' ? 1 : 2);
  w.u32(c.secretTreeWindow.maxAhead).u32(c.secretTreeWindow.maxBehind);
  w.u16(c.pastEpochs).u16(c.resumptionPsks).u16(c.paddingBlock);
  w.u8(c.unknownProposals === 'accept' ? 1 : 0);
  w.optional(c.maxLifetimeSeconds, (w, v) => void w.u64(v));
}
function decodeConfig(r: Reader): GroupConfig {
  const hs = r.u8('handshake_wire_format');
  const acc = r.u8('accept_handshake');
  const window = { maxAhead: r.u32('max_ahead'), maxBehind: r.u32('max_behind') };
  const pastEpochs = r.u16('past_epochs');
  const resumptionPsks = r.u16('resumption_psks');
  const paddingBlock = r.u16('padding_block');
  const unknown = r.u8('unknown_proposals');
  const maxLifetimeSeconds = r.optional('max_lifetime', (r) => r.u64('max_lifetime'));
  if (hs > 1 || acc > 2 || unknown > 1) r.fail('config', 'bad enum value');
  return groupConfig({
    handshakeWireFormat: hs === 1 ? 'private' : 'public',
    acceptHandshake: acc === 0 ? 'public' : acc === 1 ? 'private' : 'both',
    secretTreeWindow: window,
    pastEpochs,
    resumptionPsks,
    paddingBlock,
    unknownProposals: unknown === 1 ? 'accept' : 'reject',
    maxLifetimeSeconds,
  });
}

function encodeTree(w: Writer, t: TreeState): void {
  encodeRatchetTree(w, t.toWire());
}
function decodeTree(r: Reader): TreeState {
  return TreeState.fromWire(decodeRatchetTree(r));
}

/**
 * Serialize a GroupState (all of it, secrets included). Linear in the size of the state.
 * @param opts.secretTree false: leave the current epoch's secret tree out (store `secretTreeBytes(s.secretTree)`
 *   apart and pass it back to `deserializeGroupState`); past epochs' trees stay in.
 * @example await storage.put('group', id, serializeGroupState(state));
 */
export function serializeGroupState(s: GroupState, opts: { readonly secretTree?: boolean } = {}): Uint8Array {
  return encode((w) => {
    w.u16(FORMAT).u16(s.cs.id);
    encodeConfig(w, s.config);
    encodeGroupContext(w, s.context);
    encodeTree(w, s.tree);
    w.u32(s.myLeaf);
    const keys = [...s.privateKeys].sort((a, b) => a[0] - b[0]);
    w.vector(keys, (w, [x, k]) => void w.u32(x).opaque(k));
    w.opaque(s.signaturePrivateKey);
    for (const f of SECRET_FIELDS) w.opaque(s.secrets[f]);
    w.optional(opts.secretTree === false ? undefined : s.secretTree, encodeSecretTree);
    w.opaque(s.interimTranscriptHash).opaque(s.confirmationTag);
    w.vector(s.proposals, (w, p) => {
      w.opaque(p.ref);
      encodeSender(w, p.sender);
      encodeProposal(w, p.proposal);
      w.optional(p.updatePrivateKey, (w, k) => void w.opaque(k));
    });
    w.vector(s.resumptionPsks, (w, p) => void w.u64(p.epoch).opaque(p.psk));
    w.vector(s.externalPsks, (w, p) => void w.opaque(p.pskId).opaque(p.psk));
    w.vector(s.pastEpochs, (w, p) => {
      encodeGroupContext(w, p.context);
      encodeTree(w, p.tree);
      encodeSecretTree(w, p.secretTree);
      w.opaque(p.senderDataSecret);
    });
    w.u8(s.active ? 1 : 0);
    w.optional(s.reinit, encodeReInit);
  }, 4096);
}

/**
 * Restore a GroupState from `serializeGroupState` bytes. The state keeps no reference to `bytes`: wipe them
 * afterwards. Public fields (context, tree, proposals) are views into one private copy of the input, whose secret
 * regions are zeroed once decoded (secrets are copied out separately).
 * @param suite the cipher suite implementation (default `getCipherSuite(id)`); must have the stored suite's id.
 * @param opts.secretTree the current epoch's secret tree, for bytes written with `{ secretTree: false }`.
 * @throws MlsError DECODE naming the field; UNSUPPORTED for an unknown format or suite; STATE when the bytes
 *   hold no secret tree and none is given.
 */
export function deserializeGroupState(
  bytes: Uint8Array,
  suite?: CipherSuite,
  opts: { readonly secretTree?: SecretTree } = {},
): GroupState {
  if (!(bytes instanceof Uint8Array)) new Reader(bytes); // DECODE for a non-byte input
  const buf = bytes.slice();
  const secretRanges: [number, number][] = [];
  /** Read a secret part; its bytes in `buf` are zeroed after decoding (what it returns is a copy). */
  const secret = <T>(r: Reader, f: () => T): T => {
    const start = r.offset;
    const v = f();
    secretRanges.push([start, r.offset]);
    return v;
  };
  let ok = false;
  try {
    const state = decode(
      buf,
      (r) => {
        const format = r.u16('format');
        if (format !== FORMAT && format !== FORMAT_TREE_INLINE && format !== FORMAT_WITH_ROOT) throw new MlsError('UNSUPPORTED', `group state format ${format}`);
        const id = r.u16('cipher_suite');
        const cs = suite ?? getCipherSuite(id);
        if (cs.id !== id) throw new MlsError('UNSUPPORTED', `suite ${cs.id} given for a state of suite ${id}`);
        const copy = (f: string): Uint8Array => r.opaque(f).slice();
        const config = decodeConfig(r);
        const context = decodeGroupContext(r);
        const tree = decodeTree(r);
        const myLeaf = r.u32('my_leaf') as LeafIndex;
        const privateKeys = secret(r, () => new Map<NodeIndex, Uint8Array>(
          r.vector('private_keys', (r) => [r.u32('node') as NodeIndex, r.opaque('key').slice()] as const),
        ));
        const signaturePrivateKey = secret(r, () => copy('signature_private_key'));
        const secrets = {} as Record<(typeof SECRET_FIELDS)[number], Uint8Array>;
        secret(r, () => {
          for (const f of SECRET_FIELDS) {
            secrets[f] = copy(f);
            if (f === 'senderDataSecret' && format === FORMAT_WITH_ROOT) r.opaque('encryption_secret');
          }
        });
        const stored = secret(r, () => (format === FORMAT ? r.optional('secret_tree', decodeSecretTree) : decodeSecretTree(r)));
        const secretTree = stored ?? opts.secretTree;
        if (secretTree === undefined)
          throw new MlsError('STATE', 'this group state was stored without its secret tree: pass opts.secretTree');
        const interimTranscriptHash = copy('interim_transcript_hash');
        const confirmationTag = copy('confirmation_tag');
        const proposals = r.vector('proposals', (r) => {
          const ref = r.opaque('ref').slice();
          const sender = decodeSender(r);
          const proposal = decodeProposal(r);
          const updatePrivateKey = secret(r, () => r.optional('update_key', (r) => r.opaque('update_key').slice()));
          return { ref, sender, proposal, updatePrivateKey };
        });
        const resumptionPsks = secret(r, () => r.vector('resumption_psks', (r) => ({ epoch: r.u64('epoch'), psk: r.opaque('psk').slice() })));
        const externalPsks = secret(r, () => r.vector('external_psks', (r) => ({ pskId: r.opaque('psk_id').slice(), psk: r.opaque('psk').slice() })));
        const pastEpochs = r.vector('past_epochs', (r) => ({
          context: decodeGroupContext(r),
          tree: decodeTree(r),
          secretTree: secret(r, () => decodeSecretTree(r)),
          senderDataSecret: secret(r, () => r.opaque('sender_data_secret').slice()),
        }));
        const active = r.u8('active') === 1;
        const reinit = r.optional('reinit', decodeReInit);
        return {
          cs,
          config,
          context,
          tree,
          myLeaf,
          privateKeys,
          signaturePrivateKey,
          secrets,
          secretTree,
          interimTranscriptHash,
          confirmationTag,
          proposals,
          resumptionPsks,
          externalPsks,
          pastEpochs,
          active,
          reinit,
        } satisfies GroupState;
      },
      'GroupState',
    );
    ok = true;
    return state;
  } finally {
    if (ok) for (const [a, b] of secretRanges) buf.fill(0, a, b);
    else buf.fill(0);
  }
}

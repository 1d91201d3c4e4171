/**
 * Proposals (RFC 9420 §12.1) and ProposalOrRef (§12.4).
 *
 * ```
 * // See the "MLS Proposal Types" IANA registry for values
 * uint16 ProposalType;
 *
 * struct {
 *     ProposalType proposal_type;
 *     select (Proposal.proposal_type) {
 *         case add:                      Add;
 *         case update:                   Update;
 *         case remove:                   Remove;
 *         case psk:                      PreSharedKey;
 *         case reinit:                   ReInit;
 *         case external_init:            ExternalInit;
 *         case group_context_extensions: GroupContextExtensions;
 *     };
 * } Proposal;
 *
 * struct { KeyPackage key_package; } Add;                          // §12.1.1
 * struct { LeafNode leaf_node; } Update;                           // §12.1.2
 * struct { uint32 removed; } Remove;                               // §12.1.3
 * struct { PreSharedKeyID psk; } PreSharedKey;                     // §12.1.4
 * struct {                                                         // §12.1.5
 *     opaque group_id<V>;
 *     ProtocolVersion version;
 *     CipherSuite cipher_suite;
 *     Extension extensions<V>;
 * } ReInit;
 * struct { opaque kem_output<V>; } ExternalInit;                   // §12.1.6
 * struct { Extension extensions<V>; } GroupContextExtensions;      // §12.1.7
 *
 * enum { reserved(0), external(1), resumption(2), (255) } PSKType;                       // §8.4
 * enum { reserved(0), application(1), reinit(2), branch(3), (255) } ResumptionPSKUsage;
 * struct {
 *   PSKType psktype;
 *   select (PreSharedKeyID.psktype) {
 *     case external:
 *       opaque psk_id<V>;
 *     case resumption:
 *       ResumptionPSKUsage usage;
 *       opaque psk_group_id<V>;
 *       uint64 psk_epoch;
 *   };
 *   opaque psk_nonce<V>;
 * } PreSharedKeyID;
 *
 * enum { reserved(0), proposal(1), reference(2), (255) } ProposalOrRefType;              // §12.4
 * struct {
 *   ProposalOrRefType type;
 *   select (ProposalOrRef.type) {
 *     case proposal:  Proposal proposal;
 *     case reference: ProposalRef reference;
 *   };
 * } ProposalOrRef;
 * ```
 *
 * Proposal types outside the seven above are kept (§13.2 lets applications define them), as `kind: 'unknown'`
 * with their body: the RFC gives such bodies no framing, so we follow OpenMLS and mls-rs, whose custom proposals
 * carry `opaque payload<V>` after the type. proposal_type 0 (reserved) is refused. The body structs (Add, …)
 * have their own encode/decode pairs (the interop vectors serialize them without the type). Decoded byte fields
 * are views into the input.
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import { MlsError } from '../errors.ts';
import type { LeafIndex } from '../tree/math.ts';
import { decodeCipherSuiteId, decodeVersion, type ProtocolVersion } from './common.ts';
import { decodeExtensions, encodeExtensions, type Extension } from './extensions.ts';
import { decodeKeyPackage, encodeKeyPackage, type KeyPackage } from './key-package.ts';
import { decodeLeafNode, encodeLeafNode, type LeafNode } from './leaf-node.ts';

/** Proposal types of RFC 9420 §17.4. */
export const ProposalType = {
  add: 1,
  update: 2,
  remove: 3,
  psk: 4,
  reinit: 5,
  external_init: 6,
  group_context_extensions: 7,
} as const;
export type KnownProposalKind = keyof typeof ProposalType;

// --- PreSharedKeyID (§8.4) ---

export const PSKType = { external: 1, resumption: 2 } as const;
export const ResumptionPSKUsage = { application: 1, reinit: 2, branch: 3 } as const;
export type ResumptionPSKUsage = (typeof ResumptionPSKUsage)[keyof typeof ResumptionPSKUsage];
const PSK_TYPES: ReadonlySet<number> = new Set([1, 2]);
const USAGES: ReadonlySet<ResumptionPSKUsage> = new Set([1, 2, 3] as ResumptionPSKUsage[]);

export interface ExternalPSKID {
  readonly pskType: typeof PSKType.external;
  readonly pskId: Uint8Array;
  readonly pskNonce: Uint8Array;
}
export interface ResumptionPSKID {
  readonly pskType: typeof PSKType.resumption;
  readonly usage: ResumptionPSKUsage;
  readonly pskGroupId: Uint8Array;
  readonly pskEpoch: bigint;
  readonly pskNonce: Uint8Array;
}
export type PreSharedKeyID = ExternalPSKID | ResumptionPSKID;

export function encodePreSharedKeyID(w: Writer, id: PreSharedKeyID): void {
  w.u8(id.pskType);
  if (id.pskType === PSKType.external) w.opaque(id.pskId);
  else if (id.pskType === PSKType.resumption) w.u8(id.usage).opaque(id.pskGroupId).u64(id.pskEpoch);
  else throw new MlsError('INVALID_MESSAGE', `psktype ${(id as { pskType: number }).pskType} is not 1 or 2`);
  w.opaque(id.pskNonce);
}

/** @throws MlsError DECODE naming `psktype` or `usage` for a reserved or unknown value. */
export function decodePreSharedKeyID(r: Reader): PreSharedKeyID {
  const pskType = r.enumU8('psktype', PSK_TYPES);
  if (pskType === PSKType.external) {
    const pskId = r.opaque('psk_id');
    return { pskType, pskId, pskNonce: r.opaque('psk_nonce') };
  }
  const usage = r.enumU8('usage', USAGES);
  const pskGroupId = r.opaque('psk_group_id');
  const pskEpoch = r.u64('psk_epoch');
  return { pskType: PSKType.resumption, usage, pskGroupId, pskEpoch, pskNonce: r.opaque('psk_nonce') };
}

// --- Proposal bodies ---

export interface Add {
  readonly keyPackage: KeyPackage;
}
export interface Update {
  readonly leafNode: LeafNode;
}
export interface Remove {
  readonly removed: LeafIndex;
}
export interface PreSharedKey {
  readonly psk: PreSharedKeyID;
}
export interface ReInit {
  readonly groupId: Uint8Array;
  readonly version: ProtocolVersion;
  readonly cipherSuite: number;
  readonly extensions: readonly Extension[];
}
export interface ExternalInit {
  readonly kemOutput: Uint8Array;
}
export interface GroupContextExtensions {
  readonly extensions: readonly Extension[];
}

export const encodeAdd = (w: Writer, p: Add): void => encodeKeyPackage(w, p.keyPackage);
export const decodeAdd = (r: Reader): Add => ({ keyPackage: decodeKeyPackage(r) });
export const encodeUpdate = (w: Writer, p: Update): void => encodeLeafNode(w, p.leafNode);
export const decodeUpdate = (r: Reader): Update => ({ leafNode: decodeLeafNode(r) });
export const encodeRemove = (w: Writer, p: Remove): void => void w.u32(p.removed);
export const decodeRemove = (r: Reader): Remove => ({ removed: r.u32('removed') as LeafIndex });
export const encodePreSharedKey = (w: Writer, p: PreSharedKey): void => encodePreSharedKeyID(w, p.psk);
export const decodePreSharedKey = (r: Reader): PreSharedKey => ({ psk: decodePreSharedKeyID(r) });
export function encodeReInit(w: Writer, p: ReInit): void {
  w.opaque(p.groupId).u16(p.version).u16(p.cipherSuite);
  encodeExtensions(w, p.extensions);
}
export function decodeReInit(r: Reader): ReInit {
  const groupId = r.opaque('group_id');
  const version = decodeVersion(r);
  const cipherSuite = decodeCipherSuiteId(r);
  return { groupId, version, cipherSuite, extensions: decodeExtensions(r) };
}
export const encodeExternalInit = (w: Writer, p: ExternalInit): void => void w.opaque(p.kemOutput);
export const decodeExternalInit = (r: Reader): ExternalInit => ({ kemOutput: r.opaque('kem_output') });
export const encodeGroupContextExtensions = (w: Writer, p: GroupContextExtensions): void =>
  encodeExtensions(w, p.extensions);
export const decodeGroupContextExtensions = (r: Reader): GroupContextExtensions => ({
  extensions: decodeExtensions(r),
});

// --- Proposal ---

/** A proposal type this library does not implement, kept with its opaque body. */
export interface UnknownProposal {
  readonly kind: 'unknown';
  readonly proposalType: number;
  readonly body: Uint8Array;
}
export type Proposal =
  | ({ readonly kind: 'add' } & Add)
  | ({ readonly kind: 'update' } & Update)
  | ({ readonly kind: 'remove' } & Remove)
  | ({ readonly kind: 'psk' } & PreSharedKey)
  | ({ readonly kind: 'reinit' } & ReInit)
  | ({ readonly kind: 'external_init' } & ExternalInit)
  | ({ readonly kind: 'group_context_extensions' } & GroupContextExtensions)
  | UnknownProposal;

/** The wire `proposal_type` of a proposal. */
export function proposalTypeOf(p: Proposal): number {
  return p.kind === 'unknown' ? p.proposalType : ProposalType[p.kind];
}

/** @throws MlsError INVALID_MESSAGE for an 'unknown' proposal that claims a known or reserved type. */
export function encodeProposal(w: Writer, p: Proposal): void {
  switch (p.kind) {
    case 'add':
      w.u16(ProposalType.add);
      return encodeAdd(w, p);
    case 'update':
      w.u16(ProposalType.update);
      return encodeUpdate(w, p);
    case 'remove':
      w.u16(ProposalType.remove);
      return encodeRemove(w, p);
    case 'psk':
      w.u16(ProposalType.psk);
      return encodePreSharedKey(w, p);
    case 'reinit':
      w.u16(ProposalType.reinit);
      return encodeReInit(w, p);
    case 'external_init':
      w.u16(ProposalType.external_init);
      return encodeExternalInit(w, p);
    case 'group_context_extensions':
      w.u16(ProposalType.group_context_extensions);
      return encodeGroupContextExtensions(w, p);
    case 'unknown':
      if (p.proposalType === 0 || p.proposalType <= ProposalType.group_context_extensions)
        throw new MlsError('INVALID_MESSAGE', `proposal_type ${p.proposalType} cannot be an unknown proposal`);
      w.u16(p.proposalType).opaque(p.body);
      return;
  }
}

/** @throws MlsError DECODE naming the field (proposal_type 0, malformed body, …). */
export function decodeProposal(r: Reader): Proposal {
  const at = r.offset;
  const t = r.u16('proposal_type');
  switch (t) {
    case 0:
      return r.fail('proposal_type', 'reserved proposal type 0 (RFC 9420 §17.4)', at);
    case ProposalType.add:
      return { kind: 'add', ...decodeAdd(r) };
    case ProposalType.update:
      return { kind: 'update', ...decodeUpdate(r) };
    case ProposalType.remove:
      return { kind: 'remove', ...decodeRemove(r) };
    case ProposalType.psk:
      return { kind: 'psk', ...decodePreSharedKey(r) };
    case ProposalType.reinit:
      return { kind: 'reinit', ...decodeReInit(r) };
    case ProposalType.external_init:
      return { kind: 'external_init', ...decodeExternalInit(r) };
    case ProposalType.group_context_extensions:
      return { kind: 'group_context_extensions', ...decodeGroupContextExtensions(r) };
    default:
      return { kind: 'unknown', proposalType: t, body: r.opaque('proposal') };
  }
}

// --- ProposalOrRef (§12.4) ---

export const ProposalOrRefType = { proposal: 1, reference: 2 } as const;
const POR_TYPES: ReadonlySet<number> = new Set([1, 2]);

/** `ProposalRef reference` is a `HashReference`: `opaque HashReference<V>` (§5.2). */
export type ProposalOrRef =
  | { readonly type: typeof ProposalOrRefType.proposal; readonly proposal: Proposal }
  | { readonly type: typeof ProposalOrRefType.reference; readonly reference: Uint8Array };

export function encodeProposalOrRef(w: Writer, p: ProposalOrRef): void {
  w.u8(p.type);
  if (p.type === ProposalOrRefType.proposal) encodeProposal(w, p.proposal);
  else if (p.type === ProposalOrRefType.reference) w.opaque(p.reference);
  else throw new MlsError('INVALID_MESSAGE', `ProposalOrRef type ${(p as { type: number }).type} is not 1 or 2`);
}

/** @throws MlsError DECODE naming `type` for a reserved or unknown ProposalOrRefType. */
export function decodeProposalOrRef(r: Reader): ProposalOrRef {
  const type = r.enumU8('type', POR_TYPES);
  if (type === ProposalOrRefType.proposal) return { type, proposal: decodeProposal(r) };
  return { type: ProposalOrRefType.reference, reference: r.opaque('reference') };
}

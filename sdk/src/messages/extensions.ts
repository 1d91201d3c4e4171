/**
 * Extensions (RFC 9420 §13.4, §7.2) and the typed extensions of RFC 9420.
 *
 * ```
 * // See the "MLS Extension Types" IANA registry for values
 * uint16 ExtensionType;
 *
 * struct {
 *     ExtensionType extension_type;
 *     opaque extension_data<V>;
 * } Extension;
 * ```
 *
 * An `Extension` is kept generic (type + opaque data) everywhere, so unknown and GREASE extensions survive a
 * decode/encode round trip unchanged (§13.4: unknown extensions MUST be ignored, not refused). The typed helpers
 * below build and read the `extension_data` of the five extensions RFC 9420 defines:
 * application_id (§5.3.3), required_capabilities (§11.1), external_pub (§12.4.3.2) and external_senders
 * (§12.1.8.1) here; ratchet_tree (§12.4.3.3) in ratchet-tree.ts (its data contains LeafNodes, which contain
 * extensions: keeping it there keeps the import graph acyclic).
 *
 * Strictness: extension_type 0 (reserved) is refused, and so is a list with two extensions of one type (§13.4:
 * "Any field containing a list of extensions MUST NOT have more than one extension of any given type").
 */
import { decode, type Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { MlsError } from '../errors.ts';
import type { HPKEPublicKey, SignaturePublicKey } from './common.ts';
import { decodeCredential, encodeCredential, type Credential } from './credential.ts';

/** Extension types of RFC 9420 §17.3. */
export const ExtensionType = {
  application_id: 0x0001,
  ratchet_tree: 0x0002,
  required_capabilities: 0x0003,
  external_pub: 0x0004,
  external_senders: 0x0005,
} as const;

/**
 * `last_resort` (0x000A): a KeyPackage extension with empty data marking a key package that may be reused
 * (draft-ietf-mls-extensions, "Last resort KeyPackages"; RFC 9420 §16.8 describes the idea). Not a default type:
 * a KeyPackage carrying it must list it in its capabilities.
 */
export const LAST_RESORT_EXTENSION_TYPE = 0x000a;

/** Extension types every client supports and MUST NOT list in capabilities (§7.2). */
export const DEFAULT_EXTENSION_TYPES: ReadonlySet<number> = new Set([1, 2, 3, 4, 5]);

export interface Extension {
  readonly extensionType: number;
  readonly extensionData: Uint8Array;
}

export function encodeExtension(w: Writer, e: Extension): void {
  if (e.extensionType === 0) throw new MlsError('INVALID_MESSAGE', 'extension_type 0 is reserved (RFC 9420 §17.3)');
  w.u16(e.extensionType).opaque(e.extensionData);
}

export function decodeExtension(r: Reader): Extension {
  const at = r.offset;
  const extensionType = r.u16('extension_type');
  if (extensionType === 0) r.fail('extension_type', 'reserved extension type 0 (RFC 9420 §17.3)', at);
  return { extensionType, extensionData: r.opaque('extension_data') };
}

/**
 * `Extension extensions<V>`.
 * @throws MlsError INVALID_MESSAGE for two extensions of one type (§13.4).
 */
export function encodeExtensions(w: Writer, list: readonly Extension[]): void {
  const dup = firstDuplicate(list);
  if (dup !== undefined)
    throw new MlsError('INVALID_MESSAGE', `two extensions of type 0x${hex16(dup)} in one list (RFC 9420 §13.4)`);
  w.vector(list, encodeExtension);
}

/**
 * `Extension extensions<V>`, refusing duplicate types (§13.4).
 * @throws MlsError DECODE naming `field`.
 */
export function decodeExtensions(r: Reader, field = 'extensions'): Extension[] {
  const at = r.offset;
  const list = r.vector(field, decodeExtension);
  const dup = firstDuplicate(list);
  if (dup !== undefined) r.fail(field, `two extensions of type 0x${hex16(dup)} (RFC 9420 §13.4)`, at);
  return list;
}

function firstDuplicate(list: readonly Extension[]): number | undefined {
  if (list.length < 2) return undefined;
  const seen = new Set<number>();
  for (const e of list) {
    if (seen.has(e.extensionType)) return e.extensionType;
    seen.add(e.extensionType);
  }
  return undefined;
}

const hex16 = (v: number): string => v.toString(16).padStart(4, '0');

/** The extension of a type in a list, if any. */
export function findExtension(list: readonly Extension[], extensionType: number): Extension | undefined {
  for (const e of list) if (e.extensionType === extensionType) return e;
  return undefined;
}

/** Decode the data of an extension of the expected type with `f`; the whole data must be consumed. */
function readTyped<T>(ext: Extension, type: number, name: string, f: (r: Reader) => T): T {
  if (ext.extensionType !== type)
    throw new MlsError('INVALID_MESSAGE', `extension 0x${hex16(ext.extensionType)} is not ${name} (0x${hex16(type)})`);
  return decode(ext.extensionData, f, `${name} extension_data`);
}

// --- application_id (§5.3.3): `opaque application_id<V>;` ---

export function applicationIdExtension(applicationId: Uint8Array): Extension {
  return { extensionType: ExtensionType.application_id, extensionData: encode((w) => w.opaque(applicationId)) };
}
/** @throws MlsError DECODE for malformed data, INVALID_MESSAGE for an extension of another type. */
export function readApplicationId(ext: Extension): Uint8Array {
  return readTyped(ext, ExtensionType.application_id, 'application_id', (r) => r.opaque('application_id'));
}

// --- required_capabilities (§11.1) ---

/**
 * ```
 * struct {
 *     ExtensionType extension_types<V>;
 *     ProposalType proposal_types<V>;
 *     CredentialType credential_types<V>;
 * } RequiredCapabilities;
 * ```
 */
export interface RequiredCapabilities {
  readonly extensionTypes: readonly number[];
  readonly proposalTypes: readonly number[];
  readonly credentialTypes: readonly number[];
}

export function encodeRequiredCapabilities(w: Writer, rc: RequiredCapabilities): void {
  const u16 = (w: Writer, v: number): void => void w.u16(v);
  w.vector(rc.extensionTypes, u16).vector(rc.proposalTypes, u16).vector(rc.credentialTypes, u16);
}
export function decodeRequiredCapabilities(r: Reader): RequiredCapabilities {
  return {
    extensionTypes: r.vector('extension_types', (r) => r.u16('extension_types')),
    proposalTypes: r.vector('proposal_types', (r) => r.u16('proposal_types')),
    credentialTypes: r.vector('credential_types', (r) => r.u16('credential_types')),
  };
}
export function requiredCapabilitiesExtension(rc: RequiredCapabilities): Extension {
  return {
    extensionType: ExtensionType.required_capabilities,
    extensionData: encode((w) => encodeRequiredCapabilities(w, rc)),
  };
}
export function readRequiredCapabilities(ext: Extension): RequiredCapabilities {
  return readTyped(ext, ExtensionType.required_capabilities, 'required_capabilities', decodeRequiredCapabilities);
}

// --- external_pub (§12.4.3.2): `struct { HPKEPublicKey external_pub; } ExternalPub;` ---

export function externalPubExtension(externalPub: HPKEPublicKey): Extension {
  return { extensionType: ExtensionType.external_pub, extensionData: encode((w) => w.opaque(externalPub)) };
}
export function readExternalPub(ext: Extension): HPKEPublicKey {
  return readTyped(ext, ExtensionType.external_pub, 'external_pub', (r) => r.opaque('external_pub'));
}

// --- external_senders (§12.1.8.1) ---

/**
 * ```
 * struct {
 *   SignaturePublicKey signature_key;
 *   Credential credential;
 * } ExternalSender;
 *
 * ExternalSender external_senders<V>;
 * ```
 */
export interface ExternalSender {
  readonly signatureKey: SignaturePublicKey;
  readonly credential: Credential;
}

export function encodeExternalSender(w: Writer, s: ExternalSender): void {
  w.opaque(s.signatureKey);
  encodeCredential(w, s.credential);
}
export function decodeExternalSender(r: Reader): ExternalSender {
  return { signatureKey: r.opaque('signature_key'), credential: decodeCredential(r) };
}
export function externalSendersExtension(senders: readonly ExternalSender[]): Extension {
  return {
    extensionType: ExtensionType.external_senders,
    extensionData: encode((w) => w.vector(senders, encodeExternalSender)),
  };
}
export function readExternalSenders(ext: Extension): ExternalSender[] {
  return readTyped(ext, ExtensionType.external_senders, 'external_senders', (r) =>
    r.vector('external_senders', decodeExternalSender),
  );
}

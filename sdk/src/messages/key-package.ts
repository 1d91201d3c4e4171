/**
 * KeyPackage and KeyPackageTBS (RFC 9420 §10).
 *
 * ```
 * struct {
 *     ProtocolVersion version;
 *     CipherSuite cipher_suite;
 *     HPKEPublicKey init_key;
 *     LeafNode leaf_node;
 *     Extension extensions<V>;
 *     // SignWithLabel(., "KeyPackageTBS", KeyPackageTBS)
 *     opaque signature<V>;
 * } KeyPackage;
 *
 * struct {
 *     ProtocolVersion version;
 *     CipherSuite cipher_suite;
 *     HPKEPublicKey init_key;
 *     LeafNode leaf_node;
 *     Extension extensions<V>;
 * } KeyPackageTBS;
 * ```
 *
 * Wire form only: a decoded KeyPackage is untrusted until the §10.1 checks (signature, leaf_node_source =
 * key_package, version/suite match, init_key ≠ encryption_key, lifetime) pass; those live in the validation
 * layer. KeyPackageRef = `makeKeyPackageRef(cs, encode((w) => encodeKeyPackage(w, kp)))` (crypto/labels.ts);
 * encode with the original bytes when you have them. Decoded byte fields are views into the input.
 */
import type { Reader } from '../codec/reader.ts';
import { encode, type Writer } from '../codec/writer.ts';
import { decodeCipherSuiteId, decodeVersion, type HPKEPublicKey, type ProtocolVersion } from './common.ts';
import { decodeExtensions, encodeExtensions, type Extension } from './extensions.ts';
import { decodeLeafNode, encodeLeafNode, type LeafNode } from './leaf-node.ts';

/** The signed fields of a KeyPackage. */
export interface KeyPackageTBS {
  readonly version: ProtocolVersion;
  readonly cipherSuite: number;
  readonly initKey: HPKEPublicKey;
  readonly leafNode: LeafNode;
  readonly extensions: readonly Extension[];
}
export interface KeyPackage extends KeyPackageTBS {
  readonly signature: Uint8Array;
}

export function encodeKeyPackageTBS(w: Writer, kp: KeyPackageTBS): void {
  const wire = tbsBytes.get(kp); // a decoded KeyPackage: its bytes are its encoding
  if (wire !== undefined) {
    w.bytes(wire);
    return;
  }
  w.u16(kp.version).u16(kp.cipherSuite).opaque(kp.initKey);
  encodeLeafNode(w, kp.leafNode);
  encodeExtensions(w, kp.extensions);
}

/** The KeyPackageTBS bytes to sign or verify with label "KeyPackageTBS" (§10). */
export function keyPackageTBS(kp: KeyPackageTBS): Uint8Array {
  return encode((w) => encodeKeyPackageTBS(w, kp));
}

/**
 * Decoded KeyPackage → its KeyPackageTBS bytes in the input (a view): the decoder is strict (one encoding per
 * value), so they are what encoding it gives: verifying or re-sending a commit's many Adds writes them as they are.
 * Objects built any other way (a spread copy included) are not in it.
 */
const tbsBytes = new WeakMap<KeyPackageTBS, Uint8Array>();

export function encodeKeyPackage(w: Writer, kp: KeyPackage): void {
  encodeKeyPackageTBS(w, kp);
  w.opaque(kp.signature);
}

/** @throws MlsError DECODE naming the field (reserved version or cipher suite 0, malformed leaf node, …). */
export function decodeKeyPackage(r: Reader): KeyPackage {
  const start = r.offset;
  const version = decodeVersion(r);
  const cipherSuite = decodeCipherSuiteId(r);
  const initKey = r.opaque('init_key');
  const leafNode = decodeLeafNode(r);
  const extensions = decodeExtensions(r);
  const tbs = r.since(start);
  const kp: KeyPackage = { version, cipherSuite, initKey, leafNode, extensions, signature: r.opaque('signature') };
  tbsBytes.set(kp, tbs);
  return kp;
}

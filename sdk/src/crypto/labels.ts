/**
 * The labeled constructions of RFC 9420, written once over the CipherSuite interface and the codec:
 * ExpandWithLabel / DeriveSecret (§8), DeriveTreeSecret (§9), RefHash (§5.2), SignWithLabel / VerifyWithLabel
 * (§5.1.2), EncryptWithLabel / DecryptWithLabel (§5.1.3).
 *
 * Labels are given without the "MLS 1.0 " prefix (added here where the RFC says so); RefHash takes its label
 * as is (§5.2: e.g. "MLS 1.0 KeyPackage Reference").
 */
import { encode, encodeWith, Writer } from '../codec/writer.ts';
import { MlsError } from '../errors.ts';
import { utf8 } from './bytes.ts';
import type { CipherSuite, HpkeSealed } from './cipher-suite.ts';

/** A label: an ASCII string, or raw bytes (e.g. an application's exporter label). */
export type Label = string | Uint8Array;

const PREFIX = 'MLS 1.0 ';
const prefixed = new Map<string, Uint8Array>();
/** "MLS 1.0 " + label, memoised for the fixed string labels the protocol uses. */
function mlsLabel(label: Label): Uint8Array {
  if (typeof label !== 'string') {
    const out = new Uint8Array(PREFIX.length + label.length);
    out.set(utf8(PREFIX));
    out.set(label, PREFIX.length);
    return out;
  }
  let b = prefixed.get(label);
  if (b === undefined) {
    b = utf8(PREFIX + label);
    if (prefixed.size < 256) prefixed.set(label, b);
  }
  return b;
}
const EMPTY = new Uint8Array(0);

/**
 * ExpandWithLabel(Secret, Label, Context, Length) = KDF.Expand(Secret, KDFLabel, Length) (RFC 9420 §8), where
 * `struct { uint16 length; opaque label<V> = "MLS 1.0 " + Label; opaque context<V>; } KDFLabel`.
 * @throws MlsError BAD_LENGTH when length is not a uint16 or exceeds 255 * Nh.
 * @example const key = expandWithLabel(cs, secret, 'key', EMPTY, cs.Nk);
 */
export function expandWithLabel(
  cs: CipherSuite,
  secret: Uint8Array,
  label: Label,
  context: Uint8Array,
  length: number,
): Uint8Array {
  return expandInfo(cs, secret, label, length, (w) => w.opaque(context));
}

/** KDF.Expand(secret, KDFLabel, length) with KDFLabel written into the scratch writer (§8): `context` writes the context field. */
function expandInfo(cs: CipherSuite, secret: Uint8Array, label: Label, length: number, context: (w: Writer) => void): Uint8Array {
  return encodeWith(
    (w) => writeKdfLabel(w, label, length, context),
    (info) => cs.kdfExpand(secret, info, length),
  );
}

/** expandInfo for several (label, length) pairs of one secret and one context, in one KDF call. */
function expandInfos(
  cs: CipherSuite,
  secret: Uint8Array,
  parts: readonly (readonly [Label, number])[],
  context: (w: Writer) => void,
): Uint8Array[] {
  const ends: number[] = [];
  return encodeWith(
    (w) => {
      for (const [label, length] of parts) ends.push(writeKdfLabel(w, label, length, context).length);
    },
    (all) =>
      cs.kdfExpandMany(
        secret,
        ends.map((end, k) => all.subarray(k === 0 ? 0 : ends[k - 1], end)),
        parts.map((p) => p[1]),
      ),
  );
}

function writeKdfLabel(w: Writer, label: Label, length: number, context: (w: Writer) => void): Writer {
  if (!Number.isInteger(length) || length < 0 || length > 0xffff)
    throw new MlsError('BAD_LENGTH', `ExpandWithLabel length ${length} is not a uint16`);
  context(w.u16(length).opaque(mlsLabel(label)));
  return w;
}

/** DeriveSecret(Secret, Label) = ExpandWithLabel(Secret, Label, "", KDF.Nh) (RFC 9420 §8). */
export function deriveSecret(cs: CipherSuite, secret: Uint8Array, label: Label): Uint8Array {
  return expandWithLabel(cs, secret, label, EMPTY, cs.Nh);
}

/**
 * DeriveTreeSecret(Secret, Label, Generation, Length) = ExpandWithLabel(Secret, Label, uint32 Generation, Length)
 * (RFC 9420 §9).
 */
export function deriveTreeSecret(
  cs: CipherSuite,
  secret: Uint8Array,
  label: Label,
  generation: number,
  length: number,
): Uint8Array {
  return expandInfo(cs, secret, label, length, generationContext(generation));
}

/**
 * DeriveTreeSecret(Secret, label_k, Generation, length_k) for each (label_k, length_k), in one KDF call: a
 * ratchet step's key, nonce and next secret come from one secret (§9.1).
 * @example const [key, nonce, next] = deriveTreeSecrets(cs, secret, g, [['key', cs.Nk], ['nonce', cs.Nn], ['secret', cs.Nh]]);
 */
export function deriveTreeSecrets(
  cs: CipherSuite,
  secret: Uint8Array,
  generation: number,
  parts: readonly (readonly [Label, number])[],
): Uint8Array[] {
  return expandInfos(cs, secret, parts, generationContext(generation));
}

/** The context of DeriveTreeSecret: the 4-byte generation, written in place (opaque context<V> = varint 4, uint32). */
function generationContext(generation: number): (w: Writer) => void {
  if (!Number.isInteger(generation) || generation < 0 || generation > 0xffffffff)
    throw new MlsError('BAD_LENGTH', `generation ${generation} is not a uint32`);
  return (w) => w.varint(4).u32(generation);
}

/** ExpandWithLabel(Secret, label_k, Context, length_k) for each (label_k, length_k), in one KDF call. */
export function expandWithLabels(
  cs: CipherSuite,
  secret: Uint8Array,
  parts: readonly (readonly [Label, number])[],
  context: Uint8Array,
): Uint8Array[] {
  return expandInfos(cs, secret, parts, (w) => w.opaque(context));
}

/**
 * RefHash(label, value) = Hash(struct { opaque label<V>; opaque value<V>; }) (RFC 9420 §5.2). The label is used
 * as given (no prefix is added).
 */
export function refHash(cs: CipherSuite, label: Label, value: Uint8Array): Uint8Array {
  const l = typeof label === 'string' ? utf8(label) : label;
  return cs.hash(encode((w) => w.opaque(l).opaque(value), 8 + l.length + value.length));
}

/** MakeKeyPackageRef(value) = RefHash("MLS 1.0 KeyPackage Reference", encoded KeyPackage) (RFC 9420 §5.2). */
export const makeKeyPackageRef = (cs: CipherSuite, keyPackage: Uint8Array): Uint8Array =>
  refHash(cs, 'MLS 1.0 KeyPackage Reference', keyPackage);
/** MakeProposalRef(value) = RefHash("MLS 1.0 Proposal Reference", encoded AuthenticatedContent) (§5.2). */
export const makeProposalRef = (cs: CipherSuite, authenticatedContent: Uint8Array): Uint8Array =>
  refHash(cs, 'MLS 1.0 Proposal Reference', authenticatedContent);

/** SignContent = struct { opaque label<V> = "MLS 1.0 " + Label; opaque content<V>; } (RFC 9420 §5.1.2), label prefixed. */
function writeSignContent(w: Writer, prefixedLabel: Uint8Array, content: Uint8Array): void {
  w.opaque(prefixedLabel).opaque(content);
}
/** The SignContent, handed to `use` as a view of the scratch writer (no copy). */
function withSignContent<T>(label: Label, content: Uint8Array, use: (m: Uint8Array) => T): T {
  const l = mlsLabel(label);
  return encodeWith((w) => writeSignContent(w, l, content), use, 40 + content.length);
}

/** SignWithLabel(SignatureKey, Label, Content) = Signature.Sign(SignatureKey, SignContent) (RFC 9420 §5.1.2). */
export function signWithLabel(cs: CipherSuite, privateKey: Uint8Array, label: Label, content: Uint8Array): Uint8Array {
  return withSignContent(label, content, (m) => cs.sign(privateKey, m));
}

/** VerifyWithLabel(VerificationKey, Label, Content, SignatureValue) (RFC 9420 §5.1.2). False for any bad input. */
export function verifyWithLabel(
  cs: CipherSuite,
  publicKey: Uint8Array,
  label: Label,
  content: Uint8Array,
  signature: Uint8Array,
): boolean {
  return withSignContent(label, content, (m) => cs.verify(publicKey, m, signature));
}

/**
 * VerifyWithLabel(publicKeys[i], Label, contents[i], signatures[i]) for every i (RFC 9420 §5.1.2), one label for
 * all, through CipherSuite.verifyMany (batch verification on the WASM provider): entry i equals
 * `verifyWithLabel(cs, publicKeys[i], label, contents[i], signatures[i])`.
 * @throws MlsError BAD_LENGTH when the three lists differ in length or a content is not a Uint8Array.
 * @example const ok = verifyManyWithLabel(cs, leafKeys, 'LeafNodeTBS', leafTbs, leafSigs); // boolean[]
 */
export function verifyManyWithLabel(
  cs: CipherSuite,
  publicKeys: readonly Uint8Array[],
  label: Label,
  contents: readonly Uint8Array[],
  signatures: readonly Uint8Array[],
): boolean[] {
  if (!Array.isArray(contents) || contents.length !== publicKeys.length || contents.length !== signatures.length)
    throw new MlsError('BAD_LENGTH', 'verifyManyWithLabel needs as many public keys, contents and signatures');
  // Every SignContent in one buffer (views into it): a join verifies a signature per leaf, and one allocation
  // instead of one per leaf keeps tens of thousands of short-lived arrays away from the GC.
  const l = mlsLabel(label);
  let total = 0;
  for (const c of contents) {
    if (!(c instanceof Uint8Array)) throw new MlsError('BAD_LENGTH', 'content must be a Uint8Array');
    total += 8 + l.length + c.length;
  }
  const w = new Writer(total);
  const ends: number[] = [];
  for (const c of contents) {
    writeSignContent(w, l, c);
    ends.push(w.length);
  }
  const all = w.view();
  const messages = ends.map((end, i) => all.subarray(i === 0 ? 0 : ends[i - 1]!, end));
  return cs.verifyMany(publicKeys, messages, signatures);
}

/** EncryptContext = struct { opaque label<V> = "MLS 1.0 " + Label; opaque context<V>; } (RFC 9420 §5.1.3). */
function encryptContext(label: Label, context: Uint8Array): Uint8Array {
  return encode((w) => w.opaque(mlsLabel(label)).opaque(context), 40 + context.length);
}

/** EncryptWithLabel(PublicKey, Label, Context, Plaintext) = SealBase(PublicKey, EncryptContext, "", Plaintext). */
export function encryptWithLabel(
  cs: CipherSuite,
  publicKey: Uint8Array,
  label: Label,
  context: Uint8Array,
  plaintext: Uint8Array,
): HpkeSealed {
  return cs.hpkeSeal(publicKey, encryptContext(label, context), EMPTY, plaintext);
}

/**
 * EncryptWithLabel(publicKeys[i], Label, Context, plaintexts[i]) for every i (RFC 9420 §5.1.3), with the
 * EncryptContext built once and hashed once (CipherSuite.hpkeSealMany): for a Welcome, whose context is the whole
 * encrypted GroupInfo, the cost is linear in the number of receivers instead of receivers × GroupInfo size.
 * @throws MlsError BAD_LENGTH when the lists differ in length; CRYPTO for a malformed public key.
 * @example const sealed = encryptWithLabelMany(cs, initKeys, 'Welcome', encryptedGroupInfo, groupSecrets);
 */
export function encryptWithLabelMany(
  cs: CipherSuite,
  publicKeys: readonly Uint8Array[],
  label: Label,
  context: Uint8Array,
  plaintexts: readonly Uint8Array[],
): HpkeSealed[] {
  return cs.hpkeSealMany(publicKeys, encryptContext(label, context), EMPTY, plaintexts);
}

/**
 * DecryptWithLabel(PrivateKey, Label, Context, KEMOutput, Ciphertext) = OpenBase(KEMOutput, PrivateKey,
 * EncryptContext, "", Ciphertext) (RFC 9420 §5.1.3). @throws MlsError AEAD_DECRYPT or CRYPTO.
 */
export function decryptWithLabel(
  cs: CipherSuite,
  privateKey: Uint8Array,
  label: Label,
  context: Uint8Array,
  kemOutput: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array {
  return cs.hpkeOpen(privateKey, kemOutput, encryptContext(label, context), EMPTY, ciphertext);
}

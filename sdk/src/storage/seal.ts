/**
 * At-rest sealing of storage records with WebCrypto AES-256-GCM (NIST SP 800-38D) under a non-extractable
 * CryptoKey. WebCrypto is async, which is why sealing happens at the storage edge and not in the synchronous
 * engine (DESIGN.md "The WASM core").
 *
 * Each record: a fresh random 96-bit IV (SP 800-38D §8.2.2, RBG-based construction; with 2^32 records per key the
 * collision bound stays far below 2^-32), and AAD binding the record to where it lives:
 *   AAD = "webmls/storage/v1" ‖ 0x00 ‖ lp(store) ‖ lp(key) ‖ lp(canonical meta)
 * where lp(x) = u32 length ‖ x. A sealed value copied to another key or store, or whose clear-text meta was
 * edited, fails to open. Keys and meta are public; values are secret.
 */
import { concatBytes } from '../crypto/bytes.ts';
import { MlsError } from '../errors.ts';
import type { RecordMeta } from './provider.ts';

const enc = new TextEncoder();
const DOMAIN: Uint8Array = enc.encode('webmls/storage/v1\0');
export const IV_BYTES = 12;

/** The sealed form of a value as it is stored in IndexedDB (structured clone). */
export interface SealedValue {
  readonly iv: Uint8Array;
  readonly ct: Uint8Array; // ciphertext ‖ 16-byte tag
}

/** A fresh AES-256-GCM key that can never be exported (structured clone keeps `extractable === false`). */
export function generateSealKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/**
 * Seal one value. The plaintext is snapshotted synchronously by `crypto.subtle.encrypt` (WebCrypto copies its
 * input before returning), so the caller may wipe `value` once this function returned its promise.
 */
export function sealValue(key: CryptoKey, store: string, recordKey: Uint8Array, meta: RecordMeta, value: Uint8Array) {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const additionalData = aad(store, recordKey, meta);
  return crypto.subtle
    .encrypt({ name: 'AES-GCM', iv, additionalData, tagLength: 128 }, key, plainBuffer(value))
    .then((ct): SealedValue => ({ iv, ct: new Uint8Array(ct) }));
}

/**
 * Open one sealed value.
 * @throws MlsError STORAGE when the tag does not verify (tampered, moved to another key, meta edited, or sealed
 *   under another database's key).
 */
export async function openValue(
  key: CryptoKey,
  store: string,
  recordKey: Uint8Array,
  meta: RecordMeta,
  sealed: SealedValue,
): Promise<Uint8Array> {
  if (!(sealed?.iv instanceof Uint8Array) || sealed.iv.length !== IV_BYTES || !(sealed.ct instanceof Uint8Array))
    throw new MlsError('STORAGE', `record ${store}/${hexOf(recordKey)} is not a sealed record`);
  try {
    const pt = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: plainBuffer(sealed.iv), additionalData: aad(store, recordKey, meta), tagLength: 128 },
      key,
      plainBuffer(sealed.ct),
    );
    return new Uint8Array(pt);
  } catch (e) {
    throw new MlsError(
      'STORAGE',
      `record ${store}/${hexOf(recordKey)} failed to open (tampered, moved to another key, or sealed under another key)`,
      { cause: e },
    );
  }
}

/** The AAD of one record (see the file header). */
export function aad(store: string, recordKey: Uint8Array, meta: RecordMeta): Uint8Array<ArrayBuffer> {
  return concatBytes(DOMAIN, lp(enc.encode(store)), lp(recordKey), lp(canonicalMeta(meta)));
}

/**
 * A canonical byte encoding of meta: fields sorted by name, each lp(name) ‖ type tag ‖ value, with
 * s = lp(utf8), n = float64 BE, b = 1 byte, i = lp(decimal bigint), z = null.
 */
export function canonicalMeta(meta: RecordMeta): Uint8Array<ArrayBuffer> {
  const chunks: Uint8Array[] = [];
  for (const name of Object.keys(meta).sort()) {
    const v = meta[name];
    chunks.push(lp(enc.encode(name)));
    if (typeof v === 'string') chunks.push(enc.encode('s'), lp(enc.encode(v)));
    else if (typeof v === 'number') {
      const b = new Uint8Array(9);
      b[0] = 0x6e; // 'n'
      new DataView(b.buffer).setFloat64(1, v);
      chunks.push(b);
    } else if (typeof v === 'boolean') chunks.push(Uint8Array.of(0x62, v ? 1 : 0));
    else if (typeof v === 'bigint') chunks.push(enc.encode('i'), lp(enc.encode(v.toString())));
    else chunks.push(enc.encode('z'));
  }
  return concatBytes(...chunks);
}

/** The bytes as a view on a plain ArrayBuffer (WebCrypto refuses SharedArrayBuffer views). */
function plainBuffer(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : b.slice();
}

function lp(b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(4 + b.length);
  new DataView(out.buffer).setUint32(0, b.length);
  out.set(b, 4);
  return out;
}

function hexOf(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * Pre-shared keys: psk_secret from an ordered list of PSKs (RFC 9420 §8.4).
 *
 * ```
 * struct {
 *     PreSharedKeyID id;
 *     uint16 index;
 *     uint16 count;
 * } PSKLabel;
 *
 * psk_extracted_[i] = KDF.Extract(0, psk_[i])
 * psk_input_[i] = ExpandWithLabel(psk_extracted_[i], "derived psk", PSKLabel, KDF.Nh)
 *
 * psk_secret_[0] = 0
 * psk_secret_[i] = KDF.Extract(psk_input_[i-1], psk_secret_[i-1])
 * psk_secret     = psk_secret_[n]
 * ```
 *
 * `0` is the all-zero string of length KDF.Nh; with no PSK, psk_secret is that zero string. KDF.Extract's first
 * argument is the salt (RFC 5869 HKDF-Extract(salt, IKM)), as in `psk_extracted_[i] = KDF.Extract(0, psk_[i])`.
 *
 * Constant-time: as the suite's HKDF is; the PSK ids, indices and count are public.
 */
import { encode } from '../codec/writer.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { expandWithLabel } from '../crypto/labels.ts';
import { MlsError } from '../errors.ts';
import { encodePreSharedKeyID, type PreSharedKeyID } from '../messages/proposals.ts';

/** One PSK to inject: its PreSharedKeyID (as listed in the Commit or GroupSecrets) and the secret itself. */
export interface PskInput {
  readonly id: PreSharedKeyID;
  /** The PSK value (an external PSK, or the resumption_psk of the epoch the id names). */
  readonly psk: Uint8Array;
}

/**
 * The serialized PSKLabel { id, index, count } (RFC 9420 §8.4).
 * @throws MlsError BAD_LENGTH when index or count is not a uint16, or index ≥ count.
 */
export function pskLabel(id: PreSharedKeyID, index: number, count: number): Uint8Array {
  if (!Number.isInteger(count) || count < 1 || count > 0xffff)
    throw new MlsError('BAD_LENGTH', `PSK count ${count} is not a uint16 ≥ 1 (RFC 9420 §8.4)`);
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new MlsError('BAD_LENGTH', `PSK index ${index} is not below count ${count}`);
  return encode((w) => {
    encodePreSharedKeyID(w, id);
    w.u16(index).u16(count);
  });
}

/**
 * psk_secret for an ordered list of PSKs (RFC 9420 §8.4): the all-zero string of length Nh for an empty list.
 * The order is the Commit's (or GroupSecrets') order; every member must use the same.
 * @throws MlsError BAD_LENGTH for more than 65,535 PSKs (the count is a uint16).
 * @example const psk = pskSecret(cs, [{ id: { pskType: 1, pskId, pskNonce }, psk: value }]);
 */
export function pskSecret(cs: CipherSuite, psks: readonly PskInput[]): Uint8Array {
  const zero = new Uint8Array(cs.Nh);
  let secret: Uint8Array = zero;
  const count = psks.length;
  if (count > 0xffff) throw new MlsError('BAD_LENGTH', `${count} PSKs: the count is a uint16 (RFC 9420 §8.4)`);
  for (let i = 0; i < count; i++) {
    const { id, psk } = psks[i]!;
    const extracted = cs.kdfExtract(zero, psk);
    const input = expandWithLabel(cs, extracted, 'derived psk', pskLabel(id, i, count), cs.Nh);
    extracted.fill(0); // intermediate secret, consumed here (§9.2 deletion schedule)
    const next = cs.kdfExtract(input, secret);
    input.fill(0);
    if (secret !== zero) secret.fill(0);
    secret = next;
  }
  return secret;
}

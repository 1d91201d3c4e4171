/**
 * The MLS exporter (RFC 9420 §8.5):
 *
 * ```
 * MLS-Exporter(Label, Context, Length) =
 *        ExpandWithLabel(DeriveSecret(exporter_secret, Label), "exported", Hash(Context), Length)
 * ```
 *
 * The label goes through DeriveSecret, so "MLS 1.0 " is prefixed to it; applications should pick a label from
 * (or register one in) the MLS Exporter Labels registry (§17.8).
 *
 * Constant-time: as the suite's HKDF and hash are; the label, context and length are public.
 */
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { deriveSecret, expandWithLabel, type Label } from '../crypto/labels.ts';
import { MlsError } from '../errors.ts';

/**
 * MLS-Exporter(label, context, length) over an epoch's exporter_secret (RFC 9420 §8.5).
 * @param label an ASCII string, or raw bytes (used as given after the "MLS 1.0 " prefix).
 * @throws MlsError BAD_LENGTH when length is not a uint16 or exceeds 255 · Nh.
 * @example const key = mlsExporter(cs, epoch.exporterSecret, 'example app key', new Uint8Array(0), 32);
 */
export function mlsExporter(
  cs: CipherSuite,
  exporterSecret: Uint8Array,
  label: Label,
  context: Uint8Array,
  length: number,
): Uint8Array {
  if (exporterSecret.length !== cs.Nh)
    throw new MlsError('BAD_LENGTH', `exporter_secret is ${exporterSecret.length} bytes, must be Nh = ${cs.Nh}`);
  const derived = deriveSecret(cs, exporterSecret, label);
  try {
    return expandWithLabel(cs, derived, 'exported', cs.hash(context), length);
  } finally {
    derived.fill(0); // per-label intermediate secret: never leaves this function
  }
}

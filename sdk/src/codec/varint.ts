/**
 * MLS variable-length integers (RFC 9420 §2.1.2): the QUIC varint of RFC 9000 §16 restricted to 1, 2 or 4 bytes
 * and required to use the minimum encoding. Used for the length prefix of every `<V>` vector.
 * Public data only (lengths), so plain branches are fine.
 */
import { MlsError } from '../errors.ts';

/** Largest length a `<V>` prefix can carry: 2^30 - 1 (RFC 9420 §2.1.2, table "Summary of Integer Encodings"). */
export const VARINT_MAX = 0x3fffffff;

/** Bytes needed to encode `n` as an MLS varint (1, 2 or 4). @throws MlsError BAD_LENGTH when n ≥ 2^30. */
export function varintSize(n: number): 1 | 2 | 4 {
  if (n < 0x40) return 1;
  if (n < 0x4000) return 2;
  if (n <= VARINT_MAX) return 4;
  throw new MlsError('BAD_LENGTH', `length ${n} does not fit an MLS varint (max 2^30 - 1, RFC 9420 §2.1.2)`);
}

/** Normalising thrown values: the public API surfaces MlsError only (DESIGN.md "Errors"). */
import { MlsError, isMlsError } from '../errors.ts';

/**
 * Any thrown value as an MlsError: an MlsError passes unchanged; anything else (a bug, a browser API's
 * DOMException that escaped a wrapper) becomes MlsError INTERNAL with the original as `cause`.
 */
export function asMlsError(e: unknown): MlsError {
  if (isMlsError(e)) return e;
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new MlsError('INTERNAL', msg, { cause: e });
}

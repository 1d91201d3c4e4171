/**
 * Stable error codes. Apps switch on `code`; the message is for humans and names the field at fault.
 * Add codes here, never rename one: they are part of the public API.
 */
export type MlsErrorCode =
  | 'DECODE' // malformed wire data (names the field and offset)
  | 'BAD_LENGTH' // a key, nonce or buffer of the wrong size
  | 'AEAD_DECRYPT' // authentication tag did not verify
  | 'CRYPTO' // a primitive refused its input (e.g. X25519 all-zero shared secret)
  | 'BAD_SIGNATURE'
  | 'UNSUPPORTED' // cipher suite, version, extension or proposal type we do not implement
  | 'WRONG_EPOCH'
  | 'WRONG_GROUP'
  | 'INVALID_PROPOSAL'
  | 'INVALID_COMMIT'
  | 'INVALID_TREE'
  | 'INVALID_KEY_PACKAGE'
  | 'INVALID_MESSAGE'
  | 'REPLAY'
  | 'GENERATION_TOO_FAR'
  | 'STATE' // an operation that the group's current state does not allow
  | 'STORAGE'
  | 'ABORTED'
  | 'NOT_INITIALIZED'
  | 'INTERNAL'; // a bug: something other than an MlsError was thrown inside the SDK

/** The only error type the SDK throws. */
export class MlsError extends Error {
  override readonly name = 'MlsError';
  constructor(
    readonly code: MlsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

/** True for an MlsError, optionally of one code. */
export function isMlsError(e: unknown, code?: MlsErrorCode): e is MlsError {
  return e instanceof MlsError && (code === undefined || e.code === code);
}

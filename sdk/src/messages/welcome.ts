/**
 * Welcome, EncryptedGroupSecrets, GroupSecrets and PathSecret (RFC 9420 §12.4.3.1).
 *
 * ```
 * struct {
 *   opaque path_secret<V>;
 * } PathSecret;
 *
 * struct {
 *   opaque joiner_secret<V>;
 *   optional<PathSecret> path_secret;
 *   PreSharedKeyID psks<V>;
 * } GroupSecrets;
 *
 * struct {
 *   KeyPackageRef new_member;
 *   HPKECiphertext encrypted_group_secrets;
 * } EncryptedGroupSecrets;
 *
 * struct {
 *   CipherSuite cipher_suite;
 *   EncryptedGroupSecrets secrets<V>;
 *   opaque encrypted_group_info<V>;
 * } Welcome;
 * ```
 *
 * GroupSecrets is decoded from a decrypted plaintext: its two secrets (`joinerSecret`, `pathSecret`) are copies,
 * not views, so the caller can wipe the plaintext right after decoding and wipe the secrets when done
 * (`wipeGroupSecrets`). Everything else decoded here is a view into the input (public data).
 * The `optional<PathSecret>` is flattened to `pathSecret?: Uint8Array` (PathSecret has one field).
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import { decodeHPKECiphertext, encodeHPKECiphertext, type HPKECiphertext } from './commit.ts';
import { decodeCipherSuiteId, decodeOpaqueCopy } from './common.ts';
import { decodePreSharedKeyID, encodePreSharedKeyID, type PreSharedKeyID } from './proposals.ts';

export interface GroupSecrets {
  readonly joinerSecret: Uint8Array;
  /** `PathSecret.path_secret`, when the joiner's leaf is below the committer's path (§12.4.3.1). */
  readonly pathSecret?: Uint8Array | undefined;
  readonly psks: readonly PreSharedKeyID[];
}

export interface EncryptedGroupSecrets {
  /** KeyPackageRef of the new member's KeyPackage (`opaque HashReference<V>`, §5.2). */
  readonly newMember: Uint8Array;
  readonly encryptedGroupSecrets: HPKECiphertext;
}

export interface Welcome {
  readonly cipherSuite: number;
  readonly secrets: readonly EncryptedGroupSecrets[];
  readonly encryptedGroupInfo: Uint8Array;
}

/** Encodes a GroupSecrets; the Writer holds secrets afterwards: `wipe()` it once the bytes are encrypted. */
export function encodeGroupSecrets(w: Writer, gs: GroupSecrets): void {
  w.opaque(gs.joinerSecret);
  w.optional(gs.pathSecret, (w, s) => w.opaque(s));
  w.vector(gs.psks, encodePreSharedKeyID);
}

/** @throws MlsError DECODE naming the field. Secrets are copied (see the file header). */
export function decodeGroupSecrets(r: Reader): GroupSecrets {
  let joinerSecret: Uint8Array | undefined;
  let pathSecret: Uint8Array | undefined;
  try {
    joinerSecret = decodeOpaqueCopy(r, 'joiner_secret');
    pathSecret = r.optional('path_secret', (r) => decodeOpaqueCopy(r, 'path_secret'));
    return { joinerSecret, pathSecret, psks: r.vector('psks', decodePreSharedKeyID) };
  } catch (e) {
    // A failed decode must not leave copies of the secrets behind.
    joinerSecret?.fill(0);
    pathSecret?.fill(0);
    throw e;
  }
}

/** Zero the secrets of a decoded GroupSecrets (RFC 9420 §9.2 deletion schedule: delete secrets once used). */
export function wipeGroupSecrets(gs: GroupSecrets): void {
  gs.joinerSecret.fill(0);
  gs.pathSecret?.fill(0);
}

export function encodeEncryptedGroupSecrets(w: Writer, e: EncryptedGroupSecrets): void {
  w.opaque(e.newMember);
  encodeHPKECiphertext(w, e.encryptedGroupSecrets);
}
export function decodeEncryptedGroupSecrets(r: Reader): EncryptedGroupSecrets {
  const newMember = r.opaque('new_member');
  return { newMember, encryptedGroupSecrets: decodeHPKECiphertext(r) };
}

export function encodeWelcome(w: Writer, wel: Welcome): void {
  w.u16(wel.cipherSuite).vector(wel.secrets, encodeEncryptedGroupSecrets).opaque(wel.encryptedGroupInfo);
}
/** @throws MlsError DECODE naming the field. */
export function decodeWelcome(r: Reader): Welcome {
  const cipherSuite = decodeCipherSuiteId(r);
  const secrets = r.vector('secrets', decodeEncryptedGroupSecrets);
  return { cipherSuite, secrets, encryptedGroupInfo: r.opaque('encrypted_group_info') };
}

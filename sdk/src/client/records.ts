/**
 * The client's own storage records (besides the group state, which group/serialize.ts encodes): the identity
 * (signature key pair and credential) and the private keys of published KeyPackages. This SDK's own format, in
 * TLS presentation language over the codec:
 * ```
 * struct { uint16 format = 1; uint16 cipher_suite; Credential credential;
 *          opaque signature_private_key<V>; opaque signature_public_key<V>; } IdentityRecord;
 * struct { uint16 format = 1; opaque key_package<V>; opaque init_private_key<V>;
 *          opaque encryption_private_key<V>; uint8 last_resort; } KeyPackageRecord;
 * ```
 * Both hold secrets: storage seals them at rest (IndexedDB), and callers wipe the encoded bytes after writing.
 *
 * Keys (storage/keys.ts): `identity` storageKey('signer'); `keyPackages` storageKey(ref); `groups`
 * storageKey(groupId); `secrets` storageKey(groupId, epoch) (the epoch's secret tree; see client/engine.ts); `pending`
 * storageKey(groupId, epoch, seq).
 */
import { decode } from '../codec/reader.ts';
import { encode } from '../codec/writer.ts';
import { MlsError } from '../errors.ts';
import { decodeCredential, encodeCredential, type Credential } from '../messages/credential.ts';
import { storageKey } from '../storage/keys.ts';

const FORMAT = 1;

/** The identity record's key. */
export const IDENTITY_KEY = storageKey('signer');

export interface IdentityRecord {
  readonly cipherSuite: number;
  readonly credential: Credential;
  /** Secret. */
  readonly signaturePrivateKey: Uint8Array;
  readonly signaturePublicKey: Uint8Array;
}

export function encodeIdentity(x: IdentityRecord): Uint8Array {
  return encode((w) => {
    w.u16(FORMAT).u16(x.cipherSuite);
    encodeCredential(w, x.credential);
    w.opaque(x.signaturePrivateKey).opaque(x.signaturePublicKey);
  });
}

export function decodeIdentity(b: Uint8Array): IdentityRecord {
  return decode(
    b,
    (r) => {
      if (r.u16('format') !== FORMAT) throw new MlsError('UNSUPPORTED', 'identity record format');
      const cipherSuite = r.u16('cipher_suite');
      const credential = copyCredential(decodeCredential(r)); // decoded fields are views: copy before the caller wipes
      return { cipherSuite, credential, signaturePrivateKey: r.opaque('signature_private_key').slice(), signaturePublicKey: r.opaque('signature_public_key').slice() };
    },
    'IdentityRecord',
  );
}

function copyCredential(c: Credential): Credential {
  switch (c.kind) {
    case 'basic':
      return { kind: 'basic', identity: c.identity.slice() };
    case 'x509':
      return { kind: 'x509', certificates: c.certificates.map((x) => x.slice()) };
    default:
      return { kind: 'unknown', credentialType: c.credentialType, body: c.body.slice() };
  }
}

export interface KeyPackageRecord {
  /** The encoded KeyPackage struct. */
  readonly keyPackage: Uint8Array;
  /** Secret. */
  readonly initPrivateKey: Uint8Array;
  /** Secret. */
  readonly encryptionPrivateKey: Uint8Array;
  readonly lastResort: boolean;
}

export function encodeKeyPackageRecord(x: KeyPackageRecord): Uint8Array {
  return encode((w) => {
    w.u16(FORMAT).opaque(x.keyPackage).opaque(x.initPrivateKey).opaque(x.encryptionPrivateKey).u8(x.lastResort ? 1 : 0);
  });
}

export function decodeKeyPackageRecord(b: Uint8Array): KeyPackageRecord {
  return decode(
    b,
    (r) => {
      if (r.u16('format') !== FORMAT) throw new MlsError('UNSUPPORTED', 'KeyPackage record format');
      return {
        keyPackage: r.opaque('key_package').slice(),
        initPrivateKey: r.opaque('init_private_key').slice(),
        encryptionPrivateKey: r.opaque('encryption_private_key').slice(),
        lastResort: r.u8('last_resort') === 1,
      };
    },
    'KeyPackageRecord',
  );
}

/** The `groups` key of a group. */
export const groupKey = (groupId: Uint8Array): Uint8Array => storageKey(groupId);

/** The group id back from a `groups` key (u16 length ‖ id). */
export function groupIdOfKey(key: Uint8Array): Uint8Array {
  const n = ((key[0] ?? 0) << 8) | (key[1] ?? 0);
  if (key.length !== n + 2) throw new MlsError('STORAGE', 'malformed group key');
  return key.slice(2);
}

/** Meta of a `groups` record: in the clear (never secret), authenticated with the sealed value. */
export interface GroupMeta {
  readonly epoch: bigint;
  /** Bumped by every write of the record: a tab whose loaded version differs reloads. */
  readonly v: number;
  readonly active: boolean;
}

export function readGroupMeta(meta: Readonly<Record<string, unknown>>): GroupMeta {
  const { epoch, v, active } = meta;
  if (typeof epoch !== 'bigint' || typeof v !== 'number' || typeof active !== 'boolean')
    throw new MlsError('STORAGE', 'group record has malformed meta');
  return { epoch, v, active };
}

/**
 * HPKE base mode (RFC 9180) written over abstract primitives: a DH group, a KDF and an AEAD. Synchronous, because
 * no synchronous HPKE library exists and the engine is synchronous (DESIGN.md).
 *
 * Used by noble.ts for every suite, and by wasm-provider.ts for suite 2 (DHKEM(P-256) from @noble/curves with the
 * WASM core's HKDF-SHA256 and AES-128-GCM), both of them loaded on demand only: suites 1 and 3 on the WASM core
 * use the core's own HPKE, so the SDK's default path does not carry this file. `jsHpkePart` maps an `Hpke` onto
 * the HPKE half of the CipherSuite interface.
 *
 * Constant-time: as constant-time as the primitives handed in (the code here only concatenates and XORs the
 * sequence number into the public base nonce). Secrets: `dh`, `sk`, key-schedule outputs live in JS memory and
 * are dropped after use; the DHKEM shared secret is zeroed when no longer needed.
 */
import { MlsError } from '../errors.ts';
import { checkBytes, checkLen, checkSealMany, wrap, type HpkePart } from './assemble.ts';
import type { HpkeSealed } from './cipher-suite.ts';
import { concatBytes, i2osp, utf8 } from './bytes.ts';
import { randomBytes } from './random.ts';

/** HKDF over some hash (RFC 5869), with its RFC 9180 §7.2 id. */
export interface Kdf {
  readonly id: number;
  readonly Nh: number;
  extract(salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** expand(prk, infos[k], lengths[k]) for every k; optional (a backend that keys the HMAC once). */
  expandMany?(prk: Uint8Array, infos: readonly Uint8Array[], lengths: readonly number[]): Uint8Array[];
}

/** An AEAD (RFC 5116) with its RFC 9180 §7.3 id. `open` throws MlsError AEAD_DECRYPT on a bad tag. */
export interface Aead {
  readonly id: number;
  readonly Nk: number;
  readonly Nn: number;
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array;
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array): Uint8Array;
}

/** The Diffie-Hellman group behind a DHKEM (RFC 9180 §4.1, §7.1). */
export interface DhGroup {
  /** KEM id (RFC 9180 §7.1): 0x0010 P-256, 0x0011 P-384, 0x0012 P-521, 0x0020 X25519, 0x0021 X448. */
  readonly kemId: number;
  readonly Nsecret: number;
  readonly Nenc: number;
  readonly Npk: number;
  readonly Nsk: number;
  /** The KEM's own KDF (HKDF-SHA256 for P-256 and X25519, RFC 9180 §7.1). */
  readonly kdf: Kdf;
  /** For NIST curves: group order and first-byte mask for DeriveKeyPair's rejection sampling (§7.1.3). */
  readonly order?: bigint;
  readonly bitmask?: number;
  /** DH(skX, pkY) serialized (x-coordinate for NIST curves). @throws MlsError CRYPTO on an invalid key or result. */
  dh(sk: Uint8Array, pk: Uint8Array): Uint8Array;
  /** SerializePublicKey(pk(sk)). @throws MlsError CRYPTO on an invalid private key. */
  publicKey(sk: Uint8Array): Uint8Array;
}

export interface HpkeKeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/** An HPKE context (RFC 9180 §5.2): seal/open advance the sequence number. */
export interface HpkeContextJs {
  seal(aad: Uint8Array, pt: Uint8Array): Uint8Array;
  open(aad: Uint8Array, ct: Uint8Array): Uint8Array;
  export(exporterContext: Uint8Array, length: number): Uint8Array;
}

const HPKE_V1 = utf8('HPKE-v1');
const EMPTY = new Uint8Array(0);
const MODE_BASE = 0x00;

function labeledExtract(kdf: Kdf, suiteId: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Uint8Array {
  // RFC 9180 §4: labeled_ikm = "HPKE-v1" || suite_id || label || ikm
  return kdf.extract(salt, concatBytes(HPKE_V1, suiteId, utf8(label), ikm));
}
function labeledExpand(
  kdf: Kdf,
  suiteId: Uint8Array,
  prk: Uint8Array,
  label: string,
  info: Uint8Array,
  length: number,
): Uint8Array {
  // RFC 9180 §4: labeled_info = I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info
  if (length > 0xffff) throw new MlsError('BAD_LENGTH', `HPKE expand length ${length} exceeds 2^16 - 1`);
  return kdf.expand(prk, concatBytes(i2osp(length, 2), HPKE_V1, suiteId, utf8(label), info), length);
}

/** DHKEM(Group, KDF) of RFC 9180 §4.1. */
export class Dhkem {
  readonly #g: DhGroup;
  readonly #suiteId: Uint8Array;
  constructor(group: DhGroup) {
    this.#g = group;
    this.#suiteId = concatBytes(utf8('KEM'), i2osp(group.kemId, 2));
  }
  get group(): DhGroup {
    return this.#g;
  }

  /** DeriveKeyPair (RFC 9180 §7.1.3): X25519/X448 directly, NIST curves by rejection sampling. */
  deriveKeyPair(ikm: Uint8Array): HpkeKeyPair {
    const g = this.#g;
    const prk = labeledExtract(g.kdf, this.#suiteId, EMPTY, 'dkp_prk', ikm);
    if (g.order === undefined) {
      const sk = labeledExpand(g.kdf, this.#suiteId, prk, 'sk', EMPTY, g.Nsk);
      return { privateKey: sk, publicKey: g.publicKey(sk) };
    }
    for (let counter = 0; counter < 256; counter++) {
      const bytes = labeledExpand(g.kdf, this.#suiteId, prk, 'candidate', Uint8Array.of(counter), g.Nsk);
      bytes[0]! &= g.bitmask ?? 0xff;
      let sk = 0n;
      for (const b of bytes) sk = (sk << 8n) | BigInt(b);
      if (sk !== 0n && sk < g.order) return { privateKey: bytes, publicKey: g.publicKey(bytes) };
    }
    throw new MlsError('CRYPTO', 'HPKE DeriveKeyPair: no valid candidate in 256 tries (RFC 9180 §7.1.3)');
  }

  generateKeyPair(): HpkeKeyPair {
    return this.deriveKeyPair(randomBytes(this.#g.Nsk));
  }

  #extractAndExpand(dh: Uint8Array, kemContext: Uint8Array): Uint8Array {
    const g = this.#g;
    const prk = labeledExtract(g.kdf, this.#suiteId, EMPTY, 'eae_prk', dh);
    dh.fill(0);
    return labeledExpand(g.kdf, this.#suiteId, prk, 'shared_secret', kemContext, g.Nsecret);
  }

  /** Encap(pkR) (RFC 9180 §4.1); `ikmE` makes it deterministic (tests only). */
  encap(pkR: Uint8Array, ikmE?: Uint8Array): { sharedSecret: Uint8Array; enc: Uint8Array } {
    const e = ikmE ? this.deriveKeyPair(ikmE) : this.generateKeyPair();
    const dh = this.#g.dh(e.privateKey, pkR);
    e.privateKey.fill(0);
    const enc = e.publicKey;
    return { sharedSecret: this.#extractAndExpand(dh, concatBytes(enc, pkR)), enc };
  }

  /** Decap(enc, skR) (RFC 9180 §4.1). */
  decap(enc: Uint8Array, skR: Uint8Array): Uint8Array {
    if (enc.length !== this.#g.Nenc)
      throw new MlsError('CRYPTO', `HPKE enc must be ${this.#g.Nenc} bytes, got ${enc.length}`);
    const dh = this.#g.dh(skR, enc);
    return this.#extractAndExpand(dh, concatBytes(enc, this.#g.publicKey(skR)));
  }
}

/** HPKE in base mode over a DHKEM, a KDF and an AEAD (RFC 9180 §5, §6). */
export class Hpke {
  readonly kem: Dhkem;
  readonly kdf: Kdf;
  readonly aead: Aead;
  readonly #suiteId: Uint8Array;

  constructor(group: DhGroup, kdf: Kdf, aead: Aead) {
    this.kem = new Dhkem(group);
    this.kdf = kdf;
    this.aead = aead;
    this.#suiteId = concatBytes(utf8('HPKE'), i2osp(group.kemId, 2), i2osp(kdf.id, 2), i2osp(aead.id, 2));
  }

  /** info_hash = LabeledExtract("", "info_hash", info) (RFC 9180 §5.1): the only way info enters the key schedule. */
  #infoHash(info: Uint8Array): Uint8Array {
    return labeledExtract(this.kdf, this.#suiteId, EMPTY, 'info_hash', info);
  }

  /** KeySchedule(mode_base, shared_secret, info, "", "") (RFC 9180 §5.1), given info_hash instead of info. */
  #keySchedule(sharedSecret: Uint8Array, infoHash: Uint8Array): HpkeContextJs {
    const { kdf, aead } = this;
    const sid = this.#suiteId;
    const pskIdHash = labeledExtract(kdf, sid, EMPTY, 'psk_id_hash', EMPTY);
    const ksc = concatBytes(Uint8Array.of(MODE_BASE), pskIdHash, infoHash);
    const secret = labeledExtract(kdf, sid, sharedSecret, 'secret', EMPTY);
    sharedSecret.fill(0);
    const key = labeledExpand(kdf, sid, secret, 'key', ksc, aead.Nk);
    const baseNonce = labeledExpand(kdf, sid, secret, 'base_nonce', ksc, aead.Nn);
    const exporterSecret = labeledExpand(kdf, sid, secret, 'exp', ksc, kdf.Nh);
    secret.fill(0);
    let seq = 0;
    // RFC 9180 §5.2: nonce = base_nonce XOR I2OSP(seq, Nn). A JS number sequence never reaches 2^53 in practice;
    // refuse before it would lose precision instead of wrapping.
    const nonce = (): Uint8Array => {
      if (seq >= Number.MAX_SAFE_INTEGER) throw new MlsError('CRYPTO', 'HPKE message limit reached');
      const s = i2osp(seq, aead.Nn);
      for (let i = 0; i < s.length; i++) s[i]! ^= baseNonce[i]!;
      return s;
    };
    return {
      seal(aad, pt) {
        const ct = aead.seal(key, nonce(), aad, pt);
        seq++;
        return ct;
      },
      open(aad, ct) {
        const pt = aead.open(key, nonce(), aad, ct);
        seq++;
        return pt;
      },
      export(exporterContext, length) {
        return labeledExpand(kdf, sid, exporterSecret, 'sec', exporterContext, length);
      },
    };
  }

  /** SetupBaseS(pkR, info) (RFC 9180 §5.1.1); `ikmE` makes it deterministic (tests only). */
  setupBaseS(pkR: Uint8Array, info: Uint8Array, ikmE?: Uint8Array): { enc: Uint8Array; context: HpkeContextJs } {
    const { sharedSecret, enc } = this.kem.encap(pkR, ikmE);
    return { enc, context: this.#keySchedule(sharedSecret, this.#infoHash(info)) };
  }

  /** SetupBaseR(enc, skR, info) (RFC 9180 §5.1.1). */
  setupBaseR(enc: Uint8Array, skR: Uint8Array, info: Uint8Array): HpkeContextJs {
    return this.#keySchedule(this.kem.decap(enc, skR), this.#infoHash(info));
  }

  /**
   * SealBase (RFC 9180 §6.1) of `pts[i]` to `pkRs[i]` for every i under one info and aad, hashing info once
   * (§5.1: the key schedule sees info only as info_hash). Entry i equals sealBase(pkRs[i], info, aad, pts[i])
   * with ephemeral input `ikmEs[i]` (random by default; tests fix it).
   */
  sealMany(
    pkRs: readonly Uint8Array[],
    info: Uint8Array,
    aad: Uint8Array,
    pts: readonly Uint8Array[],
    ikmEs?: readonly Uint8Array[],
  ): { enc: Uint8Array; ct: Uint8Array }[] {
    if (pkRs.length !== pts.length || (ikmEs !== undefined && ikmEs.length !== pts.length))
      throw new MlsError('BAD_LENGTH', `HPKE sealMany: ${pkRs.length} keys for ${pts.length} plaintexts`);
    const infoHash = this.#infoHash(info);
    return pkRs.map((pkR, i) => {
      const { sharedSecret, enc } = this.kem.encap(pkR, ikmEs?.[i]);
      return { enc, ct: this.#keySchedule(sharedSecret, infoHash).seal(aad, pts[i]!) };
    });
  }

  /** SealBase (RFC 9180 §6.1). */
  sealBase(pkR: Uint8Array, info: Uint8Array, aad: Uint8Array, pt: Uint8Array): { enc: Uint8Array; ct: Uint8Array } {
    const { enc, context } = this.setupBaseS(pkR, info);
    return { enc, ct: context.seal(aad, pt) };
  }

  /** OpenBase (RFC 9180 §6.1). */
  openBase(enc: Uint8Array, skR: Uint8Array, info: Uint8Array, aad: Uint8Array, ct: Uint8Array): Uint8Array {
    return this.setupBaseR(enc, skR, info).open(aad, ct);
  }
}

/** HPKE operations of the CipherSuite interface over a JS `Hpke` (hpke.ts). */
export function jsHpkePart(hpke: Hpke): HpkePart {
  const g = hpke.kem.group;
  return {
    hpkeGenerateKeyPair: () => wrap('CRYPTO', 'HPKE GenerateKeyPair', () => hpke.kem.generateKeyPair()),
    hpkeDeriveKeyPair: (ikm) => {
      checkBytes('ikm', ikm);
      return wrap('CRYPTO', 'HPKE DeriveKeyPair', () => hpke.kem.deriveKeyPair(ikm));
    },
    hpkePublicKey: (sk) => {
      checkLen('HPKE private key', sk, g.Nsk);
      return wrap('CRYPTO', 'HPKE public key', () => g.publicKey(sk));
    },
    hpkeSeal: (pk, info, aad, pt): HpkeSealed => {
      checkBytes('public key', pk);
      const { enc, context } = wrap('CRYPTO', 'HPKE SetupBaseS', () => hpke.setupBaseS(pk, info));
      return { kemOutput: enc, ciphertext: context.seal(aad, pt) };
    },
    hpkeSealMany: (pks, info, aad, pts): HpkeSealed[] => {
      checkSealMany(pks, info, aad, pts);
      return wrap('CRYPTO', 'HPKE SetupBaseS', () => hpke.sealMany(pks, info, aad, pts)).map(({ enc, ct }) => ({
        kemOutput: enc,
        ciphertext: ct,
      }));
    },
    hpkeOpen: (sk, kemOutput, info, aad, ct) => {
      checkLen('HPKE private key', sk, g.Nsk);
      const context = wrap('CRYPTO', 'HPKE SetupBaseR', () => hpke.setupBaseR(kemOutput, sk, info));
      return context.open(aad, ct);
    },
    hpkeExportSend: (pk, info, exporterContext, length) => {
      checkBytes('public key', pk);
      const { enc, context } = wrap('CRYPTO', 'HPKE SetupBaseS', () => hpke.setupBaseS(pk, info));
      return { kemOutput: enc, secret: context.export(exporterContext, length) };
    },
    hpkeExportReceive: (sk, kemOutput, info, exporterContext, length) => {
      checkLen('HPKE private key', sk, g.Nsk);
      const context = wrap('CRYPTO', 'HPKE SetupBaseR', () => hpke.setupBaseR(kemOutput, sk, info));
      return context.export(exporterContext, length);
    },
  };
}

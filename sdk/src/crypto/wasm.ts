/**
 * The JS face of core.wasm: synchronous primitives over Uint8Array.
 *
 * This is the only file that knows the core's ABI. Each call copies its inputs into a scratch arena above the
 * module's static data, calls one export with (pointer, length) pairs, copies the outputs out and wipes the
 * arena, so no key, nonce or plaintext lingers in linear memory after a call returns.
 *
 * Call `await initCore()` once (Node, browsers and workers alike); every function below is synchronous after it.
 * `loadCore()` gives an independent instance (tests use it to compare two builds).
 */
import * as C from '../../../core-as/assembly/constants.ts';
import { MlsError } from '../errors.ts';
import { wasmUrl } from './wasm-url.ts';
import { randomBytes, randomFill } from './random.ts';

type Ptr = number;

/**
 * Entries per call of the core's batch verification: about 1.1 MB of work memory. Measured (CPU time, Node 20,
 * 8,192 signatures): chunks of 256: 19.2k sig/s, 512: 20.8k, 1,024: 22.8k, 2,048: 20.6k, 4,096: 22.3k.
 */
const ED25519_BATCH_CHUNK = 1024;
/** Below this many entries one-by-one verification is faster (measured: 12 entries 7.1k vs 7.3k sig/s, 16: 9.5k vs 8.1k). */
const ED25519_BATCH_MIN = 16;
/**
 * A failed batch equation: parts of more than this many entries are split (ED25519_BATCH_SPLIT ways) and checked
 * again, smaller ones verified one by one. Measured on 1,024 entries with 1 bad: 6.1k sig/s splitting down to
 * parts of 2 vs 5.1k all one by one; with 10 bad 3.2k vs 5.1k: small batches cost a fixed ~0.4 ms, so splitting
 * stops at 128.
 */
const ED25519_BATCH_FALLBACK = 128;
const ED25519_BATCH_SPLIT = 8;
interface CoreExports {
  memory: WebAssembly.Memory;
  heapBase(): Ptr;
  sha256(p: Ptr, n: number, out: Ptr): void;
  sha512(p: Ptr, n: number, out: Ptr): void;
  hashMany(data: Ptr, lens: Ptr, count: number, out: Ptr): void;
  hmacSha256(k: Ptr, kn: number, m: Ptr, mn: number, out: Ptr): void;
  hkdfExtract(s: Ptr, sn: number, ikm: Ptr, ikmn: number, out: Ptr): void;
  hkdfExpand(prk: Ptr, prkn: number, info: Ptr, infon: number, out: Ptr, outn: number): void;
  hkdfExpandMany(prk: Ptr, prkn: number, count: number, infos: Ptr, infoLens: Ptr, outs: Ptr, outLens: Ptr): void;
  aes128gcmSeal(k: Ptr, n: Ptr, a: Ptr, an: number, p: Ptr, pn: number, out: Ptr): void;
  aes128gcmOpen(k: Ptr, n: Ptr, a: Ptr, an: number, c: Ptr, cn: number, out: Ptr): number;
  chacha20poly1305Seal(k: Ptr, n: Ptr, a: Ptr, an: number, p: Ptr, pn: number, out: Ptr): void;
  chacha20poly1305Open(k: Ptr, n: Ptr, a: Ptr, an: number, c: Ptr, cn: number, out: Ptr): number;
  x25519(s: Ptr, u: Ptr, out: Ptr): number;
  x25519Base(s: Ptr, out: Ptr): void;
  ed25519PublicKey(seed: Ptr, out: Ptr): void;
  ed25519Sign(seed: Ptr, m: Ptr, mn: number, out: Ptr): void;
  ed25519SignCached(seed: Ptr, m: Ptr, mn: number, out: Ptr, cache: Ptr): number;
  ed25519PublicKeyCached(seed: Ptr, out: Ptr, cache: Ptr): void;
  ed25519Verify(pk: Ptr, m: Ptr, mn: number, sig: Ptr): number;
  ed25519VerifyBatchWorkSize(n: number): number;
  ed25519VerifyBatch(n: number, pks: Ptr, sigs: Ptr, msgs: Ptr, lens: Ptr, zs: Ptr, status: Ptr, work: Ptr): number;
  hpkeDeriveKeyPair(ikm: Ptr, ikmn: number, sk: Ptr, pk: Ptr): void;
  hpkeSetupBaseS(aead: number, pkR: Ptr, ikmE: Ptr, ikmEn: number, info: Ptr, infon: number, enc: Ptr, ctx: Ptr): number;
  hpkeSetupBaseR(aead: number, enc: Ptr, skR: Ptr, info: Ptr, infon: number, ctx: Ptr): number;
  // Optional until core-as/assembly/index.ts re-exports them: hpkeSealMany falls back to one SetupBaseS each.
  hpkeInfoHash(aead: number, info: Ptr, infon: number, out: Ptr): void;
  hpkeSetupBaseSWithInfoHash(aead: number, pkR: Ptr, ikmE: Ptr, ikmEn: number, infoHash: Ptr, enc: Ptr, ctx: Ptr): number;
  hpkeSeal(aead: number, ctx: Ptr, seq: bigint, a: Ptr, an: number, p: Ptr, pn: number, out: Ptr): void;
  hpkeOpen(aead: number, ctx: Ptr, seq: bigint, a: Ptr, an: number, c: Ptr, cn: number, out: Ptr): number;
  hpkeExport(ctx: Ptr, ec: Ptr, ecn: number, out: Ptr, L: number): void;
}

/** An HPKE cipher suite (RFC 9180 §7). The core implements KEM 0x0020, KDF 0x0001, AEAD 0x0001 and 0x0003. */
export interface HpkeSuite {
  readonly kem: number;
  readonly kdf: number;
  readonly aead: number;
}
export const HPKE_X25519_SHA256_AES128GCM: HpkeSuite = { kem: 0x0020, kdf: 0x0001, aead: C.HPKE_AEAD_AES128GCM };
export const HPKE_X25519_SHA256_CHACHA20POLY1305: HpkeSuite = {
  kem: 0x0020,
  kdf: 0x0001,
  aead: C.HPKE_AEAD_CHACHA20POLY1305,
};

function checkLen(what: string, b: Uint8Array, n: number): void {
  if (!(b instanceof Uint8Array)) throw new MlsError('BAD_LENGTH', `${what} must be a Uint8Array`);
  if (b.length !== n) throw new MlsError('BAD_LENGTH', `${what} must be ${n} bytes, got ${b.length}`);
}
function checkBytes(what: string, b: Uint8Array): void {
  if (!(b instanceof Uint8Array)) throw new MlsError('BAD_LENGTH', `${what} must be a Uint8Array`);
}
function checkHpkeSuite(s: HpkeSuite): number {
  const ok =
    s.kem === 0x0020 &&
    s.kdf === 0x0001 &&
    (s.aead === C.HPKE_AEAD_AES128GCM || s.aead === C.HPKE_AEAD_CHACHA20POLY1305);
  if (!ok) throw new MlsError('UNSUPPORTED', `HPKE suite kem=${s.kem} kdf=${s.kdf} aead=${s.aead} not in the core`);
  return s.aead;
}
function hpkeKeyLen(aead: number): number {
  return aead === C.HPKE_AEAD_AES128GCM ? C.AES128_KEY_LEN : C.CHACHA20_KEY_LEN;
}

/** A sender or receiver context (RFC 9180 §5.1); its sequence number advances with each seal/open. */
export interface HpkeContext {
  seal(aad: Uint8Array, pt: Uint8Array): Uint8Array;
  open(aad: Uint8Array, ct: Uint8Array): Uint8Array;
  export(exporterContext: Uint8Array, length: number): Uint8Array;
}

/** One instantiated core. All methods are synchronous. */
export class WasmCore {
  readonly #x: CoreExports;
  readonly #base: number;
  #mem: Uint8Array;
  /**
   * Ed25519 public key cache, per seed array: the core's 64-byte blob check || A (ed25519SignCached). Signing
   * then skips A = [s]B (a fixed-base multiplication and an inversion, about half the cost of a signature). The
   * core uses A from the blob only when check = SHA-512(label || seed || A) for the seed it is signing with, so
   * a seed array changed in place, or a blob that does not belong to it, misses and A is recomputed: a public
   * key that does not belong to the seed never enters a signature (two signatures of one message under two
   * public keys would give away the secret scalar). The blob holds no secret. A WeakMap: the entry goes when
   * the seed array does.
   */
  readonly #edCache = new WeakMap<Uint8Array, Uint8Array>();
  #edMisses = 0;

  constructor(instance: WebAssembly.Instance) {
    this.#x = instance.exports as unknown as CoreExports;
    // Keep the arena 16-byte aligned so the core may use aligned wide loads.
    this.#base = (this.#x.heapBase() + 15) & ~15;
    this.#mem = new Uint8Array(this.#x.memory.buffer);
  }

  /** Ensure `n` arena bytes exist; returns the arena start. Rebuilds the view after a grow. */
  #arena(n: number): number {
    const need = this.#base + n;
    const have = this.#x.memory.buffer.byteLength;
    if (need > have) this.#x.memory.grow(Math.ceil((need - have) / 65536));
    if (this.#mem.buffer !== this.#x.memory.buffer) this.#mem = new Uint8Array(this.#x.memory.buffer);
    return this.#base;
  }
  #put(p: number, b: Uint8Array): number {
    this.#mem.set(b, p);
    return p + b.length;
  }
  /** Copy out [p, p+n) and wipe [base, end): secrets never stay in linear memory. */
  #take(p: number, n: number, end: number): Uint8Array {
    const out = this.#mem.slice(p, p + n);
    this.#mem.fill(0, this.#base, end);
    return out;
  }
  #wipe(end: number): void {
    this.#mem.fill(0, this.#base, end);
  }

  sha256(data: Uint8Array): Uint8Array {
    checkBytes('data', data);
    const p = this.#arena(data.length + C.SHA256_LEN);
    const o = this.#put(p, data);
    this.#x.sha256(p, data.length, o);
    return this.#take(o, C.SHA256_LEN, o + C.SHA256_LEN);
  }

  sha512(data: Uint8Array): Uint8Array {
    checkBytes('data', data);
    const p = this.#arena(data.length + C.SHA512_LEN);
    const o = this.#put(p, data);
    this.#x.sha512(p, data.length, o);
    return this.#take(o, C.SHA512_LEN, o + C.SHA512_LEN);
  }

  /** SHA-256 of each message, with one crossing into WASM for the whole batch. Public inputs. */
  hashMany(messages: readonly Uint8Array[]): Uint8Array[] {
    let total = 0;
    for (const m of messages) {
      checkBytes('message', m);
      total += m.length;
    }
    const count = messages.length;
    const lensBytes = count * 4;
    const p = this.#arena(total + lensBytes + count * C.SHA256_LEN + 4);
    let o = p;
    for (const m of messages) o = this.#put(o, m);
    const lens = (o + 3) & ~3;
    const dv = new DataView(this.#mem.buffer);
    for (let i = 0; i < count; i++) dv.setUint32(lens + 4 * i, messages[i]!.length, true);
    const out = lens + lensBytes;
    this.#x.hashMany(p, lens, count, out);
    const res: Uint8Array[] = new Array(count);
    for (let i = 0; i < count; i++) res[i] = this.#mem.slice(out + 32 * i, out + 32 * i + 32);
    this.#wipe(out + count * C.SHA256_LEN);
    return res;
  }

  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
    checkBytes('key', key);
    checkBytes('data', data);
    const p = this.#arena(key.length + data.length + C.SHA256_LEN);
    const m = this.#put(p, key);
    const o = this.#put(m, data);
    this.#x.hmacSha256(p, key.length, m, data.length, o);
    return this.#take(o, C.SHA256_LEN, o + C.SHA256_LEN);
  }

  hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
    checkBytes('salt', salt);
    checkBytes('ikm', ikm);
    const p = this.#arena(salt.length + ikm.length + C.SHA256_LEN);
    const i = this.#put(p, salt);
    const o = this.#put(i, ikm);
    this.#x.hkdfExtract(p, salt.length, i, ikm.length, o);
    return this.#take(o, C.SHA256_LEN, o + C.SHA256_LEN);
  }

  hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
    checkBytes('prk', prk);
    checkBytes('info', info);
    if (!Number.isInteger(length) || length < 0 || length > C.HKDF_MAX_OUT)
      throw new MlsError('BAD_LENGTH', `HKDF-Expand length must be 0..${C.HKDF_MAX_OUT}, got ${length}`);
    const p = this.#arena(prk.length + info.length + length);
    const i = this.#put(p, prk);
    const o = this.#put(i, info);
    this.#x.hkdfExpand(p, prk.length, i, info.length, o, length);
    return this.#take(o, length, o + length);
  }

  /** hkdfExpand(prk, infos[k], lengths[k]) for every k, in one call (the HMAC key is set up once). */
  hkdfExpandMany(prk: Uint8Array, infos: readonly Uint8Array[], lengths: readonly number[]): Uint8Array[] {
    checkBytes('prk', prk);
    const n = infos.length;
    if (lengths.length !== n) throw new MlsError('BAD_LENGTH', 'hkdfExpandMany needs one length per info');
    let inBytes = 0;
    let outBytes = 0;
    for (let k = 0; k < n; k++) {
      checkBytes('info', infos[k]!);
      const length = lengths[k]!;
      if (!Number.isInteger(length) || length < 0 || length > C.HKDF_MAX_OUT)
        throw new MlsError('BAD_LENGTH', `HKDF-Expand length must be 0..${C.HKDF_MAX_OUT}, got ${length}`);
      inBytes += infos[k]!.length;
      outBytes += length;
    }
    const p = this.#arena(prk.length + 8 * n + inBytes + outBytes + 4);
    const lens = (p + prk.length + 3) & ~3; // two u32 arrays: info lengths, then output lengths
    const i = lens + 8 * n;
    const o = i + inBytes;
    this.#put(p, prk);
    const u32 = new DataView(this.#mem.buffer, lens, 8 * n);
    for (let k = 0, at = i; k < n; k++) {
      u32.setUint32(4 * k, infos[k]!.length, true);
      u32.setUint32(4 * (n + k), lengths[k]!, true);
      at = this.#put(at, infos[k]!);
    }
    this.#x.hkdfExpandMany(p, prk.length, n, i, lens, o, lens + 4 * n);
    const out: Uint8Array[] = new Array(n);
    for (let k = 0, at = o; k < n; at += lengths[k]!, k++) out[k] = this.#mem.slice(at, at + lengths[k]!);
    this.#wipe(o + outBytes);
    return out;
  }

  #seal(
    fn: CoreExports['aes128gcmSeal'],
    keyLen: number,
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array,
    pt: Uint8Array,
  ): Uint8Array {
    checkLen('key', key, keyLen);
    checkLen('nonce', nonce, C.AEAD_NONCE_LEN);
    checkBytes('aad', aad);
    checkBytes('plaintext', pt);
    const p = this.#arena(keyLen + C.AEAD_NONCE_LEN + aad.length + 2 * pt.length + C.AEAD_TAG_LEN);
    const n = this.#put(p, key);
    const a = this.#put(n, nonce);
    const m = this.#put(a, aad);
    const o = this.#put(m, pt);
    fn(p, n, a, aad.length, m, pt.length, o);
    return this.#take(o, pt.length + C.AEAD_TAG_LEN, o + pt.length + C.AEAD_TAG_LEN);
  }

  #open(
    fn: CoreExports['aes128gcmOpen'],
    keyLen: number,
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
  ): Uint8Array {
    checkLen('key', key, keyLen);
    checkLen('nonce', nonce, C.AEAD_NONCE_LEN);
    checkBytes('aad', aad);
    checkBytes('ciphertext', sealed);
    if (sealed.length < C.AEAD_TAG_LEN)
      throw new MlsError('AEAD_DECRYPT', `ciphertext of ${sealed.length} bytes is shorter than the tag`);
    const ptLen = sealed.length - C.AEAD_TAG_LEN;
    const p = this.#arena(keyLen + C.AEAD_NONCE_LEN + aad.length + sealed.length + ptLen);
    const n = this.#put(p, key);
    const a = this.#put(n, nonce);
    const c = this.#put(a, aad);
    const o = this.#put(c, sealed);
    const ok = fn(p, n, a, aad.length, c, sealed.length, o);
    if (ok !== 1) {
      this.#wipe(o + ptLen);
      throw new MlsError('AEAD_DECRYPT', 'authentication tag mismatch');
    }
    return this.#take(o, ptLen, o + ptLen);
  }

  aes128gcmSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return this.#seal(this.#x.aes128gcmSeal, C.AES128_KEY_LEN, key, nonce, aad, plaintext);
  }
  aes128gcmOpen(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array {
    return this.#open(this.#x.aes128gcmOpen, C.AES128_KEY_LEN, key, nonce, aad, sealed);
  }
  chacha20poly1305Seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return this.#seal(this.#x.chacha20poly1305Seal, C.CHACHA20_KEY_LEN, key, nonce, aad, plaintext);
  }
  chacha20poly1305Open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array {
    return this.#open(this.#x.chacha20poly1305Open, C.CHACHA20_KEY_LEN, key, nonce, aad, sealed);
  }

  /** X25519(scalar, u) (RFC 7748 §5). Throws CRYPTO on an all-zero result (RFC 7748 §6.1). */
  x25519(scalar: Uint8Array, u: Uint8Array): Uint8Array {
    checkLen('scalar', scalar, C.X25519_LEN);
    checkLen('u', u, C.X25519_LEN);
    const p = this.#arena(3 * C.X25519_LEN);
    const q = this.#put(p, scalar);
    const o = this.#put(q, u);
    const ok = this.#x.x25519(p, q, o);
    if (ok !== 1) {
      this.#wipe(o + C.X25519_LEN);
      throw new MlsError('CRYPTO', 'X25519 result is all zero (low-order point)');
    }
    return this.#take(o, C.X25519_LEN, o + C.X25519_LEN);
  }

  /** X25519(scalar, 9): the public key of a private scalar. */
  x25519Base(scalar: Uint8Array): Uint8Array {
    checkLen('scalar', scalar, C.X25519_LEN);
    const p = this.#arena(2 * C.X25519_LEN);
    const o = this.#put(p, scalar);
    this.#x.x25519Base(p, o);
    return this.#take(o, C.X25519_LEN, o + C.X25519_LEN);
  }

  /** A = [s]B (RFC 8032 §5.1.5); also fills the public key cache of this seed array (see #edCache). */
  ed25519PublicKey(seed: Uint8Array): Uint8Array {
    checkLen('seed', seed, C.ED25519_SEED_LEN);
    const p = this.#arena(C.ED25519_SEED_LEN + 64 + C.ED25519_PUBLIC_LEN);
    const c = this.#put(p, seed);
    const o = c + 64; // the core writes the blob at c
    this.#x.ed25519PublicKeyCached(p, o, c);
    this.#edCache.set(seed, this.#mem.slice(c, c + 64));
    return this.#take(o, C.ED25519_PUBLIC_LEN, o + C.ED25519_PUBLIC_LEN);
  }

  /** Signatures that had to compute A (no valid cache blob for their seed array): tests and benchmarks. */
  get ed25519CacheMisses(): number {
    return this.#edMisses;
  }

  /** Ed25519 signature (RFC 8032 §5.1.6): deterministic, so equal to any RFC 8032 signer's. */
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
    checkLen('seed', seed, C.ED25519_SEED_LEN);
    checkBytes('message', message);
    const blob = this.#edCache.get(seed) ?? new Uint8Array(64); // all zero: a miss
    const p = this.#arena(C.ED25519_SEED_LEN + 64 + C.ED25519_SIG_LEN + message.length);
    const c = this.#put(p, seed);
    const o = this.#put(c, blob);
    const m = o + C.ED25519_SIG_LEN;
    this.#put(m, message);
    if (this.#x.ed25519SignCached(p, m, message.length, o, c) === 0) this.#edMisses++;
    blob.set(this.#mem.subarray(c, c + 64));
    this.#edCache.set(seed, blob);
    return this.#take(o, C.ED25519_SIG_LEN, m + message.length);
  }

  /** Ed25519 signature without the public key cache (each call computes A = [s]B): tests and benchmarks. */
  ed25519SignUncached(seed: Uint8Array, message: Uint8Array): Uint8Array {
    checkLen('seed', seed, C.ED25519_SEED_LEN);
    checkBytes('message', message);
    const p = this.#arena(C.ED25519_SEED_LEN + message.length + C.ED25519_SIG_LEN);
    const m = this.#put(p, seed);
    const o = this.#put(m, message);
    this.#x.ed25519Sign(p, m, message.length, o);
    return this.#take(o, C.ED25519_SIG_LEN, o + C.ED25519_SIG_LEN);
  }

  /** Strict RFC 8032 verification; false (never a throw) for any bad signature, key or length. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    checkBytes('message', message);
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== C.ED25519_PUBLIC_LEN) return false;
    if (!(signature instanceof Uint8Array) || signature.length !== C.ED25519_SIG_LEN) return false;
    const p = this.#arena(C.ED25519_PUBLIC_LEN + C.ED25519_SIG_LEN + message.length);
    const s = this.#put(p, publicKey);
    const m = this.#put(s, signature);
    const end = this.#put(m, message);
    const ok = this.#x.ed25519Verify(p, m, message.length, s);
    this.#wipe(end);
    return ok === 1;
  }

  /**
   * Ed25519 verification of many signatures: entry i is `ed25519Verify(publicKeys[i], messages[i],
   * signatures[i])` (except with probability <= 2^-128 per batch), by the core's batch equation over chunks of
   * `chunk` entries (random 128-bit coefficients from crypto.getRandomValues). When a chunk's equation fails,
   * it is split in `split` parts and each part checked again; failed parts of at most `fallback` entries, and
   * parts of fewer than `minBatch`, are verified one by one: the results name the bad entries. Public inputs only.
   * @throws MlsError BAD_LENGTH when the three lists differ in length or a message is not a Uint8Array.
   * @example const ok = core.ed25519VerifyMany(keys, msgs, sigs); // ok[i] === core.ed25519Verify(keys[i], ...)
   */
  ed25519VerifyMany(
    publicKeys: readonly Uint8Array[],
    messages: readonly Uint8Array[],
    signatures: readonly Uint8Array[],
    opts: {
      readonly chunk?: number;
      readonly minBatch?: number;
      readonly split?: number;
      readonly fallback?: number;
      /** Filled with counts (tests, benchmarks): batch equations checked, of which failed; single verifications. */
      readonly stats?: { batches: number; batchFailures: number; singles: number };
    } = {},
  ): boolean[] {
    const n = publicKeys.length;
    if (!Array.isArray(publicKeys) || !Array.isArray(messages) || !Array.isArray(signatures) ||
        messages.length !== n || signatures.length !== n)
      throw new MlsError('BAD_LENGTH', 'ed25519VerifyMany needs as many public keys, messages and signatures');
    for (const m of messages) checkBytes('message', m);
    const chunk = Math.max(1, Math.min(4096, opts.chunk ?? ED25519_BATCH_CHUNK));
    const minBatch = Math.max(1, opts.minBatch ?? ED25519_BATCH_MIN);
    const split = Math.max(2, opts.split ?? ED25519_BATCH_SPLIT);
    const fallback = Math.max(1, opts.fallback ?? ED25519_BATCH_FALLBACK);
    const out: boolean[] = new Array<boolean>(n).fill(false);
    const stats = opts.stats ?? { batches: 0, batchFailures: 0, singles: 0 };
    const single = (i: number) => {
      stats.singles++;
      out[i] = this.ed25519Verify(publicKeys[i]!, messages[i]!, signatures[i]!);
    };
    // Wrong types or lengths are false outright (as ed25519Verify answers them); the rest go to the core.
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const pk = publicKeys[i];
      const sig = signatures[i];
      if (pk instanceof Uint8Array && pk.length === C.ED25519_PUBLIC_LEN && sig instanceof Uint8Array &&
          sig.length === C.ED25519_SIG_LEN)
        ids.push(i);
    }
    const check = (part: number[]): void => {
      if (part.length < minBatch) {
        for (const i of part) single(i);
        return;
      }
      const { ok, status } = this.#verifyBatch(part, publicKeys, messages, signatures);
      stats.batches++;
      const pass = part.filter((_, j) => status[j] === 1); // the others fail the per-signature checks
      if (ok) {
        for (const i of pass) out[i] = true;
        return;
      }
      stats.batchFailures++;
      if (pass.length < minBatch || pass.length <= fallback || pass.length <= split) {
        for (const i of pass) single(i);
        return;
      }
      const size = Math.ceil(pass.length / split);
      for (let s = 0; s < pass.length; s += size) check(pass.slice(s, s + size));
    };
    for (let s = 0; s < ids.length; s += chunk) check(ids.slice(s, s + chunk));
    return out;
  }

  /** One call of the core's batch equation over entries `ids`: its answer, and each entry's status byte. */
  #verifyBatch(
    ids: readonly number[],
    publicKeys: readonly Uint8Array[],
    messages: readonly Uint8Array[],
    signatures: readonly Uint8Array[],
  ): { ok: boolean; status: Uint8Array } {
    const k = ids.length;
    let msgBytes = 0;
    for (const i of ids) msgBytes += messages[i]!.length;
    const align = (x: number) => (x + 15) & ~15;
    const work = this.#x.ed25519VerifyBatchWorkSize(k);
    // Arena: pks | sigs | lens | zs | status | msgs | work (each 16-aligned).
    const pks = this.#base;
    const sigs = pks + k * C.ED25519_PUBLIC_LEN;
    const lens = align(sigs + k * C.ED25519_SIG_LEN);
    const zs = align(lens + 4 * k);
    const st = align(zs + 16 * k);
    const msgs = align(st + k);
    const w = align(msgs + msgBytes);
    this.#arena(w + work - this.#base);
    const mem = this.#mem;
    const dv = new DataView(mem.buffer);
    let mp = msgs;
    for (let j = 0; j < k; j++) {
      const i = ids[j]!;
      mem.set(publicKeys[i]!, pks + j * C.ED25519_PUBLIC_LEN);
      mem.set(signatures[i]!, sigs + j * C.ED25519_SIG_LEN);
      dv.setUint32(lens + 4 * j, messages[i]!.length, true);
      mem.set(messages[i]!, mp);
      mp += messages[i]!.length;
    }
    crypto.getRandomValues(mem.subarray(zs, zs + 16 * k)); // k <= 4096: at most 65,536 bytes
    const ok = this.#x.ed25519VerifyBatch(k, pks, sigs, msgs, lens, zs, st, w) === 1;
    const status = mem.slice(st, st + k);
    this.#wipe(w + work);
    return { ok, status };
  }

  /** DeriveKeyPair (RFC 9180 §7.1.3) for DHKEM(X25519, HKDF-SHA256). */
  hpkeDeriveKeyPair(suite: HpkeSuite, ikm: Uint8Array): { privateKey: Uint8Array; publicKey: Uint8Array } {
    checkHpkeSuite(suite);
    checkBytes('ikm', ikm);
    const p = this.#arena(ikm.length + 2 * C.X25519_LEN);
    const sk = this.#put(p, ikm);
    const pk = sk + C.X25519_LEN;
    this.#x.hpkeDeriveKeyPair(p, ikm.length, sk, pk);
    const privateKey = this.#mem.slice(sk, sk + C.X25519_LEN);
    return { privateKey, publicKey: this.#take(pk, C.X25519_LEN, pk + C.X25519_LEN) };
  }

  /**
   * SetupBaseS (RFC 9180 §5.1.1). `ikmE` fixes the ephemeral key (test vectors); by default it is 32 random bytes.
   * Throws CRYPTO when pkR is a low-order point.
   */
  hpkeSetupBaseS(
    suite: HpkeSuite,
    pkR: Uint8Array,
    info: Uint8Array,
    ikmE: Uint8Array = randomBytes(32),
  ): { enc: Uint8Array; context: HpkeContext } {
    const aead = checkHpkeSuite(suite);
    checkLen('pkR', pkR, C.X25519_LEN);
    checkBytes('info', info);
    checkBytes('ikmE', ikmE);
    const p = this.#arena(C.X25519_LEN + ikmE.length + info.length + C.HPKE_ENC_LEN + C.HPKE_CTX_LEN);
    const e = this.#put(p, pkR);
    const i = this.#put(e, ikmE);
    const enc = this.#put(i, info);
    const ctx = enc + C.HPKE_ENC_LEN;
    const ok = this.#x.hpkeSetupBaseS(aead, p, e, ikmE.length, i, info.length, enc, ctx);
    if (ok !== 1) {
      this.#wipe(ctx + C.HPKE_CTX_LEN);
      throw new MlsError('CRYPTO', 'HPKE: DH result is all zero');
    }
    const encOut = this.#mem.slice(enc, enc + C.HPKE_ENC_LEN);
    const state = this.#take(ctx, C.HPKE_CTX_LEN, ctx + C.HPKE_CTX_LEN);
    return { enc: encOut, context: this.#context(aead, state) };
  }

  /** SetupBaseR (RFC 9180 §5.1.1). Throws CRYPTO when enc is a low-order point. */
  hpkeSetupBaseR(suite: HpkeSuite, enc: Uint8Array, skR: Uint8Array, info: Uint8Array): HpkeContext {
    const aead = checkHpkeSuite(suite);
    checkLen('enc', enc, C.HPKE_ENC_LEN);
    checkLen('skR', skR, C.X25519_LEN);
    checkBytes('info', info);
    const p = this.#arena(C.HPKE_ENC_LEN + C.X25519_LEN + info.length + C.HPKE_CTX_LEN);
    const s = this.#put(p, enc);
    const i = this.#put(s, skR);
    const ctx = this.#put(i, info);
    const ok = this.#x.hpkeSetupBaseR(aead, p, s, i, info.length, ctx);
    if (ok !== 1) {
      this.#wipe(ctx + C.HPKE_CTX_LEN);
      throw new MlsError('CRYPTO', 'HPKE: DH result is all zero');
    }
    return this.#context(aead, this.#take(ctx, C.HPKE_CTX_LEN, ctx + C.HPKE_CTX_LEN));
  }

  #context(aead: number, state: Uint8Array): HpkeContext {
    let seq = 0n;
    const core = this;
    // RFC 9180 §5.2: the sequence number must never wrap; the core takes it as a u64.
    const checkSeq = () => {
      if (seq >= 1n << 64n) throw new MlsError('CRYPTO', 'HPKE sequence number exhausted');
    };
    const keyed = (extra: number): { p: number; next: number } => {
      const p = core.#arena(C.HPKE_CTX_LEN + extra);
      return { p, next: core.#put(p, state) };
    };
    return {
      seal(aad, pt) {
        checkBytes('aad', aad);
        checkBytes('plaintext', pt);
        checkSeq();
        const { p, next } = keyed(aad.length + 2 * pt.length + C.AEAD_TAG_LEN);
        const m = core.#put(next, aad);
        const o = core.#put(m, pt);
        core.#x.hpkeSeal(aead, p, seq, next, aad.length, m, pt.length, o);
        seq++;
        return core.#take(o, pt.length + C.AEAD_TAG_LEN, o + pt.length + C.AEAD_TAG_LEN);
      },
      open(aad, ct) {
        checkBytes('aad', aad);
        checkBytes('ciphertext', ct);
        if (ct.length < C.AEAD_TAG_LEN) throw new MlsError('AEAD_DECRYPT', 'HPKE ciphertext shorter than the tag');
        checkSeq();
        const ptLen = ct.length - C.AEAD_TAG_LEN;
        const { p, next } = keyed(aad.length + ct.length + ptLen);
        const c = core.#put(next, aad);
        const o = core.#put(c, ct);
        const ok = core.#x.hpkeOpen(aead, p, seq, next, aad.length, c, ct.length, o);
        if (ok !== 1) {
          core.#wipe(o + ptLen);
          throw new MlsError('AEAD_DECRYPT', 'HPKE authentication tag mismatch');
        }
        seq++;
        return core.#take(o, ptLen, o + ptLen);
      },
      export(exporterContext, length) {
        checkBytes('exporterContext', exporterContext);
        if (!Number.isInteger(length) || length < 0 || length > C.HKDF_MAX_OUT)
          throw new MlsError('BAD_LENGTH', `HPKE export length must be 0..${C.HKDF_MAX_OUT}`);
        const { p, next } = keyed(exporterContext.length + length);
        const o = core.#put(next, exporterContext);
        core.#x.hpkeExport(p, next, exporterContext.length, o, length);
        return core.#take(o, length, o + length);
      },
    };
  }

  /**
   * SealBase (RFC 9180 §6.1) of `pts[i]` to `pkRs[i]` for every i, all under one `info` and `aad`: info_hash
   * (§5.1) is computed once, so the cost no longer grows with info.length × count (an MLS Welcome's
   * EncryptContext holds the whole encrypted GroupInfo). Each entry equals `hpkeSealBase(suite, pkRs[i], info,
   * aad, pts[i])` with ephemeral input `ikmEs[i]` (fresh 32 random bytes each by default; tests fix them).
   * Each seal uses its context once (sequence number 0), so the contexts never leave the arena.
   * @throws MlsError CRYPTO when some pkR is a low-order point (nothing is returned then); BAD_LENGTH.
   */
  hpkeSealMany(
    suite: HpkeSuite,
    pkRs: readonly Uint8Array[],
    info: Uint8Array,
    aad: Uint8Array,
    pts: readonly Uint8Array[],
    ikmEs?: readonly Uint8Array[],
  ): { enc: Uint8Array; ct: Uint8Array }[] {
    const aead = checkHpkeSuite(suite);
    checkBytes('info', info);
    checkBytes('aad', aad);
    if (pkRs.length !== pts.length || (ikmEs !== undefined && ikmEs.length !== pts.length))
      throw new MlsError('BAD_LENGTH', `hpkeSealMany: ${pkRs.length} keys, ${pts.length} plaintexts${ikmEs ? `, ${ikmEs.length} ikmE` : ''}`);
    let maxPt = 0;
    let maxIkm = 32;
    for (let i = 0; i < pts.length; i++) {
      checkLen('pkR', pkRs[i]!, C.X25519_LEN);
      checkBytes('plaintext', pts[i]!);
      maxPt = Math.max(maxPt, pts[i]!.length);
      if (ikmEs) {
        checkBytes('ikmE', ikmEs[i]!);
        maxIkm = Math.max(maxIkm, ikmEs[i]!.length);
      }
    }
    const x = this.#x;
    // Arena: info_hash | aad | pkR | ikmE | enc | ctx | pt | ct. info is copied in once, hashed, then overwritten.
    const fixed = C.SHA256_LEN + aad.length;
    const per = C.X25519_LEN + maxIkm + C.HPKE_ENC_LEN + C.HPKE_CTX_LEN + 2 * maxPt + C.AEAD_TAG_LEN;
    const p = this.#arena(Math.max(fixed + per, info.length + C.SHA256_LEN));
    const h = this.#put(p, info);
    x.hpkeInfoHash(aead, p, info.length, h);
    this.#mem.copyWithin(p, h, h + C.SHA256_LEN);
    this.#mem.fill(0, p + C.SHA256_LEN, h + C.SHA256_LEN);
    const a = p + C.SHA256_LEN;
    const k = this.#put(a, aad);
    const e = k + C.X25519_LEN;
    const out: { enc: Uint8Array; ct: Uint8Array }[] = new Array(pts.length);
    const ikm = new Uint8Array(32);
    for (let i = 0; i < pts.length; i++) {
      const ikmE = ikmEs?.[i] ?? randomFill(ikm);
      const pt = pts[i]!;
      this.#put(k, pkRs[i]!);
      const enc = this.#put(e, ikmE);
      const ctx = enc + C.HPKE_ENC_LEN;
      const m = ctx + C.HPKE_CTX_LEN;
      const o = this.#put(m, pt);
      if (x.hpkeSetupBaseSWithInfoHash(aead, k, e, ikmE.length, p, enc, ctx) !== 1) {
        ikm.fill(0);
        this.#wipe(o + pt.length + C.AEAD_TAG_LEN);
        throw new MlsError('CRYPTO', `HPKE: DH result is all zero for receiver ${i}`);
      }
      x.hpkeSeal(aead, ctx, 0n, a, aad.length, m, pt.length, o);
      out[i] = {
        enc: this.#mem.slice(enc, enc + C.HPKE_ENC_LEN),
        ct: this.#mem.slice(o, o + pt.length + C.AEAD_TAG_LEN),
      };
      // The context, ephemeral input and plaintext are secret: wipe them before the next receiver's.
      this.#mem.fill(0, e, o + pt.length + C.AEAD_TAG_LEN);
    }
    ikm.fill(0);
    this.#wipe(fixed + per + p);
    return out;
  }

  /** Single-shot SealBase (RFC 9180 §6.1). */
  hpkeSealBase(
    suite: HpkeSuite,
    pkR: Uint8Array,
    info: Uint8Array,
    aad: Uint8Array,
    pt: Uint8Array,
  ): { enc: Uint8Array; ct: Uint8Array } {
    const { enc, context } = this.hpkeSetupBaseS(suite, pkR, info);
    return { enc, ct: context.seal(aad, pt) };
  }

  /** Single-shot OpenBase (RFC 9180 §6.1). Throws AEAD_DECRYPT on a bad tag. */
  hpkeOpenBase(
    suite: HpkeSuite,
    enc: Uint8Array,
    skR: Uint8Array,
    info: Uint8Array,
    aad: Uint8Array,
    ct: Uint8Array,
  ): Uint8Array {
    return this.hpkeSetupBaseR(suite, enc, skR, info).open(aad, ct);
  }

  /** Bytes of linear memory in use: for tests that check the arena is wiped. */
  memoryView(): Uint8Array {
    return new Uint8Array(this.#x.memory.buffer);
  }
}

type CoreSource = BufferSource | WebAssembly.Module | URL | string;

async function compile(source: CoreSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source !== 'string' && !(source instanceof URL)) return WebAssembly.compile(source);
  const url = source.toString();
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  if (isNode && url.startsWith('file:')) {
    // Node's fetch cannot read file: URLs.
    const fs = (await import(/* @vite-ignore */ 'node:' + 'fs/promises')) as typeof import('node:fs/promises');
    return WebAssembly.compile(await fs.readFile(new URL(url)));
  }
  const res = await fetch(url);
  if (!res.ok) throw new MlsError('NOT_INITIALIZED', `cannot load core.wasm from ${url}: HTTP ${res.status}`);
  if (res.headers.get('content-type')?.startsWith('application/wasm')) return WebAssembly.compileStreaming(res);
  return WebAssembly.compile(await res.arrayBuffer());
}

/** Instantiate a fresh, independent core. */
export async function loadCore(source: CoreSource = wasmUrl): Promise<WasmCore> {
  const module = await compile(source);
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort() {
        throw new MlsError('CRYPTO', 'core.wasm aborted');
      },
    },
  });
  return new WasmCore(instance);
}

let current: WasmCore | undefined;
let loading: Promise<WasmCore> | undefined;

/** Load the default core once; later calls return the same promise. */
export function initCore(source?: CoreSource): Promise<WasmCore> {
  loading ??= loadCore(source).then(
    (c) => (current = c),
    (e) => {
      loading = undefined;
      throw e;
    },
  );
  return loading;
}

function core(): WasmCore {
  if (!current) throw new MlsError('NOT_INITIALIZED', 'call await initCore() before using the crypto core');
  return current;
}

export const sha256 = (data: Uint8Array) => core().sha256(data);
export const sha512 = (data: Uint8Array) => core().sha512(data);
export const hashMany = (messages: readonly Uint8Array[]) => core().hashMany(messages);
export const hmacSha256 = (key: Uint8Array, data: Uint8Array) => core().hmacSha256(key, data);
export const hkdfExtract = (salt: Uint8Array, ikm: Uint8Array) => core().hkdfExtract(salt, ikm);
export const hkdfExpand = (prk: Uint8Array, info: Uint8Array, length: number) => core().hkdfExpand(prk, info, length);
export const aes128gcmSeal = (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array) =>
  core().aes128gcmSeal(key, nonce, aad, pt);
export const aes128gcmOpen = (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array) =>
  core().aes128gcmOpen(key, nonce, aad, sealed);
export const chacha20poly1305Seal = (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array) =>
  core().chacha20poly1305Seal(key, nonce, aad, pt);
export const chacha20poly1305Open = (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array) =>
  core().chacha20poly1305Open(key, nonce, aad, sealed);
export const x25519 = (scalar: Uint8Array, u: Uint8Array) => core().x25519(scalar, u);
export const x25519Base = (scalar: Uint8Array) => core().x25519Base(scalar);
export const ed25519PublicKey = (seed: Uint8Array) => core().ed25519PublicKey(seed);
export const ed25519Sign = (seed: Uint8Array, message: Uint8Array) => core().ed25519Sign(seed, message);
export const ed25519Verify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
  core().ed25519Verify(publicKey, message, signature);
export const ed25519VerifyMany = (
  publicKeys: readonly Uint8Array[],
  messages: readonly Uint8Array[],
  signatures: readonly Uint8Array[],
) => core().ed25519VerifyMany(publicKeys, messages, signatures);
export const hpkeSealBase = (suite: HpkeSuite, pkR: Uint8Array, info: Uint8Array, aad: Uint8Array, pt: Uint8Array) =>
  core().hpkeSealBase(suite, pkR, info, aad, pt);
export const hpkeOpenBase = (
  suite: HpkeSuite,
  enc: Uint8Array,
  skR: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ct: Uint8Array,
) => core().hpkeOpenBase(suite, enc, skR, info, aad, ct);
export const hpkeSealMany = (
  suite: HpkeSuite,
  pkRs: readonly Uint8Array[],
  info: Uint8Array,
  aad: Uint8Array,
  pts: readonly Uint8Array[],
) => core().hpkeSealMany(suite, pkRs, info, aad, pts);
export const hpkeDeriveKeyPair = (suite: HpkeSuite, ikm: Uint8Array) => core().hpkeDeriveKeyPair(suite, ikm);
export const hpkeSetupBaseS = (suite: HpkeSuite, pkR: Uint8Array, info: Uint8Array, ikmE?: Uint8Array) =>
  core().hpkeSetupBaseS(suite, pkR, info, ikmE);
export const hpkeSetupBaseR = (suite: HpkeSuite, enc: Uint8Array, skR: Uint8Array, info: Uint8Array) =>
  core().hpkeSetupBaseR(suite, enc, skR, info);

// HPKE (RFC 9180) base mode: KEM 0x0020 DHKEM(X25519, HKDF-SHA256), KDF 0x0001 HKDF-SHA256,
// AEAD 0x0001 AES-128-GCM and 0x0003 ChaCha20-Poly1305, plus the secret export interface.
// A context is HPKE_CTX_LEN bytes at ctx (layout in constants.ts); the sequence number is kept by the caller.
// Public ABI:
//   hpkeDeriveKeyPair(ikm, ikmLen, skOut32, pkOut32)                                  RFC 9180 §7.1.3
//   hpkeSetupBaseS(aead, pkR, ikmE, ikmELen, info, infoLen, encOut32, ctxOut): i32    §5.1.1 (ikmE: ephemeral DeriveKeyPair input)
//   hpkeSetupBaseR(aead, enc, skR, info, infoLen, ctxOut): i32                        §5.1.1
//     both return 0 when a DH result is all zero (ctx is then not written), else 1
//   hpkeInfoHash(aead, info, infoLen, out32)                                          §5.1 info_hash
//   hpkeSetupBaseSWithInfoHash(aead, pkR, ikmE, ikmELen, infoHash32, encOut32, ctxOut): i32
//     SetupBaseS with info_hash = hpkeInfoHash(aead, info) computed once by the caller: sealing one long info
//     (an MLS Welcome's EncryptContext holds the whole encrypted GroupInfo) to many receivers hashes it once.
//     key_schedule_context uses info only through info_hash (§5.1), so the context is the same as
//     hpkeSetupBaseS(aead, pkR, ikmE, ikmELen, info, infoLen, …) gives. Returns as hpkeSetupBaseS.
//   hpkeSeal(aead, ctx, seq: u64, aad, aadLen, pt, ptLen, out)   out = ct || tag      §5.2
//   hpkeOpen(aead, ctx, seq: u64, aad, aadLen, ct, ctLen, out): i32                   §5.2
//   hpkeExport(ctx, exporterContext, exporterContextLen, out, L)  L <= 255*32 (JS checks) §5.3
//
// Constant-time: every function here is constant-time in its secret inputs (ikm, skR, the ephemeral key, DH
// outputs, the context's key, base_nonce and exporter_secret): the only branches are on the AEAD id, on the
// public lengths (info, aad, pt, exporter context, L), on the public sequence number, and on the all-zero DH
// check that RFC 9180 §7.1.4 / RFC 7748 §6.1 make an error (only its result, not the secret, is revealed).
// Tag checks happen inside the AEAD primitives (constant-time compare there).
//
// HKDF (RFC 5869) is computed here with the streaming HMAC-SHA256 of hmac.ts, so that LabeledExtract /
// LabeledExpand (§4) can feed the fixed labeled prefix from a static buffer and the caller's unbounded info /
// exporter_context / ikm straight from its own memory, with no copy and no allocation.
// Every secret scratch buffer is wiped before each export returns.

import {
  SHA256_LEN,
  X25519_LEN,
  AEAD_NONCE_LEN,
  AES128_KEY_LEN,
  CHACHA20_KEY_LEN,
  HPKE_AEAD_AES128GCM,
  HPKE_AEAD_CHACHA20POLY1305,
  HPKE_CTX_KEY,
  HPKE_CTX_NONCE,
  HPKE_CTX_EXPORTER,
  HPKE_CTX_AEAD,
  HPKE_ENC_LEN,
  HPKE_CTX_LEN,
} from './constants';
import { hmacSha256Init, hmacSha256Update, hmacSha256Final } from './hmac';
import { x25519, x25519Base } from './x25519';
import { aes128gcmSeal, aes128gcmOpen } from './aes-gcm';
import { chacha20poly1305Seal, chacha20poly1305Open } from './chacha20poly1305';

// ---- Labels (RFC 9180 §4, §5.1, §7.1.3), ASCII bytes ----
const HPKE_V1 = memory.data<u8>([0x48, 0x50, 0x4b, 0x45, 0x2d, 0x76, 0x31]); // "HPKE-v1"
const L_DKP_PRK = memory.data<u8>([0x64, 0x6b, 0x70, 0x5f, 0x70, 0x72, 0x6b]); // "dkp_prk"
const L_SK = memory.data<u8>([0x73, 0x6b]); // "sk"
const L_EAE_PRK = memory.data<u8>([0x65, 0x61, 0x65, 0x5f, 0x70, 0x72, 0x6b]); // "eae_prk"
const L_SHARED_SECRET = memory.data<u8>([0x73, 0x68, 0x61, 0x72, 0x65, 0x64, 0x5f, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74]); // "shared_secret"
const L_PSK_ID_HASH = memory.data<u8>([0x70, 0x73, 0x6b, 0x5f, 0x69, 0x64, 0x5f, 0x68, 0x61, 0x73, 0x68]); // "psk_id_hash"
const L_INFO_HASH = memory.data<u8>([0x69, 0x6e, 0x66, 0x6f, 0x5f, 0x68, 0x61, 0x73, 0x68]); // "info_hash"
const L_SECRET = memory.data<u8>([0x73, 0x65, 0x63, 0x72, 0x65, 0x74]); // "secret"
const L_KEY = memory.data<u8>([0x6b, 0x65, 0x79]); // "key"
const L_BASE_NONCE = memory.data<u8>([0x62, 0x61, 0x73, 0x65, 0x5f, 0x6e, 0x6f, 0x6e, 0x63, 0x65]); // "base_nonce"
const L_EXP = memory.data<u8>([0x65, 0x78, 0x70]); // "exp"
const L_SEC = memory.data<u8>([0x73, 0x65, 0x63]); // "sec"

// §4.1: suite_id = "KEM" || I2OSP(kem_id, 2) for the KEM's own LabeledExtract/Expand.
const KEM_SUITE = memory.data<u8>([0x4b, 0x45, 0x4d, 0x00, 0x20]);
const KEM_SUITE_LEN: usize = 5;
// §5.1: suite_id = "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2); the last byte is set per call.
const HPKE_SUITE = memory.data<u8>([0x48, 0x50, 0x4b, 0x45, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00]);
const HPKE_SUITE_LEN: usize = 10;

const MODE_BASE: u8 = 0x00; // §5.1 Table 1

// ---- Scratch (static; wiped at the end of every export) ----
const LBL = memory.data(64); // labeled prefix: [I2OSP(L, 2)] || "HPKE-v1" || suite_id || label (<= 32 bytes)
const CTR = memory.data(16); // HKDF-Expand block counter byte
const T = memory.data(SHA256_LEN); // HKDF-Expand T(i)
const PRK = memory.data(SHA256_LEN); // dkp_prk / eae_prk
const SKE = memory.data(X25519_LEN); // ephemeral secret key
const PKRM = memory.data(X25519_LEN); // receiver public key recomputed from skR
const DH = memory.data(X25519_LEN); // DH output
const KEM_CTX = memory.data(2 * HPKE_ENC_LEN); // kem_context = enc || pkRm
const SHARED = memory.data(SHA256_LEN); // shared_secret (Nsecret = 32)
const KS_CTX = memory.data(1 + 2 * SHA256_LEN); // key_schedule_context = mode || psk_id_hash || info_hash
const SECRET = memory.data(SHA256_LEN); // key schedule secret
const NONCE = memory.data(AEAD_NONCE_LEN); // base_nonce XOR I2OSP(seq, Nn)

// Export (§5.3) labels with the context's suite_id, so a context records its AEAD id (hpkeExport's ABI does not
// pass it) as a u32 at HPKE_CTX_AEAD.
@inline function copy(dst: usize, src: usize, n: usize): void {
  memory.copy(dst, src, n);
}

@inline function wipe(p: usize, n: usize): void {
  memory.fill(p, 0, n);
}

@inline function keyLen(aead: u32): usize {
  // §7.3 Table 5: Nk = 16 for AES-128-GCM, 32 for ChaCha20-Poly1305. The JS face rejects other ids.
  if (aead == HPKE_AEAD_AES128GCM) return AES128_KEY_LEN;
  if (aead != HPKE_AEAD_CHACHA20POLY1305) unreachable();
  return CHACHA20_KEY_LEN;
}

/** §5.1 suite_id's last two bytes: I2OSP(aead_id, 2). */
@inline function setSuiteAead(aead: u32): void {
  store<u8>(HPKE_SUITE, <u8>(aead >> 8), 8);
  store<u8>(HPKE_SUITE, <u8>aead, 9);
}

/** Record the AEAD id in a fresh context. */
@inline function recordAead(ctx: usize, aead: u32): void {
  store<u32>(ctx + HPKE_CTX_AEAD, aead);
}

/** The AEAD id a context was made for (public). */
@inline function contextAead(ctx: usize): u32 {
  return load<u32>(ctx + HPKE_CTX_AEAD);
}

/** Write "HPKE-v1" || suite_id || label at p; returns the length written. */
@inline function labeled(p: usize, suite: usize, suiteLen: usize, label: usize, labelLen: usize): usize {
  copy(p, HPKE_V1, 7);
  copy(p + 7, suite, suiteLen);
  copy(p + 7 + suiteLen, label, labelLen);
  return 7 + suiteLen + labelLen;
}

/**
 * §4 LabeledExtract(salt, label, ikm) = HKDF-Extract(salt, "HPKE-v1" || suite_id || label || ikm)
 * = HMAC-SHA256(salt, labeled_ikm) (RFC 5869 §2.2; an empty salt is HMAC's all-zero key, as RFC 5869 asks).
 */
function labeledExtract(
  salt: usize, saltLen: usize, suite: usize, suiteLen: usize,
  label: usize, labelLen: usize, ikm: usize, ikmLen: usize, out: usize,
): void {
  const n = labeled(LBL, suite, suiteLen, label, labelLen);
  hmacSha256Init(salt, saltLen);
  hmacSha256Update(LBL, n);
  hmacSha256Update(ikm, ikmLen);
  hmacSha256Final(out);
}

/**
 * §4 LabeledExpand(prk, label, info, L) = HKDF-Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L)
 * with RFC 5869 §2.3's T(i) = HMAC(PRK, T(i-1) || info || i). out must not overlap prk. L <= 255*32 (JS checks).
 */
function labeledExpand(
  prk: usize, suite: usize, suiteLen: usize, label: usize, labelLen: usize,
  info: usize, infoLen: usize, out: usize, L: usize,
): void {
  store<u8>(LBL, <u8>(L >> 8));
  store<u8>(LBL, <u8>L, 1);
  const n: usize = 2 + labeled(LBL + 2, suite, suiteLen, label, labelLen);
  let off: usize = 0;
  let i: u32 = 1;
  while (off < L) {
    hmacSha256Init(prk, SHA256_LEN);
    if (i > 1) hmacSha256Update(T, SHA256_LEN);
    hmacSha256Update(LBL, n);
    hmacSha256Update(info, infoLen);
    store<u8>(CTR, <u8>i);
    hmacSha256Update(CTR, 1);
    hmacSha256Final(T);
    const take: usize = L - off < <usize>SHA256_LEN ? L - off : <usize>SHA256_LEN;
    copy(out + off, T, take);
    off += take;
    i++;
  }
  wipe(T, SHA256_LEN);
}

/** §7.1.3 DeriveKeyPair for X25519: sk = LabeledExpand(dkp_prk, "sk", "", 32) (no rejection loop), pk = X25519(sk, 9). */
function deriveKeyPair(ikm: usize, ikmLen: usize, skOut: usize, pkOut: usize): void {
  labeledExtract(0, 0, KEM_SUITE, KEM_SUITE_LEN, L_DKP_PRK, 7, ikm, ikmLen, PRK);
  labeledExpand(PRK, KEM_SUITE, KEM_SUITE_LEN, L_SK, 2, 0, 0, skOut, X25519_LEN);
  x25519Base(skOut, pkOut);
  wipe(PRK, SHA256_LEN);
}

/** §4.1 ExtractAndExpand(dh, kem_context) into SHARED. */
function extractAndExpand(): void {
  labeledExtract(0, 0, KEM_SUITE, KEM_SUITE_LEN, L_EAE_PRK, 7, DH, X25519_LEN, PRK);
  labeledExpand(PRK, KEM_SUITE, KEM_SUITE_LEN, L_SHARED_SECRET, 13, KEM_CTX, 2 * HPKE_ENC_LEN, SHARED, SHA256_LEN);
}

/** §5.1 info_hash = LabeledExtract("", "info_hash", info) under the suite_id of `aead`, into out (32 bytes). */
function infoHash(aead: u32, info: usize, infoLen: usize, out: usize): void {
  setSuiteAead(aead);
  labeledExtract(0, 0, HPKE_SUITE, HPKE_SUITE_LEN, L_INFO_HASH, 9, info, infoLen, out);
}

/**
 * §5.1 KeySchedule for mode_base with default (empty) psk and psk_id, from SHARED into ctx. info enters only
 * through info_hash, which the caller has written at KS_CTX + 1 + Nh.
 */
function keySchedule(aead: u32, ctx: usize): void {
  const nk = keyLen(aead);
  setSuiteAead(aead);
  store<u8>(KS_CTX, MODE_BASE);
  // psk_id_hash = LabeledExtract("", "psk_id_hash", psk_id = "")
  labeledExtract(0, 0, HPKE_SUITE, HPKE_SUITE_LEN, L_PSK_ID_HASH, 11, 0, 0, KS_CTX + 1);
  // secret = LabeledExtract(shared_secret, "secret", psk = "")
  labeledExtract(SHARED, SHA256_LEN, HPKE_SUITE, HPKE_SUITE_LEN, L_SECRET, 6, 0, 0, SECRET);
  const kc: usize = 1 + 2 * SHA256_LEN;
  // The context's key field is 32 bytes; zero it first so AES-128's unused half holds nothing stale.
  wipe(ctx + HPKE_CTX_KEY, HPKE_CTX_NONCE - HPKE_CTX_KEY);
  labeledExpand(SECRET, HPKE_SUITE, HPKE_SUITE_LEN, L_KEY, 3, KS_CTX, kc, ctx + HPKE_CTX_KEY, nk);
  labeledExpand(SECRET, HPKE_SUITE, HPKE_SUITE_LEN, L_BASE_NONCE, 10, KS_CTX, kc, ctx + HPKE_CTX_NONCE, AEAD_NONCE_LEN);
  labeledExpand(SECRET, HPKE_SUITE, HPKE_SUITE_LEN, L_EXP, 3, KS_CTX, kc, ctx + HPKE_CTX_EXPORTER, SHA256_LEN);
  recordAead(ctx, aead);
}

/** Wipe every secret scratch buffer (why: no key material may outlive the call in linear memory). */
function wipeAll(): void {
  wipe(LBL, 64);
  wipe(CTR, 16);
  wipe(T, SHA256_LEN);
  wipe(PRK, SHA256_LEN);
  wipe(SKE, X25519_LEN);
  wipe(PKRM, X25519_LEN);
  wipe(DH, X25519_LEN);
  wipe(KEM_CTX, 2 * HPKE_ENC_LEN);
  wipe(SHARED, SHA256_LEN);
  wipe(KS_CTX, 1 + 2 * SHA256_LEN);
  wipe(SECRET, SHA256_LEN);
  wipe(NONCE, AEAD_NONCE_LEN);
}

/** DeriveKeyPair (§7.1.3). Constant-time in ikm. */
export function hpkeDeriveKeyPair(ikm: usize, ikmLen: usize, skOut: usize, pkOut: usize): void {
  deriveKeyPair(ikm, ikmLen, skOut, pkOut);
  wipeAll();
}

/**
 * SetupBaseS (§5.1.1) with Encap (§4.1) whose ephemeral key is DeriveKeyPair(ikmE), for both exports below:
 * when `hashed`, info points to the 32-byte info_hash itself (infoLen unused), else info_hash is computed here.
 */
function setupBaseS(
  aead: u32, pkR: usize, ikmE: usize, ikmELen: usize, info: usize, infoLen: usize, hashed: bool,
  encOut: usize, ctxOut: usize,
): i32 {
  keyLen(aead); // reject a bad id before any work
  deriveKeyPair(ikmE, ikmELen, SKE, encOut);
  const ok = x25519(SKE, pkR, DH);
  if (ok == 1) {
    // kem_context = enc || pkRm
    copy(KEM_CTX, encOut, HPKE_ENC_LEN);
    copy(KEM_CTX + HPKE_ENC_LEN, pkR, X25519_LEN);
    extractAndExpand();
    if (hashed) copy(KS_CTX + 1 + SHA256_LEN, info, SHA256_LEN);
    else infoHash(aead, info, infoLen, KS_CTX + 1 + SHA256_LEN);
    keySchedule(aead, ctxOut);
  }
  wipeAll();
  return ok == 1 ? 1 : 0;
}

/**
 * SetupBaseS (§5.1.1) with Encap (§4.1) whose ephemeral key is DeriveKeyPair(ikmE). Writes enc (= pkE) and the
 * context. Returns 0 (ctx not written) when DH(skE, pkR) is all zero (a low-order pkR), else 1.
 */
export function hpkeSetupBaseS(
  aead: u32, pkR: usize, ikmE: usize, ikmELen: usize, info: usize, infoLen: usize, encOut: usize, ctxOut: usize,
): i32 {
  return setupBaseS(aead, pkR, ikmE, ikmELen, info, infoLen, false, encOut, ctxOut);
}

/**
 * §5.1 info_hash of `info` for `aead` (32 bytes at out), for hpkeSetupBaseSWithInfoHash. info is public (an
 * HPKE info string); the scratch is wiped anyway.
 */
export function hpkeInfoHash(aead: u32, info: usize, infoLen: usize, out: usize): void {
  keyLen(aead);
  infoHash(aead, info, infoLen, out);
  wipeAll();
}

/**
 * SetupBaseS (§5.1.1) given info_hash = hpkeInfoHash(aead, info) instead of info: the same context and enc as
 * hpkeSetupBaseS(aead, pkR, ikmE, ikmELen, info, …), without rehashing info. Returns as hpkeSetupBaseS.
 */
export function hpkeSetupBaseSWithInfoHash(
  aead: u32, pkR: usize, ikmE: usize, ikmELen: usize, infoHashIn: usize, encOut: usize, ctxOut: usize,
): i32 {
  return setupBaseS(aead, pkR, ikmE, ikmELen, infoHashIn, SHA256_LEN, true, encOut, ctxOut);
}

/** SetupBaseR (§5.1.1) with Decap (§4.1). Returns 0 (ctx not written) when DH(skR, enc) is all zero, else 1. */
export function hpkeSetupBaseR(aead: u32, enc: usize, skR: usize, info: usize, infoLen: usize, ctxOut: usize): i32 {
  keyLen(aead);
  const ok = x25519(skR, enc, DH);
  if (ok == 1) {
    x25519Base(skR, PKRM);
    copy(KEM_CTX, enc, HPKE_ENC_LEN);
    copy(KEM_CTX + HPKE_ENC_LEN, PKRM, X25519_LEN);
    extractAndExpand();
    infoHash(aead, info, infoLen, KS_CTX + 1 + SHA256_LEN);
    keySchedule(aead, ctxOut);
  }
  wipeAll();
  return ok == 1 ? 1 : 0;
}

/** §5.2 ComputeNonce: base_nonce XOR I2OSP(seq, Nn); seq < 2^64 occupies the last 8 bytes, big-endian. */
@inline function computeNonce(ctx: usize, seq: u64): void {
  copy(NONCE, ctx + HPKE_CTX_NONCE, AEAD_NONCE_LEN);
  const hi = load<u64>(NONCE + 4);
  store<u64>(NONCE + 4, hi ^ bswap<u64>(seq));
}

/** ContextS.Seal (§5.2): out = ct || tag (ptLen + 16 bytes). Constant-time in the key, nonce and plaintext. */
export function hpkeSeal(
  aead: u32, ctx: usize, seq: u64, aad: usize, aadLen: usize, pt: usize, ptLen: usize, out: usize,
): void {
  keyLen(aead);
  computeNonce(ctx, seq);
  if (aead == HPKE_AEAD_AES128GCM) aes128gcmSeal(ctx + HPKE_CTX_KEY, NONCE, aad, aadLen, pt, ptLen, out);
  else chacha20poly1305Seal(ctx + HPKE_CTX_KEY, NONCE, aad, aadLen, pt, ptLen, out);
  wipe(NONCE, AEAD_NONCE_LEN);
}

/** ContextR.Open (§5.2): returns 1 and writes ctLen - 16 bytes, or 0 (nothing written) on a bad tag. */
export function hpkeOpen(
  aead: u32, ctx: usize, seq: u64, aad: usize, aadLen: usize, ct: usize, ctLen: usize, out: usize,
): i32 {
  keyLen(aead);
  computeNonce(ctx, seq);
  let ok: i32;
  if (aead == HPKE_AEAD_AES128GCM) ok = aes128gcmOpen(ctx + HPKE_CTX_KEY, NONCE, aad, aadLen, ct, ctLen, out);
  else ok = chacha20poly1305Open(ctx + HPKE_CTX_KEY, NONCE, aad, aadLen, ct, ctLen, out);
  wipe(NONCE, AEAD_NONCE_LEN);
  return ok;
}

/** Context.Export (§5.3): LabeledExpand(exporter_secret, "sec", exporter_context, L). Constant-time in the secret. */
export function hpkeExport(ctx: usize, exporterContext: usize, exporterContextLen: usize, out: usize, outLen: usize): void {
  // §5.3 labels with the context's own suite_id, so the AEAD id must come from the context record.
  setSuiteAead(contextAead(ctx));
  labeledExpand(ctx + HPKE_CTX_EXPORTER, HPKE_SUITE, HPKE_SUITE_LEN, L_SEC, 3, exporterContext, exporterContextLen, out, outLen);
  wipeAll();
}

// Ed25519 (RFC 8032 §5.1) with strict, cofactored verification.
//
// Public ABI (pointers into linear memory):
//   ed25519PublicKey(seed32, out32)                 RFC 8032 §5.1.5
//   ed25519Sign(seed32, msg, msgLen, out64)         RFC 8032 §5.1.6
//   ed25519SignCached(seed32, msg, msgLen, out64, cache64)   the same signature; cache64 = check32 || A32 is
//     read and rewritten (see "Public key cache" below); returns 1 when the blob was used, 0 when A was computed
//   ed25519PublicKeyCached(seed32, out32, cache64)  ed25519PublicKey that also writes that blob
//   ed25519Verify(pk32, msg, msgLen, sig64): 1 valid, 0 invalid   RFC 8032 §5.1.7 (the rule below)
// Internal: edBaseU(out32, k32): the Montgomery u of [k]B, for x25519Base. ed25519-batch.ts builds batch
// verification on the point arithmetic exported here (index.ts does not re-export it).
//
// THE VERIFICATION RULE (single and batch, WASM and @noble providers alike):
//   1. lengths exact (32-byte A, 64-byte signature: checked by the JS face);
//   2. S < L (RFC 8032 §5.1.7 step 1; refuses the S + L malleability);
//   3. A and R decode strictly (§5.1.3): y < p, x^2 = (y^2 - 1)/(d y^2 + 1) has a root, and x = 0 only with a
//      clear sign bit;
//   4. neither A nor R is of small order ([8]P = identity: the 8 torsion points are refused);
//   5. accept iff [8]([S]B - R - [k]A) = identity, k = SHA-512(R || A || M) mod L: the cofactored equation,
//      which §5.1.7 allows ("check the group equation [8][S]B = [8]R + [8][k]A'").
// Why cofactored: batch verification checks a random linear combination of the equations, and that agrees
// with one-by-one verification only for the cofactored equation ("Taming the many EdDSAs", Chalkias, Garillot
// and Nikolaenko, 2020; ZIP-215). With the cofactorless equation a signature whose R or A carries a torsion
// component passes or fails depending on k mod 8 and on the random batch coefficients. So single verification
// uses the cofactored equation too, and a signature with a torsion-tainted R or A (R + T, A + T, T of order
// 2, 4 or 8) is accepted whenever the cofactored equation holds. Why refuse small-order A and R: under the
// cofactored equation a small-order A with S = 0 and a small-order R "verifies" every message (a weak key
// that signs anything); refusing both keeps the check strict (RFC 8032 does not ask for it; @noble's strict
// mode refuses small-order A too). A signature honestly produced by RFC 8032 §5.1.6 always passes.
//
// Points use extended twisted Edwards coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z, with ref10's
// intermediate forms: p2 (X:Y:Z), p1p1 ((X:Z),(Y:T)), precomp (y+x, y-x, 2dxy) and cached (Y+X, Y-X, Z, 2dT).
//
// Constant time (secret scalars): public key derivation and signing use a fixed-base comb (ref10
// ge_scalarmult_base): 64 signed radix-16 digits in [-8, 8]; digits 2i and 2i+1 use the table row
// [1..8] 256^i B (the odd digits are summed first, then multiplied by 16). Every entry of the row is read and
// combined under masks, then negated by mask. No branch or memory index depends on a digit.
// The scalar mod L arithmetic is constant time too (scalar25519.ts). Secret scratch is wiped before returning.
//
// Public key cache (ed25519SignCached): signing needs A = [s]B, a second fixed-base multiplication and an
// inversion per signature. The JS face keeps, per seed array, a 64-byte blob check || A that this file wrote;
// A from the blob is used only when check = SHA-512("webmls ed25519 A cache" || seed || A)[0..32] recomputed
// here from the seed being used, so a blob of another seed, a changed seed array, or a changed A misses and A
// is recomputed (a signature with a public key that does not belong to the seed would leak the secret scalar
// given a second signature of the same message). The blob holds no secret (a hash of the seed and A).
//
// Public inputs only (variable time): verification, which decodes A and R and checks rule 5 as
// [8]([u]B - [c1]R - [c0]A) = identity, where c0 = c1 k (mod L) with |c0|, |c1| < 2^127 come from a 2-D lattice
// reduction of k (Pornin, ePrint 2020/454; see "Lattice reduction" below; valid because the equation is
// cofactored) and u = c1 S mod L is split over B and 2^128 B: one sliding-window multi-scalar multiplication
// with ~128 doublings instead of 253 (odd multiples up to 15 of A and R, up to 127 of B and of 2^128 B from
// static tables); the small-order checks compare the (canonical) encoding with the 8 small-order encodings, and
// [8] in rule 5 is three doublings. The odd multiples of A are kept for the last 16 keys (see keyTable).
// Measured (CPU time, Node 20, against the build before this change): +23% verifications/s with distinct keys
// from the lattice reduction, +24% more for a repeated key from the key cache.
// Hot keys (see "Hot keys" below): a key verified a third time while in that cache gets tables of odd
// multiples of -2^(16j) A, j < 16 (as B has, statically), for up to 4 keys; for those, [S]B - [k]A is computed
// exactly, S and k undivided, in one pass of 16 doublings, and rule 5 is checked on [S]B - [k]A - R itself
// (no lattice reduction, no table of R): the same answer, about twice the verifications/s of a hot key.
//
// Tables: the tables of multiples of B (256 + 64 + 64 entries, 90 KB as i64 limbs) are computed once, at the
// first call that needs them, into static memory, rather than pasted as constants: that keeps 90 KB of data out
// of the .wasm. Their content is public, so building them needs no constant-time care; reading the signing
// table does (select). One-time cost: 48 batched inversions and ~7,500 multiplications, a few ms in Node 20
// (most of it before the code tiers up). The hot-key path adds 14 x 64 entries (215 KB) at the first hot key,
// and 61 KB a hot key (4 slots): static zero-filled memory, which costs nothing in the .wasm file.

import {
  FE,
  feAdd,
  feCarry,
  feCopy,
  feFromBytes,
  feInvert,
  feIsCanonical,
  feIsNegative,
  feIsZero,
  feMul,
  feNeg,
  feOne,
  fePow22523,
  feSq,
  feSq2,
  feSub,
  feToBytes,
  feZero,
  wipe,
} from './field25519';
import { scIsCanonical, scMulAdd, scReduce64 } from './scalar25519';
import { sha512Final, sha512Init, sha512Update } from './sha2';

// ---------------------------------------------------------------------------------------------------------
// Constants (radix 2^25.5 limbs, canonical; computed with BigInt when written).

/** d = -121665/121666 (RFC 8032 §5.1). */
const D: usize = memory.data<i64>([
  56195235, 13857412, 51736253, 6949390, 114729, 24766616, 60832955, 30306712, 48412415, 21499315,
]);
/** 2d */
export const D2: usize = memory.data<i64>([
  45281625, 27714825, 36363642, 13898781, 229458, 15978800, 54557047, 27058993, 29715967, 9444199,
]);
/** sqrt(-1) = 2^((p-1)/4) (RFC 8032 §5.1.3 step 3). */
const SQRTM1: usize = memory.data<i64>([
  34513072, 25610706, 9377949, 3500415, 12389472, 33281959, 41962654, 31548777, 326685, 11406482,
]);
/** The base point B (RFC 8032 §5.1): y = 4/5, x even. */
const BX: usize = memory.data<i64>([
  52811034, 25909283, 16144682, 17082669, 27570973, 30858332, 40966398, 8378388, 20764389, 8758491,
]);
const BY: usize = memory.data<i64>([
  40265304, 26843545, 13421772, 20132659, 26843545, 6710886, 53687091, 13421772, 40265318, 26843545,
]);

// ---------------------------------------------------------------------------------------------------------
// Point layouts: coordinate c of a point at p is at p + c * FE.

export const P2: usize = 3 * FE; //      X Y Z
export const P3: usize = 4 * FE; //      X Y Z T
export const P1P1: usize = 4 * FE; //    X Y Z T   (x = X/Z, y = Y/T)
export const PRE: usize = 3 * FE; //     y+x  y-x  2dxy
export const CACHED: usize = 4 * FE; //  Y+X  Y-X  Z  2dT

@inline export function cX(p: usize): usize { return p; }
@inline export function cY(p: usize): usize { return p + FE; }
@inline export function cZ(p: usize): usize { return p + 2 * FE; }
@inline export function cT(p: usize): usize { return p + 3 * FE; }

const GT0: usize = memory.data(<i32>FE, 8); // scratch of the group operations

/** p3 = identity (0 : 1 : 1 : 0) */
export function p3Zero(h: usize): void {
  feZero(cX(h));
  feOne(cY(h));
  feOne(cZ(h));
  feZero(cT(h));
}

/** r = 2p for p in p2 (or p3: the first three coordinates). ref10 ge_p2_dbl ("dbl-2008-hwcd"). */
export function p2Dbl(r: usize, p: usize): void {
  feSq(cX(r), cX(p)); //          XX
  feSq(cZ(r), cY(p)); //          YY
  feSq2(cT(r), cZ(p)); //         B = 2 Z^2
  feAdd(cY(r), cX(p), cY(p)); //  X + Y
  feSq(GT0, cY(r)); //            (X + Y)^2
  feAdd(cY(r), cZ(r), cX(r)); //  YY + XX
  feSub(cZ(r), cZ(r), cX(r)); //  YY - XX
  feSub(cX(r), GT0, cY(r)); //    (X+Y)^2 - YY - XX = 2XY
  feSub(cT(r), cT(r), cZ(r)); //  2Z^2 - (YY - XX)
}

/** r = p + q, p in p3, q in precomp (ref10 ge_madd). r must not alias p. */
export function madd(r: usize, p: usize, q: usize): void {
  feAdd(cX(r), cY(p), cX(p));
  feSub(cY(r), cY(p), cX(p));
  feMul(cZ(r), cX(r), q); //           (Y+X)(y+x)
  feMul(cY(r), cY(r), q + FE); //      (Y-X)(y-x)
  feMul(cT(r), q + 2 * FE, cT(p)); //  2d xy T
  feAdd(GT0, cZ(p), cZ(p));
  feSub(cX(r), cZ(r), cY(r));
  feAdd(cY(r), cZ(r), cY(r));
  feAdd(cZ(r), GT0, cT(r));
  feSub(cT(r), GT0, cT(r));
}

/** r = p - q, p in p3, q in precomp (ref10 ge_msub). */
export function msub(r: usize, p: usize, q: usize): void {
  feAdd(cX(r), cY(p), cX(p));
  feSub(cY(r), cY(p), cX(p));
  feMul(cZ(r), cX(r), q + FE);
  feMul(cY(r), cY(r), q);
  feMul(cT(r), q + 2 * FE, cT(p));
  feAdd(GT0, cZ(p), cZ(p));
  feSub(cX(r), cZ(r), cY(r));
  feAdd(cY(r), cZ(r), cY(r));
  feSub(cZ(r), GT0, cT(r));
  feAdd(cT(r), GT0, cT(r));
}

/** r = p + q, p in p3, q cached (ref10 ge_add, "add-2008-hwcd-3"). r must not alias p. */
export function gAdd(r: usize, p: usize, q: usize): void {
  feAdd(cX(r), cY(p), cX(p));
  feSub(cY(r), cY(p), cX(p));
  feMul(cZ(r), cX(r), q);
  feMul(cY(r), cY(r), q + FE);
  feMul(cT(r), q + 3 * FE, cT(p));
  feMul(cX(r), cZ(p), q + 2 * FE);
  feAdd(GT0, cX(r), cX(r));
  feSub(cX(r), cZ(r), cY(r));
  feAdd(cY(r), cZ(r), cY(r));
  feAdd(cZ(r), GT0, cT(r));
  feSub(cT(r), GT0, cT(r));
}

/** r = p - q, p in p3, q cached (ref10 ge_sub). */
export function gSub(r: usize, p: usize, q: usize): void {
  feAdd(cX(r), cY(p), cX(p));
  feSub(cY(r), cY(p), cX(p));
  feMul(cZ(r), cX(r), q + FE);
  feMul(cY(r), cY(r), q);
  feMul(cT(r), q + 3 * FE, cT(p));
  feMul(cX(r), cZ(p), q + 2 * FE);
  feAdd(GT0, cX(r), cX(r));
  feSub(cX(r), cZ(r), cY(r));
  feAdd(cY(r), cZ(r), cY(r));
  feSub(cZ(r), GT0, cT(r));
  feAdd(cT(r), GT0, cT(r));
}

/** p1p1 -> p2 */
export function toP2(r: usize, p: usize): void {
  feMul(cX(r), cX(p), cT(p));
  feMul(cY(r), cY(p), cZ(p));
  feMul(cZ(r), cZ(p), cT(p));
}

/** p1p1 -> p3 */
export function toP3(r: usize, p: usize): void {
  feMul(cX(r), cX(p), cT(p));
  feMul(cY(r), cY(p), cZ(p));
  feMul(cZ(r), cZ(p), cT(p));
  feMul(cT(r), cX(p), cY(p));
}

/** p3 -> cached */
export function toCached(r: usize, p: usize): void {
  feAdd(r, cY(p), cX(p));
  feSub(r + FE, cY(p), cX(p));
  feCopy(r + 2 * FE, cZ(p));
  feMul(r + 3 * FE, cT(p), D2);
}

const ENC_T: usize = memory.data(<i32>(3 * FE), 8);

/** Encode a p2/p3 point (RFC 8032 §5.1.2): y with the sign of x in bit 255. Constant time. */
function encode(s: usize, h: usize): void {
  const zi = ENC_T, x = ENC_T + FE, y = ENC_T + 2 * FE;
  feInvert(zi, cZ(h));
  feMul(x, cX(h), zi);
  feMul(y, cY(h), zi);
  feToBytes(s, y);
  store<u8>(s + 31, load<u8>(s + 31) ^ <u8>(feIsNegative(x) << 7));
  wipe(ENC_T, 3 * FE);
}

const DEC_T: usize = memory.data(<i32>(5 * FE), 8);

/**
 * Decode a point strictly (RFC 8032 §5.1.3) into h (p3) and NEGATE it (h = -P, as the verification equation
 * needs [S]B - [k]A). Returns false when the encoding is refused: y >= p, x^2 = (y^2 - 1)/(d y^2 + 1) has no
 * square root, or x = 0 with the sign bit set. Public inputs only (variable time).
 */
export function decodeNeg(h: usize, s: usize): bool {
  if (!feIsCanonical(s)) return false; // step 1: y < p
  const u = DEC_T, v = DEC_T + FE, v3 = DEC_T + 2 * FE, vxx = DEC_T + 3 * FE, chk = DEC_T + 4 * FE;
  feFromBytes(cY(h), s);
  feOne(cZ(h));
  feSq(u, cY(h));
  feMul(v, u, D);
  feSub(u, u, cZ(h)); //              u = y^2 - 1
  feAdd(v, v, cZ(h)); //              v = d y^2 + 1
  // Step 2-3: x = u v^3 (u v^7)^((p-5)/8).
  feSq(v3, v);
  feMul(v3, v3, v); //                v^3
  feSq(cX(h), v3);
  feMul(cX(h), cX(h), v);
  feMul(cX(h), cX(h), u); //          u v^7
  fePow22523(cX(h), cX(h));
  feMul(cX(h), cX(h), v3);
  feMul(cX(h), cX(h), u);
  feSq(vxx, cX(h));
  feMul(vxx, vxx, v); //              v x^2
  feSub(chk, vxx, u);
  if (feIsZero(chk) == 0) {
    feAdd(chk, vxx, u);
    if (feIsZero(chk) == 0) return false; // v x^2 != +-u: not a square, not on the curve
    feMul(cX(h), cX(h), SQRTM1); //   v x^2 = -u: multiply by sqrt(-1)
  }
  const sign = <i32>(load<u8>(s + 31) >> 7);
  // Step 4: x = 0 with x_0 = 1 fails; otherwise pick the root whose parity is x_0 -- then negate, so the
  // result has the opposite parity.
  if (feIsZero(cX(h)) == 1 && sign == 1) return false;
  if (feIsNegative(cX(h)) == sign) feNeg(cX(h), cX(h));
  feMul(cT(h), cX(h), cY(h));
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Tables of multiples of B, computed at first use.

/**
 * BASE_TABLE[i][j] = (j+1) 256^i B in precomp form, i < 32, j < 8 (ref10's ge_scalarmult_base table), stored
 * with 32-bit limbs (PRE_PACKED bytes an entry: the entries are carried, so every limb fits in an i32): the
 * constant-time selection reads every entry of a row, and with two limbs per 64-bit load it reads half as many
 * words (measured: see select).
 */
const PRE_PACKED: usize = 30 * 4;
const BASE_TABLE: usize = memory.data(32 * 8 * <i32>PRE_PACKED, 8);
const ROW_TMP: usize = memory.data(8 * <i32>PRE, 8);
/** ODD_B[i] = (2i+1) B in precomp form, i < 64: the B side of the sliding window in verification. */
const ODD_B_COUNT: i32 = 64;
export const ODD_B: usize = memory.data(ODD_B_COUNT * <i32>PRE, 8);
/** ODD_B128[i] = (2i+1) 2^128 B in precomp form: the B side of the lattice-reduced verification. */
const ODD_B128: usize = memory.data(ODD_B_COUNT * <i32>PRE, 8);
let tablesReady = false;

// Scratch for building the tables.
const TB_P: usize = memory.data(<i32>P3, 8); //  running point
const TB_Q: usize = memory.data(<i32>P3, 8);
const TB_C: usize = memory.data(<i32>CACHED, 8);
const TB_R: usize = memory.data(<i32>P1P1, 8);
const TB_F: usize = memory.data(<i32>(3 * FE), 8);

/** P = B (p3). */
function setBase(P: usize): void {
  feCopy(cX(P), BX);
  feCopy(cY(P), BY);
  feOne(cZ(P));
  feMul(cT(P), BX, BY);
}

/** X, Y, Z of p3 point p into the entry (PRE bytes) at e, for normalise. */
function putXYZ(e: usize, p: usize): void {
  feCopy(e, cX(p));
  feCopy(e + FE, cY(p));
  feCopy(e + 2 * FE, cZ(p));
}

/** Build BASE_TABLE and ODD_B (public data; run once). */
function buildTables(): void {
  // Row i: [1..8] P with P = 256^i B.
  setBase(TB_P);
  for (let i = 0; i < 32; i++) {
    toCached(TB_C, TB_P);
    memory.copy(TB_Q, TB_P, P3); // Q = P
    putXYZ(ROW_TMP, TB_Q);
    for (let j = 1; j < 8; j++) {
      gAdd(TB_R, TB_Q, TB_C);
      toP3(TB_Q, TB_R); // Q = (j+1) P
      putXYZ(ROW_TMP + <usize>j * PRE, TB_Q);
    }
    normalise(ROW_TMP, 8);
    const row = BASE_TABLE + <usize>i * 8 * PRE_PACKED;
    for (let e: usize = 0; e < 8; e++)
      for (let l: usize = 0; l < 30; l++) store<i32>(row + e * PRE_PACKED + l * 4, <i32>load<i64>(ROW_TMP + e * PRE + l * 8));
    dblN(TB_P, 8); // P = 256 P
  }
  // Odd multiples of B, then of 2^128 B.
  setBase(TB_Q);
  oddProjective(ODD_B, ODD_B_COUNT, TB_Q);
  normalise(ODD_B, ODD_B_COUNT);
  dblN(TB_Q, 128);
  oddProjective(ODD_B128, ODD_B_COUNT, TB_Q);
  normalise(ODD_B128, ODD_B_COUNT);
  tablesReady = true;
}

@inline export function ensureTables(): void {
  if (!tablesReady) buildTables(); // a public flag
}

// ---------------------------------------------------------------------------------------------------------
// Fixed-base multiplication [a]B, constant time (ref10 ge_scalarmult_base).

const DIGITS: usize = memory.data(64, 8); //       64 signed radix-16 digits of the secret scalar
const SEL: usize = memory.data(<i32>PRE, 8); //    the selected table entry
const SM_R: usize = memory.data(<i32>P1P1, 8);
const SM_S: usize = memory.data(<i32>P2, 8);

/** 0 or -1: -1 when a == b (for small non-negative a, b). Constant time. */
@inline function eqMask(a: i32, b: i32): i64 {
  const x = <u32>(a ^ b);
  return -(<i64>((x - 1) >> 31)); // x == 0 -> 0xffffffff >> 31 = 1
}

/**
 * SEL = [b] 256^pos B in precomp form: BASE_TABLE[pos][|b| - 1], negated when b < 0, the identity when b = 0
 * (b in [-8, 8]). Every entry of the row is read and combined under masks (one of which at most is all ones),
 * then the negation is applied by mask: no branch or address depends on b. Constant time (pos is public).
 */
function select(pos: i32, b: i32): void {
  const neg = <i64>(b >> 31); // -1 when b < 0
  const babs = b - ((<i32>neg & b) << 1);
  const m0 = eqMask(babs, 1), m1 = eqMask(babs, 2), m2 = eqMask(babs, 3), m3 = eqMask(babs, 4);
  const m4 = eqMask(babs, 5), m5 = eqMask(babs, 6), m6 = eqMask(babs, 7), m7 = eqMask(babs, 8);
  const none = ~(m0 | m1 | m2 | m3 | m4 | m5 | m6 | m7); // b = 0: the identity (1, 1, 0)
  const row = BASE_TABLE + <usize>pos * 8 * PRE_PACKED;
  const E: usize = PRE_PACKED;
  for (let o: usize = 0; o < PRE_PACKED; o += 8) {
    const e = row + o;
    const v =
      (m0 & load<i64>(e)) |
      (m1 & load<i64>(e + E)) |
      (m2 & load<i64>(e + 2 * E)) |
      (m3 & load<i64>(e + 3 * E)) |
      (m4 & load<i64>(e + 4 * E)) |
      (m5 & load<i64>(e + 5 * E)) |
      (m6 & load<i64>(e + 6 * E)) |
      (m7 & load<i64>(e + 7 * E));
    // Two limbs: o / 4 in the low half, o / 4 + 1 in the high half (little-endian), both sign-extended.
    store<i64>(SEL + 2 * o, <i64><i32>v);
    store<i64>(SEL + 2 * o + 8, v >> 32);
  }
  // Limb 0 of y+x and of y-x is 1 in the identity, every other limb 0.
  store<i64>(SEL, load<i64>(SEL) | (none & 1));
  store<i64>(SEL + FE, load<i64>(SEL + FE) | (none & 1));
  // -(y+x, y-x, 2dxy) = (y-x, y+x, -2dxy), applied under the mask neg.
  for (let o: usize = 0; o < <usize>FE; o += 8) {
    const a = load<i64>(SEL + o);
    const c = load<i64>(SEL + FE + o);
    const x = neg & (a ^ c);
    store<i64>(SEL + o, a ^ x);
    store<i64>(SEL + FE + o, c ^ x);
    const t = load<i64>(SEL + 2 * FE + o);
    store<i64>(SEL + 2 * FE + o, t ^ (neg & (t ^ -t)));
  }
}

/** h = [a]B for a 32-byte little-endian a with a[31] <= 127. Constant time. */
export function scalarmultBase(h: usize, a: usize): void {
  ensureTables();
  // a = sum e[i] 16^i with e[i] in [-8, 8): nibbles, then re-centred by a carry (arithmetic, no branch).
  for (let i = 0; i < 32; i++) {
    const x = load<u8>(a + <usize>i);
    store<i8>(DIGITS + <usize>(2 * i), <i8>(x & 15));
    store<i8>(DIGITS + <usize>(2 * i + 1), <i8>(x >> 4));
  }
  let carry: i32 = 0;
  for (let i = 0; i < 63; i++) {
    const e = <i32>load<i8>(DIGITS + <usize>i) + carry;
    carry = (e + 8) >> 4;
    store<i8>(DIGITS + <usize>i, <i8>(e - (carry << 4)));
  }
  store<i8>(DIGITS + 63, <i8>(<i32>load<i8>(DIGITS + 63) + carry));
  // Odd digits first, multiply by 16, then even digits: sum over i of e[i] 16^i B.
  p3Zero(h);
  for (let i = 1; i < 64; i += 2) {
    select(i >> 1, <i32>load<i8>(DIGITS + <usize>i));
    madd(SM_R, h, SEL);
    toP3(h, SM_R);
  }
  p2Dbl(SM_R, h);
  toP2(SM_S, SM_R);
  p2Dbl(SM_R, SM_S);
  toP2(SM_S, SM_R);
  p2Dbl(SM_R, SM_S);
  toP2(SM_S, SM_R);
  p2Dbl(SM_R, SM_S);
  toP3(h, SM_R);
  for (let i = 0; i < 64; i += 2) {
    select(i >> 1, <i32>load<i8>(DIGITS + <usize>i));
    madd(SM_R, h, SEL);
    toP3(h, SM_R);
  }
  wipe(DIGITS, 64);
  wipe(SEL, PRE);
  wipe(SM_R, P1P1);
  wipe(SM_S, P2);
  wipe(GT0, FE);
}

// ---------------------------------------------------------------------------------------------------------
// Variable-time double-scalar multiplication for verification (public inputs only).

const SLIDE_U0: usize = memory.data(256, 8); // u mod 2^128   (on B)
const SLIDE_U1: usize = memory.data(256, 8); // u >> 128      (on 2^128 B)
const SLIDE_A: usize = memory.data(256, 8); //  c0            (on -A or A)
const SLIDE_R: usize = memory.data(256, 8); //  |c1|          (on -R)
const R_ODD: usize = memory.data(8 * <i32>CACHED, 8); // (2i+1) (-R), cached
const DS_R: usize = memory.data(<i32>P2, 8);
const DS_T: usize = memory.data(<i32>P1P1, 8);
const DS_U: usize = memory.data(<i32>P3, 8);
const DS_A2: usize = memory.data(<i32>P3, 8);

/**
 * Signed sliding-window recoding of a scalar below 2^(bits - 2) (ref10 slide, limited to `bits` positions):
 * r[i] in {0, +-1, +-3, ..., +-maxDigit}, sum r[i] 2^i = a, nonzero digits separated by runs of zeros; r[i] = 0
 * for bits <= i < 256. Variable time: public scalars only.
 */
function slide(r: usize, a: usize, maxDigit: i32, maxWidth: i32, bits: i32): void {
  for (let i = 0; i < bits; i++) store<i8>(r + <usize>i, <i8>((<i32>load<u8>(a + <usize>(i >> 3)) >> (i & 7)) & 1));
  memory.fill(r + <usize>bits, 0, <usize>(256 - bits));
  for (let i = 0; i < bits; i++) {
    let ri = <i32>load<i8>(r + <usize>i);
    if (ri == 0) continue;
    for (let b = 1; b <= maxWidth && i + b < bits; b++) {
      const rb = <i32>load<i8>(r + <usize>(i + b));
      if (rb == 0) continue;
      if (ri + (rb << b) <= maxDigit) {
        ri += rb << b;
        store<i8>(r + <usize>(i + b), 0);
      } else if (ri - (rb << b) >= -maxDigit) {
        ri -= rb << b;
        for (let k = i + b; k < bits; k++) {
          if (load<i8>(r + <usize>k) == 0) {
            store<i8>(r + <usize>k, 1);
            break;
          }
          store<i8>(r + <usize>k, 0);
        }
      } else break;
    }
    store<i8>(r + <usize>i, <i8>ri);
  }
}

/** out[0..8) = (2i+1) P in cached form, for P in p3. */
function oddMultiples(out: usize, P: usize): void {
  toCached(out, P);
  p2Dbl(DS_T, P);
  toP3(DS_A2, DS_T);
  for (let i = 1; i < 8; i++) {
    gAdd(DS_T, DS_A2, out + <usize>(i - 1) * CACHED);
    toP3(DS_U, DS_T);
    toCached(out + <usize>i * CACHED, DS_U);
  }
}

/** DS_T (p1p1) = DS_T + [d] (table entry), d odd or 0; cached table of odd multiples. */
@inline function addCachedDigit(d: i32, table: usize): void {
  if (d > 0) {
    toP3(DS_U, DS_T);
    gAdd(DS_T, DS_U, table + <usize>(d >> 1) * CACHED);
  } else if (d < 0) {
    toP3(DS_U, DS_T);
    gSub(DS_T, DS_U, table + <usize>((-d) >> 1) * CACHED);
  }
}

/** DS_T (p1p1) = DS_T + [d] (table entry), d odd or 0; precomp table of odd multiples. */
@inline function addPrecompDigit(d: i32, table: usize): void {
  if (d > 0) {
    toP3(DS_U, DS_T);
    madd(DS_T, DS_U, table + <usize>(d >> 1) * PRE);
  } else if (d < 0) {
    toP3(DS_U, DS_T);
    msub(DS_T, DS_U, table + <usize>((-d) >> 1) * PRE);
  }
}

/**
 * out (p2) = [u0]B + [u1](2^128 B) + [+-a]P + [r]Q for 32-byte little-endian scalars below 2^128 (u0, u1 with
 * the B tables, up to odd 127; a with the 8 cached odd multiples of P in aTable, negated when negA; r with 8 odd
 * multiples of Q, p3, built here), one shared chain of ~128 doublings. Variable time: public inputs only.
 */
function multiScalarVartime(out: usize, u0: usize, u1: usize, a: usize, aTable: usize, negA: bool, r: usize, Q: usize): void {
  slide(SLIDE_U0, u0, 127, 8, 131); // all four scalars are below 2^128 + 1 bit of headroom for the carries
  slide(SLIDE_U1, u1, 127, 8, 131);
  slide(SLIDE_A, a, 15, 6, 131);
  slide(SLIDE_R, r, 15, 6, 131);
  if (negA) for (let i = 0; i < 131; i++) store<i8>(SLIDE_A + <usize>i, -load<i8>(SLIDE_A + <usize>i));
  oddMultiples(R_ODD, Q);
  feZero(cX(out));
  feOne(cY(out));
  feOne(cZ(out));
  let i = 255;
  while (
    i >= 0 &&
    (load<i8>(SLIDE_U0 + <usize>i) | load<i8>(SLIDE_U1 + <usize>i) | load<i8>(SLIDE_A + <usize>i) |
      load<i8>(SLIDE_R + <usize>i)) == 0
  )
    i--;
  for (; i >= 0; i--) {
    p2Dbl(DS_T, out);
    addCachedDigit(<i32>load<i8>(SLIDE_A + <usize>i), aTable);
    addCachedDigit(<i32>load<i8>(SLIDE_R + <usize>i), R_ODD);
    addPrecompDigit(<i32>load<i8>(SLIDE_U0 + <usize>i), ODD_B);
    addPrecompDigit(<i32>load<i8>(SLIDE_U1 + <usize>i), ODD_B128);
    toP2(out, DS_T);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Lattice reduction for verification (Pornin, "Optimized Lattice Basis Reduction In Dimension 2, and Fast
// Schnorr and EdDSA Signature Verification", ePrint 2020/454), here as a truncated extended Euclid: for
// r_0 = L, r_1 = k, t_0 = 0, t_1 = 1 and r_{i+1} = r_{i-1} - q r_i, t_{i+1} = t_{i-1} - q t_i, every r_i = t_i k
// (mod L) and |t_i| r_{i-1} <= L. Stopping at the first r_i < 2^126 gives c0 = r_i < 2^126 and
// |c1| = |t_i| <= L / r_{i-1} < 2^127 with c0 = c1 k (mod L). Then, with Q = [S]B - R - [k]A:
//   c1 Q = [c1 S mod L]B - [c1]R - [c0]A - [c1 k - c0]A, and c1 k - c0 = m L, so [m L]A is a torsion point;
//   [8] c1 Q = [8]([c1 S mod L]B - [c1]R - [c0]A), and since [8]Q lies in the subgroup of prime order L and
//   0 < |c1| < L, [8] c1 Q = O exactly when [8]Q = O.
// So the cofactored equation (rule 5) is checked with scalars of ~128 bits on A and R and a 253-bit scalar on
// B split over B and 2^128 B: about 128 doublings instead of 253. (Only valid for the cofactored equation.)
// Public inputs only: variable time. Numbers are 256-bit two's complement, four u64 limbs.

const EU: usize = memory.data(6 * 32, 8); // r0, r1, t0, t1, tmp, spare

@inline function l64(p: usize, i: i32): u64 {
  return load<u64>(p + (<usize>i << 3));
}
@inline function s64(p: usize, i: i32, v: u64): void {
  store<u64>(p + (<usize>i << 3), v);
}

function bitLength(p: usize): i32 {
  for (let i = 3; i >= 0; i--) {
    const w = l64(p, i);
    if (w != 0) return i * 64 + 64 - <i32>clz<u64>(w);
  }
  return 0;
}

/** dst = src << j (mod 2^256), 0 <= j < 256. */
function shl256(dst: usize, src: usize, j: i32): void {
  const w = j >> 6;
  const b = <u64>(j & 63);
  for (let i = 3; i >= 0; i--) {
    const k = i - w;
    let v: u64 = 0;
    if (k >= 0) {
      v = l64(src, k) << b;
      if (b != 0 && k > 0) v |= l64(src, k - 1) >> (64 - b);
    }
    s64(dst, i, v);
  }
}

/** a >>= 1, arithmetic (two's complement). */
@inline function sar1(a: usize): void {
  const a0 = l64(a, 0), a1 = l64(a, 1), a2 = l64(a, 2), a3 = l64(a, 3);
  s64(a, 0, (a0 >> 1) | (a1 << 63));
  s64(a, 1, (a1 >> 1) | (a2 << 63));
  s64(a, 2, (a2 >> 1) | (a3 << 63));
  s64(a, 3, <u64>(<i64>a3 >> 1));
}

/** a >= b, unsigned. */
function geq256(a: usize, b: usize): bool {
  for (let i = 3; i >= 0; i--) {
    const x = l64(a, i), y = l64(b, i);
    if (x != y) return x > y;
  }
  return true;
}

/** a -= b (mod 2^256). */
function sub256(a: usize, b: usize): void {
  let borrow: u64 = 0;
  for (let i = 0; i < 4; i++) {
    const x = l64(a, i), y = l64(b, i);
    const d = x - y - borrow;
    borrow = <u64>((x < y) | ((x == y) & (borrow != 0)));
    s64(a, i, d);
  }
}

/** a = -a (mod 2^256). */
function neg256(a: usize): void {
  let carry: u64 = 1;
  for (let i = 0; i < 4; i++) {
    const v = ~l64(a, i) + carry;
    carry = <u64>(v == 0 && carry == 1);
    s64(a, i, v);
  }
}

const L_BYTES: usize = memory.data<u8>([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
]);

/**
 * From k < L (32 bytes LE), c0 (< 2^126) into c0out and |c1| (< 2^127) into c1out, both 32 bytes LE; returns
 * true when c1 < 0. c0 = c1 k (mod L). Public inputs only.
 */
function reduceLattice(c0out: usize, c1out: usize, k: usize): bool {
  let r0 = EU, r1 = EU + 32, t0 = EU + 64, t1 = EU + 96;
  const tmp = EU + 128, tmp2 = EU + 160;
  memory.copy(r0, L_BYTES, 32);
  memory.copy(r1, k, 32);
  memory.fill(t0, 0, 64);
  s64(t1, 0, 1);
  while (bitLength(r1) > 126) {
    // r0 = r0 mod r1 and t0 -= q t1, by shifted subtractions (q = floor(r0 / r1) bit by bit): tmp = r1 << j
    // and tmp2 = t1 << j, shifted right one bit per step (r1 << j < 2^256; |t1 << j| <= |t0| + |t1| < 2^254).
    const j0 = bitLength(r0) - bitLength(r1);
    shl256(tmp, r1, j0);
    shl256(tmp2, t1, j0);
    for (let j = j0; j >= 0; j--) {
      if (geq256(r0, tmp)) {
        sub256(r0, tmp);
        sub256(t0, tmp2);
      }
      if (j > 0) {
        sar1(tmp); // r1 << j is non-negative below 2^255: the arithmetic shift is the logical one
        sar1(tmp2);
      }
    }
    let x = r0;
    r0 = r1;
    r1 = x;
    x = t0;
    t0 = t1;
    t1 = x;
  }
  memory.copy(c0out, r1, 32);
  const negative = (l64(t1, 3) >> 63) != 0;
  if (negative) neg256(t1);
  memory.copy(c1out, t1, 32);
  return negative;
}

const SO_T: usize = memory.data(<i32>P1P1, 8);
const SO_S: usize = memory.data(<i32>P2, 8);

/**
 * True when [8]P is the identity, for P in p2 or p3 (read: X, Y, Z). For a decoded A or R this is "P has small
 * order" (rule 4 of the header); for P = [S]B - R - [k]A it is the cofactored equation (rule 5). Three
 * doublings, then the identity test X = 0 and Y = Z (projective: (0 : 1 : 1) up to Z). Public inputs only.
 */
export function timesEightIsIdentity(p: usize): bool {
  p2Dbl(SO_T, p);
  toP2(SO_S, SO_T);
  p2Dbl(SO_T, SO_S);
  toP2(SO_S, SO_T);
  p2Dbl(SO_T, SO_S);
  toP2(SO_S, SO_T);
  if (feIsZero(cX(SO_S)) == 0) return false;
  feSub(cX(SO_S), cY(SO_S), cZ(SO_S));
  return feIsZero(cX(SO_S)) == 1;
}

// ---------------------------------------------------------------------------------------------------------
// RFC 8032 §5.1 operations.
// Signing: the fixed-base table with 32-bit limbs (select) measured +20% signatures/s (+36% public keys/s).

// Signing scratch (secret): h = SHA-512(seed) (scalar s = clamped h[0..32], prefix = h[32..64]), r, k, points.
const SG_H: usize = memory.data(64, 8);
const SG_R: usize = memory.data(64, 8); //  SHA-512(prefix || M), then r mod L in its first 32 bytes
const SG_K: usize = memory.data(64, 8); //  SHA-512(R || A || M), then k mod L
const SG_A: usize = memory.data(32, 8); //  the public key
const SG_P: usize = memory.data(<i32>P3, 8);

/** h = SHA-512(seed); clamp its first half into the secret scalar s (RFC 8032 §5.1.5 steps 1-3). */
@inline function expandSeed(seed: usize): void {
  sha512Init();
  sha512Update(seed, 32);
  sha512Final(SG_H);
  store<u8>(SG_H, load<u8>(SG_H) & 248);
  store<u8>(SG_H + 31, (load<u8>(SG_H + 31) & 127) | 64);
}

@inline function wipeSigning(): void {
  wipe(SG_H, 64);
  wipe(SG_R, 64);
  wipe(SG_K, 64);
  wipe(SG_P, P3);
}

/** The public key of a 32-byte seed (RFC 8032 §5.1.5): encode([s]B). Constant time. */
export function ed25519PublicKey(seed: usize, out: usize): void {
  expandSeed(seed);
  scalarmultBase(SG_P, SG_H);
  encode(out, SG_P);
  wipeSigning();
}

/**
 * ed25519PublicKey that also writes the cache blob ed25519SignCached reads (check || A, see the header), so the
 * first signature under a new key does not compute A a second time.
 */
export function ed25519PublicKeyCached(seed: usize, out: usize, cache: usize): void {
  ed25519PublicKey(seed, out);
  cacheCheck(seed, out);
  memory.copy(cache, SG_CHK, 32);
  memory.copy(cache + 32, out, 32);
  wipe(SG_CHK, 64);
}

/** The signature (RFC 8032 §5.1.6 steps 2-5) once SG_H (expanded seed) and SG_A (the public key) are set. */
function signWithA(msg: usize, msgLen: usize, out: usize): void {
  // Step 2: r = SHA-512(prefix || M) mod L.
  sha512Init();
  sha512Update(SG_H + 32, 32);
  sha512Update(msg, msgLen);
  sha512Final(SG_R);
  scReduce64(SG_R, SG_R);
  // Step 3: R = [r]B (r < L < 2^253, so r[31] <= 127 as scalarmultBase requires).
  scalarmultBase(SG_P, SG_R);
  encode(out, SG_P);
  // Step 4: k = SHA-512(R || A || M) mod L.
  sha512Init();
  sha512Update(out, 32);
  sha512Update(SG_A, 32);
  sha512Update(msg, msgLen);
  sha512Final(SG_K);
  scReduce64(SG_K, SG_K);
  // Step 5: S = (r + k s) mod L.
  scMulAdd(out + 32, SG_K, SG_H, SG_R);
}

/** Sign msg (RFC 8032 §5.1.6): out = R || S (64 bytes). Constant time in the seed and the nonce. */
export function ed25519Sign(seed: usize, msg: usize, msgLen: usize, out: usize): void {
  expandSeed(seed);
  scalarmultBase(SG_P, SG_H);
  encode(SG_A, SG_P); //                                A = [s]B
  signWithA(msg, msgLen, out);
  wipeSigning();
}

/** "webmls ed25519 A cache" (22 bytes): the domain of the cache check. */
const CACHE_LABEL: usize = memory.data<u8>([
  0x77, 0x65, 0x62, 0x6d, 0x6c, 0x73, 0x20, 0x65, 0x64, 0x32, 0x35, 0x35, 0x31, 0x39, 0x20, 0x41, 0x20, 0x63,
  0x61, 0x63, 0x68, 0x65,
]);
const CACHE_LABEL_LEN: usize = 22;
const SG_CHK: usize = memory.data(64, 8);

/** SG_CHK[0..32] = SHA-512(label || seed || A)[0..32] (public: the seed is 256 bits of entropy). */
function cacheCheck(seed: usize, A: usize): void {
  sha512Init();
  sha512Update(CACHE_LABEL, CACHE_LABEL_LEN);
  sha512Update(seed, 32);
  sha512Update(A, 32);
  sha512Final(SG_CHK);
}

/**
 * ed25519Sign with a public key cache (see the header): cache = check (32) || A (32), read and rewritten.
 * A from the cache is used only when its check matches SHA-512(label || seed || A) for this seed; otherwise
 * A = [s]B is computed and the cache rewritten. The signature is the one ed25519Sign gives, in every case.
 * Constant time in the seed and the nonce (the hit/miss branch depends on the public cache blob).
 */
export function ed25519SignCached(seed: usize, msg: usize, msgLen: usize, out: usize, cache: usize): i32 {
  cacheCheck(seed, cache + 32);
  let diff: u64 = 0;
  for (let o: usize = 0; o < 32; o += 8) diff |= load<u64>(SG_CHK + o) ^ load<u64>(cache + o);
  expandSeed(seed);
  if (diff == 0) {
    memory.copy(SG_A, cache + 32, 32);
  } else {
    scalarmultBase(SG_P, SG_H);
    encode(SG_A, SG_P);
    cacheCheck(seed, SG_A);
    memory.copy(cache, SG_CHK, 32);
    memory.copy(cache + 32, SG_A, 32);
  }
  signWithA(msg, msgLen, out);
  wipe(SG_CHK, 64);
  wipeSigning();
  return diff == 0 ? 1 : 0;
}

/**
 * The canonical encodings of the 8 points of small order (identity; (0, -1) of order 2; (+-sqrt(-1), 0) of
 * order 4; four of order 8), as listed in "Taming the many EdDSAs" and checked against @noble by
 * test/unit/ed25519.test.ts. Once an encoding has passed the strict decoding (canonical, on the curve), the
 * point has small order exactly when the bytes are one of these (each point has one canonical encoding): the
 * same answer as [8]P = identity without three doublings.
 */
const SMALL_ORDER: usize = memory.data<u8>([
  0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80,
  0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
  0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
  0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
  0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0xfa,
  0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
  0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
  0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
  0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x85,
]);

@inline function eq32(a: usize, b: usize): bool {
  return (
    ((load<u64>(a) ^ load<u64>(b)) | (load<u64>(a, 8) ^ load<u64>(b, 8)) | (load<u64>(a, 16) ^ load<u64>(b, 16)) |
      (load<u64>(a, 24) ^ load<u64>(b, 24))) == 0
  );
}

/** Rule 4 for an encoding that decodeNeg accepted: true when it encodes a point of small order. Public data. */
export function isSmallOrderEncoding(s: usize): bool {
  for (let i: usize = 0; i < 8; i++) if (eq32(s, SMALL_ORDER + i * 32)) return true;
  return false;
}

// Decoded public keys (public data): the last KC_N valid keys verify() saw, each with the 8 cached odd
// multiples of -A that the multi-scalar multiplication uses, so a message from a recent sender skips the
// decoding (a square root) and the table (7 additions): measured +15% verifications/s for a repeated key.
// Only keys that passed rules 3 and 4 are stored; the slot is picked round-robin. KC_HITS counts the hits of
// each entry (aged with the hot-key scores, see "Hot keys"): a key with enough hits gets a hot table.
const KC_N: i32 = 16;
const KC_KEYS: usize = memory.data(KC_N * 32, 8);
const KC_TABLES: usize = memory.data(KC_N * 8 * <i32>CACHED, 8);
const KC_USED: usize = memory.data(KC_N, 8);
const KC_HITS: usize = memory.data(KC_N * 4, 8);
let kcNext: i32 = 0;
let kcSlot: i32 = 0; //   the entry keyTable returned
let kcHit = false; //     whether it was already cached

/** The table of odd multiples of -A for pk (rules 3 and 4 checked), from the cache or built; 0 when invalid. */
function keyTable(pk: usize): usize {
  for (let i = 0; i < KC_N; i++)
    if (load<u8>(KC_USED + <usize>i) != 0 && eq32(KC_KEYS + <usize>i * 32, pk)) {
      const h = KC_HITS + (<usize>i << 2);
      store<u32>(h, min<u32>(load<u32>(h) + 1, SCORE_MAX));
      kcSlot = i;
      kcHit = true;
      return KC_TABLES + <usize>i * 8 * CACHED;
    }
  if (!decodeNeg(VF_A, pk) || isSmallOrderEncoding(pk)) return 0;
  const slot = kcNext;
  kcNext = (kcNext + 1) % KC_N;
  const table = KC_TABLES + <usize>slot * 8 * CACHED;
  oddMultiples(table, VF_A);
  memory.copy(KC_KEYS + <usize>slot * 32, pk, 32);
  store<u8>(KC_USED + <usize>slot, 1);
  store<u32>(KC_HITS + (<usize>slot << 2), 0);
  kcSlot = slot;
  kcHit = false;
  return table;
}

const VF_A: usize = memory.data(<i32>P3, 8); //  -A
const VF_NR: usize = memory.data(<i32>P3, 8); // -R
const VF_K: usize = memory.data(64, 8);
const VF_C0: usize = memory.data(32, 8);
const VF_C1: usize = memory.data(32, 8);
const VF_U: usize = memory.data(64, 8); //  u = |c1| S mod L, then its halves zero-padded: u mod 2^128, u >> 128
const VF_Q: usize = memory.data(<i32>P2, 8);
const ZERO32: usize = memory.data(32, 8);

// ---------------------------------------------------------------------------------------------------------
// Hot keys (public data, variable time). Messages in a group come mostly from a few senders, so the same A is
// verified again and again. For up to HOT_N such keys we keep a big table: the odd multiples up to
// 2 HOT_E - 1 of -2^(16j) A, j < HOT_C (HOT_C = 16 chunks of HOT_W = 16 bits), affine (precomp form, one batched
// inversion when built). With the matching static tables of odd multiples up to 127 of 2^(16j) B, the point
//   P = [S]B + [k](-A) = [S]B - [k]A
// is one joint sliding-window pass with 16 doublings: S and k (both < 2^253) are recoded once over 256
// positions, and the digit at position 16j + t is added at column t from table j (d 2^(16j+t) X =
// 2^t [d](2^(16j) X)). That is the exact point [S]B - [k]A, not a multiple of it, so rule 5 is decided on it
// directly: Q = P - R, accept iff [8]Q = identity (P = R, the case of every honest signature, gives Q = O and
// is tested first by two multiplications). Equivalence with the lattice path: both evaluate rule 5 on the same
// inputs after the same checks of rules 2-4 (A passed them when it entered the key cache, R is decoded and
// checked exactly as in the other path); the lattice path tests [8][c1]Q with 0 < |c1| < L, which is the
// identity exactly when [8]Q is (see "Lattice reduction"). Torsion-tainted R or A make P != R and are decided
// by [8]Q, as before. The square root that decodes R stays (rule 3 needs it, and comparing an encoding of P
// with R's bytes instead would cost an inversion, the same exponentiation).
// Sizes, measured (CPU time, Node 20): 16 chunks rather than 8 (32 doublings) +10% hot verifications/s for
// 1.6x the build; odd multiples of A up to 31 rather than 63: the same speed, half the build and memory.
// Policy: a key cached in keyTable with KC_HITS >= HOT_AFTER (its HOT_AFTER + 1-th verification) takes a free
// hot slot, or the one with the lowest score if its hits clearly exceed that score (more than 5/4 of it + 2):
// senders of about equal rates do not evict one another (no rebuild thrash when there are more hot senders
// than slots), a key gone quiet is replaced once its score has decayed. Scores (uses of the slot) and KC_HITS
// are halved every AGE_PERIOD verifications. Building a key's tables costs about 3 verifications (a hot
// verification under half of one), so a replacement also needs hits >= hotTh, doubled whenever the replaced
// table had fewer than HOT_PAYBACK uses: senders taking turns in short bursts stop the rebuilds instead of
// paying one a burst.
const HOT_N: i32 = 4; //          hot key slots
const HOT_C: i32 = 16; //         chunks of the scalars
const HOT_W: i32 = 16; //         bits a chunk (HOT_C HOT_W = 256)
const HOT_E: i32 = 16; //         odd multiples a chunk table of A: 1, 3, .., 2 HOT_E - 1
const HOT_A_MAX: i32 = 2 * HOT_E - 1;
const HOT_A_WIDTH: i32 = 6; //    slide() look-ahead for that digit bound
const HOT_AFTER: u32 = 2;
const AGE_PERIOD: u32 = 64;
const SCORE_MAX: u32 = 1 << 20;
const HOT_TABLE: usize = <usize>(HOT_C * HOT_E) * PRE; // bytes a key
const HOT_TABLES: usize = memory.data(HOT_N * HOT_C * HOT_E * <i32>PRE, 16);
const HOT_KEYS: usize = memory.data(HOT_N * 32, 8);
const HOT_USED: usize = memory.data(HOT_N, 8);
const HOT_SCORE: usize = memory.data(HOT_N * 4, 8);
const HOT_USES: usize = memory.data(HOT_N * 4, 8); // uses since the table was built
const HOT_PAYBACK: u32 = 8; //   uses that repay a build (about 3 verifications' worth, over half a verification each)
let hotTh: u32 = HOT_AFTER; //   hits a key needs to take an occupied slot (adapted, see hotPromote)
/** Odd multiples up to 127 of 2^(16j) B for j < HOT_C other than 0 (ODD_B) and HOT_C / 2 (ODD_B128). */
const HOT_B: usize = memory.data((HOT_C - 2) * ODD_B_COUNT * <i32>PRE, 16);
const HOT_BPTR: usize = memory.data(HOT_C * 4, 8); // table j of the B side (u32 pointers)
let hotBReady = false;
let vfCount: u32 = 0;
// Batched inversion (normalise): prefix products of the Z coordinates of up to NORM_N points (a key's table; the B
// tables go by NORM_N at a time; the signing table by rows of 8).
const NORM_N: i32 = HOT_C * HOT_E;
const NORM: usize = memory.data(NORM_N * <i32>FE, 8);
const HB_Q: usize = memory.data(<i32>P3, 8);
const HV_C: usize = memory.data(<i32>CACHED, 8);
const HV_F: usize = memory.data(<i32>FE, 8);
/**
 * Counters for tests (a signal that does not depend on timing): a 32-byte tag, then u32 counters: [0] hot-path
 * verifications, [1] of them decided by P = R, [2] hot tables built, [3] B tables built. test/unit/ed25519.test.ts
 * finds the tag in linear memory. Public data.
 */
const HOT_STATS: usize = memory.data<u8>([
  0x77, 0x65, 0x62, 0x6d, 0x6c, 0x73, 0x20, 0x65, 0x64, 0x32, 0x35, 0x35, 0x31, 0x39, 0x20, 0x68, // "webmls ed25519 h"
  0x6f, 0x74, 0x2d, 0x6b, 0x65, 0x79, 0x20, 0x63, 0x6f, 0x75, 0x6e, 0x74, 0x65, 0x72, 0x73, 0x00, // "ot-key counters\0"
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
], 8);
@inline function countStat(i: usize): void {
  const p = HOT_STATS + 32 + (i << 2);
  store<u32>(p, load<u32>(p) + 1);
}

/** P = 2^n P, P in p3 (read and written in place). */
function dblN(P: usize, n: i32): void {
  for (let k = 0; k < n; k++) {
    p2Dbl(TB_R, P);
    if (k < n - 1) toP2(P, TB_R);
    else toP3(P, TB_R);
  }
}

/** Entry i (PRE bytes) of out = X, Y, Z of (2i+1) Q, i < n, for Q in p3 (not modified). */
function oddProjective(out: usize, n: i32, Q: usize): void {
  p2Dbl(TB_R, Q);
  toP3(TB_P, TB_R);
  toCached(TB_C, TB_P); // 2Q
  memory.copy(TB_P, Q, P3);
  for (let i = 0; i < n; i++) {
    putXYZ(out + <usize>i * PRE, TB_P);
    if (i + 1 < n) {
      gAdd(TB_R, TB_P, TB_C);
      toP3(TB_P, TB_R);
    }
  }
}

/** The n entries at base, each X, Y, Z, become affine precomp (y+x, y-x, 2dxy) in place: one inversion. */
function normalise(base: usize, n: i32): void {
  feCopy(NORM, base + 2 * FE);
  for (let i = 1; i < n; i++) feMul(NORM + <usize>i * FE, NORM + <usize>(i - 1) * FE, base + <usize>i * PRE + 2 * FE);
  const inv = TB_F, x = TB_F + FE, y = TB_F + 2 * FE;
  feInvert(inv, NORM + <usize>(n - 1) * FE);
  for (let i = n - 1; i >= 0; i--) {
    const e = base + <usize>i * PRE;
    const zi = NORM + <usize>i * FE; // becomes 1/Z_i
    if (i > 0) {
      feMul(zi, inv, NORM + <usize>(i - 1) * FE);
      feMul(inv, inv, e + 2 * FE);
    } else {
      feCopy(zi, inv);
    }
    feMul(x, e, zi);
    feMul(y, e + FE, zi);
    feAdd(e, y, x);
    feCarry(e, e);
    feSub(e + FE, y, x);
    feCarry(e + FE, e + FE);
    feMul(e + 2 * FE, x, y); // Z_i is no longer needed
    feMul(e + 2 * FE, e + 2 * FE, D2);
  }
}

/** The B side of the hot path: HOT_B and HOT_BPTR (public data; run once, at the first hot key). */
function buildHotB(): void {
  setBase(HB_Q);
  store<u32>(HOT_BPTR, <u32>ODD_B);
  let idx: usize = 0;
  for (let j = 1; j < HOT_C; j++) {
    dblN(HB_Q, HOT_W); // 2^(16j) B
    let t: usize;
    if (j == HOT_C / 2) {
      t = ODD_B128;
    } else {
      t = HOT_B + idx * <usize>ODD_B_COUNT * PRE;
      oddProjective(t, ODD_B_COUNT, HB_Q);
      idx++;
    }
    store<u32>(HOT_BPTR + (<usize>j << 2), <u32>t);
  }
  for (let i = 0; i < (HOT_C - 2) * ODD_B_COUNT; i += NORM_N)
    normalise(HOT_B + <usize>i * PRE, min<i32>(NORM_N, (HOT_C - 2) * ODD_B_COUNT - i));
  hotBReady = true;
  countStat(3);
}

/** Build the hot table of pk (valid: it is in the key cache) in slot h. */
function buildHot(h: i32, pk: usize): void {
  if (!hotBReady) buildHotB();
  decodeNeg(HB_Q, pk); // -A (succeeds: pk passed rules 3 and 4 when it was cached)
  const table = HOT_TABLES + <usize>h * HOT_TABLE;
  for (let j = 0; j < HOT_C; j++) {
    if (j > 0) dblN(HB_Q, HOT_W); // -2^(16j) A
    oddProjective(table + <usize>(j * HOT_E) * PRE, HOT_E, HB_Q);
  }
  normalise(table, HOT_C * HOT_E);
  memory.copy(HOT_KEYS + <usize>h * 32, pk, 32);
  store<u8>(HOT_USED + <usize>h, 1);
  countStat(2);
}

/** The hot slot holding pk, or -1. */
function hotFind(pk: usize): i32 {
  for (let h = 0; h < HOT_N; h++)
    if (load<u8>(HOT_USED + <usize>h) != 0 && eq32(HOT_KEYS + <usize>h * 32, pk)) return h;
  return -1;
}

/** After a key cache hit on pk (entry kcSlot): a hot slot for it, built now, or -1 (see the policy above). */
function hotPromote(pk: usize): i32 {
  const hits = load<u32>(KC_HITS + (<usize>kcSlot << 2));
  if (hits < HOT_AFTER) return -1;
  let v = -1;
  let low: u32 = U32.MAX_VALUE;
  for (let h = 0; h < HOT_N; h++) {
    if (load<u8>(HOT_USED + <usize>h) == 0) {
      v = h;
      low = 0;
      break;
    }
    const sc = load<u32>(HOT_SCORE + (<usize>h << 2));
    if (sc < low) {
      low = sc;
      v = h;
    }
  }
  if (load<u8>(HOT_USED + <usize>v) != 0) {
    if (hits < hotTh || hits <= low + (low >> 2) + 2) return -1;
    // Replacing a table that did not repay its build (bursts of a few messages per sender, in turn): ask more
    // hits before the next replacement; one that repaid it several times over: ask fewer.
    const uses = load<u32>(HOT_USES + (<usize>v << 2));
    if (uses < HOT_PAYBACK) hotTh = min<u32>(hotTh << 1, 64);
    else if (uses >= 4 * HOT_PAYBACK) hotTh = max<u32>(hotTh >> 1, HOT_AFTER);
  }
  buildHot(v, pk);
  store<u32>(HOT_SCORE + (<usize>v << 2), hits);
  store<u32>(HOT_USES + (<usize>v << 2), 0);
  return v;
}

/** Halve the hot scores and key cache hits every AGE_PERIOD verifications. */
@inline function ageScores(): void {
  vfCount++;
  if ((vfCount & (AGE_PERIOD - 1)) == 0) {
    for (let h: usize = 0; h < <usize>HOT_N; h++) store<u32>(HOT_SCORE + (h << 2), load<u32>(HOT_SCORE + (h << 2)) >> 1);
    for (let i: usize = 0; i < <usize>KC_N; i++) store<u32>(KC_HITS + (i << 2), load<u32>(KC_HITS + (i << 2)) >> 1);
  }
}

/**
 * Rule 5 on a hot key (slot h): P = [S]B + [k](-A) by the joint pass described above (S at sig + 32, k in
 * VF_K, -R in VF_NR), then 1 iff [8](P - R) = identity.
 */
function hotVerify(h: i32, sig: usize): i32 {
  const sc = HOT_SCORE + (<usize>h << 2);
  store<u32>(sc, min<u32>(load<u32>(sc) + 1, SCORE_MAX));
  const us = HOT_USES + (<usize>h << 2);
  store<u32>(us, min<u32>(load<u32>(us) + 1, SCORE_MAX));
  countStat(0);
  slide(SLIDE_U0, sig + 32, 127, 8, 256); //        S < 2^253
  slide(SLIDE_A, VF_K, HOT_A_MAX, HOT_A_WIDTH, 256); // k < 2^253
  const aBase = HOT_TABLES + <usize>h * HOT_TABLE;
  const P = VF_Q;
  feZero(cX(P));
  feOne(cY(P));
  feOne(cZ(P));
  for (let t = HOT_W - 1; t >= 0; t--) {
    p2Dbl(DS_T, P);
    for (let j = 0; j < HOT_C; j++) {
      const pos = <usize>(j * HOT_W + t);
      addPrecompDigit(<i32>load<i8>(SLIDE_U0 + pos), <usize>load<u32>(HOT_BPTR + (<usize>j << 2)));
      addPrecompDigit(<i32>load<i8>(SLIDE_A + pos), aBase + <usize>(j * HOT_E) * PRE);
    }
    if (t > 0) toP2(P, DS_T);
  }
  toP3(DS_U, DS_T); //                                P = [S]B - [k]A
  // P = R (VF_NR = -R, Z = 1): X_P = -x_R Z_P and Y_P = y_R Z_P.
  feMul(HV_F, cX(VF_NR), cZ(DS_U));
  feAdd(HV_F, HV_F, cX(DS_U));
  if (feIsZero(HV_F) == 1) {
    feMul(HV_F, cY(VF_NR), cZ(DS_U));
    feSub(HV_F, HV_F, cY(DS_U));
    if (feIsZero(HV_F) == 1) {
      countStat(1);
      return 1; //                                    Q = P - R = O
    }
  }
  toCached(HV_C, VF_NR);
  gAdd(DS_T, DS_U, HV_C); //                          Q = P + (-R)
  toP2(VF_Q, DS_T);
  return <i32>timesEightIsIdentity(VF_Q); //          rule 5
}

/**
 * Verify sig = R || S on msg under pk (RFC 8032 §5.1.7) by the rule of the header: S < L, A and R strictly
 * decoded and not of small order, and [8]([S]B - R - [k]A) = identity, checked for a hot key on [S]B - [k]A
 * computed exactly (hotVerify), otherwise through the lattice reduction above as
 * [8]([|c1| S]B + [|c1|](-R) + [c0](-+A)) = identity. Returns 1 or 0. Public inputs only.
 */
export function ed25519Verify(pk: usize, msg: usize, msgLen: usize, sig: usize): i32 {
  if (!scIsCanonical(sig + 32)) return 0; //                    rule 2: S < L
  ageScores();
  const hot = hotFind(pk); //                                   a hot key passed rules 3, 4 when it was cached
  let aTable: usize = 0;
  if (hot < 0) {
    aTable = keyTable(pk); //                                   rules 3, 4 for A (odd multiples of -A)
    if (aTable == 0) return 0;
  }
  if (!decodeNeg(VF_NR, sig) || isSmallOrderEncoding(sig)) return 0; // rules 3, 4 for R (VF_NR = -R)
  ensureTables();
  sha512Init();
  sha512Update(sig, 32);
  sha512Update(pk, 32);
  sha512Update(msg, msgLen);
  sha512Final(VF_K);
  scReduce64(VF_K, VF_K); //                                      k = SHA-512(R || A || M) mod L
  if (hot >= 0) return hotVerify(hot, sig);
  if (kcHit) {
    const h = hotPromote(pk);
    if (h >= 0) return hotVerify(h, sig);
  }
  // c0 = c1 k (mod L). For c1 < 0 the equation is multiplied by -1 instead: [|c1| S]B + [|c1|](-R) + [c0]A.
  const negA = reduceLattice(VF_C0, VF_C1, VF_K);
  scMulAdd(VF_U, VF_C1, sig + 32, ZERO32); //                     u = |c1| S mod L
  memory.copy(VF_U + 32, VF_U + 16, 16); //                       u >> 128 (u < 2^253)
  memory.fill(VF_U + 48, 0, 16);
  memory.fill(VF_U + 16, 0, 16); //                               u mod 2^128
  multiScalarVartime(VF_Q, VF_U, VF_U + 32, VF_C0, aTable, negA, VF_C1, VF_NR);
  return <i32>timesEightIsIdentity(VF_Q); //                      rule 5: [8](...) = identity
}

const BU_P: usize = memory.data(<i32>P3, 8);
const BU_T: usize = memory.data(<i32>(2 * FE), 8);

/**
 * out = u-coordinate of [k]B (k: a clamped X25519 scalar, so k[31] <= 127) via RFC 7748 §4.1's birational map
 * u = (1 + y)/(1 - y) = (Z + Y)/(Z - Y). Used by x25519Base. Constant time.
 */
export function edBaseU(out: usize, k: usize): void {
  scalarmultBase(BU_P, k);
  feAdd(BU_T, cZ(BU_P), cY(BU_P));
  feSub(BU_T + FE, cZ(BU_P), cY(BU_P));
  feInvert(BU_T + FE, BU_T + FE);
  feMul(BU_T, BU_T, BU_T + FE);
  feToBytes(out, BU_T);
  wipe(BU_P, P3);
  wipe(BU_T, 2 * FE);
}

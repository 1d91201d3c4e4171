// Ed25519 batch verification: many (A, M, R || S) at once, with the answers of one-by-one ed25519Verify
// (ed25519.ts, whose header states the rule: strict decoding, S < L, no small-order A or R, cofactored equation).
//
// Public ABI (pointers into linear memory):
//   ed25519VerifyBatchWorkSize(n): bytes of work memory ed25519VerifyBatch needs for n entries
//   ed25519VerifyBatch(n, pks, sigs, msgs, lens, zs, status, work): 1 or 0
//     pks: n x 32 bytes; sigs: n x 64; msgs: the n messages back to back, lens: n u32 lengths (little-endian);
//     zs: n x 16 random bytes (the 128-bit coefficients z_i, from crypto.getRandomValues in the JS face);
//     status: n bytes written: 1 when entry i passes the per-signature checks (rules 1-4: S < L, A and R decode
//     strictly, neither of small order), 0 when it fails them (then entry i is invalid, whatever the rest);
//     work: ed25519VerifyBatchWorkSize(n) bytes, 8-aligned (the JS face's arena; contents need not be zero).
//   Returns 1 when [8]( [sum z_i S_i]B - sum z_i R_i - sum (z_i k_i mod L) A_i ) = identity over the entries of
//   status 1 (rule 5 for all of them at once; vacuously 1 when there are none), else 0. When it returns 1 every
//   entry of status 1 satisfies the cofactored equation, except with probability <= 2^-128 (for a failing
//   entry i, [8]Q_i lies in the prime-order subgroup and at most one z_i mod L makes the sum vanish). When it
//   returns 0, at least one entry of status 1 is invalid: the JS face then looks for it (bisection, then single
//   verification), so its answers are always entry by entry those of ed25519Verify.
//   Why cofactored: see ed25519.ts; a random linear combination agrees with single checks only then.
//
// Multi-scalar multiplication: Pippenger's bucket method with signed radix-2^c digits in [-2^(c-1), 2^(c-1)]
// (buckets 1 .. 2^(c-1); a negative digit subtracts the point). Points: -A_i (scalar z_i k_i mod L, 253 bits),
// -R_i (scalar z_i, 128 bits) and B (scalar sum z_i S_i mod L), all affine in precomp form (decoding gives
// Z = 1), so a bucket addition is a mixed addition (7 multiplications). The window c minimises an operation
// count (additions per digit + bucket reductions per window) for the batch size, 2 <= c <= 10. Per entry the
// cost is two point decodings (square roots) plus ~50 mixed additions; measured (CPU time, Node 20, 1,024
// entries a call): ~22k signatures/s against ~8k/s one by one. The small-order checks compare encodings
// (isSmallOrderEncoding in ed25519.ts).
//
// Public inputs only: everything here is variable time (signatures, keys, messages, and the coefficients z_i,
// which are random but not secret: they only need to be unpredictable to whoever made the signatures).

import { FE, feAdd, feCarry, feMul, feSub } from './field25519';
import { scIsCanonical, scMulAdd, scReduce64 } from './scalar25519';
import { sha512Final, sha512Init, sha512Update } from './sha2';
import {
  CACHED,
  D2,
  ODD_B,
  P1P1,
  P3,
  PRE,
  cT,
  cX,
  cY,
  decodeNeg,
  ensureTables,
  gAdd,
  isSmallOrderEncoding,
  madd,
  msub,
  p2Dbl,
  p3Zero,
  timesEightIsIdentity,
  toCached,
  toP2,
  toP3,
} from './ed25519';

const C_MIN: i32 = 2;
const C_MAX: i32 = 10;
/** Digits per scalar for window c: scalars are < 2^253, and signed recoding needs n c >= 254 bits. */
@inline function windows(c: i32): i32 {
  return (254 + c - 1) / c;
}

// Work memory layout for n entries (npts = 2n + 1 points: -A_i, -R_i for the valid entries, then B):
//   points  npts x PRE
//   digits  windows(c) x npts x i16, window-major (digit j of point t at (j npts + t) * 2), c = chooseWindow(n)
//   buckets (2^(C_MAX - 1) + 1) x P3
//   touched 2^(C_MAX - 1) + 8 bytes
//   scalars n x 48 bytes (z_i k_i mod L, z_i) until the window is chosen
@inline function pointsBytes(npts: usize): usize {
  return npts * PRE;
}
@inline function digitsBytes(npts: usize, nw: i32): usize {
  return ((<usize>nw * npts * 2 + 7) >> 3) << 3;
}
const BUCKETS_BYTES: usize = ((<usize>1 << (C_MAX - 1)) + 1) * P3; // bucket k at k * P3, k = 1 .. 2^(c-1)
const TOUCHED_BYTES: usize = (<usize>1 << (C_MAX - 1)) + 8;

/** Bytes of work memory ed25519VerifyBatch needs for n entries. */
export function ed25519VerifyBatchWorkSize(n: i32): usize {
  const npts = <usize>(2 * n + 1);
  return pointsBytes(npts) + digitsBytes(npts, windows(chooseWindow(n))) + BUCKETS_BYTES + TOUCHED_BYTES + <usize>n * 48;
}

/** Operation count of Pippenger with window c over nA 253-bit and nR 128-bit scalars (for the choice of c). */
function cost(c: i32, nA: i32, nR: i32): f64 {
  const nw = windows(c);
  const nwR = (129 + c - 1) / c;
  const adds = <f64>nA * <f64>nw + <f64>nR * <f64>nwR; //  mixed additions, 7 multiplications each
  const reduce = <f64>nw * <f64>(1 << (c - 1)) * 2; //       two full additions per bucket per window, ~9 each
  return adds * 7 + reduce * 9 + <f64>(nw * c) * 7; //       plus the doublings between windows
}

function chooseWindow(m: i32): i32 {
  let best = C_MIN;
  let bestCost = cost(C_MIN, m + 1, m);
  for (let c = C_MIN + 1; c <= C_MAX; c++) {
    const k = cost(c, m + 1, m);
    if (k < bestCost) {
      bestCost = k;
      best = c;
    }
  }
  return best;
}

// Scratch (public data).
const TA: usize = memory.data(<i32>P3, 8); //  -A_i
const TR: usize = memory.data(<i32>P3, 8); //  -R_i
const HK: usize = memory.data(64, 8); //       SHA-512(R || A || M), then k mod L
const ZP: usize = memory.data(40, 8); //       z_i zero-padded to 32 bytes (+8 so recoding may read 4 bytes past)
const WS: usize = memory.data(40, 8); //       z_i k_i mod L (+8 padding)
const BS: usize = memory.data(40, 8); //       sum z_i S_i mod L (+8 padding)
const ZERO32: usize = memory.data(32, 8);
const ACC: usize = memory.data(<i32>P3, 8);
const RUN: usize = memory.data(<i32>P3, 8);
const TOT: usize = memory.data(<i32>P3, 8);
const PT: usize = memory.data(<i32>P1P1, 8);
const PC: usize = memory.data(<i32>CACHED, 8);

/** Store p3 point p with Z = 1 (as decodeNeg leaves it) at e in precomp form (y+x, y-x, 2dxy). */
function toPrecompAffine(e: usize, p: usize): void {
  feAdd(e, cY(p), cX(p));
  feCarry(e, e);
  feSub(e + FE, cY(p), cX(p));
  feCarry(e + FE, e + FE);
  feMul(e + 2 * FE, cT(p), D2);
}

/**
 * Signed radix-2^c digits of the 32-byte little-endian scalar at sc (< 2^253; 8 readable bytes past it), digit
 * j stored at dst + j * stride (i16): sum d_j 2^(c j) = scalar, d_j in [-2^(c-1), 2^(c-1)].
 */
function recode(dst: usize, stride: usize, sc: usize, c: i32, nw: i32): void {
  const half = 1 << (c - 1);
  const mask = (1 << c) - 1;
  let carry: i32 = 0;
  for (let j = 0; j < nw; j++) {
    const bit = j * c;
    let v = carry;
    if (bit < 256) v += <i32>((load<u32>(sc + <usize>(bit >> 3)) >> <u32>(bit & 7)) & <u32>mask);
    carry = <i32>(v > half);
    v -= carry << c;
    store<i16>(dst + <usize>j * stride, <i16>v);
  }
}

/** acc (p3) += q (p3), through the cached form of q. */
@inline function addP3(acc: usize, q: usize): void {
  toCached(PC, q);
  gAdd(PT, acc, PC);
  toP3(acc, PT);
}

/** See the file header. Public inputs only. */
export function ed25519VerifyBatch(
  n: i32,
  pks: usize,
  sigs: usize,
  msgs: usize,
  lens: usize,
  zs: usize,
  status: usize,
  work: usize,
): i32 {
  ensureTables();
  const npts = <usize>(2 * n + 1);
  // The window is chosen for n entries (the work size depends on it), not for the m <= n that pass the checks:
  // with many refused entries it is a little larger than the best, which costs time only, not correctness.
  const c = chooseWindow(n);
  const nw = windows(c);
  const pts = work;
  const digs = pts + pointsBytes(npts);
  const buckets = digs + digitsBytes(npts, nw);
  const touched = buckets + BUCKETS_BYTES;
  const scalars = touched + TOUCHED_BYTES;
  memory.fill(BS, 0, 40);
  memory.fill(ZP, 0, 40);
  memory.fill(WS, 0, 40);

  // Pass 1: the per-signature checks (rules 2-4 of ed25519.ts), k_i, the scalars; valid entries are compacted.
  // The scalars (z_i k_i, z_i) are kept until pass 2 recodes them.
  let m: i32 = 0;
  let msg = msgs;
  for (let i = 0; i < n; i++) {
    const pk = pks + <usize>i * 32;
    const sig = sigs + <usize>i * 64;
    const len = <usize>load<u32>(lens + <usize>i * 4);
    let ok: i32 = 0;
    if (
      scIsCanonical(sig + 32) &&
      decodeNeg(TA, pk) &&
      !isSmallOrderEncoding(pk) &&
      decodeNeg(TR, sig) &&
      !isSmallOrderEncoding(sig)
    ) {
      ok = 1;
      sha512Init();
      sha512Update(sig, 32);
      sha512Update(pk, 32);
      sha512Update(msg, len);
      sha512Final(HK);
      scReduce64(HK, HK); //                          k_i
      memory.copy(ZP, zs + <usize>i * 16, 16); //      z_i (upper 16 bytes stay zero)
      scMulAdd(WS, ZP, HK, ZERO32); //                z_i k_i mod L
      scMulAdd(BS, ZP, sig + 32, BS); //              sum z_i S_i mod L
      toPrecompAffine(pts + <usize>(2 * m) * PRE, TA);
      toPrecompAffine(pts + <usize>(2 * m + 1) * PRE, TR);
      const keep = scalars + <usize>m * 48;
      memory.copy(keep, WS, 32);
      memory.copy(keep + 32, ZP, 16);
      m++;
    }
    store<u8>(status + <usize>i, <u8>ok);
    msg += len;
  }
  if (m == 0) return 1;

  // Pass 2: digits (rows of cnt <= npts digits), window-major (row j holds digit j of every point, so pass 3 reads it in order).
  const cnt = <usize>(2 * m + 1);
  const strideM = cnt * 2;
  for (let t = 0; t < m; t++) {
    const kept = scalars + <usize>t * 48;
    memory.copy(WS, kept, 32);
    memory.copy(ZP, kept + 32, 16);
    recode(digs + <usize>(2 * t) * 2, strideM, WS, c, nw);
    recode(digs + <usize>(2 * t + 1) * 2, strideM, ZP, c, nw);
  }
  // B with sum z_i S_i, as point cnt - 1.
  memory.copy(pts + <usize>(2 * m) * PRE, ODD_B, PRE); // ODD_B[0] = B in precomp form
  recode(digs + <usize>(2 * m) * 2, strideM, BS, c, nw);

  // Pass 3: Pippenger, windows from the top; acc = 2^c acc + sum_k k bucket_k.
  const half = 1 << (c - 1);
  p3Zero(ACC);
  for (let j = nw - 1; j >= 0; j--) {
    if (j != nw - 1) {
      for (let d = 0; d < c; d++) {
        p2Dbl(PT, ACC);
        if (d < c - 1) toP2(ACC, PT);
        else toP3(ACC, PT);
      }
    }
    memory.fill(touched, 0, <usize>half + 1);
    const row = digs + <usize>j * strideM;
    for (let t: usize = 0; t < cnt; t++) {
      const d = <i32>load<i16>(row + t * 2);
      if (d == 0) continue;
      const a = d > 0 ? d : -d;
      const bk = buckets + <usize>a * P3;
      if (load<u8>(touched + <usize>a) == 0) {
        p3Zero(bk);
        store<u8>(touched + <usize>a, 1);
      }
      if (d > 0) madd(PT, bk, pts + t * PRE);
      else msub(PT, bk, pts + t * PRE);
      toP3(bk, PT);
    }
    // sum_k k bucket_k = sum_k (bucket_half + ... + bucket_k): a running sum, from the top bucket down.
    let started = false;
    for (let a = half; a >= 1; a--) {
      if (load<u8>(touched + <usize>a) != 0) {
        if (!started) {
          memory.copy(RUN, buckets + <usize>a * P3, P3);
          p3Zero(TOT);
          started = true;
        } else {
          addP3(RUN, buckets + <usize>a * P3);
        }
      }
      if (started) addP3(TOT, RUN);
    }
    if (started) addP3(ACC, TOT);
  }
  return <i32>timesEightIsIdentity(ACC);
}

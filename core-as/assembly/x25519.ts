// X25519 (RFC 7748 §5): the Montgomery ladder over Curve25519 with constant-time conditional swaps.
//
// Public ABI (pointers into linear memory):
//   x25519(scalar32, u32, out32): out = X25519(scalar, u); returns 1, or 0 when out is all zero (a low-order
//     input, RFC 7748 §6.1: callers must refuse it). out is written in both cases.
//   x25519Base(scalar32, out32): out = X25519(scalar, 9), the public key of a private scalar.
//
// Constant time in the scalar (secret): a fixed 255-step ladder, swaps by mask (feCswap), the all-zero check
// by OR-accumulation without early exit, one inversion by a fixed addition chain. The input u is public but is
// handled in constant time too. All scratch (clamped scalar, ladder state) is wiped before returning.
// Each ladder step is 5 multiplications and 4 squarings, with the ladder's additions fused into them
// (feMulDiffSum, feSqSum, feSqDiff, feLadderZ2): no separate add/sub pass over memory.

import {
  FE,
  feCopy,
  feCswap,
  feFromBytes,
  feInvert,
  feLadderZ2,
  feMul,
  feMulDiffSum,
  feOne,
  feSqDiff,
  feSqSum,
  feToBytes,
  feZero,
  wipe,
} from './field25519';
import { edBaseU } from './ed25519';

// One scratch block: the clamped scalar, then nine field elements.
const SCRATCH_LEN: usize = 32 + 9 * FE;
const K: usize = memory.data(<i32>SCRATCH_LEN, 8);
const X1: usize = K + 32;
const X2: usize = X1 + FE;
const Z2: usize = X1 + 2 * FE;
const X3: usize = X1 + 3 * FE;
const Z3: usize = X1 + 4 * FE;
const T0: usize = X1 + 5 * FE;
const T1: usize = X1 + 6 * FE;
const T2: usize = X1 + 7 * FE;
const T3: usize = X1 + 8 * FE;

/** Copy the scalar and clamp it (RFC 7748 §5 decodeScalar25519). */
@inline function clampInto(k: usize, scalar: usize): void {
  memory.copy(k, scalar, 32);
  store<u8>(k, load<u8>(k) & 248);
  store<u8>(k + 31, (load<u8>(k + 31) & 127) | 64);
}

/** 1 unless the 32 bytes at p are all zero (OR-accumulate, no early exit: the bytes are a shared secret). */
@inline function notAllZero(p: usize): i32 {
  const acc = load<u64>(p, 0) | load<u64>(p, 8) | load<u64>(p, 16) | load<u64>(p, 24);
  return <i32>(((acc | (0 - acc)) >> 63) & 1);
}

/** The ladder of RFC 7748 §5 on the clamped scalar at K and u at X1; writes the encoded result to out. */
function ladder(out: usize): void {
  feOne(X2);
  feZero(Z2);
  feCopy(X3, X1);
  feOne(Z3);
  let swap: i32 = 0;
  for (let t = 254; t >= 0; t--) {
    const kt = (<i32>load<u8>(K + (<usize>t >> 3)) >> (t & 7)) & 1;
    swap ^= kt;
    const mask = -(<i64>swap);
    feCswap(X2, X3, mask);
    feCswap(Z2, Z3, mask);
    swap = kt;
    // One ladder step (RFC 7748 §5): A = x2 + z2, B = x2 - z2, C = x3 + z3, D = x3 - z3, DA = D A, CB = C B,
    // x3 = (DA + CB)^2, z3 = x1 (DA - CB)^2, x2 = AA BB, z2 = E (BB + 121666 E) with E = AA - BB.
    // The additions are fused into the multiplications that consume them (field25519.ts).
    feMulDiffSum(T0, X3, Z3, X2, Z2); // DA = (x3 - z3)(x2 + z2)
    feMulDiffSum(T1, X2, Z2, X3, Z3); // CB = (x2 - z2)(x3 + z3)
    feSqSum(T2, X2, Z2); //             AA
    feSqDiff(T3, X2, Z2); //            BB
    feSqSum(X3, T0, T1); //             x3 = (DA + CB)^2
    feSqDiff(Z3, T0, T1); //            (DA - CB)^2
    feMul(Z3, Z3, X1); //               z3 = x1 (DA - CB)^2
    feMul(X2, T2, T3); //               x2 = AA BB
    feLadderZ2(Z2, T2, T3); //          z2 = E (BB + 121666 E)
  }
  const mask = -(<i64>swap);
  feCswap(X2, X3, mask);
  feCswap(Z2, Z3, mask);
  // Return x2 / z2 (z2 = 0 gives 0, the all-zero output of a low-order input).
  feInvert(Z2, Z2);
  feMul(X2, X2, Z2);
  feToBytes(out, X2);
}

/**
 * X25519(scalar, u) (RFC 7748 §5). The top bit of u is masked and u >= p is reduced (feFromBytes), as §5
 * requires. Returns 1, or 0 when the output is all zero (RFC 7748 §6.1). Constant time.
 */
export function x25519(scalar: usize, u: usize, out: usize): i32 {
  clampInto(K, scalar);
  feFromBytes(X1, u);
  ladder(out);
  wipe(K, SCRATCH_LEN);
  return notAllZero(out);
}

/**
 * X25519(scalar, 9) (RFC 7748 §6.1 public key). Computed as [k]B on the birationally equivalent Edwards curve
 * with the constant-time fixed-base table of ed25519.ts, then u = (1 + y) / (1 - y) (RFC 7748 §4.1): the same
 * result as the ladder on u = 9, several times faster. Constant time.
 */
export function x25519Base(scalar: usize, out: usize): void {
  clampInto(K, scalar);
  edBaseU(out, K);
  wipe(K, SCRATCH_LEN);
}

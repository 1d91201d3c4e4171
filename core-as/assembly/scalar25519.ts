// Arithmetic modulo the Ed25519 group order L = 2^252 + 27742317777372353535851937790883648493
// (RFC 8032 §5.1), for ed25519.ts (internal: not exported by index.ts).
//
//   scReduce64(out32, in64):          out = in mod L (a SHA-512 digest read as a 512-bit little-endian integer)
//   scMulAdd(out32, a32, b32, c32):   out = (a b + c) mod L  (signing: S = r + k s)
//   scIsCanonical(s32):               s < L  (verification: RFC 8032 §5.1.7 rejects S >= L)
//
// Representation: signed 21-bit limbs held in i64 (the ref10 sc layout), in one static buffer. Reduction folds
// each limb at or above 2^252 down with 2^252 = -c (mod L), c = L - 2^252, written as six signed 21-bit limbs;
// then one conditional addition and one conditional subtraction of L (by mask) give the canonical result.
// Unlike ref10 the folding is written as fixed loops rather than unrolled, for auditability; it runs a few times
// per signature, which is noise next to the curve arithmetic.
//
// scReduce64 and scMulAdd are constant time (fixed loops, masks; signing feeds them secrets) and wipe their
// scratch. scIsCanonical handles public data only (it is variable time).

// 2^252 = -c (mod L) with -c = sum K[j] 2^(21 j) (ref10's constants; checked against BigInt when written).
const K0: i64 = 666643;
const K1: i64 = 470296;
const K2: i64 = 654183;
const K3: i64 = -997805;
const K4: i64 = 136657;
const K5: i64 = -683901;

// L in twelve 21-bit limbs (limb 11 holds the 2^252 bit as 2^21).
const L_LIMBS: usize = memory.data<i64>([1430509, 1626855, 1442968, 997804, 1960495, 683900, 0, 0, 0, 0, 0, 1 << 21]);

const L_BYTES: usize = memory.data<u8>([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
]);

const MASK21: u64 = (1 << 21) - 1;

// Scratch: 24 limbs for the value being reduced, 12 for a trial subtraction, 3 x 12 for muladd operands,
// and a zero-padded copy of the input bytes for limb extraction.
const S: usize = memory.data(24 * 8, 8);
const T: usize = memory.data(12 * 8, 8);
const OPS: usize = memory.data(36 * 8, 8);
const BUF: usize = memory.data(72, 8);

@inline function ld(p: usize, i: i32): i64 {
  return load<i64>(p + (<usize>i << 3));
}
@inline function st(p: usize, i: i32, v: i64): void {
  store<i64>(p + (<usize>i << 3), v);
}

/** Split the bytes in BUF (zero padded) into `n` 21-bit limbs at dst; the last limb keeps every remaining bit. */
function toLimbs(dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const bit = 21 * i;
    let v = load<u64>(BUF + (<usize>bit >> 3)) >> (<u64>(bit & 7));
    if (i < n - 1) v &= MASK21; // i is public: not a secret-dependent branch
    st(dst, i, <i64>v);
  }
}

/** Floor carries from limb `from` up to limb `to` (exclusive of carrying out of `to`). */
@inline function carryRange(p: usize, from: i32, to: i32): void {
  for (let i = from; i < to; i++) {
    const v = ld(p, i);
    const c = v >> 21;
    st(p, i, v - (c << 21));
    st(p, i + 1, ld(p, i + 1) + c);
  }
}

/** S[0..n) (n >= 13, limbs of moderate size) -> canonical value mod L in 32 bytes at out. Constant time. */
function reduce(out: usize, n: i32): void {
  carryRange(S, 0, n - 1);
  // Fold limbs n-1 .. 12 from the top down: v 2^(21 i) = v 2^(21 (i-12)) 2^252 = v 2^(21 (i-12)) (-c).
  // After each fold, carry limbs i-12 .. i-2 so the next limb to fold, i-1, stays small (about 2^21).
  for (let i = n - 1; i >= 12; i--) {
    const v = ld(S, i);
    st(S, i, 0);
    const b = i - 12;
    st(S, b, ld(S, b) + v * K0);
    st(S, b + 1, ld(S, b + 1) + v * K1);
    st(S, b + 2, ld(S, b + 2) + v * K2);
    st(S, b + 3, ld(S, b + 3) + v * K3);
    st(S, b + 4, ld(S, b + 4) + v * K4);
    st(S, b + 5, ld(S, b + 5) + v * K5);
    carryRange(S, b, i - 1);
  }
  // Now limbs 0..10 are in [0, 2^21) and limb 11 in [-1, 2^21]: the value V is in (-L, 2L).
  // V < 0 exactly when limb 11 < 0: add L under that mask.
  const neg = ld(S, 11) >> 63;
  for (let j = 0; j < 12; j++) st(S, j, ld(S, j) + (ld(L_LIMBS, j) & neg));
  carryRange(S, 0, 11);
  // V in [0, 2L): subtract L in T and keep the difference when it is not negative.
  for (let j = 0; j < 12; j++) st(T, j, ld(S, j) - ld(L_LIMBS, j));
  carryRange(T, 0, 11);
  const keep = ~(ld(T, 11) >> 63);
  for (let j = 0; j < 12; j++) {
    const a = ld(S, j);
    st(S, j, a ^ (keep & (a ^ ld(T, j))));
  }
  // Pack twelve 21-bit limbs (252 bits; V < L < 2^253 so limb 11 may hold 22 bits) into 32 bytes.
  let acc: u64 = 0;
  let bits: i32 = 0;
  let o: usize = out;
  for (let j = 0; j < 12; j++) {
    acc |= <u64>ld(S, j) << (<u64>bits);
    bits += 21;
    while (bits >= 8) { // public loop bounds: the number of bits, not their values
      store<u8>(o++, <u8>acc);
      acc >>= 8;
      bits -= 8;
    }
  }
  store<u8>(o, <u8>acc); // the last 4 bits (bit 252 of L-range values is at most 1)
}

@inline function wipeScratch(): void {
  memory.fill(S, 0, 24 * 8);
  memory.fill(T, 0, 12 * 8);
  memory.fill(OPS, 0, 36 * 8);
  memory.fill(BUF, 0, 72);
}

/** out = x mod L for a 64-byte little-endian x (RFC 8032 §5.1.6 step 2 and §5.1.7 step 2). Constant time. */
export function scReduce64(out: usize, x: usize): void {
  memory.copy(BUF, x, 64);
  store<u64>(BUF + 64, 0);
  toLimbs(S, 24); // 23 limbs of 21 bits and a 29-bit top limb
  reduce(out, 24);
  wipeScratch();
}

/** out = (a b + c) mod L for 32-byte little-endian a, b, c (RFC 8032 §5.1.6 step 5). Constant time. */
export function scMulAdd(out: usize, a: usize, b: usize, c: usize): void {
  const A = OPS;
  const B = OPS + 12 * 8;
  const C = OPS + 24 * 8;
  memory.fill(BUF, 0, 72);
  memory.copy(BUF, a, 32);
  toLimbs(A, 12); // 11 limbs of 21 bits and a 25-bit top limb
  memory.copy(BUF, b, 32);
  toLimbs(B, 12);
  memory.copy(BUF, c, 32);
  toLimbs(C, 12);
  // Schoolbook product into 23 limbs (each a sum of at most 12 products below 2^50), plus c; limb 23 = 0.
  for (let k = 0; k < 24; k++) st(S, k, k < 12 ? ld(C, k) : 0);
  for (let i = 0; i < 12; i++) {
    const ai = ld(A, i);
    for (let j = 0; j < 12; j++) st(S, i + j, ld(S, i + j) + ai * ld(B, j));
  }
  reduce(out, 24);
  wipeScratch();
}

/**
 * 1 when the 32-byte little-endian s is < L, else 0 (RFC 8032 §5.1.7 step 1: reject S >= L, which also
 * excludes the S + L malleability). Public inputs only: variable time.
 */
export function scIsCanonical(s: usize): bool {
  // L little-endian, compared from the most significant byte down.
  for (let i = 31; i >= 0; i--) {
    const x = load<u8>(s + <usize>i);
    const l = load<u8>(L_BYTES + <usize>i);
    if (x < l) return true;
    if (x > l) return false;
  }
  return false; // s == L
}

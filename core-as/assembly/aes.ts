// AES-128 block cipher (FIPS 197), bitsliced, four blocks at a time in eight 64-bit words.
// Internal to the core (used by aes-gcm.ts).
//
// Constant-time: this is the BearSSL "aes_ct64" representation (Thomas Pornin). Four 128-bit blocks are
// transposed ("orthogonalised") into eight u64 words so that word i holds bit i of every byte of all four
// blocks (bit index 16·row + 4·column + block); SubBytes is then the Boyar–Peralta Boolean circuit (113
// gates) evaluated on whole words, MixColumns is fixed rotations and XORs, and AddRoundKey is XOR.
// ShiftRows is "fixsliced" away (Adomnicai & Peyrin, TCHES 2021): rounds 1-9 leave the rows rotated and
// use MixColumns variants and pre-rotated round keys instead, and one cheap realignment follows round 10.
// The key schedule runs in the same bitsliced domain (SubWord is the same S-box circuit). There is no
// table, no branch and no memory index that depends on the key or the state; the only branches and loop
// bounds are on the fixed round count.
//
// Internal API:
//   aes128Schedule(key16, sk): expands the key into 11 bitsliced round keys (88 u64 = 704 bytes at sk).
//   aes128Encrypt4(sk, src64, dst64): encrypts the four 16-byte blocks at src into dst (src == dst allowed).
//   aesWipe(): zeroes this file's scratch (the state words and the key-schedule copy).
// Callers own the round-key buffer and must wipe it; this file wipes its own scratch via aesWipe().

/** Bytes of expanded round keys for AES-128: 11 round keys x 8 words x 8 bytes. */
export const AES128_SK_LEN: usize = 704;

/** Bitsliced state, eight u64 words. Secret: wiped by aesWipe(). */
const Q: usize = memory.data(64, 16);
/** Scratch copy of a round key for the key schedule's S-box pass. Secret: wiped by aesWipe(). */
const T: usize = memory.data(64, 16);

const M1: u64 = 0x5555555555555555;
const N1: u64 = 0xaaaaaaaaaaaaaaaa;
const M2: u64 = 0x3333333333333333;
const N2: u64 = 0xcccccccccccccccc;
const M4: u64 = 0x0f0f0f0f0f0f0f0f;
const N4: u64 = 0xf0f0f0f0f0f0f0f0;

/**
 * Transpose the eight words at q in place (BearSSL br_aes_ct64_ortho). It is an involution: applying it twice
 * gives back the input. Pure bit permutation, no data-dependent operation.
 */
function ortho(q: usize): void {
  let q0 = load<u64>(q, 0), q1 = load<u64>(q, 8), q2 = load<u64>(q, 16), q3 = load<u64>(q, 24);
  let q4 = load<u64>(q, 32), q5 = load<u64>(q, 40), q6 = load<u64>(q, 48), q7 = load<u64>(q, 56);
  let a: u64, b: u64;
  // SWAP2 on (0,1) (2,3) (4,5) (6,7)
  a = q0; b = q1; q0 = (a & M1) | ((b & M1) << 1); q1 = ((a & N1) >> 1) | (b & N1);
  a = q2; b = q3; q2 = (a & M1) | ((b & M1) << 1); q3 = ((a & N1) >> 1) | (b & N1);
  a = q4; b = q5; q4 = (a & M1) | ((b & M1) << 1); q5 = ((a & N1) >> 1) | (b & N1);
  a = q6; b = q7; q6 = (a & M1) | ((b & M1) << 1); q7 = ((a & N1) >> 1) | (b & N1);
  // SWAP4 on (0,2) (1,3) (4,6) (5,7)
  a = q0; b = q2; q0 = (a & M2) | ((b & M2) << 2); q2 = ((a & N2) >> 2) | (b & N2);
  a = q1; b = q3; q1 = (a & M2) | ((b & M2) << 2); q3 = ((a & N2) >> 2) | (b & N2);
  a = q4; b = q6; q4 = (a & M2) | ((b & M2) << 2); q6 = ((a & N2) >> 2) | (b & N2);
  a = q5; b = q7; q5 = (a & M2) | ((b & M2) << 2); q7 = ((a & N2) >> 2) | (b & N2);
  // SWAP8 on (0,4) (1,5) (2,6) (3,7)
  a = q0; b = q4; q0 = (a & M4) | ((b & M4) << 4); q4 = ((a & N4) >> 4) | (b & N4);
  a = q1; b = q5; q1 = (a & M4) | ((b & M4) << 4); q5 = ((a & N4) >> 4) | (b & N4);
  a = q2; b = q6; q2 = (a & M4) | ((b & M4) << 4); q6 = ((a & N4) >> 4) | (b & N4);
  a = q3; b = q7; q3 = (a & M4) | ((b & M4) << 4); q7 = ((a & N4) >> 4) | (b & N4);
  store<u64>(q, q0, 0); store<u64>(q, q1, 8); store<u64>(q, q2, 16); store<u64>(q, q3, 24);
  store<u64>(q, q4, 32); store<u64>(q, q5, 40); store<u64>(q, q6, 48); store<u64>(q, q7, 56);
}

/** Spread two u32 words of a block into a u64 (BearSSL interleave_in, one half): x -> bytes at even slots. */
@inline
function spread(x: u32): u64 {
  let v = <u64>x;
  v = (v | (v << 16)) & 0x0000ffff0000ffff;
  v = (v | (v << 8)) & 0x00ff00ff00ff00ff;
  return v;
}

/** Inverse of spread: gather the bytes at even slots back into a u32. */
@inline
function gather(v: u64): u32 {
  v &= 0x00ff00ff00ff00ff;
  v = (v | (v >> 8)) & 0x0000ffff0000ffff;
  return <u32>v | <u32>(v >> 16);
}

/**
 * Load the 16-byte block at src (four little-endian u32 words w0..w3) into q[i] and q[i + 4]
 * (BearSSL br_aes_ct64_interleave_in: q0 = w0 | w2 << 8, q1 = w1 | w3 << 8, bytes interleaved).
 */
@inline
function interleaveIn(q: usize, i: usize, src: usize): void {
  store<u64>(q + (i << 3), spread(load<u32>(src, 0)) | (spread(load<u32>(src, 8)) << 8));
  store<u64>(q + (i << 3), spread(load<u32>(src, 4)) | (spread(load<u32>(src, 12)) << 8), 32);
}

/** Inverse of interleaveIn: q[i], q[i + 4] -> the 16-byte block at dst. */
@inline
function interleaveOut(q: usize, i: usize, dst: usize): void {
  const a = load<u64>(q + (i << 3)), b = load<u64>(q + (i << 3), 32);
  store<u32>(dst, gather(a), 0);
  store<u32>(dst, gather(b), 4);
  store<u32>(dst, gather(a >> 8), 8);
  store<u32>(dst, gather(b >> 8), 12);
}

/**
 * FIPS 197 §5.1.1 SubBytes on all 64 bytes of the bitsliced state at q: the Boyar–Peralta circuit
 * (BearSSL br_aes_ct64_bitslice_Sbox). Only AND, XOR and NOT on whole words: constant-time.
 */
function sbox(q: usize): void {
  const x0 = load<u64>(q, 56), x1 = load<u64>(q, 48), x2 = load<u64>(q, 40), x3 = load<u64>(q, 32);
  const x4 = load<u64>(q, 24), x5 = load<u64>(q, 16), x6 = load<u64>(q, 8), x7 = load<u64>(q, 0);

  // Top linear transformation.
  const y14 = x3 ^ x5;
  const y13 = x0 ^ x6;
  const y9 = x0 ^ x3;
  const y8 = x0 ^ x5;
  const t0 = x1 ^ x2;
  const y1 = t0 ^ x7;
  const y4 = y1 ^ x3;
  const y12 = y13 ^ y14;
  const y2 = y1 ^ x0;
  const y5 = y1 ^ x6;
  const y3 = y5 ^ y8;
  const t1 = x4 ^ y12;
  const y15 = t1 ^ x5;
  const y20 = t1 ^ x1;
  const y6 = y15 ^ x7;
  const y10 = y15 ^ t0;
  const y11 = y20 ^ y9;
  const y7 = x7 ^ y11;
  const y17 = y10 ^ y11;
  const y19 = y10 ^ y8;
  const y16 = t0 ^ y11;
  const y21 = y13 ^ y16;
  const y18 = x0 ^ y16;

  // Non-linear section.
  const t2 = y12 & y15;
  const t3 = y3 & y6;
  const t4 = t3 ^ t2;
  const t5 = y4 & x7;
  const t6 = t5 ^ t2;
  const t7 = y13 & y16;
  const t8 = y5 & y1;
  const t9 = t8 ^ t7;
  const t10 = y2 & y7;
  const t11 = t10 ^ t7;
  const t12 = y9 & y11;
  const t13 = y14 & y17;
  const t14 = t13 ^ t12;
  const t15 = y8 & y10;
  const t16 = t15 ^ t12;
  const t17 = t4 ^ t14;
  const t18 = t6 ^ t16;
  const t19 = t9 ^ t14;
  const t20 = t11 ^ t16;
  const t21 = t17 ^ y20;
  const t22 = t18 ^ y19;
  const t23 = t19 ^ y21;
  const t24 = t20 ^ y18;

  const t25 = t21 ^ t22;
  const t26 = t21 & t23;
  const t27 = t24 ^ t26;
  const t28 = t25 & t27;
  const t29 = t28 ^ t22;
  const t30 = t23 ^ t24;
  const t31 = t22 ^ t26;
  const t32 = t31 & t30;
  const t33 = t32 ^ t24;
  const t34 = t23 ^ t33;
  const t35 = t27 ^ t33;
  const t36 = t24 & t35;
  const t37 = t36 ^ t34;
  const t38 = t27 ^ t36;
  const t39 = t29 & t38;
  const t40 = t25 ^ t39;

  const t41 = t40 ^ t37;
  const t42 = t29 ^ t33;
  const t43 = t29 ^ t40;
  const t44 = t33 ^ t37;
  const t45 = t42 ^ t41;
  const z0 = t44 & y15;
  const z1 = t37 & y6;
  const z2 = t33 & x7;
  const z3 = t43 & y16;
  const z4 = t40 & y1;
  const z5 = t29 & y7;
  const z6 = t42 & y11;
  const z7 = t45 & y17;
  const z8 = t41 & y10;
  const z9 = t44 & y12;
  const z10 = t37 & y3;
  const z11 = t33 & y4;
  const z12 = t43 & y13;
  const z13 = t40 & y5;
  const z14 = t29 & y2;
  const z15 = t42 & y9;
  const z16 = t45 & y14;
  const z17 = t41 & y8;

  // Bottom linear transformation.
  const t46 = z15 ^ z16;
  const t47 = z10 ^ z11;
  const t48 = z5 ^ z13;
  const t49 = z9 ^ z10;
  const t50 = z2 ^ z12;
  const t51 = z2 ^ z5;
  const t52 = z7 ^ z8;
  const t53 = z0 ^ z3;
  const t54 = z6 ^ z7;
  const t55 = z16 ^ z17;
  const t56 = z12 ^ t48;
  const t57 = t50 ^ t53;
  const t58 = z4 ^ t46;
  const t59 = z3 ^ t54;
  const t60 = t46 ^ t57;
  const t61 = z14 ^ t57;
  const t62 = t52 ^ t58;
  const t63 = t49 ^ t58;
  const t64 = z4 ^ t59;
  const t65 = t61 ^ t62;
  const t66 = z1 ^ t63;
  const s0 = t59 ^ t63;
  const s6 = t56 ^ ~t62;
  const s7 = t48 ^ ~t60;
  const t67 = t64 ^ t65;
  const s3 = t53 ^ t66;
  const s4 = t51 ^ t66;
  const s5 = t47 ^ t65;
  const s1 = t64 ^ ~s3;
  const s2 = t55 ^ ~t67;

  store<u64>(q, s0, 56); store<u64>(q, s1, 48); store<u64>(q, s2, 40); store<u64>(q, s3, 32);
  store<u64>(q, s4, 24); store<u64>(q, s5, 16); store<u64>(q, s6, 8); store<u64>(q, s7, 0);
}

/** FIPS 197 §5.1.2 ShiftRows on one bitsliced word (fixed masks and shifts). */
@inline
function shiftRow(x: u64): u64 {
  return (x & 0x000000000000ffff)
    | ((x & 0x00000000fff00000) >> 4)
    | ((x & 0x00000000000f0000) << 12)
    | ((x & 0x0000ff0000000000) >> 8)
    | ((x & 0x000000ff00000000) << 8)
    | ((x & 0xf000000000000000) >> 12)
    | ((x & 0x0fff000000000000) << 4);
}

/**
 * Rotate each 16-bit row lane of a bitsliced word left by j columns: new[row][c] = old[row][(c + j) mod 4]
 * (a column is 4 bits, one per block). j is a compile-time constant at every call site.
 */
@inline
function lane(x: u64, j: i32): u64 {
  if (j == 1) return ((x >> 4) & 0x0fff0fff0fff0fff) | ((x << 12) & 0xf000f000f000f000);
  if (j == 2) return ((x >> 8) & 0x00ff00ff00ff00ff) | ((x << 8) & 0xff00ff00ff00ff00);
  if (j == 3) return ((x >> 12) & 0x000f000f000f000f) | ((x << 4) & 0xfff0fff0fff0fff0);
  return x;
}

/**
 * One middle round's linear layer in "fixsliced" form (Adomnicai & Peyrin, TCHES 2021/1, applied to the
 * ct64 layout): ShiftRows (§5.1.2) is not applied; instead the state is kept with row r rotated by k·r
 * columns (k = round number mod 4), so MixColumns (§5.1.3) reads row r+1 at a column offset of k and
 * row r+2 at 2k. Then AddRoundKey (§5.1.4) with a round key stored in the same rotated form
 * (aes128Schedule). k is a compile-time constant at every call site.
 */
@inline
function mixAdd(q: usize, sk: usize, k: i32): void {
  const q0 = load<u64>(q, 0), q1 = load<u64>(q, 8), q2 = load<u64>(q, 16), q3 = load<u64>(q, 24);
  const q4 = load<u64>(q, 32), q5 = load<u64>(q, 40), q6 = load<u64>(q, 48), q7 = load<u64>(q, 56);
  // r_i: each byte's neighbour one row down in the same (logical) column (BearSSL: rotr16 when k = 0).
  const r0 = lane(rotr<u64>(q0, 16), k), r1 = lane(rotr<u64>(q1, 16), k);
  const r2 = lane(rotr<u64>(q2, 16), k), r3 = lane(rotr<u64>(q3, 16), k);
  const r4 = lane(rotr<u64>(q4, 16), k), r5 = lane(rotr<u64>(q5, 16), k);
  const r6 = lane(rotr<u64>(q6, 16), k), r7 = lane(rotr<u64>(q7, 16), k);
  // out = 2·(q ^ r) ^ r ^ (q ^ r two rows down): the xtime reduction by x^8 + x^4 + x^3 + x + 1 (§4.2.1)
  // feeds bit 7 (c7) into bits 0, 1, 3, 4.
  const c7 = q7 ^ r7;
  const j = (2 * k) & 3;
  store<u64>(q, c7 ^ r0 ^ lane(rotr<u64>(q0 ^ r0, 32), j) ^ load<u64>(sk, 0), 0);
  store<u64>(q, q0 ^ r0 ^ c7 ^ r1 ^ lane(rotr<u64>(q1 ^ r1, 32), j) ^ load<u64>(sk, 8), 8);
  store<u64>(q, q1 ^ r1 ^ r2 ^ lane(rotr<u64>(q2 ^ r2, 32), j) ^ load<u64>(sk, 16), 16);
  store<u64>(q, q2 ^ r2 ^ c7 ^ r3 ^ lane(rotr<u64>(q3 ^ r3, 32), j) ^ load<u64>(sk, 24), 24);
  store<u64>(q, q3 ^ r3 ^ c7 ^ r4 ^ lane(rotr<u64>(q4 ^ r4, 32), j) ^ load<u64>(sk, 32), 32);
  store<u64>(q, q4 ^ r4 ^ r5 ^ lane(rotr<u64>(q5 ^ r5, 32), j) ^ load<u64>(sk, 40), 40);
  store<u64>(q, q5 ^ r5 ^ r6 ^ lane(rotr<u64>(q6 ^ r6, 32), j) ^ load<u64>(sk, 48), 48);
  store<u64>(q, q6 ^ r6 ^ r7 ^ lane(rotr<u64>(q7 ^ r7, 32), j) ^ load<u64>(sk, 56), 56);
}

/**
 * The final round's linear layer (FIPS 197 §5.1, no MixColumns). After round 10 the fixsliced state has
 * row r rotated by 2r columns (10 mod 4 = 2 skipped ShiftRows), so the pending ShiftRows is ShiftRows^2:
 * rows 1 and 3 rotate by two columns, rows 0 and 2 stay. Then AddRoundKey with the ordinary last key.
 */
function finalAdd(q: usize, sk: usize): void {
  for (let i: usize = 0; i < 64; i += 8) {
    const x = load<u64>(q + i);
    store<u64>(q + i, ((x & 0x0000ffff0000ffff) | (lane(x, 2) & 0xffff0000ffff0000)) ^ load<u64>(sk + i));
  }
}

/** AddRoundKey (§5.1.4) with the round key at sk. */
@inline
function addKey(q: usize, sk: usize): void {
  for (let i: usize = 0; i < 64; i += 8) store<u64>(q + i, load<u64>(q + i) ^ load<u64>(sk + i));
}

/**
 * Store the round key held bitsliced in Q as round r's key at sk, rotated for fixslicing (see mixAdd):
 * round r's key is added to a state whose row i is rotated left by (r mod 4)·i columns, so the key is
 * rotated the same way. Rounds 0 and 10 use the ordinary key (finalAdd realigns the state first).
 * The branch is on the public round number only.
 */
function storeRoundKey(sk: usize, r: usize): void {
  const m: usize = r == 10 ? 0 : r & 3;
  const dst = sk + (r << 6);
  for (let i: usize = 0; i < 64; i += 8) {
    const x = load<u64>(Q + i);
    let y = x;
    if (m == 1) {
      // stored[row][c] = key[row][c - row]: rows 1, 2, 3 rotate left by 3, 2, 1 columns.
      y = (x & 0x000000000000ffff) | (lane(x, 3) & 0x00000000ffff0000)
        | (lane(x, 2) & 0x0000ffff00000000) | (lane(x, 1) & 0xffff000000000000);
    } else if (m == 2) {
      // stored[row][c] = key[row][c - 2·row]: rows 1 and 3 rotate by 2 columns, row 2 by 4 = 0.
      y = (x & 0x0000ffff0000ffff) | (lane(x, 2) & 0xffff0000ffff0000);
    } else if (m == 3) {
      // stored[row][c] = key[row][c - 3·row] = key[row][c + row]: one ordinary ShiftRows.
      y = shiftRow(x);
    }
    store<u64>(dst + i, y);
  }
}

/**
 * FIPS 197 §5.2 KeyExpansion for a 16-byte key, computed directly in the bitsliced domain: round key r is
 * kept as eight words (the key replicated for the four blocks, orthogonalised), and each next key comes
 * from one bitsliced S-box pass over it (SubWord on column 3), a row rotation (RotWord), Rcon on row 0 and
 * a prefix XOR across the four columns (w[i] = w[i-4] ^ w[i-1]). Writes 11 x 64 bytes at sk.
 * Constant-time in the key: the only data-dependent operations are the S-box circuit, fixed shifts and
 * masks; Rcon and the loop bounds are public.
 */
export function aes128Schedule(key: usize, sk: usize): void {
  interleaveIn(Q, 0, key);
  const a = load<u64>(Q, 0), b = load<u64>(Q, 32);
  store<u64>(Q, a, 8); store<u64>(Q, a, 16); store<u64>(Q, a, 24);
  store<u64>(Q, b, 40); store<u64>(Q, b, 48); store<u64>(Q, b, 56);
  ortho(Q);
  storeRoundKey(sk, 0);
  let rcon: u64 = 1;
  for (let r: usize = 1; r <= 10; r++) {
    memory.copy(T, Q, 64);
    sbox(T);
    for (let i: usize = 0; i < 8; i++) {
      // Bitsliced word i holds bit i of every byte: row = 16-bit lane, column = 4 bits (one per block).
      // RotWord(w3): row j takes row j + 1 (rotr16); column 3 moves to column 0 and is isolated.
      let t = (rotr<u64>(load<u64>(T + (i << 3)), 16) >> 12) & 0x000f000f000f000f;
      t ^= ((rcon >> i) & 1) * 0xf; // Rcon[r] (public) in row 0 of column 0
      t |= t << 4; // broadcast column 0 to all four columns (within each row lane)
      t |= t << 8;
      let x = load<u64>(Q + (i << 3));
      x ^= (x << 4) & 0xfff0fff0fff0fff0; // column c ^= column c-1
      x ^= (x << 8) & 0xff00ff00ff00ff00; // column c ^= column c-2: now the prefix XOR of columns 0..c
      store<u64>(Q + (i << 3), x ^ t);
    }
    rcon = ((rcon << 1) ^ ((rcon >> 7) * 0x11b)) & 0xff; // xtime (§4.2.1) on the public round constant
    storeRoundKey(sk, r);
  }
  aesWipe();
}

/**
 * FIPS 197 §5.1 Cipher on the four 16-byte blocks at src, result at dst (may equal src). Round keys at sk
 * from aes128Schedule. Constant-time in the key and the data.
 */
export function aes128Encrypt4(sk: usize, src: usize, dst: usize): void {
  interleaveIn(Q, 0, src);
  interleaveIn(Q, 1, src + 16);
  interleaveIn(Q, 2, src + 32);
  interleaveIn(Q, 3, src + 48);
  ortho(Q);
  addKey(Q, sk);
  // Rounds 1-8 as two groups of four (the fixsliced offset k cycles 1, 2, 3, 0), then round 9 (k = 1).
  for (let r: usize = 1; r < 9; r += 4) {
    sbox(Q);
    mixAdd(Q, sk + (r << 6), 1);
    sbox(Q);
    mixAdd(Q, sk + ((r + 1) << 6), 2);
    sbox(Q);
    mixAdd(Q, sk + ((r + 2) << 6), 3);
    sbox(Q);
    mixAdd(Q, sk + ((r + 3) << 6), 0);
  }
  sbox(Q);
  mixAdd(Q, sk + 576, 1);
  sbox(Q);
  finalAdd(Q, sk + 640);
  ortho(Q);
  interleaveOut(Q, 0, dst);
  interleaveOut(Q, 1, dst + 16);
  interleaveOut(Q, 2, dst + 32);
  interleaveOut(Q, 3, dst + 48);
}

/** Zero the bitsliced state and the key-schedule scratch (both hold key- or data-dependent values). */
export function aesWipe(): void {
  memory.fill(Q, 0, 64);
  memory.fill(T, 0, 64);
}

// ChaCha20 stream cipher (RFC 8439 §2.3–§2.4), internal to the core (used by chacha20poly1305.ts).
//
// Constant-time: the key and the keystream only flow through 32-bit additions, XORs and fixed rotations
// (ARX); there is no branch, memory index or table lookup on secret data. The only branches are on the
// message length, which is public.
//
// Internal API:
//   chacha20Xor(key32, counter, nonce12, src, dst, len): dst[i] = src[i] ^ keystream[i], the keystream
//     starting at block `counter` (RFC 8439 §2.4). src and dst may be the same pointer; any other overlap
//     is not allowed. Wipes its keystream scratch before returning.

/** One keystream block for a partial tail (RFC 8439 §2.4: the last block may be truncated). Secret: wiped. */
const KS: usize = memory.data(64);

/**
 * XOR `len` bytes at `src` with the ChaCha20 keystream for (key, nonce) from block `counter` on; writes `dst`.
 * Constant-time in key and data. The state lives in 16 locals; the 10 double rounds are written out.
 */
export function chacha20Xor(key: usize, counter: u32, nonce: usize, src: usize, dst: usize, len: usize): void {
  // RFC 8439 §2.3: constants "expand 32-byte k", key words, block counter, nonce words (all little-endian).
  const k0 = load<u32>(key, 0), k1 = load<u32>(key, 4), k2 = load<u32>(key, 8), k3 = load<u32>(key, 12);
  const k4 = load<u32>(key, 16), k5 = load<u32>(key, 20), k6 = load<u32>(key, 24), k7 = load<u32>(key, 28);
  const n0 = load<u32>(nonce, 0), n1 = load<u32>(nonce, 4), n2 = load<u32>(nonce, 8);
  let ctr = counter;
  while (len > 0) {
    let x0: u32 = 0x61707865, x1: u32 = 0x3320646e, x2: u32 = 0x79622d32, x3: u32 = 0x6b206574;
    let x4 = k0, x5 = k1, x6 = k2, x7 = k3, x8 = k4, x9 = k5, x10 = k6, x11 = k7;
    let x12 = ctr, x13 = n0, x14 = n1, x15 = n2;
    for (let i = 0; i < 10; i++) {
      // §2.3: a column round, then a diagonal round (§2.1 quarter round: a+=b; d^=a; d<<<=16; ...).
      x0 += x4; x12 = rotl<u32>(x12 ^ x0, 16); x8 += x12; x4 = rotl<u32>(x4 ^ x8, 12); x0 += x4; x12 = rotl<u32>(x12 ^ x0, 8); x8 += x12; x4 = rotl<u32>(x4 ^ x8, 7);
      x1 += x5; x13 = rotl<u32>(x13 ^ x1, 16); x9 += x13; x5 = rotl<u32>(x5 ^ x9, 12); x1 += x5; x13 = rotl<u32>(x13 ^ x1, 8); x9 += x13; x5 = rotl<u32>(x5 ^ x9, 7);
      x2 += x6; x14 = rotl<u32>(x14 ^ x2, 16); x10 += x14; x6 = rotl<u32>(x6 ^ x10, 12); x2 += x6; x14 = rotl<u32>(x14 ^ x2, 8); x10 += x14; x6 = rotl<u32>(x6 ^ x10, 7);
      x3 += x7; x15 = rotl<u32>(x15 ^ x3, 16); x11 += x15; x7 = rotl<u32>(x7 ^ x11, 12); x3 += x7; x15 = rotl<u32>(x15 ^ x3, 8); x11 += x15; x7 = rotl<u32>(x7 ^ x11, 7);
      x0 += x5; x15 = rotl<u32>(x15 ^ x0, 16); x10 += x15; x5 = rotl<u32>(x5 ^ x10, 12); x0 += x5; x15 = rotl<u32>(x15 ^ x0, 8); x10 += x15; x5 = rotl<u32>(x5 ^ x10, 7);
      x1 += x6; x12 = rotl<u32>(x12 ^ x1, 16); x11 += x12; x6 = rotl<u32>(x6 ^ x11, 12); x1 += x6; x12 = rotl<u32>(x12 ^ x1, 8); x11 += x12; x6 = rotl<u32>(x6 ^ x11, 7);
      x2 += x7; x13 = rotl<u32>(x13 ^ x2, 16); x8 += x13; x7 = rotl<u32>(x7 ^ x8, 12); x2 += x7; x13 = rotl<u32>(x13 ^ x2, 8); x8 += x13; x7 = rotl<u32>(x7 ^ x8, 7);
      x3 += x4; x14 = rotl<u32>(x14 ^ x3, 16); x9 += x14; x4 = rotl<u32>(x4 ^ x9, 12); x3 += x4; x14 = rotl<u32>(x14 ^ x3, 8); x9 += x14; x4 = rotl<u32>(x4 ^ x9, 7);
    }
    // §2.3: add the input state to the result.
    x0 += 0x61707865; x1 += 0x3320646e; x2 += 0x79622d32; x3 += 0x6b206574;
    x4 += k0; x5 += k1; x6 += k2; x7 += k3; x8 += k4; x9 += k5; x10 += k6; x11 += k7;
    x12 += ctr; x13 += n0; x14 += n1; x15 += n2;
    if (len >= 64) {
      // §2.4: whole block, XOR word by word (serialization is little-endian, as WASM loads are).
      store<u32>(dst, load<u32>(src, 0) ^ x0, 0);
      store<u32>(dst, load<u32>(src, 4) ^ x1, 4);
      store<u32>(dst, load<u32>(src, 8) ^ x2, 8);
      store<u32>(dst, load<u32>(src, 12) ^ x3, 12);
      store<u32>(dst, load<u32>(src, 16) ^ x4, 16);
      store<u32>(dst, load<u32>(src, 20) ^ x5, 20);
      store<u32>(dst, load<u32>(src, 24) ^ x6, 24);
      store<u32>(dst, load<u32>(src, 28) ^ x7, 28);
      store<u32>(dst, load<u32>(src, 32) ^ x8, 32);
      store<u32>(dst, load<u32>(src, 36) ^ x9, 36);
      store<u32>(dst, load<u32>(src, 40) ^ x10, 40);
      store<u32>(dst, load<u32>(src, 44) ^ x11, 44);
      store<u32>(dst, load<u32>(src, 48) ^ x12, 48);
      store<u32>(dst, load<u32>(src, 52) ^ x13, 52);
      store<u32>(dst, load<u32>(src, 56) ^ x14, 56);
      store<u32>(dst, load<u32>(src, 60) ^ x15, 60);
      src += 64;
      dst += 64;
      len -= 64;
      ctr++;
    } else {
      // §2.4: the last, partial block uses only the first len bytes of the keystream block.
      store<u32>(KS, x0, 0); store<u32>(KS, x1, 4); store<u32>(KS, x2, 8); store<u32>(KS, x3, 12);
      store<u32>(KS, x4, 16); store<u32>(KS, x5, 20); store<u32>(KS, x6, 24); store<u32>(KS, x7, 28);
      store<u32>(KS, x8, 32); store<u32>(KS, x9, 36); store<u32>(KS, x10, 40); store<u32>(KS, x11, 44);
      store<u32>(KS, x12, 48); store<u32>(KS, x13, 52); store<u32>(KS, x14, 56); store<u32>(KS, x15, 60);
      for (let i: usize = 0; i < len; i++) store<u8>(dst + i, load<u8>(src + i) ^ load<u8>(KS + i));
      // Keystream is secret (XORed with a ciphertext it gives the plaintext): wipe the block.
      memory.fill(KS, 0, 64);
      len = 0;
    }
  }
}

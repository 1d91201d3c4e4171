/**
 * HMAC-SHA256 (RFC 2104, FIPS 198-1; test vectors RFC 4231).
 *
 * Public ABI: hmacSha256(key, keyLen, msg, msgLen, out32).
 * Internal streaming API (one state, not re-entrant): hmacSha256Init(key, keyLen), hmacSha256Update(ptr, len),
 *   hmacSha256Final(out32).
 * Context-passing variants (hmacCtx*) take a caller-owned context of HMAC_CTX_LEN bytes. After hmacCtxInit the
 * context holds the two pad midstates, H(K ^ ipad) and H(K ^ opad) after one block each, so hmacCtxRestart
 * starts a new MAC under the same key for two block compressions per short message instead of four:
 * HKDF-Expand (hkdf.ts) uses this to avoid rehashing the key for every output block.
 *
 * Constant time: yes, in the key and the message contents. The only branch on the key is on its *length*
 * (RFC 2104 §3: keys longer than B are hashed first), which is public. Final wipes the context and the key
 * block scratch is wiped in Init, because both are key material.
 */
import {
  SHA256_CTX_LEN,
  sha256CtxInit,
  sha256CtxUpdate,
  sha256CtxFinal,
  sha256CtxResume,
  sha256Compress,
  sha256StateInit,
} from './sha2';

const B: usize = 64; // SHA-256 block size (RFC 2104 §2: B)
const L: usize = 32; // SHA-256 output size (RFC 2104 §2: L)

// Context layout: inner midstate (32) at 0, outer midstate (32) at 32, running SHA-256 context at 64.
const I_MID: usize = 0;
const O_MID: usize = 32;
const HASH: usize = 64;
export const HMAC_CTX_LEN: usize = HASH + SHA256_CTX_LEN;

const KBLOCK: usize = memory.data(<i32>B, 16); // K0 ^ pad; key material, wiped after use
const INNER: usize = memory.data(<i32>L, 16); // inner digest; wiped after use

/** Key the context: compute both pad midstates (RFC 2104 §2 steps 1–2 and 5), then start a MAC. */
export function hmacCtxInit(ctx: usize, key: usize, keyLen: usize): void {
  // RFC 2104 §3 / FIPS 198-1 §4: K0 = H(K) if K is longer than B, else K; right-padded with zeros to B bytes.
  memory.fill(KBLOCK, 0, B);
  if (keyLen > B) {
    const h = ctx + HASH;
    sha256CtxInit(h);
    sha256CtxUpdate(h, key, keyLen);
    sha256CtxFinal(h, KBLOCK);
  } else {
    memory.copy(KBLOCK, key, keyLen);
  }
  // K0 ^ ipad (0x36 repeated), absorbed from the IV: the inner midstate.
  for (let i: usize = 0; i < B; i += 8) store<u64>(KBLOCK + i, load<u64>(KBLOCK + i) ^ 0x3636363636363636);
  sha256StateInit(ctx + I_MID);
  sha256Compress(ctx + I_MID, KBLOCK);
  // K0 ^ opad (0x5c repeated) = (K0 ^ ipad) ^ (0x36 ^ 0x5c): the outer midstate.
  for (let i: usize = 0; i < B; i += 8) store<u64>(KBLOCK + i, load<u64>(KBLOCK + i) ^ 0x6a6a6a6a6a6a6a6a);
  sha256StateInit(ctx + O_MID);
  sha256Compress(ctx + O_MID, KBLOCK);
  memory.fill(KBLOCK, 0, B);
  hmacCtxRestart(ctx);
}

/** Start a new MAC under the key already in ctx: H((K0 ^ ipad) || ...) resumes from the inner midstate. */
export function hmacCtxRestart(ctx: usize): void {
  sha256CtxResume(ctx + HASH, ctx + I_MID, <u64>B);
}

/** Absorb [p, p+len) into the MAC in ctx. */
export function hmacCtxUpdate(ctx: usize, p: usize, len: usize): void {
  sha256CtxUpdate(ctx + HASH, p, len);
}

/**
 * Finish the MAC into out (32 bytes) but keep the key midstates, so hmacCtxRestart can start another MAC.
 * The caller must eventually wipe ctx (hmacCtxFinal or hmacCtxWipe).
 */
export function hmacCtxFinalKeep(ctx: usize, out: usize): void {
  const h = ctx + HASH;
  sha256CtxFinal(h, INNER);
  // RFC 2104 §2 steps 6–7: H((K0 ^ opad) || inner), resumed from the outer midstate.
  sha256CtxResume(h, ctx + O_MID, <u64>B);
  sha256CtxUpdate(h, INNER, L);
  sha256CtxFinal(h, out);
  memory.fill(INNER, 0, L);
}

/** Finish the MAC into out (32 bytes) and wipe ctx, key midstates included. */
export function hmacCtxFinal(ctx: usize, out: usize): void {
  hmacCtxFinalKeep(ctx, out);
  hmacCtxWipe(ctx);
}

/** Zero the whole context (midstates are key material). */
export function hmacCtxWipe(ctx: usize): void {
  memory.fill(ctx, 0, HMAC_CTX_LEN);
}

const CTX: usize = memory.data(<i32>HMAC_CTX_LEN, 16); // the streaming API's state
const ONE: usize = memory.data(<i32>HMAC_CTX_LEN, 16); // one-shot scratch

/** Key the module's own HMAC stream (one stream; not re-entrant). */
export function hmacSha256Init(key: usize, keyLen: usize): void {
  hmacCtxInit(CTX, key, keyLen);
}
/** Absorb [ptr, ptr+len) into the HMAC stream. */
export function hmacSha256Update(ptr: usize, len: usize): void {
  hmacCtxUpdate(CTX, ptr, len);
}
/** Write the 32-byte MAC at out and wipe the stream, key midstates included. */
export function hmacSha256Final(out: usize): void {
  hmacCtxFinal(CTX, out);
}

/** HMAC-SHA256(key, msg) into out (32 bytes). Does not touch the streaming state. */
export function hmacSha256(key: usize, keyLen: usize, msg: usize, msgLen: usize, out: usize): void {
  hmacCtxInit(ONE, key, keyLen);
  hmacCtxUpdate(ONE, msg, msgLen);
  hmacCtxFinal(ONE, out);
}

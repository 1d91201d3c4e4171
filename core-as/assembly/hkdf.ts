/**
 * HKDF-SHA256 (RFC 5869) on top of hmac.ts.
 *
 * Public ABI: hkdfExtract(salt, saltLen, ikm, ikmLen, out32); hkdfExpand(prk, prkLen, info, infoLen, out, outLen);
 * hkdfExpandMany(prk, prkLen, count, infos, infoLens, outs, outLens): count expansions of one PRK, the HMAC key
 * set up once (MLS derives a ratchet's key, nonce and next secret from one secret, RFC 9420 §9.1): infos back to
 * back, outputs back to back, lengths as u32 arrays.
 * outLen <= HKDF_MAX_OUT (255 * 32) is checked by the JS face; this file also clamps, so a bad caller cannot run
 * the block counter past 255.
 *
 * Constant time: yes, in salt, IKM, PRK and info contents; time depends only on their lengths and outLen,
 * which are public. Uses its own HMAC context (so it never disturbs hmacSha256Init/Update/Final streams)
 * and wipes it, and the T(i) scratch, before returning.
 */
import { HKDF_MAX_OUT } from './constants';
import {
  HMAC_CTX_LEN,
  hmacCtxInit,
  hmacCtxRestart,
  hmacCtxUpdate,
  hmacCtxFinal,
  hmacCtxFinalKeep,
  hmacCtxWipe,
} from './hmac';

const HASH_LEN: usize = 32;
const CTX: usize = memory.data(<i32>HMAC_CTX_LEN, 16);
const T: usize = memory.data(<i32>HASH_LEN, 16); // T(i); key material, wiped
const COUNTER: usize = memory.data(16, 16); // the single octet i of RFC 5869 §2.3

/**
 * HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM) (RFC 5869 §2.2). An empty salt is the same HMAC key as
 * HashLen zero octets (both pad to a block of zeros), as §2.2 asks for "not provided".
 */
export function hkdfExtract(salt: usize, saltLen: usize, ikm: usize, ikmLen: usize, out: usize): void {
  hmacCtxInit(CTX, salt, saltLen);
  hmacCtxUpdate(CTX, ikm, ikmLen);
  hmacCtxFinal(CTX, out);
}

/**
 * HKDF-Expand(PRK, info, L) (RFC 5869 §2.3): T(0) = empty, T(i) = HMAC(PRK, T(i-1) || info || i), output the
 * first L octets of T(1) || T(2) || ... The PRK is keyed once; each block restarts from its pad midstates.
 */
export function hkdfExpand(prk: usize, prkLen: usize, info: usize, infoLen: usize, out: usize, outLen: usize): void {
  if (outLen > <usize>HKDF_MAX_OUT) outLen = <usize>HKDF_MAX_OUT; // §2.3: L <= 255 * HashLen
  if (outLen == 0) return;
  hmacCtxInit(CTX, prk, prkLen);
  expandKeyed(info, infoLen, out, outLen);
  hmacCtxWipe(CTX);
  memory.fill(T, 0, HASH_LEN);
  store<u8>(COUNTER, 0);
}

/** HKDF-Expand of one PRK for `count` (info, L) pairs; the same outputs as `count` hkdfExpand calls. */
export function hkdfExpandMany(
  prk: usize,
  prkLen: usize,
  count: u32,
  infos: usize,
  infoLens: usize,
  outs: usize,
  outLens: usize,
): void {
  hmacCtxInit(CTX, prk, prkLen);
  for (let k: usize = 0; k < <usize>count; k++) {
    const infoLen = <usize>load<u32>(infoLens + 4 * k);
    let outLen = <usize>load<u32>(outLens + 4 * k);
    if (outLen > <usize>HKDF_MAX_OUT) outLen = <usize>HKDF_MAX_OUT;
    if (k > 0) hmacCtxRestart(CTX);
    expandKeyed(infos, infoLen, outs, outLen);
    infos += infoLen;
    outs += outLen;
  }
  hmacCtxWipe(CTX);
  memory.fill(T, 0, HASH_LEN);
  store<u8>(COUNTER, 0);
}

/** T(1) || T(2) || … into out (outLen bytes) under the key in CTX, which is at the start of a MAC. */
function expandKeyed(info: usize, infoLen: usize, out: usize, outLen: usize): void {
  let done: usize = 0;
  for (let i: u32 = 1; done < outLen; i++) {
    if (i > 1) {
      hmacCtxRestart(CTX);
      hmacCtxUpdate(CTX, T, HASH_LEN);
    }
    hmacCtxUpdate(CTX, info, infoLen);
    store<u8>(COUNTER, <u8>i);
    hmacCtxUpdate(CTX, COUNTER, 1);
    hmacCtxFinalKeep(CTX, T);
    let take = outLen - done;
    if (take > HASH_LEN) take = HASH_LEN;
    memory.copy(out + done, T, take);
    done += take;
  }
}

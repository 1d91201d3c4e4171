/**
 * The SDK's one source of random bytes: crypto.getRandomValues (a CSPRNG in browsers, workers and Node).
 *
 * Small requests (≤ 64 bytes: key seeds, HPKE ephemeral IKM, reuse guards, GREASE) are cut from a 1 KiB pool that
 * is refilled with one call when it runs out. In Node 20 every getRandomValues call costs ~4 µs whatever its size
 * (a synchronous job through the crypto binding): three of them were 10% of a KeyPackage, and one per message
 * ~2% of a message. The pool holds only bytes not yet handed out; every byte is zeroed as it is taken, so no output
 * stays in it. Larger requests go straight to getRandomValues (65,536 bytes per call at most).
 */
const POOL_BYTES = 1024;
const SMALL = 64;
const MAX_CALL = 65536;

let pool: Uint8Array | undefined;
let at = POOL_BYTES;

/** Fills `out` with random bytes and returns it. */
export function randomFill(out: Uint8Array): Uint8Array {
  const n = out.length;
  if (n > SMALL) {
    for (let o = 0; o < n; o += MAX_CALL) crypto.getRandomValues(out.subarray(o, Math.min(n, o + MAX_CALL)));
    return out;
  }
  if (at + n > POOL_BYTES) {
    pool ??= new Uint8Array(POOL_BYTES);
    crypto.getRandomValues(pool);
    at = 0;
  }
  out.set(pool!.subarray(at, at + n));
  pool!.fill(0, at, at + n);
  at += n;
  return out;
}

/** n random bytes. */
export function randomBytes(n: number): Uint8Array {
  return randomFill(new Uint8Array(n));
}

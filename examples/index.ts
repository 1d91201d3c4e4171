import { initCore, sha256, x25519Base, ed25519PublicKey, ed25519Sign, ed25519Verify } from '../sdk/src/crypto/wasm.ts';

const log = document.getElementById('log')!;
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const line = (s: string) => (log.textContent += `\n${s}`);

try {
  const t0 = performance.now();
  await initCore();
  log.textContent = `core.wasm ready in ${(performance.now() - t0).toFixed(1)} ms`;
  line(`sha256("abc") = ${hex(sha256(new TextEncoder().encode('abc')))}`);
  const seed = crypto.getRandomValues(new Uint8Array(32));
  line(`x25519 public key of a random scalar = ${hex(x25519Base(seed))}`);
  const pk = ed25519PublicKey(seed);
  const msg = new TextEncoder().encode('hello, group');
  const sig = ed25519Sign(seed, msg);
  line(`ed25519 signature verifies: ${ed25519Verify(pk, msg, sig)}`);
} catch (e) {
  line(`error: ${(e as Error).message}`);
}

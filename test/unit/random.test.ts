// crypto/random.ts: small requests come from a pool refilled by one getRandomValues call, large ones directly; no
// output repeats; the sizes at the pool's edges are served whole. Runs in Node and Chromium.
import { randomBytes, randomFill } from '../../sdk/src/crypto/random.ts';
import { toHex } from '../lib/bytes.ts';

/** Runs f with crypto.getRandomValues counted (an own property over the prototype's method, removed after). */
function countingCalls(f: () => void): { calls: number; bytes: number } {
  const c = globalThis.crypto as Crypto & { getRandomValues: Crypto['getRandomValues'] };
  const original = c.getRandomValues;
  const seen = { calls: 0, bytes: 0 };
  Object.defineProperty(c, 'getRandomValues', {
    configurable: true,
    writable: true,
    value: <T extends ArrayBufferView | null>(a: T): T => {
      seen.calls++;
      seen.bytes += a!.byteLength;
      return original.call(c, a as never) as T;
    },
  });
  try {
    f();
  } finally {
    delete (c as { getRandomValues?: unknown }).getRandomValues;
  }
  expect(c.getRandomValues).to.equal(original);
  return seen;
}

describe('crypto/random', () => {
  it('serves small requests from a pool: 256 four-byte requests take at most two getRandomValues calls', () => {
    const out: string[] = [];
    const seen = countingCalls(() => {
      for (let i = 0; i < 256; i++) out.push(toHex(randomBytes(4)));
    });
    expect(seen.calls).to.be.at.most(2);
    expect(new Set(out).size).to.be.at.least(255); // 32-bit values: a repeat among 256 has probability ~2^-17
  });

  it('never hands out the same bytes twice across refills, sizes 0 to 64', () => {
    const seen = new Set<string>();
    let total = 0;
    for (let round = 0; round < 40; round++)
      for (let n = 0; n <= 64; n += 8) {
        const b = randomBytes(n);
        expect(b.length).to.equal(n);
        if (n >= 16) {
          const h = toHex(b);
          expect(seen.has(h), `repeat at n=${n}`).to.be.false;
          seen.add(h);
          total++;
        }
      }
    expect(seen.size).to.equal(total);
  });

  it('fills large requests directly, also past 65,536 bytes, and fills a given array in place', () => {
    const seen = countingCalls(() => {
      const big = randomBytes(65536 * 2 + 10);
      expect(big.length).to.equal(131082);
      // Each 65,536-byte part is random (an unfilled part would stay zero).
      for (const o of [0, 65536, 131072]) expect(big.subarray(o, o + 10).some((x) => x !== 0)).to.be.true;
    });
    expect(seen.calls).to.equal(3);
    expect(seen.bytes).to.equal(131082);
    const a = new Uint8Array(32);
    expect(randomFill(a)).to.equal(a);
    expect(a.some((x) => x !== 0)).to.be.true;
    expect(randomBytes(0).length).to.equal(0);
  });
});

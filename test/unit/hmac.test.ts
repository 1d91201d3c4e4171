// HMAC-SHA256 in core.wasm: RFC 4231 known answers and differential tests against @noble/hashes.
// Shared by vitest (Node) and @web/test-runner (Chromium): globals describe/it/expect, chai-style assertions only.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { hex, toHex, utf8, prng } from '../lib/bytes.ts';

const core = await loadCore();
const rep = (byte: number, n: number) => new Uint8Array(n).fill(byte);

describe('hmacSha256 (RFC 2104)', () => {
  // RFC 4231 §4.2–§4.8, HMAC-SHA-256 rows. Test case 5 is truncated to 128 bits by the RFC.
  const cases: { name: string; key: Uint8Array; data: Uint8Array; mac: string }[] = [
    {
      name: 'RFC 4231 §4.2 test case 1',
      key: rep(0x0b, 20),
      data: utf8('Hi There'),
      mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    },
    {
      name: 'RFC 4231 §4.3 test case 2 (key shorter than the output)',
      key: utf8('Jefe'),
      data: utf8('what do ya want for nothing?'),
      mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    },
    {
      name: 'RFC 4231 §4.4 test case 3 (50 bytes of 0xdd)',
      key: rep(0xaa, 20),
      data: rep(0xdd, 50),
      mac: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    },
    {
      name: 'RFC 4231 §4.5 test case 4 (25-byte key)',
      key: hex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
      data: rep(0xcd, 50),
      mac: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    },
    {
      name: 'RFC 4231 §4.6 test case 5 (truncated to 128 bits)',
      key: rep(0x0c, 20),
      data: utf8('Test With Truncation'),
      mac: 'a3b6167473100ee06e0c796c2955552b',
    },
    {
      name: 'RFC 4231 §4.7 test case 6 (131-byte key, hashed first)',
      key: rep(0xaa, 131),
      data: utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
      mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    },
    {
      name: 'RFC 4231 §4.8 test case 7 (131-byte key and 152-byte data)',
      key: rep(0xaa, 131),
      data: utf8(
        'This is a test using a larger than block-size key and a larger than block-size data. ' +
          'The key needs to be hashed before being used by the HMAC algorithm.',
      ),
      mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const mac = core.hmacSha256(c.key, c.data);
      expect(mac.length).to.equal(32);
      expect(toHex(mac).slice(0, c.mac.length)).to.equal(c.mac);
    });
  }

  it('matches @noble/hashes on 1,200 random key/message pairs across block boundaries (seed 4231)', () => {
    const rnd = prng(4231);
    const keyLens = [0, 1, 31, 32, 33, 63, 64, 65, 131, 1000];
    const msgLens = [0, 1, 55, 56, 63, 64, 65, 127, 128, 129, 100 * 1024];
    let n = 0;
    for (let i = 0; i < 1200; i++) {
      const kl = i < 220 ? keyLens[i % keyLens.length]! : rnd(1)[0]! & 127;
      // The 100 KiB message comes up 20 times in the first 220 cases.
      const ml = i < 220 ? msgLens[Math.floor(i / keyLens.length) % msgLens.length]! : rnd(1)[0]! + (i & 1) * 64;
      const key = rnd(kl);
      const msg = rnd(ml);
      const got = toHex(core.hmacSha256(key, msg));
      const want = toHex(hmac(sha256, key, msg));
      if (got !== want) throw new Error(`hmac mismatch at key length ${kl}, message length ${ml} (case ${i})`);
      n++;
    }
    expect(n).to.equal(1200);
  });

  it('gives the same MAC when the key is hashed by the caller first (RFC 2104 §3)', () => {
    const key = rep(0x42, 200);
    const msg = utf8('long keys are hashed');
    expect(toHex(core.hmacSha256(key, msg))).to.equal(toHex(core.hmacSha256(core.sha256(key), msg)));
  });
});

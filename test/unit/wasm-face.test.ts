// Shared by vitest (Node) and @web/test-runner (Chromium): globals describe/it/expect, chai-style assertions only.
import { loadCore, initCore, sha256 } from '../../sdk/src/crypto/wasm.ts';
import { throwsCode } from '../lib/bytes.ts';

const core = await loadCore();
const z = (n: number) => new Uint8Array(n);

describe('wasm face', () => {
  it('throws NOT_INITIALIZED before initCore', () => {
    throwsCode(() => sha256(z(0)), 'NOT_INITIALIZED');
  });

  it('initCore returns one shared instance', async () => {
    const a = initCore();
    expect(initCore()).to.equal(a);
    expect(await a).to.be.ok;
  });

  it('rejects wrong key and nonce lengths with BAD_LENGTH', () => {
    throwsCode(() => core.aes128gcmSeal(z(15), z(12), z(0), z(0)), 'BAD_LENGTH');
    throwsCode(() => core.aes128gcmSeal(z(16), z(11), z(0), z(0)), 'BAD_LENGTH');
    throwsCode(() => core.chacha20poly1305Open(z(31), z(12), z(0), z(16)), 'BAD_LENGTH');
    throwsCode(() => core.x25519(z(32), z(31)), 'BAD_LENGTH');
    throwsCode(() => core.ed25519Sign(z(33), z(1)), 'BAD_LENGTH');
    throwsCode(() => core.ed25519VerifyMany([z(32)], [z(1)], []), 'BAD_LENGTH');
    throwsCode(() => core.hkdfExpand(z(32), z(0), 255 * 32 + 1), 'BAD_LENGTH');
    throwsCode(() => core.aes128gcmOpen(z(16), z(12), z(0), z(15)), 'AEAD_DECRYPT');
  });
});

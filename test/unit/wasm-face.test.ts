import { describe, it, expect, beforeAll } from 'vitest';
import { loadCore, initCore, sha256, type WasmCore } from '../../sdk/src/crypto/wasm.ts';
import { MlsError } from '../../sdk/src/errors.ts';

describe('wasm face', () => {
  let core: WasmCore;
  beforeAll(async () => {
    core = await loadCore();
  });

  it('throws NOT_INITIALIZED before initCore', () => {
    expect(() => sha256(new Uint8Array())).toThrow(MlsError);
  });

  it('initCore returns one shared instance', async () => {
    const a = initCore();
    expect(initCore()).toBe(a);
    expect(await a).toBeDefined();
  });

  it('rejects wrong key and nonce lengths with BAD_LENGTH', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as MlsError).code;
      }
      return 'no error';
    };
    const z = (n: number) => new Uint8Array(n);
    expect(err(() => core.aes128gcmSeal(z(15), z(12), z(0), z(0)))).toBe('BAD_LENGTH');
    expect(err(() => core.aes128gcmSeal(z(16), z(11), z(0), z(0)))).toBe('BAD_LENGTH');
    expect(err(() => core.chacha20poly1305Open(z(31), z(12), z(0), z(16)))).toBe('BAD_LENGTH');
    expect(err(() => core.x25519(z(32), z(31)))).toBe('BAD_LENGTH');
    expect(err(() => core.ed25519Sign(z(33), z(1)))).toBe('BAD_LENGTH');
    expect(err(() => core.hkdfExpand(z(32), z(0), 255 * 32 + 1))).toBe('BAD_LENGTH');
    expect(err(() => core.aes128gcmOpen(z(16), z(12), z(0), z(15)))).toBe('AEAD_DECRYPT');
  });
});

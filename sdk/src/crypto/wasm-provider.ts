/**
 * WASM provider: cipher suites on the AssemblyScript core, through the methods of one `WasmCore` instance
 * (sdk/src/crypto/wasm.ts is the only file that knows the ABI; this file uses nothing else of it).
 *
 * - Suites 1 and 3 (X25519, Ed25519, SHA-256, AES-128-GCM / ChaCha20-Poly1305): everything in the core,
 *   including HPKE.
 * - Suite 2 (P-256): SHA-256, HMAC, HKDF and AES-128-GCM in the core; ECDSA P-256 and DHKEM(P-256) scalar
 *   multiplications from @noble/curves; HPKE's key schedule is hpke.ts over the core's HKDF and AEAD. Those parts
 *   come from noble.ts, which this file does not import: it is loaded on demand (`await ensureSuite(2)` or
 *   `await loadCipherSuite(2)` in suites.ts), and `wasmSuite(core, 2)` answers UNSUPPORTED until it is.
 *
 * Constant-time: as the core's primitives are (see core-as/assembly/*.ts headers); P-256 as noble's.
 */
import { MlsError } from '../errors.ts';
import { assembleSuite, checkSealMany, getNobleHooks, wrap, type HpkePart, type Signer } from './assemble.ts';
import type { CipherSuite, CipherSuiteId } from './cipher-suite.ts';
import type { Aead, Kdf } from './hpke.ts';
import { HPKE_AEAD, HPKE_KDF, suiteParams } from './suite-params.ts';
import { HPKE_X25519_SHA256_AES128GCM, HPKE_X25519_SHA256_CHACHA20POLY1305, type HpkeSuite, type WasmCore } from './wasm.ts';
import { randomBytes } from './random.ts';

function wasmKdf(core: WasmCore): Kdf {
  return {
    id: HPKE_KDF.SHA256,
    Nh: 32,
    extract: (salt, ikm) => core.hkdfExtract(salt, ikm),
    expand: (prk, info, length) => core.hkdfExpand(prk, info, length),
    expandMany: (prk, infos, lengths) => core.hkdfExpandMany(prk, infos, lengths),
  };
}

function wasmAead(core: WasmCore, chacha: boolean): Aead {
  return chacha
    ? {
        id: HPKE_AEAD.CHACHA20POLY1305,
        Nk: 32,
        Nn: 12,
        seal: (k, n, a, p) => core.chacha20poly1305Seal(k, n, a, p),
        open: (k, n, a, c) => core.chacha20poly1305Open(k, n, a, c),
      }
    : {
        id: HPKE_AEAD.AES128GCM,
        Nk: 16,
        Nn: 12,
        seal: (k, n, a, p) => core.aes128gcmSeal(k, n, a, p),
        open: (k, n, a, c) => core.aes128gcmOpen(k, n, a, c),
      };
}

function wasmEd25519(core: WasmCore): Signer {
  return {
    privateKeyLength: 32,
    keyGen() {
      const seed = randomBytes(32);
      return { privateKey: seed, publicKey: core.ed25519PublicKey(seed) };
    },
    publicKey: (seed) => core.ed25519PublicKey(seed),
    sign: (seed, m) => core.ed25519Sign(seed, m),
    verify: (pk, m, sig) => core.ed25519Verify(pk, m, sig),
    verifyMany: (pks, ms, sigs) => core.ed25519VerifyMany(pks, ms, sigs),
  };
}

/** HPKE of the CipherSuite interface on the core's DHKEM(X25519, HKDF-SHA256) (RFC 9180). */
function wasmX25519Hpke(core: WasmCore, suite: HpkeSuite): HpkePart {
  // Keys that come from the wire are checked here so both providers answer CRYPTO for a malformed one.
  const pub = (what: string, b: Uint8Array) => {
    if (!(b instanceof Uint8Array) || b.length !== 32) throw new MlsError('CRYPTO', `${what} must be 32 bytes`);
  };
  const priv = (b: Uint8Array) => {
    if (!(b instanceof Uint8Array) || b.length !== 32)
      throw new MlsError('BAD_LENGTH', 'HPKE private key must be 32 bytes');
  };
  return {
    hpkeGenerateKeyPair: () => core.hpkeDeriveKeyPair(suite, randomBytes(32)),
    hpkeDeriveKeyPair: (ikm) => core.hpkeDeriveKeyPair(suite, ikm),
    hpkePublicKey: (sk) => {
      priv(sk);
      return core.x25519Base(sk);
    },
    hpkeSeal: (pk, info, aad, pt) => {
      pub('HPKE public key', pk);
      const { enc, ct } = core.hpkeSealBase(suite, pk, info, aad, pt);
      return { kemOutput: enc, ciphertext: ct };
    },
    hpkeSealMany: (pks, info, aad, pts) => {
      checkSealMany(pks, info, aad, pts);
      for (const pk of pks) pub('HPKE public key', pk);
      return core.hpkeSealMany(suite, pks, info, aad, pts).map(({ enc, ct }) => ({ kemOutput: enc, ciphertext: ct }));
    },
    hpkeOpen: (sk, kemOutput, info, aad, ct) => {
      priv(sk);
      pub('kem_output', kemOutput);
      return core.hpkeOpenBase(suite, kemOutput, sk, info, aad, ct);
    },
    hpkeExportSend: (pk, info, exporterContext, length) => {
      pub('HPKE public key', pk);
      const { enc, context } = core.hpkeSetupBaseS(suite, pk, info);
      return { kemOutput: enc, secret: context.export(exporterContext, length) };
    },
    hpkeExportReceive: (sk, kemOutput, info, exporterContext, length) => {
      priv(sk);
      pub('kem_output', kemOutput);
      return core.hpkeSetupBaseR(suite, kemOutput, sk, info).export(exporterContext, length);
    },
  };
}

function build(core: WasmCore, id: CipherSuiteId): CipherSuite {
  const params = suiteParams(id);
  const kdf = wasmKdf(core);
  const common = {
    provider: 'wasm',
    hash: (d: Uint8Array) => core.sha256(d),
    hashMany: (ms: readonly Uint8Array[]) => core.hashMany(ms),
    mac: (k: Uint8Array, d: Uint8Array) => core.hmacSha256(k, d),
    kdf,
  };
  switch (id) {
    case 1:
    case 3: {
      const chacha = id === 3;
      const hpkeSuite = chacha ? HPKE_X25519_SHA256_CHACHA20POLY1305 : HPKE_X25519_SHA256_AES128GCM;
      return assembleSuite(params, {
        ...common,
        aead: wasmAead(core, chacha),
        signer: wasmEd25519(core),
        hpke: wasmX25519Hpke(core, hpkeSuite),
      });
    }
    case 2: {
      const noble = getNobleHooks();
      if (!noble)
        throw new MlsError(
          'UNSUPPORTED',
          'cipher suite 2 (P-256) is loaded on demand: await loadCipherSuite(2) or ensureSuite(2) before using it',
        );
      const aead = wasmAead(core, false);
      return assembleSuite(params, { ...common, aead, ...noble.p256Parts(kdf, aead, (m) => core.sha256(m)) });
    }
    default:
      throw new MlsError('UNSUPPORTED', `cipher suite ${id} (${params.name}) is not implemented`);
  }
}

const caches = new WeakMap<WasmCore, Map<number, CipherSuite>>();

/**
 * The WASM implementation of a suite on a given core instance (e.g. `await initCore()` or `await loadCore()`).
 * @throws MlsError UNSUPPORTED for suites other than 1, 2, 3.
 * @example const cs = wasmSuite(await initCore(), 1);
 */
export function wasmSuite(core: WasmCore, id: CipherSuiteId): CipherSuite {
  let m = caches.get(core);
  if (!m) caches.set(core, (m = new Map()));
  let s = m.get(id);
  if (!s) {
    s = wrap('UNSUPPORTED', `cipher suite ${id}`, () => build(core, id));
    m.set(id, s);
  }
  return s;
}

/** Suites this provider implements. */
export const WASM_SUITES: readonly CipherSuiteId[] = [1, 2, 3];

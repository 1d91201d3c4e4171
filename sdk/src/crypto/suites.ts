/**
 * Cipher suite lookup: MLS cipher suite id → CipherSuite (RFC 9420 §17.1).
 *
 * Two providers: the WASM core (`wasmSuite(core, id)`, wasm-provider.ts) and pure @noble (`nobleSuite(id)`,
 * noble.ts, also the test oracle). The SDK's default path, suites 1 and 3 on the WASM core, carries no @noble code:
 * noble.ts (with @noble/curves, ciphers and hashes) is loaded by a dynamic import() only when suite 2 (whose P-256
 * parts come from @noble/curves) or the 'noble' provider is asked for. So:
 *
 * - `await loadCipherSuite(id, { crypto, core, wasmUrl })` answers a ready CipherSuite, loading whatever it needs;
 * - `await ensureSuite(id, provider)` only loads; afterwards the synchronous `getCipherSuite(id)`,
 *   `wasmSuite(core, id)` and `nobleSuite(id)` (noble.ts) work for it;
 * - `getCipherSuite(id)` is synchronous: the WASM provider once a default core is set
 *   (`setDefaultCore(await initCore())`), else @noble if noble.ts is loaded; otherwise, and for suite 2 before it
 *   is loaded, it throws MlsError UNSUPPORTED saying which call to await.
 *
 * Importing noble.ts statically (tests, tools) loads it too.
 */
import { MlsError } from '../errors.ts';
import { getNobleHooks } from './assemble.ts';
import type { CipherSuite, CipherSuiteId } from './cipher-suite.ts';
import { suiteParams } from './suite-params.ts';
import { initCore, type WasmCore } from './wasm.ts';
import { WASM_SUITES, wasmSuite } from './wasm-provider.ts';

export { wasmSuite, WASM_SUITES } from './wasm-provider.ts';
export { suiteParams, type SuiteParams } from './suite-params.ts';

/** A provider of cipher suites. */
export type CryptoProvider = 'wasm' | 'noble';

/** Suites the @noble provider (noble.ts) implements. */
export const NOBLE_SUITES: readonly CipherSuiteId[] = [1, 2, 3];

let defaultCore: WasmCore | undefined;

/** Make `getCipherSuite` use this core (pass undefined to fall back to @noble, once loaded). */
export function setDefaultCore(core: WasmCore | undefined): void {
  defaultCore = core;
}

/** Ids implemented by a provider (default: the one `getCipherSuite` uses). */
export function supportedSuites(provider: CryptoProvider = defaultCore ? 'wasm' : 'noble'): readonly CipherSuiteId[] {
  return provider === 'wasm' ? WASM_SUITES : NOBLE_SUITES;
}

/** True when `id` is implemented by the default provider (it may still need `ensureSuite` before use). */
export function isSupportedSuite(id: number): boolean {
  return supportedSuites().includes(id);
}

function checkId(id: CipherSuiteId): void {
  if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new MlsError('UNSUPPORTED', `cipher suite ${id}`);
  suiteParams(id); // UNSUPPORTED for ids RFC 9420 does not define
}

/**
 * Load what suite `id` needs on `provider` (default: the one `getCipherSuite` uses): noble.ts and @noble for
 * suite 2 or the 'noble' provider, nothing otherwise. Afterwards the synchronous lookups work for it.
 * @throws MlsError UNSUPPORTED for ids RFC 9420 does not define; whatever the dynamic import throws (a chunk
 *   that failed to download).
 */
export async function ensureSuite(id: CipherSuiteId, provider: CryptoProvider = defaultCore ? 'wasm' : 'noble'): Promise<void> {
  checkId(id);
  if ((provider === 'noble' || id === 2) && !getNobleHooks()) await import('./noble.ts');
}

/**
 * The CipherSuite for an id, loading on demand what it needs (see `ensureSuite`).
 * @param opts.crypto 'wasm' (default) or 'noble'; opts.core the WASM core (default `await initCore(opts.wasmUrl)`).
 * @throws MlsError UNSUPPORTED for ids other than 1, 2, 3.
 * @example const cs = await loadCipherSuite(2);
 */
export async function loadCipherSuite(
  id: CipherSuiteId,
  opts: { readonly crypto?: CryptoProvider; readonly core?: WasmCore; readonly wasmUrl?: string | URL } = {},
): Promise<CipherSuite> {
  const provider = opts.crypto ?? 'wasm';
  await ensureSuite(id, provider);
  if (provider === 'noble') return getNobleHooks()!.nobleSuite(id);
  return wasmSuite(opts.core ?? (await initCore(opts.wasmUrl)), id);
}

/**
 * The CipherSuite for an id, from the WASM core when a default core is set, else from @noble when noble.ts is
 * loaded. Synchronous: suite 2 and the @noble fallback need `await ensureSuite(id)` (or `loadCipherSuite`) first.
 * @throws MlsError UNSUPPORTED for ids other than 1, 2, 3 (RFC-defined suites 4-7 included), and for a suite
 *   whose provider is not loaded yet (the message names the call to await).
 * @example const cs = getCipherSuite(keyPackage.cipher_suite);
 */
export function getCipherSuite(id: CipherSuiteId): CipherSuite {
  checkId(id);
  if (defaultCore) return wasmSuite(defaultCore, id);
  const noble = getNobleHooks();
  if (!noble)
    throw new MlsError(
      'UNSUPPORTED',
      `cipher suite ${id}: no provider loaded (setDefaultCore(await initCore()), or await ensureSuite(${id}, 'noble'))`,
    );
  return noble.nobleSuite(id);
}

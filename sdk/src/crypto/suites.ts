/**
 * Cipher suite lookup: MLS cipher suite id → CipherSuite (RFC 9420 §17.1).
 *
 * `getCipherSuite(id)` answers with the WASM provider once a default core is set (`setDefaultCore(await
 * initCore())`), and with the @noble provider otherwise. Pick a provider explicitly with `wasmSuite(core, id)` or
 * `nobleSuite(id)`; tests run every vector on both.
 */
import { MlsError } from '../errors.ts';
import type { CipherSuite, CipherSuiteId } from './cipher-suite.ts';
import { NOBLE_SUITES, nobleSuite } from './noble.ts';
import { suiteParams } from './suite-params.ts';
import type { WasmCore } from './wasm.ts';
import { WASM_SUITES, wasmSuite } from './wasm-provider.ts';

export { nobleSuite, NOBLE_SUITES } from './noble.ts';
export { wasmSuite, WASM_SUITES } from './wasm-provider.ts';
export { suiteParams, type SuiteParams } from './suite-params.ts';

/** A provider of cipher suites. */
export type CryptoProvider = 'wasm' | 'noble';

let defaultCore: WasmCore | undefined;

/** Make `getCipherSuite` use this core (pass undefined to fall back to @noble). */
export function setDefaultCore(core: WasmCore | undefined): void {
  defaultCore = core;
}

/** Ids implemented by a provider (default: the one `getCipherSuite` uses). */
export function supportedSuites(provider: CryptoProvider = defaultCore ? 'wasm' : 'noble'): readonly CipherSuiteId[] {
  return provider === 'wasm' ? WASM_SUITES : NOBLE_SUITES;
}

/** True when `id` is implemented by the default provider. */
export function isSupportedSuite(id: number): boolean {
  return supportedSuites().includes(id);
}

/**
 * The CipherSuite for an id, from the WASM core when a default core is set, else from @noble.
 * @throws MlsError UNSUPPORTED for ids other than 1, 2, 3 (RFC-defined suites 4-7 included).
 * @example const cs = getCipherSuite(keyPackage.cipher_suite);
 */
export function getCipherSuite(id: CipherSuiteId): CipherSuite {
  if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new MlsError('UNSUPPORTED', `cipher suite ${id}`);
  suiteParams(id); // UNSUPPORTED for ids RFC 9420 does not define
  return defaultCore ? wasmSuite(defaultCore, id) : nobleSuite(id);
}

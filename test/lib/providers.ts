// The two CipherSuite providers every vector suite runs on: pure @noble, and the WASM core (suites 1 and 3 entirely,
// suite 2 with P-256 from @noble). Shared by Node and browser tests.
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { NOBLE_EXTRA_SUITES, nobleExtraSuite } from '../../sdk/src/crypto/noble-extra.ts';
import { nobleSuite } from '../../sdk/src/crypto/noble.ts';
import { NOBLE_SUITES, WASM_SUITES, wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';

const core = await loadCore();

export interface SuiteProvider {
  /** Names the provider in test titles. */
  readonly name: string;
  readonly ids: readonly number[];
  suite(id: number): CipherSuite;
}

export const PROVIDERS: readonly SuiteProvider[] = [
  { name: 'noble', ids: NOBLE_SUITES, suite: nobleSuite },
  { name: 'wasm', ids: WASM_SUITES, suite: (id) => wasmSuite(core, id) },
];

/**
 * Suites 4-7 on @noble (sdk/src/crypto/noble-extra.ts, an opt-in module that getCipherSuite does not offer): only
 * crypto-basics.json runs them, as proof that the CipherSuite interface takes them. Pass it as an `extra`.
 */
export const NOBLE_EXTRA: SuiteProvider = {
  name: 'noble (suites 4-7, opt-in)',
  ids: NOBLE_EXTRA_SUITES,
  suite: nobleExtraSuite,
};

export interface ForEachProviderOptions {
  /**
   * Providers run after PROVIDERS for the suites they implement, and silent for the others (no skipped test:
   * the main providers already register one for a suite nobody implements).
   */
  readonly extra?: readonly SuiteProvider[];
}

/**
 * Calls `body` once per provider that implements `suiteId`; for a provider that does not, registers one skipped
 * test naming the suite, so unsupported entries are counted, never silently dropped.
 */
export function forEachProvider(
  suiteId: number,
  body: (provider: string, cs: CipherSuite) => void,
  opts: ForEachProviderOptions = {},
): void {
  for (const p of PROVIDERS) {
    if (p.ids.includes(suiteId)) body(p.name, p.suite(suiteId));
    else it.skip(`${p.name}: suite ${suiteId} (unsupported)`, () => {});
  }
  for (const p of opts.extra ?? []) if (p.ids.includes(suiteId)) body(p.name, p.suite(suiteId));
}

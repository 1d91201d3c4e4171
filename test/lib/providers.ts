// The two CipherSuite providers every vector suite runs on: pure @noble, and the WASM core (suites 1 and 3 entirely,
// suite 2 with P-256 from @noble). Shared by Node and browser tests.
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { NOBLE_SUITES, nobleSuite, WASM_SUITES, wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';

const core = await loadCore();

export interface SuiteProvider {
  readonly name: 'noble' | 'wasm';
  readonly ids: readonly number[];
  suite(id: number): CipherSuite;
}

export const PROVIDERS: readonly SuiteProvider[] = [
  { name: 'noble', ids: NOBLE_SUITES, suite: nobleSuite },
  { name: 'wasm', ids: WASM_SUITES, suite: (id) => wasmSuite(core, id) },
];

/**
 * Calls `body` once per provider that implements `suiteId`; for a provider that does not, registers one skipped
 * test naming the suite, so unsupported entries are counted, never silently dropped.
 */
export function forEachProvider(suiteId: number, body: (provider: SuiteProvider['name'], cs: CipherSuite) => void): void {
  for (const p of PROVIDERS) {
    if (p.ids.includes(suiteId)) body(p.name, p.suite(suiteId));
    else it.skip(`${p.name}: suite ${suiteId} (unsupported)`, () => {});
  }
}

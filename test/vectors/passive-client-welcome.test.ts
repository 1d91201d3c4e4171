// passive-client-welcome.json (mlswg/mls-implementations test-vectors, "Passive Client Scenarios"; RFC 9420
// §12.4.3.1): join from the Welcome (tree in the ratchet_tree extension or given out of band, external PSKs), then
// the epoch authenticator must equal initial_epoch_authenticator. One `it` per entry and provider (noble, wasm);
// suites without a provider (4-7) are registered as skipped, with the suite named.
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { nobleSuite } from '../../sdk/src/crypto/noble.ts';
import { NOBLE_SUITES, WASM_SUITES, wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { joinFromWelcome } from '../../sdk/src/group/welcome.ts';
import { epochAuthenticator } from '../../sdk/src/group/state.ts';
import { mlsMessageFrom } from '../../sdk/src/messages/mls-message.ts';
import { hex, toHex } from '../lib/bytes.ts';
import { mlsVectors } from '../lib/vectors.ts';

interface PassiveWelcomeCase {
  cipher_suite: number;
  external_psks: { psk_id: string; psk: string }[];
  key_package: string;
  signature_priv: string;
  encryption_priv: string;
  init_priv: string;
  welcome: string;
  ratchet_tree: string | null;
  initial_epoch_authenticator: string;
}

const cases = await mlsVectors<PassiveWelcomeCase>('passive-client-welcome.json');
const core = await loadCore();

const providers: { name: string; ids: readonly number[]; get: (id: number) => CipherSuite }[] = [
  { name: 'noble', ids: NOBLE_SUITES, get: nobleSuite },
  { name: 'wasm', ids: WASM_SUITES, get: (id) => wasmSuite(core, id) },
];

/** Join as the vector's passive client. */
export function joinVector(c: PassiveWelcomeCase, cs: CipherSuite) {
  const kpMsg = mlsMessageFrom(hex(c.key_package));
  if (kpMsg.wireFormat !== 5) throw new Error('key_package is not an MLSMessage(KeyPackage)');
  return joinFromWelcome({
    welcome: hex(c.welcome),
    keyPackage: kpMsg.keyPackage,
    initPrivateKey: hex(c.init_priv),
    encryptionPrivateKey: hex(c.encryption_priv),
    signaturePrivateKey: hex(c.signature_priv),
    ...(c.ratchet_tree !== null ? { ratchetTree: hex(c.ratchet_tree) } : {}),
    externalPsks: c.external_psks.map((p) => ({ pskId: hex(p.psk_id), psk: hex(p.psk) })),
    suite: cs,
    now: false,
  });
}

describe('passive-client-welcome.json (mlswg interop vectors)', () => {
  if (!cases) {
    it.skip('passive-client-welcome.json not installed (see README "Test vectors")', () => {});
    return;
  }
  cases.forEach((c, i) => {
    for (const p of providers) {
      const name = `entry ${i} (suite ${c.cipher_suite}, ${c.ratchet_tree === null ? 'tree in Welcome' : 'tree out of band'}, ${c.external_psks.length} PSKs), ${p.name}`;
      if (!p.ids.includes(c.cipher_suite)) {
        it.skip(`${name}: suite ${c.cipher_suite} not supported by this provider`, () => {});
        continue;
      }
      it(`${name}: joins; epoch_authenticator = initial_epoch_authenticator`, () => {
        const state = joinVector(c, p.get(c.cipher_suite));
        expect(toHex(epochAuthenticator(state))).to.equal(c.initial_epoch_authenticator);
      });
    }
  });
});

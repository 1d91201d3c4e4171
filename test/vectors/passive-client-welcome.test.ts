// passive-client-welcome.json (mlswg/mls-implementations test-vectors, "Passive Client Scenarios"; RFC 9420
// §12.4.3.1): join from the Welcome (tree in the ratchet_tree extension or given out of band, external PSKs), then
// the epoch authenticator must equal initial_epoch_authenticator. One `it` per entry and provider (noble, wasm);
// suites without a provider (4-7) are registered as skipped, with the suite named.
import { epochAuthenticator } from '../../sdk/src/group/state.ts';
import { toHex } from '../lib/bytes.ts';
import { joinVector, type PassiveWelcomeCase } from '../lib/passive-client.ts';
import { PROVIDERS } from '../lib/providers.ts';
import { mlsVectors } from '../lib/vectors.ts';

const cases = await mlsVectors<PassiveWelcomeCase>('passive-client-welcome.json');

describe('passive-client-welcome.json (mlswg interop vectors)', () => {
  if (!cases) {
    it.skip('passive-client-welcome.json not installed (see README "Test vectors")', () => {});
    return;
  }
  cases.forEach((c, i) => {
    for (const p of PROVIDERS) {
      const name = `entry ${i} (suite ${c.cipher_suite}, ${c.ratchet_tree === null ? 'tree in Welcome' : 'tree out of band'}, ${c.external_psks.length} PSKs), ${p.name}`;
      if (!p.ids.includes(c.cipher_suite)) {
        it.skip(`${name}: suite ${c.cipher_suite} not supported by this provider`, () => {});
        continue;
      }
      it(`${name}: joins; epoch_authenticator = initial_epoch_authenticator`, () => {
        const state = joinVector(c, p.suite(c.cipher_suite));
        expect(toHex(epochAuthenticator(state))).to.equal(c.initial_epoch_authenticator);
      });
    }
  });
});

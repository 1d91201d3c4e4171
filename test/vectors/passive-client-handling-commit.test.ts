// passive-client-handling-commit.json (mlswg/mls-implementations test-vectors, "Passive Client Scenarios"; RFC
// 9420 §12.4.2): join from the Welcome, then for every epoch process the proposals (cached by reference), process
// and merge the commit, and compare the epoch authenticator — after the join and after every epoch. One `it` per
// entry and provider (noble, wasm); suites without a provider (4-7) are registered as skipped, with the suite named.
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { nobleSuite } from '../../sdk/src/crypto/noble.ts';
import { NOBLE_SUITES, WASM_SUITES, wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { mergeStagedCommit } from '../../sdk/src/group/commit.ts';
import { processMessage } from '../../sdk/src/group/messages.ts';
import { epochAuthenticator } from '../../sdk/src/group/state.ts';
import { joinFromWelcome } from '../../sdk/src/group/welcome.ts';
import { mlsMessageFrom } from '../../sdk/src/messages/mls-message.ts';
import { hex, toHex } from '../lib/bytes.ts';
import { mlsVectors } from '../lib/vectors.ts';

interface PassiveCommitCase {
  cipher_suite: number;
  external_psks: { psk_id: string; psk: string }[];
  key_package: string;
  signature_priv: string;
  encryption_priv: string;
  init_priv: string;
  welcome: string;
  ratchet_tree: string | null;
  initial_epoch_authenticator: string;
  epochs: { proposals: string[]; commit: string; epoch_authenticator: string }[];
}

const cases = await mlsVectors<PassiveCommitCase>('passive-client-handling-commit.json');
const core = await loadCore();

const providers: { name: string; ids: readonly number[]; get: (id: number) => CipherSuite }[] = [
  { name: 'noble', ids: NOBLE_SUITES, get: nobleSuite },
  { name: 'wasm', ids: WASM_SUITES, get: (id) => wasmSuite(core, id) },
];

/** What the proposals of an epoch are, for the test names. */
function kinds(c: PassiveCommitCase): string {
  const ks = new Set<string>();
  for (const e of c.epochs)
    for (const p of e.proposals) {
      const m = mlsMessageFrom(hex(p));
      if (m.wireFormat === 1 && m.publicMessage.content.contentType === 2) ks.add(m.publicMessage.content.proposal.kind);
      else ks.add(m.wireFormat === 2 ? 'private' : '?');
    }
  return ks.size === 0 ? 'no proposals' : [...ks].join('+');
}

describe('passive-client-handling-commit.json (mlswg interop vectors)', () => {
  if (!cases) {
    it.skip('passive-client-handling-commit.json not installed (see README "Test vectors")', () => {});
    return;
  }
  cases.forEach((c, i) => {
    for (const p of providers) {
      const name = `entry ${i} (suite ${c.cipher_suite}, ${c.epochs.length} epochs, ${kinds(c)}), ${p.name}`;
      if (!p.ids.includes(c.cipher_suite)) {
        it.skip(`${name}: suite ${c.cipher_suite} not supported by this provider`, () => {});
        continue;
      }
      it(`${name}: epoch authenticators match after the join and every epoch`, () => {
        const cs = p.get(c.cipher_suite);
        const kpMsg = mlsMessageFrom(hex(c.key_package));
        if (kpMsg.wireFormat !== 5) throw new Error('key_package is not an MLSMessage(KeyPackage)');
        let state = joinFromWelcome({
          welcome: hex(c.welcome),
          keyPackage: kpMsg.keyPackage,
          initPrivateKey: hex(c.init_priv),
          encryptionPrivateKey: hex(c.encryption_priv),
          signaturePrivateKey: hex(c.signature_priv),
          ...(c.ratchet_tree !== null ? { ratchetTree: hex(c.ratchet_tree) } : {}),
          externalPsks: c.external_psks.map((x) => ({ pskId: hex(x.psk_id), psk: hex(x.psk) })),
          suite: cs,
          now: false,
        });
        expect(toHex(epochAuthenticator(state))).to.equal(c.initial_epoch_authenticator);
        c.epochs.forEach((e, j) => {
          for (const prop of e.proposals) {
            const r = processMessage(state, hex(prop), { now: 0 });
            if (r.kind !== 'proposal') throw new Error(`epoch ${j}: expected a proposal, got ${r.kind}`);
            state = r.state;
          }
          const r = processMessage(state, hex(e.commit), { now: 0 });
          if (r.kind !== 'commit') throw new Error(`epoch ${j}: expected a commit, got ${r.kind}`);
          state = mergeStagedCommit(state, r.staged);
          expect(toHex(epochAuthenticator(state)), `epoch ${j}`).to.equal(e.epoch_authenticator);
        });
      });
    }
  });
});

// passive-client-handling-commit.json (mlswg/mls-implementations test-vectors, "Passive Client Scenarios"; RFC
// 9420 §12.4.2): join from the Welcome, then for every epoch process the proposals (cached by reference), process
// and merge the commit, and compare the epoch authenticator — after the join and after every epoch. One `it` per
// entry and provider (noble, wasm); suites without a provider (4-7) are registered as skipped, with the suite named.
import { mergeStagedCommit } from '../../sdk/src/group/commit.ts';
import { processMessage } from '../../sdk/src/group/messages.ts';
import { epochAuthenticator } from '../../sdk/src/group/state.ts';
import { mlsMessageFrom } from '../../sdk/src/messages/mls-message.ts';
import { hex, toHex } from '../lib/bytes.ts';
import { joinVector, type PassiveWelcomeCase } from '../lib/passive-client.ts';
import { PROVIDERS } from '../lib/providers.ts';
import { mlsVectors } from '../lib/vectors.ts';

interface PassiveCommitCase extends PassiveWelcomeCase {
  epochs: { proposals: string[]; commit: string; epoch_authenticator: string }[];
}

const cases = await mlsVectors<PassiveCommitCase>('passive-client-handling-commit.json');

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
    for (const p of PROVIDERS) {
      const name = `entry ${i} (suite ${c.cipher_suite}, ${c.epochs.length} epochs, ${kinds(c)}), ${p.name}`;
      if (!p.ids.includes(c.cipher_suite)) {
        it.skip(`${name}: suite ${c.cipher_suite} not supported by this provider`, () => {});
        continue;
      }
      it(`${name}: epoch authenticators match after the join and every epoch`, () => {
        const cs = p.suite(c.cipher_suite);
        let state = joinVector(c, cs);
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

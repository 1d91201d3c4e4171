// key-schedule.json (mlswg/mls-implementations test-vectors, "Key Schedule"; RFC 9420 §8, §8.5, §12.4.3.1):
// per entry and provider (noble, wasm), every epoch: the GroupContext, joiner/welcome/init secrets, every
// epoch-derived secret of the §8 table, external_pub = DeriveKeyPair(external_secret).public and MLS-Exporter.
// The Welcome path (keyScheduleFromJoiner from joiner_secret) must give the same secrets.
// Caveat (test-vectors/README.md): exporter.label looks like hex but is used as its ASCII characters.
// Suites without a provider (4-7) are registered as skipped, with the suite named.
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { groupContextBytes } from '../../sdk/src/messages/group-context.ts';
import { mlsExporter } from '../../sdk/src/schedule/exporter.ts';
import {
  epochOnly,
  keySchedule,
  keyScheduleFromJoiner,
  welcomeSecret,
  type KeyScheduleEpoch,
} from '../../sdk/src/schedule/key-schedule.ts';
import { hex, toHex } from '../lib/bytes.ts';
import { describeVectors } from '../lib/describe-vectors.ts';
import { forEachProvider } from '../lib/providers.ts';
import { mlsVectors } from '../lib/vectors.ts';

interface Epoch {
  tree_hash: string;
  commit_secret: string;
  psk_secret: string;
  confirmed_transcript_hash: string;
  group_context: string;
  joiner_secret: string;
  welcome_secret: string;
  init_secret: string;
  sender_data_secret: string;
  encryption_secret: string;
  exporter_secret: string;
  epoch_authenticator: string;
  external_secret: string;
  confirmation_key: string;
  membership_key: string;
  resumption_psk: string;
  external_pub: string;
  exporter: { label: string; context: string; length: number; secret: string };
}
interface KeyScheduleCase {
  cipher_suite: number;
  group_id: string;
  initial_init_secret: string;
  epochs: Epoch[];
}

const cases = await mlsVectors<KeyScheduleCase>('key-schedule.json');

const FIELDS: [keyof Epoch, keyof KeyScheduleEpoch][] = [
  ['joiner_secret', 'joinerSecret'],
  ['welcome_secret', 'welcomeSecret'],
  ['init_secret', 'initSecret'],
  ['sender_data_secret', 'senderDataSecret'],
  ['encryption_secret', 'encryptionSecret'],
  ['exporter_secret', 'exporterSecret'],
  ['epoch_authenticator', 'epochAuthenticator'],
  ['external_secret', 'externalSecret'],
  ['confirmation_key', 'confirmationKey'],
  ['membership_key', 'membershipKey'],
  ['resumption_psk', 'resumptionPsk'],
  ['external_pub', 'externalPub'],
];

function checkEpoch(cs: CipherSuite, c: KeyScheduleCase, i: number, initSecret: Uint8Array): Uint8Array {
  const e = c.epochs[i]!;
  const at = (f: string) => `epoch ${i} ${f}`;
  const groupContext = {
    cipherSuite: c.cipher_suite,
    groupId: hex(c.group_id),
    epoch: BigInt(i),
    treeHash: hex(e.tree_hash),
    confirmedTranscriptHash: hex(e.confirmed_transcript_hash),
    extensions: [],
  };
  expect(toHex(groupContextBytes(groupContext)), at('group_context')).to.equal(e.group_context);

  const ks = keySchedule(cs, {
    initSecret,
    commitSecret: hex(e.commit_secret),
    pskSecret: hex(e.psk_secret),
    groupContext,
  });
  for (const [v, k] of FIELDS) expect(toHex(ks[k]), at(v)).to.equal(e[v]);
  // The external key pair: the private key's public key is external_pub.
  expect(toHex(cs.hpkePublicKey(ks.externalPriv)), at('external_priv → pub')).to.equal(e.external_pub);

  // MLS-Exporter with the label's ASCII characters (README caveat), context hex-decoded.
  const label = e.exporter.label;
  const exported = mlsExporter(cs, ks.exporterSecret, label, hex(e.exporter.context), e.exporter.length);
  expect(toHex(exported), at('exporter.secret')).to.equal(e.exporter.secret);

  // Welcome path (§12.4.3.1): joiner_secret + psk_secret (+ GroupContext, serialized here) give the same epoch.
  expect(toHex(welcomeSecret(cs, hex(e.joiner_secret), hex(e.psk_secret))), at('welcomeSecret()')).to.equal(e.welcome_secret);
  const joined = keyScheduleFromJoiner(cs, hex(e.joiner_secret), hex(e.psk_secret), hex(e.group_context));
  for (const [v, k] of FIELDS) expect(toHex(joined[k]), at(`welcome path ${v}`)).to.equal(e[v]);
  expect(Object.keys(epochOnly(joined))).to.not.include('epochSecret');
  return ks.initSecret;
}

describeVectors('key-schedule.json', cases, (cases) => {
  cases.forEach((c, n) => {
    describe(`entry ${n} (suite ${c.cipher_suite}, ${c.epochs.length} epochs)`, () => {
      forEachProvider(c.cipher_suite, (name, cs) => {
        it(`${name}: every epoch, chained from initial_init_secret`, () => {
          let init = hex(c.initial_init_secret);
          for (let i = 0; i < c.epochs.length; i++) init = checkEpoch(cs, c, i, init);
        });
      });
    });
  });
});

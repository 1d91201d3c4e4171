// psk_secret.json (mlswg/mls-implementations test-vectors, "Pre-Shared Keys"; RFC 9420 §8.4): for each entry,
// external PreSharedKeyIDs from psk_id and psk_nonce, chained into psk_secret, on providers noble and wasm.
// An empty list gives the all-zero psk_secret. Suites without a provider (4-7) are skipped with the suite named.
import { PSKType } from '../../sdk/src/messages/proposals.ts';
import { pskLabel, pskSecret, type PskInput } from '../../sdk/src/schedule/psk.ts';
import { hex, throwsCode, toHex } from '../lib/bytes.ts';
import { describeVectors } from '../lib/describe-vectors.ts';
import { forEachProvider } from '../lib/providers.ts';
import { mlsVectors } from '../lib/vectors.ts';

interface PskCase {
  cipher_suite: number;
  psks: { psk_id: string; psk: string; psk_nonce: string }[];
  psk_secret: string;
}

const cases = await mlsVectors<PskCase>('psk_secret.json');

describeVectors('psk_secret.json', cases, (cases) => {
  cases.forEach((c, n) => {
    describe(`entry ${n} (suite ${c.cipher_suite}, ${c.psks.length} PSKs)`, () => {
      forEachProvider(c.cipher_suite, (name, cs) => {
        it(`${name}: psk_secret`, () => {
          const psks: PskInput[] = c.psks.map((x) => ({
            id: { pskType: PSKType.external, pskId: hex(x.psk_id), pskNonce: hex(x.psk_nonce) },
            psk: hex(x.psk),
          }));
          expect(toHex(pskSecret(cs, psks))).to.equal(c.psk_secret);
        });
      });
    });
  });
});

describe('PSKLabel guards (RFC 9420 §8.4: index and count are uint16, index < count)', () => {
  const id = { pskType: PSKType.external, pskId: new Uint8Array([1]), pskNonce: new Uint8Array(32) } as const;
  it('encodes id || uint16 index || uint16 count', () => {
    expect(toHex(pskLabel(id, 2, 3))).to.equal('01' + '0101' + '20' + '00'.repeat(32) + '0002' + '0003');
  });
  it('refuses index ≥ count, count 0 and count > 65535', () => {
    throwsCode(() => pskLabel(id, 3, 3), 'BAD_LENGTH');
    throwsCode(() => pskLabel(id, 0, 0), 'BAD_LENGTH');
    throwsCode(() => pskLabel(id, 0, 0x10000), 'BAD_LENGTH');
  });
});

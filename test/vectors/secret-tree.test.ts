// secret-tree.json (mlswg/mls-implementations test-vectors, "Secret Tree"; RFC 9420 §9, §9.1, §6.3.2): per entry
// and provider (noble, wasm), the sender-data key and nonce from sender_data_secret and the ciphertext sample, then
// for every leaf every listed generation's handshake and application key and nonce. Leaves are visited in a
// shuffled order so lazy path derivation is exercised from every stored ancestor. Suites without a provider (4-7)
// are registered as skipped, with the suite named.
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import {
  createSecretTree,
  receiveKey,
  secretTreeEntries,
  senderDataKeyNonce,
  type SecretTree,
} from '../../sdk/src/schedule/secret-tree.ts';
import type { LeafIndex } from '../../sdk/src/tree/math.ts';
import { hex, toHex } from '../lib/bytes.ts';
import { describeVectors } from '../lib/describe-vectors.ts';
import { forEachProvider } from '../lib/providers.ts';
import { mlsVectors } from '../lib/vectors.ts';

interface Gen {
  generation: number;
  handshake_key: string;
  handshake_nonce: string;
  application_key: string;
  application_nonce: string;
}
interface SecretTreeCase {
  cipher_suite: number;
  encryption_secret: string;
  sender_data: { sender_data_secret: string; ciphertext: string; key: string; nonce: string };
  leaves: Gen[][];
}

const cases = await mlsVectors<SecretTreeCase>('secret-tree.json');

/** A fixed permutation of 0..n-1 (so the order is reproducible). */
function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  let s = 0x2545f491;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function check(cs: CipherSuite, c: SecretTreeCase): void {
  const sd = senderDataKeyNonce(cs, hex(c.sender_data.sender_data_secret), hex(c.sender_data.ciphertext));
  expect(toHex(sd.key), 'sender_data key').to.equal(c.sender_data.key);
  expect(toHex(sd.nonce), 'sender_data nonce').to.equal(c.sender_data.nonce);

  const n = c.leaves.length;
  let st: SecretTree = createSecretTree(cs, hex(c.encryption_secret), n);
  for (const i of shuffled(n)) {
    const leaf = i as LeafIndex;
    for (const g of c.leaves[i]!) {
      const at = `leaf ${i} generation ${g.generation}`;
      const h = receiveKey(cs, st, leaf, 'handshake', g.generation);
      expect(toHex(h.key), `${at} handshake_key`).to.equal(g.handshake_key);
      expect(toHex(h.nonce), `${at} handshake_nonce`).to.equal(g.handshake_nonce);
      const a = receiveKey(cs, h.tree, leaf, 'application', g.generation);
      expect(toHex(a.key), `${at} application_key`).to.equal(g.application_key);
      expect(toHex(a.nonce), `${at} application_nonce`).to.equal(g.application_nonce);
      st = a.tree;
    }
  }
  // Every leaf has started its ratchets, so no tree node secret is left (§9.2): n entries, all leaves.
  const entries = secretTreeEntries(st);
  expect(entries.length).to.equal(n);
  expect(entries.every(([node, e]) => node % 2 === 0 && !(e instanceof Uint8Array))).to.be.true;
}

describeVectors('secret-tree.json', cases, (cases) => {
  cases.forEach((c, n) => {
    describe(`entry ${n} (suite ${c.cipher_suite}, ${c.leaves.length} leaves)`, () => {
      forEachProvider(c.cipher_suite, (name, cs) => {
        it(`${name}: sender data key/nonce and every listed generation of every leaf`, () => check(cs, c));
      });
    });
  });
});

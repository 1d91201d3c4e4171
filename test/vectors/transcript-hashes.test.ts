// transcript-hashes.json (mlswg/mls-implementations test-vectors, "Transcript Hashes"; RFC 9420 §8.2, §6.1):
// per entry, the AuthenticatedContent round trip, then for each provider (noble, wasm) the confirmed transcript
// hash, the interim transcript hash and the confirmation tag MAC(confirmation_key, confirmed_transcript_hash).
// Suites without a provider (4-7) are registered as skipped, with the suite named.
import { decode } from '../../sdk/src/codec/reader.ts';
import { encode } from '../../sdk/src/codec/writer.ts';
import { ContentType, decodeAuthenticatedContent, encodeAuthenticatedContent } from '../../sdk/src/framing/content.ts';
import {
  confirmationTag,
  confirmedTranscriptHash,
  interimTranscriptHash,
  updateTranscriptHashes,
  verifyConfirmationTag,
} from '../../sdk/src/framing/transcript.ts';
import { hex, toHex } from '../lib/bytes.ts';
import { describeVectors } from '../lib/describe-vectors.ts';
import { forEachProvider } from '../lib/providers.ts';
import { mlsVectors } from '../lib/vectors.ts';

interface TranscriptCase {
  cipher_suite: number;
  confirmation_key: string;
  authenticated_content: string;
  interim_transcript_hash_before: string;
  confirmed_transcript_hash_after: string;
  interim_transcript_hash_after: string;
}

const cases = await mlsVectors<TranscriptCase>('transcript-hashes.json');

describeVectors('transcript-hashes.json', cases, (cases) => {
  cases.forEach((c, i) => {
    describe(`entry ${i} (suite ${c.cipher_suite})`, () => {
      const bytes = hex(c.authenticated_content);
      it('authenticated_content decodes as a commit and re-encodes byte-identically', () => {
        const ac = decode(bytes, decodeAuthenticatedContent, 'AuthenticatedContent');
        expect(ac.content.contentType).to.equal(ContentType.commit);
        expect(toHex(encode((w) => encodeAuthenticatedContent(w, ac)))).to.equal(c.authenticated_content);
      });
      forEachProvider(c.cipher_suite, (name, cs) => {
        it(`${name}: confirmed_transcript_hash_after`, () => {
          const ac = decode(bytes, decodeAuthenticatedContent);
          const got = confirmedTranscriptHash(cs, hex(c.interim_transcript_hash_before), ac);
          expect(toHex(got)).to.equal(c.confirmed_transcript_hash_after);
        });
        it(`${name}: interim_transcript_hash_after`, () => {
          const ac = decode(bytes, decodeAuthenticatedContent);
          const got = interimTranscriptHash(cs, hex(c.confirmed_transcript_hash_after), ac.auth.confirmationTag!);
          expect(toHex(got)).to.equal(c.interim_transcript_hash_after);
          const both = updateTranscriptHashes(cs, hex(c.interim_transcript_hash_before), ac);
          expect(toHex(both.confirmed)).to.equal(c.confirmed_transcript_hash_after);
          expect(toHex(both.interim)).to.equal(c.interim_transcript_hash_after);
        });
        it(`${name}: confirmation_tag = MAC(confirmation_key, confirmed_transcript_hash)`, () => {
          const ac = decode(bytes, decodeAuthenticatedContent);
          const key = hex(c.confirmation_key);
          const confirmed = hex(c.confirmed_transcript_hash_after);
          expect(toHex(confirmationTag(cs, key, confirmed))).to.equal(toHex(ac.auth.confirmationTag!));
          expect(verifyConfirmationTag(cs, key, confirmed, ac.auth.confirmationTag!)).to.be.true;
          const bad = ac.auth.confirmationTag!.slice();
          bad[bad.length - 1]! ^= 1;
          expect(verifyConfirmationTag(cs, key, confirmed, bad)).to.be.false;
        });
      });
    });
  });
});

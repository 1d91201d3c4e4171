// mlswg deserialization.json: MLS varint vector length headers (RFC 9420 §2.1.2), decoded and re-encoded.
import { mlsVectors } from '../lib/vectors.ts';
import { hex, toHex } from '../lib/bytes.ts';
import { Reader, encode } from '../../sdk/src/codec/index.ts';

interface DeserializationCase {
  vlbytes_header: string;
  length: number;
}

const cases = await mlsVectors<DeserializationCase>('deserialization.json');

describe('deserialization.json', () => {
  if (!cases) {
    it.skip('mlswg test vectors not installed (set MLS_TEST_VECTORS)');
    return;
  }
  for (const c of cases) {
    it(`header ${c.vlbytes_header} = ${c.length}`, () => {
      const header = hex(c.vlbytes_header);
      const r = new Reader(header);
      expect(r.varint('length')).to.equal(c.length);
      r.end();
      expect(toHex(encode((w) => w.varint(c.length)))).to.equal(c.vlbytes_header);
    });
  }
});

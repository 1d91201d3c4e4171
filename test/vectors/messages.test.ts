// messages.json (mlswg/mls-implementations test-vectors, "Messages"): every field of every entry decodes as its
// type and re-encodes to the same bytes. One test case per (field, entry): 17 fields x 300 entries.
import { decode, type Decoder } from '../../sdk/src/codec/reader.ts';
import { encode, type Encoder } from '../../sdk/src/codec/writer.ts';
import { ContentType } from '../../sdk/src/framing/content.ts';
import { WireFormat } from '../../sdk/src/messages/common.ts';
import { decodeCommit, encodeCommit } from '../../sdk/src/messages/commit.ts';
import { decodeMLSMessage, encodeMLSMessage, type MLSMessage } from '../../sdk/src/messages/mls-message.ts';
import * as P from '../../sdk/src/messages/proposals.ts';
import { decodeRatchetTree, encodeRatchetTree } from '../../sdk/src/messages/ratchet-tree.ts';
import { decodeGroupSecrets, encodeGroupSecrets } from '../../sdk/src/messages/welcome.ts';
import { hex, toHex } from '../lib/bytes.ts';
import { mlsVectors } from '../lib/vectors.ts';

type Entry = Record<string, string>;
const vectors = await mlsVectors<Entry>('messages.json');

interface Field<T> {
  decode: Decoder<T>;
  encode: Encoder<T>;
  /** Extra check on the decoded value (the vector file says which variant each field holds). */
  check?: (v: T) => void;
}
const field = <T>(decode: Decoder<T>, encode: Encoder<T>, check?: (v: T) => void): Field<unknown> =>
  ({ decode, encode, check }) as Field<unknown>;

const mls = (wireFormat: number, contentType?: number) =>
  field<MLSMessage>(decodeMLSMessage, encodeMLSMessage, (m) => {
    expect(m.wireFormat).to.equal(wireFormat);
    if (contentType !== undefined && m.wireFormat === WireFormat.mls_public_message)
      expect(m.publicMessage.content.contentType).to.equal(contentType);
  });

const FIELDS: Record<string, Field<unknown>> = {
  mls_welcome: mls(WireFormat.mls_welcome),
  mls_group_info: mls(WireFormat.mls_group_info),
  mls_key_package: mls(WireFormat.mls_key_package),
  ratchet_tree: field(decodeRatchetTree, encodeRatchetTree),
  group_secrets: field(decodeGroupSecrets, encodeGroupSecrets),
  add_proposal: field(P.decodeAdd, P.encodeAdd),
  update_proposal: field(P.decodeUpdate, P.encodeUpdate),
  remove_proposal: field(P.decodeRemove, P.encodeRemove),
  pre_shared_key_proposal: field(P.decodePreSharedKey, P.encodePreSharedKey),
  re_init_proposal: field(P.decodeReInit, P.encodeReInit),
  external_init_proposal: field(P.decodeExternalInit, P.encodeExternalInit),
  group_context_extensions_proposal: field(P.decodeGroupContextExtensions, P.encodeGroupContextExtensions),
  commit: field(decodeCommit, encodeCommit),
  public_message_application: mls(WireFormat.mls_public_message, ContentType.application),
  public_message_proposal: mls(WireFormat.mls_public_message, ContentType.proposal),
  public_message_commit: mls(WireFormat.mls_public_message, ContentType.commit),
  private_message: mls(WireFormat.mls_private_message),
};

describe('messages.json (mlswg interop vectors): decode and re-encode byte-identically', () => {
  if (!vectors) {
    it.skip('messages.json not installed (see README "Test vectors")', () => {});
    return;
  }
  it('has 300 entries with the 17 fields', () => {
    expect(vectors.length).to.equal(300);
    for (const v of vectors) expect(Object.keys(v).sort()).to.deep.equal(Object.keys(FIELDS).sort());
  });
  for (const [name, f] of Object.entries(FIELDS)) {
    describe(name, () => {
      vectors.forEach((v, i) => {
        it(`entry ${i}`, () => {
          const bytes = hex(v[name]!);
          const value = decode(bytes, f.decode, name);
          f.check?.(value);
          expect(toHex(encode((w) => f.encode(w, value)))).to.equal(v[name]);
        });
      });
    });
  }
});

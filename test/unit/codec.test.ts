// The TLS presentation-language codec (RFC 9420 §2.1): round trips, and one test per rejection kind.
import { hex, toHex, prng, throwsCode } from '../lib/bytes.ts';
import { Reader, Writer, decode, encode, encodeWith, type Decoder, type Encoder } from '../../sdk/src/codec/index.ts';
import { MlsError } from '../../sdk/src/errors.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);

/** A sample struct with every construct: struct { uint16 a; opaque b<V>; uint32 c<V>; optional<uint64> d; }. */
interface Sample {
  a: number;
  b: Uint8Array;
  c: number[];
  d: bigint | undefined;
}
const encodeSample: Encoder<Sample> = (w, s) => {
  w.u16(s.a).opaque(s.b);
  w.vector(s.c, (w, x) => w.u32(x));
  w.optional(s.d, (w, x) => w.u64(x));
};
const decodeSample: Decoder<Sample> = (r) => ({
  a: r.u16('a'),
  b: r.opaque('b'),
  c: r.vector('c', (r) => r.u32('c_item')),
  d: r.optional('d', (r) => r.u64('d')),
});

describe('codec: encoding', () => {
  it('encodes integers big-endian (RFC 8446 §3.3)', () => {
    const b = encode((w) => w.u8(0x01).u16(0x0203).u32(0x04050607).u64(0x08090a0b0c0d0e0fn));
    expect(toHex(b)).to.equal('0102030405060708090a0b0c0d0e0f');
  });

  it('encodes the RFC 9420 §2.1.2 varint examples', () => {
    // RFC 9420 §2.1.2: 0x9d7f3e7d = 494878333, 0x7bbd = 15293, 0x25 = 37.
    expect(toHex(encode((w) => w.varint(494878333)))).to.equal('9d7f3e7d');
    expect(toHex(encode((w) => w.varint(15293)))).to.equal('7bbd');
    expect(toHex(encode((w) => w.varint(37)))).to.equal('25');
    expect(new Reader(hex('9d7f3e7d')).varint('x')).to.equal(494878333);
    expect(new Reader(hex('7bbd')).varint('x')).to.equal(15293);
  });

  it('uses the minimal length prefix at the 63/64 and 16383/16384 boundaries', () => {
    for (const [n, prefix] of [
      [0, '00'],
      [63, '3f'],
      [64, '4040'],
      [16383, '7fff'],
      [16384, '80004000'],
    ] as const) {
      const b = encode((w) => w.opaque(new Uint8Array(n)));
      expect(toHex(b.subarray(0, prefix.length / 2))).to.equal(prefix);
      expect(b.length).to.equal(prefix.length / 2 + n);
      expect(decode(b, (r) => r.opaque('x')).length).to.equal(n);
    }
  });

  it('closes the prefix gap of nested vectors of every size class', () => {
    const inner = [new Uint8Array(3), new Uint8Array(70), new Uint8Array(20000)];
    const b = encode((w) => w.vector(inner, (w, x) => w.opaque(x)), 16);
    const back = decode(b, (r) => r.vector('outer', (r) => r.opaque('inner')));
    expect(back.map((x) => x.length)).to.deep.equal([3, 70, 20000]);
    expect(toHex(b.subarray(0, 4))).to.equal(toHex(encode((w) => w.varint(1 + 3 + 2 + 70 + 4 + 20000))));
  });

  it('round-trips random structs across buffer growth (1,000 cases)', () => {
    const rnd = prng(7);
    for (let i = 0; i < 1000; i++) {
      const r = rnd(8);
      const s: Sample = {
        a: r[0]! | (r[1]! << 8),
        b: rnd(r[2]! % 4 === 0 ? 100 + r[3]! * 70 : r[3]! % 80),
        c: Array.from({ length: r[4]! % 40 }, (_, j) => (j * 2654435761) >>> 0),
        d: r[5]! & 1 ? BigInt(r[6]!) << 56n : undefined,
      };
      const w = new Writer(16);
      encodeSample(w, s);
      const back = decode(w.finish(), decodeSample, 'Sample');
      expect(back.a).to.equal(s.a);
      expect(toHex(back.b)).to.equal(toHex(s.b));
      expect(back.c).to.deep.equal(s.c);
      expect(back.d).to.equal(s.d);
    }
  });

  it('returns views into the input, not copies', () => {
    const input = hex('03aabbcc');
    const b = decode(input, (r) => r.opaque('b'));
    expect(b.buffer).to.equal(input.buffer);
    expect(b.byteOffset).to.equal(1);
  });

  it('refuses out-of-range values when encoding (BAD_LENGTH)', () => {
    throwsCode(() => encode((w) => w.u8(256)), 'BAD_LENGTH');
    throwsCode(() => encode((w) => w.u16(-1)), 'BAD_LENGTH');
    throwsCode(() => encode((w) => w.u32(2 ** 32)), 'BAD_LENGTH');
    throwsCode(() => encode((w) => w.u64(2n ** 64n)), 'BAD_LENGTH');
    throwsCode(() => encode((w) => w.varint(2 ** 30)), 'BAD_LENGTH');
    throwsCode(() => encode((w) => w.u16(1.5)), 'BAD_LENGTH');
  });

  it('encodeWith: use() sees the encoding, gets no copy, and the view is zeroed afterwards; nesting works', () => {
    let kept: Uint8Array | undefined;
    const r = encodeWith(
      (w) => w.u16(0x0102).opaque(bytes(9, 9)),
      (v) => {
        kept = v;
        // A nested encoding inside use() gets a writer of its own and leaves the outer view alone.
        const inner = encodeWith((w) => w.u8(7), (iv) => toHex(iv));
        const same = encode((w) => w.u16(0x0102).opaque(bytes(9, 9)));
        return { hex: toHex(v), inner, equal: toHex(same) === toHex(v), view: v.buffer === same.buffer };
      },
    );
    expect(r).to.deep.equal({ hex: '0102020909', inner: '07', equal: true, view: false });
    expect(toHex(kept!)).to.equal('0000000000');
    // A throwing use() still leaves the scratch clean and reusable.
    throwsCode(() => encodeWith((w) => w.u8(1), () => { throw new MlsError('STATE', 'x'); }), 'STATE');
    expect(toHex(encode((w) => w.u8(5)))).to.equal('05');
  });

  it('wipe() zeroes the buffer', () => {
    const w = new Writer(16);
    w.bytes(bytes(1, 2, 3));
    const v = w.view();
    w.wipe();
    expect(toHex(v)).to.equal('000000');
    expect(w.length).to.equal(0);
  });
});

describe('codec: rejections (MlsError DECODE)', () => {
  it('truncated input', () => {
    const e = throwsCode(() => decode(bytes(0x00), (r) => r.u16('cipher_suite')), 'DECODE');
    expect(e.message).to.contain('truncated');
    expect(e.message).to.contain('cipher_suite');
    expect(e.message).to.contain('offset 0');
    throwsCode(() => decode(bytes(0, 0, 0), (r) => r.u32('x')), 'DECODE');
    throwsCode(() => decode(bytes(0, 0, 0, 0, 0, 0, 0), (r) => r.u64('epoch')), 'DECODE');
    throwsCode(() => decode(bytes(), (r) => r.u8('x')), 'DECODE');
    throwsCode(() => decode(bytes(1, 2), (r) => r.bytes('fixed', 3)), 'DECODE');
  });

  it('opaque length past the end of the input', () => {
    const e = throwsCode(() => decode(bytes(0x05, 1, 2), (r) => r.opaque('group_id')), 'DECODE');
    expect(e.message).to.contain('group_id');
    expect(e.message).to.contain('length 5');
  });

  it('vector length past the end of the input', () => {
    const e = throwsCode(() => decode(bytes(0x04, 0, 1), (r) => r.vector('proposals', (r) => r.u16('p'))), 'DECODE');
    expect(e.message).to.contain('proposals');
  });

  it('item running past the end of its vector', () => {
    // A vector of 3 bytes holding uint16 items: the second item would straddle the vector's end.
    const e = throwsCode(
      () => decode(bytes(0x03, 0, 1, 2, 3), (r) => [r.vector('ids', (r) => r.u16('id')), r.u8('after')]),
      'DECODE',
    );
    expect(e.message).to.contain('id');
    expect(e.message).to.contain('ids[1]');
    expect(e.message).to.contain('enclosing vector');
  });

  it('non-minimal 2-byte varint', () => {
    const e = throwsCode(() => decode(bytes(0x40, 0x3f), (r) => r.varint('length')), 'DECODE');
    expect(e.message).to.contain('non-minimal');
    throwsCode(() => decode(bytes(0x40, 0x00), (r) => r.opaque('x')), 'DECODE');
  });

  it('non-minimal 4-byte varint', () => {
    const e = throwsCode(() => decode(bytes(0x80, 0, 0x3f, 0xff), (r) => r.varint('length')), 'DECODE');
    expect(e.message).to.contain('non-minimal');
    throwsCode(() => decode(bytes(0x80, 0, 0, 0x05, 1, 2, 3, 4, 5), (r) => r.opaque('x')), 'DECODE');
  });

  it('varint of 2^30 or more (prefix 0b11)', () => {
    const e = throwsCode(() => decode(bytes(0xc0, 0, 0, 0, 0, 0, 0, 0), (r) => r.varint('length')), 'DECODE');
    expect(e.message).to.contain('prefix');
  });

  it('trailing bytes', () => {
    const e = throwsCode(() => decode(bytes(0, 1, 2), (r) => r.u16('x'), 'KeyPackage'), 'DECODE');
    expect(e.message).to.contain('trailing');
    expect(e.message).to.contain('KeyPackage');
  });

  it('unread bytes at the end of a length-prefixed region', () => {
    const e = throwsCode(() => decode(bytes(0x03, 0, 1, 2), (r) => r.region('extension_data', (r) => r.u16('v'))), 'DECODE');
    expect(e.message).to.contain('unread');
  });

  it('optional presence octet other than 0 or 1', () => {
    const e = throwsCode(() => decode(bytes(2, 0), (r) => r.optional('path', (r) => r.u8('x'))), 'DECODE');
    expect(e.message).to.contain('presence');
  });

  it('enum value outside the allowed set', () => {
    const allowed = new Set([1, 2, 3, 4, 5, 6, 7]);
    const e = throwsCode(() => decode(bytes(0, 8), (r) => r.enumU16('proposal_type', allowed)), 'DECODE');
    expect(e.message).to.contain('proposal_type');
    expect(e.message).to.contain('0x0008');
    expect(decode(bytes(0, 7), (r) => r.enumU16('proposal_type', allowed))).to.equal(7);
    throwsCode(() => decode(bytes(9), (r) => r.enumU8('content_type', new Set([1, 2, 3]))), 'DECODE');
  });

  it('vector item that consumes no bytes', () => {
    throwsCode(() => decode(bytes(0x01, 0), (r) => r.vector('empty', () => ({}))), 'DECODE');
  });

  it('names the nested vector path and absolute offset', () => {
    // outer<V> of inner<V> of uint16: the second inner vector holds a truncated uint16.
    const input = bytes(0x06, 0x02, 0, 1, 0x01, 0xff, 0);
    const e = throwsCode(
      () => decode(input, (r) => r.vector('outer', (r) => r.vector('inner', (r) => r.u16('leaf')))),
      'DECODE',
    );
    expect(e.message).to.contain('outer[1].inner[0]');
    expect(e.message).to.contain('offset 5');
  });

  it('never throws anything but MlsError on random and mutated inputs (10,000 cases)', () => {
    const rnd = prng(11);
    const good = encode((w) => encodeSample(w, { a: 1, b: new Uint8Array(70), c: [1, 2, 3], d: 5n }));
    for (let i = 0; i < 10000; i++) {
      let input: Uint8Array;
      const r = rnd(4);
      if (i % 2) {
        input = good.slice();
        for (let k = 0; k <= r[0]! % 4; k++) input[rnd(1)[0]! % input.length] = rnd(1)[0]!;
        if (r[1]! & 1) input = input.subarray(0, r[2]! % input.length);
      } else {
        input = rnd(r[0]! % 64);
      }
      try {
        decode(input, decodeSample, 'Sample');
      } catch (e) {
        expect((e as { code?: string }).code).to.equal('DECODE');
      }
    }
  });
});

describe('codec: speed', () => {
  it('encodes and decodes 50,000 leaf-sized structs quickly', () => {
    // Roughly a LeafNode's shape: two 32-byte keys, a credential, a capabilities-like vector.
    const key = new Uint8Array(32).fill(7);
    const ident = new Uint8Array(16).fill(1);
    const items = Array.from({ length: 50000 }, (_, i) => i);
    const t0 = performance.now();
    const b = encode((w) =>
      w.vector(items, (w, i) => {
        w.u8(1).opaque(key).opaque(key).u16(1).opaque(ident);
        w.vector([1, 2, 3], (w, v) => w.u16(v));
        w.u32(i);
      }),
    );
    const t1 = performance.now();
    const back = decode(b, (r) =>
      r.vector('tree', (r) => ({
        t: r.u8('type'),
        enc: r.opaque('encryption_key'),
        sig: r.opaque('signature_key'),
        ct: r.u16('credential_type'),
        id: r.opaque('identity'),
        v: r.vector('versions', (r) => r.u16('v')),
        i: r.u32('i'),
      })),
    );
    const t2 = performance.now();
    expect(back.length).to.equal(50000);
    expect(back[49999]!.i).to.equal(49999);
    console.log(`codec: 50,000 structs (${(b.length / 1e6).toFixed(1)} MB) encode ${(t1 - t0).toFixed(0)} ms, decode ${(t2 - t1).toFixed(0)} ms`);
    expect(t2 - t0).to.be.lessThan(2000);
  });
});

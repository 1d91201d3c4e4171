/**
 * The wire codec: TLS presentation language with MLS varint vectors (RFC 9420 §2.1). Knows nothing of crypto.
 * Convention for wire structs built on it: `encodeX: Encoder<X>` / `decodeX: Decoder<X>`, one pair per struct.
 */
export { Reader, decode, type Decoder } from './reader.ts';
export { Writer, encode, encodeWith, type Encoder } from './writer.ts';
export { VARINT_MAX, varintSize } from './varint.ts';

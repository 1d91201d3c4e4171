// The core's exports, and nothing else. Logic lives in one file per primitive.

/** First byte of linear memory that the JS face may use as its scratch arena. */
export function heapBase(): usize {
  return __heap_base;
}

export { sha256, sha512, hashMany } from './sha2';
export { hmacSha256 } from './hmac';
export { hkdfExtract, hkdfExpand, hkdfExpandMany } from './hkdf';
export { aes128gcmSeal, aes128gcmOpen } from './aes-gcm';
export { chacha20poly1305Seal, chacha20poly1305Open } from './chacha20poly1305';
export { x25519, x25519Base } from './x25519';
export { ed25519PublicKey, ed25519PublicKeyCached, ed25519Sign, ed25519SignCached, ed25519Verify } from './ed25519';
export { ed25519VerifyBatch, ed25519VerifyBatchWorkSize } from './ed25519-batch';
export {
  hpkeDeriveKeyPair,
  hpkeSetupBaseS,
  hpkeSetupBaseR,
  hpkeSeal,
  hpkeOpen,
  hpkeExport,
  hpkeInfoHash,
  hpkeSetupBaseSWithInfoHash,
} from './hpke';

// The mlswg passive-client vectors (passive-client-welcome.json, passive-client-handling-commit.json): the shared
// entry shape and the join as the vector's passive client.
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { joinFromWelcome } from '../../sdk/src/group/welcome.ts';
import { mlsMessageFrom } from '../../sdk/src/messages/mls-message.ts';
import { hex } from './bytes.ts';

export interface PassiveWelcomeCase {
  cipher_suite: number;
  external_psks: { psk_id: string; psk: string }[];
  key_package: string;
  signature_priv: string;
  encryption_priv: string;
  init_priv: string;
  welcome: string;
  ratchet_tree: string | null;
  initial_epoch_authenticator: string;
}

/** Join from the entry's Welcome with its private keys, PSKs and (when given) out-of-band tree. */
export function joinVector(c: PassiveWelcomeCase, cs: CipherSuite) {
  const kpMsg = mlsMessageFrom(hex(c.key_package));
  if (kpMsg.wireFormat !== 5) throw new Error('key_package is not an MLSMessage(KeyPackage)');
  return joinFromWelcome({
    welcome: hex(c.welcome),
    keyPackage: kpMsg.keyPackage,
    initPrivateKey: hex(c.init_priv),
    encryptionPrivateKey: hex(c.encryption_priv),
    signaturePrivateKey: hex(c.signature_priv),
    ...(c.ratchet_tree !== null ? { ratchetTree: hex(c.ratchet_tree) } : {}),
    externalPsks: c.external_psks.map((p) => ({ pskId: hex(p.psk_id), psk: hex(p.psk) })),
    suite: cs,
    now: false,
  });
}

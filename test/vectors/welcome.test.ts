// welcome.json (mlswg/mls-implementations test-vectors, "Welcome"; RFC 9420 §12.4.3.1): find the EncryptedGroupSecrets
// for the KeyPackage, decrypt them with init_priv, derive the welcome key and nonce, decrypt the GroupInfo, verify its
// signature with signer_pub, and check its confirmation tag against the epoch's key schedule. Both providers.
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { constantTimeEqual } from '../../sdk/src/crypto/bytes.ts';
import { decryptWithLabel, makeKeyPackageRef, verifyWithLabel } from '../../sdk/src/crypto/labels.ts';
import { decode } from '../../sdk/src/codec/reader.ts';
import { decodeGroupInfo, groupInfoTBS } from '../../sdk/src/messages/group-info.ts';
import { encode } from '../../sdk/src/codec/writer.ts';
import { encodeKeyPackage } from '../../sdk/src/messages/key-package.ts';
import { mlsMessageFrom } from '../../sdk/src/messages/mls-message.ts';
import { decodeGroupSecrets } from '../../sdk/src/messages/welcome.ts';
import { keyScheduleFromJoiner, welcomeKeyNonce, welcomeSecret } from '../../sdk/src/schedule/key-schedule.ts';
import { hex, throwsCode } from '../lib/bytes.ts';
import { forEachProvider } from '../lib/providers.ts';
import { mlsVectors } from '../lib/vectors.ts';

interface WelcomeCase {
  cipher_suite: number;
  init_priv: string;
  signer_pub: string;
  key_package: string;
  welcome: string;
}

const cases = await mlsVectors<WelcomeCase>('welcome.json');

function openWelcome(cs: CipherSuite, c: WelcomeCase, initPriv = hex(c.init_priv)) {
  const kpMsg = mlsMessageFrom(hex(c.key_package));
  const wMsg = mlsMessageFrom(hex(c.welcome));
  if (!('keyPackage' in kpMsg) || !('welcome' in wMsg)) throw new Error('vector is not a KeyPackage and a Welcome');
  const welcome = wMsg.welcome;
  expect(welcome.cipherSuite).to.equal(c.cipher_suite);
  const ref = makeKeyPackageRef(cs, encode((w) => encodeKeyPackage(w, kpMsg.keyPackage)));
  const mine = welcome.secrets.find((s) => constantTimeEqual(s.newMember, ref));
  expect(mine, 'EncryptedGroupSecrets for our KeyPackageRef').to.not.equal(undefined);
  const { kemOutput, ciphertext } = mine!.encryptedGroupSecrets;
  // §12.4.3.1: encrypted_group_secrets = EncryptWithLabel(init_key, "Welcome", encrypted_group_info, group_secrets)
  const gsBytes = decryptWithLabel(cs, initPriv, 'Welcome', welcome.encryptedGroupInfo, kemOutput, ciphertext);
  const gs = decode(gsBytes, decodeGroupSecrets, 'GroupSecrets');
  expect(gs.psks.length, 'the vectors use no PSKs').to.equal(0);
  const ws = welcomeSecret(cs, gs.joinerSecret);
  const { key, nonce } = welcomeKeyNonce(cs, ws);
  const gi = decode(cs.aeadOpen(key, nonce, new Uint8Array(0), welcome.encryptedGroupInfo), decodeGroupInfo, 'GroupInfo');
  return { gs, gi };
}

describe('welcome.json (mlswg interop vectors)', () => {
  if (!cases) {
    it.skip('welcome.json not installed (see README "Test vectors")', () => {});
    return;
  }
  cases.forEach((c, n) => {
    describe(`entry ${n} (suite ${c.cipher_suite})`, () => {
      forEachProvider(c.cipher_suite, (name, cs) => {
        it(`${name}: decrypts, verifies the GroupInfo signature and confirmation tag`, () => {
          const { gs, gi } = openWelcome(cs, c);
          expect(verifyWithLabel(cs, hex(c.signer_pub), 'GroupInfoTBS', groupInfoTBS(gi), gi.signature)).to.be.true;
          // §12.4.3.1: the joiner's key schedule gives confirmation_key; the tag is MAC over the confirmed transcript.
          const epoch = keyScheduleFromJoiner(cs, gs.joinerSecret, undefined, gi.groupContext);
          const tag = cs.mac(epoch.confirmationKey, gi.groupContext.confirmedTranscriptHash);
          expect(constantTimeEqual(tag, gi.confirmationTag)).to.be.true;
        });
        it(`${name}: a wrong init key or a flipped GroupInfo signature fails`, () => {
          const wrong = cs.hpkeGenerateKeyPair().privateKey;
          throwsCode(() => openWelcome(cs, c, wrong), 'AEAD_DECRYPT');
          const { gi } = openWelcome(cs, c);
          const sig = gi.signature.slice();
          sig[0]! ^= 1;
          expect(verifyWithLabel(cs, hex(c.signer_pub), 'GroupInfoTBS', groupInfoTBS(gi), sig)).to.be.false;
        });
      });
    });
  });
});

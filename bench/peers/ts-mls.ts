// ts-mls (pinned devDependency, 1.6.4) behind the MlsBenchAdapter interface (bench/scenarios.ts).
//
// ts-mls is functional: every operation returns a new ClientState, which the member object below keeps. Messages
// cross the adapter as MLSMessage bytes (encodeMlsMessage/decodeMlsMessage), KeyPackages as KeyPackage bytes, so
// ts-mls pays for its own codec like the other libraries. Defaults everywhere (default crypto provider, default
// ClientConfig, which validates the ratchet tree on join); the Welcome's GroupInfo carries the ratchet tree
// (`ratchetTreeExtension: true`); commits go out as ts-mls's default wire format (PrivateMessage).
import {
  acceptAll,
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  processMessage,
  processPrivateMessage,
  type CiphersuiteImpl,
  type ClientState,
  type KeyPackage,
  type MLSMessage,
  type PrivateKeyPackage,
  type Proposal,
} from 'ts-mls';
import type { Bytes, MlsBenchAdapter } from '../scenarios.ts';
import { pkgVersion } from './pkg-version.ts';

interface TsMember {
  readonly identity: Uint8Array;
  readonly signature: { signKey: Uint8Array; publicKey: Uint8Array };
  /** Latest KeyPackage as MLSMessage bytes (what a delivery service hands out), and its private keys. */
  keyPackage?: { bytes: Bytes; pub: KeyPackage; priv: PrivateKeyPackage };
  state?: ClientState;
}

let cs: CiphersuiteImpl | undefined;
let version = '?';
const suite = () => {
  if (!cs) throw new Error('ts-mls adapter: init() first');
  return cs;
};
const enc = new TextEncoder();
const decode = (bytes: Bytes): MLSMessage => {
  const d = decodeMlsMessage(bytes, 0);
  if (!d) throw new Error('ts-mls: message does not decode');
  return d[0];
};
const stateOf = (m: TsMember) => {
  if (!m.state) throw new Error('ts-mls adapter: member has no group');
  return m.state;
};
const kpFrom = (bytes: Bytes): KeyPackage => {
  const d = decode(bytes);
  if (d.wireformat !== 'mls_key_package') throw new Error('ts-mls: not a KeyPackage');
  return d.keyPackage;
};
const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

async function commit(m: TsMember, proposals: Proposal[]) {
  const r = await createCommit({ state: stateOf(m), cipherSuite: suite() }, { extraProposals: proposals, ratchetTreeExtension: true });
  m.state = r.newState;
  return r;
}

export const adapter: MlsBenchAdapter<TsMember> = {
  name: 'ts-mls',
  get version() {
    return version;
  },

  async init() {
    version = await pkgVersion('ts-mls');
    cs ??= await getCiphersuiteImpl(getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'));
  },

  async newMember(index) {
    return { identity: enc.encode(`member-${index}`), signature: await suite().signature.keygen() };
  },

  async newKeyPackage(m) {
    const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
      { credentialType: 'basic', identity: m.identity },
      defaultCapabilities(),
      defaultLifetime,
      [],
      m.signature,
      suite(),
    );
    const bytes = encodeMlsMessage({ keyPackage: publicPackage, wireformat: 'mls_key_package', version: 'mls10' });
    m.keyPackage = { bytes, pub: publicPackage, priv: privatePackage };
  },

  async createAndAddAll(creator, others) {
    const kp = creator.keyPackage;
    if (!kp) throw new Error('ts-mls adapter: creator has no KeyPackage');
    creator.state = await createGroup(enc.encode('bench-group'), kp.pub, kp.priv, [], suite());
    const adds = others.map((o): Proposal => {
      if (!o.keyPackage) throw new Error('ts-mls adapter: member has no KeyPackage');
      return { proposalType: 'add', add: { keyPackage: kpFrom(o.keyPackage.bytes) } };
    });
    const r = await commit(creator, adds);
    if (!r.welcome) throw new Error('ts-mls: no Welcome');
    return encodeMlsMessage({ welcome: r.welcome, wireformat: 'mls_welcome', version: 'mls10' });
  },

  async addOne(creator, newcomer) {
    if (!newcomer.keyPackage) throw new Error('ts-mls adapter: newcomer has no KeyPackage');
    const r = await commit(creator, [{ proposalType: 'add', add: { keyPackage: kpFrom(newcomer.keyPackage.bytes) } }]);
    if (!r.welcome) throw new Error('ts-mls: no Welcome');
    return {
      commit: encodeMlsMessage(r.commit),
      welcome: encodeMlsMessage({ welcome: r.welcome, wireformat: 'mls_welcome', version: 'mls10' }),
    };
  },

  async joinFromWelcome(m, welcome) {
    const kp = m.keyPackage;
    if (!kp) throw new Error('ts-mls adapter: member has no KeyPackage');
    const w = decode(welcome);
    if (w.wireformat !== 'mls_welcome') throw new Error('ts-mls: not a Welcome');
    m.state = await joinGroup(w.welcome, kp.pub, kp.priv, emptyPskIndex, suite());
  },

  async commitUpdate(m) {
    return encodeMlsMessage((await commit(m, [])).commit);
  },

  async processCommit(m, bytes) {
    const msg = decode(bytes);
    if (msg.wireformat !== 'mls_private_message' && msg.wireformat !== 'mls_public_message') {
      throw new Error('ts-mls: not a handshake message');
    }
    const r = await processMessage(msg, stateOf(m), emptyPskIndex, acceptAll, suite());
    if (r.kind !== 'newState') throw new Error('ts-mls: expected a commit');
    m.state = r.newState;
  },

  async commitRemove(m, target) {
    // The target's leaf index, found by its signature key (what an application would look up in its roster).
    const tree = stateOf(m).ratchetTree;
    let leaf = -1;
    for (let i = 0; i < tree.length; i += 2) {
      const node = tree[i];
      if (node?.nodeType === 'leaf' && eq(node.leaf.signaturePublicKey, target.signature.publicKey)) leaf = i / 2;
    }
    if (leaf < 0) throw new Error('ts-mls adapter: remove target not in the tree');
    return encodeMlsMessage((await commit(m, [{ proposalType: 'remove', remove: { removed: leaf } }])).commit);
  },

  async encryptMessage(m, plaintext) {
    const r = await createApplicationMessage(stateOf(m), plaintext, suite());
    m.state = r.newState;
    return encodeMlsMessage({ privateMessage: r.privateMessage, wireformat: 'mls_private_message', version: 'mls10' });
  },

  async decryptMessage(m, bytes) {
    const msg = decode(bytes);
    if (msg.wireformat !== 'mls_private_message') throw new Error('ts-mls: not a PrivateMessage');
    const r = await processPrivateMessage(stateOf(m), msg.privateMessage, emptyPskIndex, suite());
    m.state = r.newState;
    if (r.kind !== 'applicationMessage') throw new Error('ts-mls: expected an application message');
    return r.message;
  },

  dispose(m) {
    m.state = undefined;
    m.keyPackage = undefined;
  },
};

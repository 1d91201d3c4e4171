// webmls (this repository) behind the MlsBenchAdapter interface (bench/scenarios.ts): the in-thread group engine
// (sdk/src/group/, functional: every operation returns a new GroupState, which the member object keeps) on the WASM
// crypto provider, cipher suite 1 (MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519).
//
// Messages cross as MLSMessage bytes, as in the other adapters: KeyPackages as the MLSMessage the client publishes
// (decoded by the creator before the add), commits, Welcomes and application messages as the engine emits them.
// Defaults everywhere: default GroupConfig (handshakes as PublicMessage, the engine's default; application
// messages are PrivateMessages), full tree validation on join (every leaf signature, parent hashes, tree hash,
// KeyPackage-leaf lifetimes), the ratchet tree inside the Welcome's GroupInfo (`ratchetTree: true`).
//
// Memory: the group state lives in the JS heap (TreeState, Maps, Uint8Arrays); the WASM core keeps no state
// between calls (it copies inputs into an arena, computes, copies out and wipes), but its linear memory grows in
// pages when an input is large and never shrinks. Node 20 counts a WebAssembly.Memory's buffer in
// process.memoryUsage().external (checked: growing one by 64 MiB moves external by 67.2 MB), which the heap rows
// already include, so there is no outsideHeapBytes() (it would count that memory twice). A measured member gets a
// core of its own (MemberRole 'measured'), so the linear memory its join needs shows up in its heap row instead of
// hiding in a shared core that add-all already grew.
import { wasmSuite } from '../../sdk/src/crypto/suites.ts';
import type { CipherSuite } from '../../sdk/src/crypto/cipher-suite.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import {
  addProposal,
  createCommit,
  createGroup,
  encryptApplication,
  joinFromWelcome,
  mergeStagedCommit,
  processMessage,
  removeProposal,
  type CommitOptions,
  type GroupState,
} from '../../sdk/src/group/index.ts';
import { createKeyPackage, type CreatedKeyPackage } from '../../sdk/src/messages/key-package-create.ts';
import { mlsMessageFrom } from '../../sdk/src/messages/mls-message.ts';
import { WireFormat } from '../../sdk/src/messages/common.ts';
import type { Bytes, MlsBenchAdapter, MemberRole } from '../scenarios.ts';

interface WebMember {
  readonly cs: CipherSuite;
  readonly identity: Uint8Array;
  readonly signaturePrivateKey: Uint8Array;
  readonly signaturePublicKey: Uint8Array;
  /** Latest KeyPackage: what the client published (MLSMessage bytes) and its private keys. */
  keyPackage?: CreatedKeyPackage;
  state?: GroupState;
}

let shared: CipherSuite | undefined;
/**
 * WEBMLS_BENCH_CORE=/path/to/core.wasm (Node only) loads another build of the core, to measure a core change
 * before it lands (named in the reported version). Default: build/core.wasm, as everything else.
 */
const coreOverride = typeof process !== 'undefined' ? process.env?.WEBMLS_BENCH_CORE : undefined;
const newCore = () => (coreOverride ? loadCore(new URL(`file://${coreOverride}`)) : loadCore());
let version = '?';
const enc = new TextEncoder();

const stateOf = (m: WebMember) => {
  if (!m.state) throw new Error('webmls adapter: member has no group');
  return m.state;
};
const kpOf = (m: WebMember) => {
  if (!m.keyPackage) throw new Error('webmls adapter: member has no KeyPackage');
  return m.keyPackage;
};
/** The KeyPackage as the creator receives it: decoded from the published MLSMessage. */
const kpFromWire = (m: WebMember) => {
  const msg = mlsMessageFrom(kpOf(m).message);
  if (msg.wireFormat !== WireFormat.mls_key_package) throw new Error('webmls: not a KeyPackage');
  return msg.keyPackage;
};
const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Commit `proposals` (with a path, the engine's default) and merge it at once. */
function commit(m: WebMember, opts: CommitOptions) {
  const c = createCommit(stateOf(m), opts);
  m.state = mergeStagedCommit(stateOf(m), c.staged);
  return c;
}

export const adapter: MlsBenchAdapter<WebMember> = {
  name: 'webmls',
  get version() {
    return version;
  },

  async init() {
    version = (await ownVersion()) + (coreOverride ? ` (core ${coreOverride})` : '');
    if (!shared) {
      shared = wasmSuite(await newCore(), 1);
    }
  },

  async newMember(index: number, role: MemberRole) {
    let cs = shared!;
    if (role === 'measured') {
      cs = wasmSuite(await newCore(), 1);
    }
    const { privateKey, publicKey } = cs.signatureKeyGen();
    return { cs, identity: enc.encode(`member-${index}`), signaturePrivateKey: privateKey, signaturePublicKey: publicKey };
  },

  async newKeyPackage(m) {
    m.keyPackage = createKeyPackage({
      suite: m.cs,
      credential: { kind: 'basic', identity: m.identity },
      signaturePrivateKey: m.signaturePrivateKey,
      signaturePublicKey: m.signaturePublicKey,
    });
  },

  async createAndAddAll(creator, others) {
    creator.state = createGroup({
      suite: creator.cs,
      credential: { kind: 'basic', identity: creator.identity },
      signaturePrivateKey: creator.signaturePrivateKey,
      signaturePublicKey: creator.signaturePublicKey,
      groupId: enc.encode('bench-group'),
    });
    const c = commit(creator, { proposals: others.map((o) => addProposal(kpFromWire(o))), ratchetTree: true });
    if (!c.welcome) throw new Error('webmls: no Welcome');
    return c.welcome;
  },

  async addOne(creator, newcomer) {
    const c = commit(creator, { proposals: [addProposal(kpFromWire(newcomer))], ratchetTree: true });
    if (!c.welcome) throw new Error('webmls: no Welcome');
    return { commit: c.commit, welcome: c.welcome };
  },

  async joinFromWelcome(m, welcome) {
    const kp = kpOf(m);
    m.state = joinFromWelcome({
      welcome,
      keyPackage: kp.keyPackage,
      initPrivateKey: kp.initPrivateKey,
      encryptionPrivateKey: kp.encryptionPrivateKey,
      signaturePrivateKey: m.signaturePrivateKey,
      suite: m.cs,
    });
  },

  async commitUpdate(m) {
    return commit(m, {}).commit;
  },

  async processCommit(m, bytes) {
    const r = processMessage(stateOf(m), bytes);
    if (r.kind !== 'commit') throw new Error(`webmls: expected a commit, got ${r.kind}`);
    m.state = mergeStagedCommit(stateOf(m), r.staged);
  },

  async commitRemove(m, target) {
    // The target's leaf index, found by its signature key (what an application would look up in its roster).
    let leaf = -1;
    for (const [i, node] of stateOf(m).tree.leaves()) if (eq(node.signatureKey, target.signaturePublicKey)) leaf = i;
    if (leaf < 0) throw new Error('webmls adapter: remove target not in the tree');
    return commit(m, { proposals: [removeProposal(leaf)] }).commit;
  },

  async encryptMessage(m, plaintext) {
    const sent = encryptApplication(stateOf(m), plaintext);
    m.state = sent.state;
    return sent.message;
  },

  async decryptMessage(m, bytes) {
    const r = processMessage(stateOf(m), bytes);
    if (r.kind !== 'application') throw new Error(`webmls: expected an application message, got ${r.kind}`);
    m.state = r.state;
    return r.data;
  },

  dispose(m) {
    m.state = undefined;
    m.keyPackage = undefined;
  },
};

/** This repository's version (package.json at the root), in Node and in the browser bench (served by Vite). */
async function ownVersion(): Promise<string> {
  const url = new URL('../../package.json', import.meta.url);
  if (url.protocol === 'file:') {
    const { readFileSync } = await import('node:fs');
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  }
  return ((await (await fetch('/package.json')).json()) as { version: string }).version;
}

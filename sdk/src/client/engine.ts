/**
 * The engine: one identity, one StorageProvider, the open groups, and the persistence and multi-tab rules around
 * the group layer (DESIGN.md "Persistence and tabs"). No protocol logic lives here: every protocol step is a call
 * into group/ (createCommit, processMessage, mergeStagedCommit, …); this file decides when state is written, under
 * which lock, and what the application is told.
 *
 * Storage layout of a group (two records, so that a message costs O(1) bytes, not O(group size)):
 * - `groups`  storageKey(groupId)        → the state WITHOUT the current epoch's secret tree
 *                                          (`serializeGroupState(s, { secretTree: false })`: ratchet tree, epoch
 *                                          secrets, kept past epochs WITH their secret trees, …);
 *                                          meta `{ epoch, v, active }`.
 * - `secrets` storageKey(groupId, epoch) → the current epoch's secret tree (`secretTreeBytes`), the only part an
 *                                          application message changes; meta `{ v, s, epoch }`.
 * Versions: one counter per group, started at a random value when the group is stored (so a group deleted and
 * stored again never reuses a version another tab still has loaded) and bumped by every write. `groups.v` is the
 * version of the last state write; `secrets.v` the version of the last write of any kind (≥ groups.v), and
 * `secrets.s` the state version the tree belongs to. Every write rewrites or deletes the current epoch's `secrets`
 * record, so its `v` alone tells whether anything changed.
 * - A message (sent or decrypted, also a proposal's key use and a commit's handshake key) writes the `secrets`
 *   record only: `check('secrets', key, { v })` + put. O(1) in the group size. (Kept past epochs' trees live in
 *   the `groups` record, so a late message of a past epoch — rare — rewrites the state.)
 * - A state change (epoch change, a cached proposal, join, resync) is ONE batch: check both records' versions,
 *   put the state, delete every `secrets` record of the group, put the new epoch's tree. A crash can therefore
 *   never leave a state and a tree of different versions: both are in one batch, and a reader only pairs a tree
 *   with the state whose version its `s` names.
 * - Old layout (before this split: the whole state incl. its tree in `groups`, no `secrets` record): read as is
 *   (deserializeGroupState reads the tree inline); the first write of such a group stores the new layout (the
 *   batch checks `groups.v`). No migration step is needed. A build older than this one cannot read the new
 *   layout (it could not read state format 3 either).
 *
 * Rules:
 * - Every operation on a group runs inside `withGroupLock(groupId)` (Web Locks across tabs and workers; the
 *   in-process mutex over a MemoryStorage, which only this realm can reach). Inside
 *   the lock it first re-reads the `secrets` record's meta (`getMeta`, no unsealing): when its `v` differs from
 *   the loaded one, another tab or worker wrote the group. If the tree's state version `s` is still the loaded
 *   state's, only the tree is reloaded (O(1)); otherwise the whole state is.
 * - Every change is ONE WriteBatch: an epoch change (new state, new tree, deletion of the old epoch's tree, of held
 *   messages of older epochs, of a consumed KeyPackage), one decrypted message (the tree without the used key:
 *   §9.2 deletion, plus the held record it came from), one sent message (the advanced ratchet: a reload must never
 *   reuse a key/nonce). Every batch carries a version `check`, so a writer that missed another's write cannot
 *   overwrite it (no fork even without the lock). The in-memory state is swapped only after `commit()` resolved:
 *   a failed write leaves memory and storage at the old state, and the call can be retried.
 * - After an epoch change the engine announces it on the EpochChannel (a hint; the lock is what prevents forks).
 * - Messages of a later epoch are held in the `pending` store (bounded) and processed, in arrival order, right
 *   after the commit that starts their epoch is merged (the "early message" buffer).
 * - Secrets never leave: results carry wire messages, plaintext, public member data and exporter outputs only.
 *   Replaced secret buffers are zeroed in memory once the new state is stored.
 */
import { MlsError, isMlsError } from '../errors.ts';
import type { CipherSuite } from '../crypto/cipher-suite.ts';
import { loadCipherSuite } from '../crypto/suites.ts';
import { decode } from '../codec/reader.ts';
import { ContentType, SenderType, type Sender } from '../framing/content.ts';
import { createCommit, mergeStagedCommit, type CreatedCommit, type StagedCommit } from '../group/commit.ts';
import { createGroup } from '../group/create.ts';
import { joinByExternalCommit } from '../group/external.ts';
import { createGroupInfo } from '../group/group-info.ts';
import {
  addProposal,
  encryptApplication,
  processMessage,
  propose,
  proposeUpdate,
  removeProposal,
} from '../group/messages.ts';
import { deserializeGroupState, serializeGroupState } from '../group/serialize.ts';
import { bytesEqual, members, type GroupState } from '../group/state.ts';
import type { Credential } from '../messages/credential.ts';
import { createKeyPackage } from '../messages/key-package-create.ts';
import { decodeKeyPackage, type KeyPackage } from '../messages/key-package.ts';
import { mlsMessageFrom, type MLSMessage } from '../messages/mls-message.ts';
import { WireFormat } from '../messages/common.ts';
import type { Proposal } from '../messages/proposals.ts';
import { mlsExporter } from '../schedule/exporter.ts';
import { peekLeafRatchets, secretTreeBuffers, secretTreeBytes, secretTreeFrom, wipeReleased, type SecretTree } from '../schedule/secret-tree.ts';
import { IndexedDbStorage } from '../storage/indexeddb.ts';
import { storageKey, toHex } from '../storage/keys.ts';
import { EpochChannel, withGroupLock, type LockOptions } from '../storage/locks.ts';
import { MemoryStorage } from '../storage/memory.ts';
import { STORES, WriteBatch, isStorageConflict, type RecordMeta, type StorageProvider } from '../storage/provider.ts';
import type { LeafIndex, NodeIndex } from '../tree/math.ts';
import { joinFromWelcome } from '../group/welcome.ts';
import { asMlsError } from './as-error.ts';
import { checkAbort, report, step } from './progress.ts';
import type { CommitRequest, Ctl, DebugRequest, EngineApi, EngineInit, EngineListener, ProposalRequest, Tracked } from './protocol.ts';
import {
  IDENTITY_KEY,
  decodeIdentity,
  decodeKeyPackageRecord,
  encodeIdentity,
  encodeKeyPackageRecord,
  groupIdOfKey,
  groupKey,
  readGroupMeta,
  type IdentityRecord,
} from './records.ts';
import type {
  ClientIdentity,
  CommitEvent,
  CommitOutput,
  CreateGroupOptions,
  GroupEvent,
  GroupInfoOptions,
  GroupSummary,
  KeyPackageOut,
  MemberInfo,
  MemberRef,
  ProposalSummary,
  ApplicationEvent,
  ReceivedEvent,
  ReceiveManyEvent,
  RejectedEvent,
  ReleasedEvent,
  SenderRef,
  TreeInfo,
  TreeLeafInfo,
  TreeParentInfo,
} from './types.ts';

/** Defaults of the early-message buffer. */
export const EARLY_DEFAULTS = Object.freeze({ maxEpochsAhead: 1, maxMessages: 100 });
/** Most KeyPackages one call creates. */
export const MAX_KEY_PACKAGES = 1000;

/** One open group. Replaced (not mutated) when reloaded from storage. */
interface Loaded {
  readonly groupId: Uint8Array;
  readonly key: Uint8Array;
  state: GroupState;
  /** The `groups` record's version this state corresponds to. */
  v: number;
  /** The `secrets` record's version the state's secret tree corresponds to; undefined: old layout (tree inline). */
  tv: number | undefined;
  /** Our own commit, waiting for confirm/discard. */
  pending?: CreatedCommit | undefined;
  /** The pending commit was dropped because the group moved on (confirm then says why). */
  pendingDropped?: bigint | undefined;
  /** Loaded from storage: held messages of the current epoch may be waiting (a crash after a merge). */
  checkEarly: boolean;
}

const scopes = new WeakMap<StorageProvider, string>();
let scopeCounter = 0;
/** The lock/channel scope of a provider: the database name for IndexedDB, a per-instance id otherwise. */
function scopeOf(storage: StorageProvider): string {
  if (storage instanceof IndexedDbStorage) return `idb:${storage.name}`;
  let s = scopes.get(storage);
  if (!s) scopes.set(storage, (s = `${storage.kind}:${++scopeCounter}`));
  return s;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);


export class Engine implements EngineApi {
  private readonly groups = new Map<string, Loaded>();
  private readonly channel: EpochChannel;
  private readonly scope: string;
  /**
   * The group lock: Web Locks (every tab and worker of the origin), except over a MemoryStorage, which no other
   * realm can see: there the in-process mutex excludes every engine that can share it, without the cost of a
   * Web Locks request (0.4–0.9 ms each in Chromium, more than a message's crypto).
   */
  private readonly lockOpts: LockOptions;
  private closed = false;

  private constructor(
    private readonly storage: StorageProvider,
    private readonly cs: CipherSuite,
    private readonly id: IdentityRecord,
    private readonly init: EngineInit,
    private readonly listener: EngineListener | undefined,
    private readonly ownsStorage: boolean,
  ) {
    this.scope = scopeOf(storage);
    this.lockOpts = { scope: this.scope, ...(storage instanceof MemoryStorage ? { backend: 'local' as const } : {}) };
    this.channel = new EpochChannel(this.scope);
    this.channel.subscribe(({ groupId, epoch }) => this.onHint(groupId, epoch));
  }

  /**
   * Start an engine over a storage provider: load the crypto backend, then load the stored identity or create
   * one (the first time a database is used, `identity` or `credential` is required).
   * @throws MlsError STATE when the stored identity differs from the given one or none is given for a new
   *   database; UNSUPPORTED for a cipher suite the backend lacks; STORAGE.
   * @param ownsStorage close the provider on `close()` (false for a provider the application passed in).
   */
  static async open(init: EngineInit, storage: StorageProvider, listener?: EngineListener, ownsStorage = true): Promise<Engine> {
    const suiteId = init.cipherSuite ?? 1;
    const cs = await loadCipherSuite(suiteId, { crypto: init.crypto, wasmUrl: init.wasmUrl }); // @noble only on demand
    const wanted = credentialOf(init);
    let id: IdentityRecord | undefined;
    for (let attempt = 0; attempt < 2 && id === undefined; attempt++) {
      const rec = await storage.get('identity', IDENTITY_KEY);
      if (rec) {
        id = decodeIdentity(rec.value);
        rec.value.fill(0);
        break;
      }
      if (wanted === undefined)
        throw new MlsError('STATE', 'this database has no identity yet: pass `identity` or `credential` to create one');
      const kp = cs.signatureKeyGen();
      const fresh: IdentityRecord = { cipherSuite: suiteId, credential: wanted, signaturePrivateKey: kp.privateKey, signaturePublicKey: kp.publicKey };
      const bytes = encodeIdentity(fresh);
      try {
        await storage.commit(new WriteBatch().check('identity', IDENTITY_KEY, null).put('identity', IDENTITY_KEY, bytes));
        id = fresh;
      } catch (e) {
        if (!isStorageConflict(e)) throw e; // another tab created it first: read theirs
      } finally {
        bytes.fill(0);
      }
    }
    if (id === undefined) throw new MlsError('STORAGE', 'cannot create or read the identity record');
    if (id.cipherSuite !== suiteId)
      throw new MlsError('STATE', `this database's identity uses cipher suite ${id.cipherSuite}, not ${suiteId}`);
    if (wanted !== undefined && !sameCredential(wanted, id.credential))
      throw new MlsError('STATE', 'this database belongs to another identity (use another databaseName)');
    return new Engine(storage, cs, id, init, listener, ownsStorage);
  }

  // ---- client-level operations -------------------------------------------------------------------------------

  async identity(): Promise<ClientIdentity> {
    return {
      credential: this.id.credential,
      signatureKey: this.id.signaturePublicKey.slice(),
      cipherSuite: this.cs.id,
      storage: this.storage.kind,
      databaseName: this.storage instanceof IndexedDbStorage ? this.storage.name : this.scope,
    };
  }

  async createKeyPackages(p: { readonly count: number; readonly lastResort?: boolean }, ctl?: Ctl): Promise<KeyPackageOut[]> {
    const n = p.count;
    if (!Number.isInteger(n) || n < 1 || n > MAX_KEY_PACKAGES)
      throw new MlsError('STATE', `createKeyPackages: count ${String(n)} is not in 1..${MAX_KEY_PACKAGES}`);
    checkAbort(ctl, 'createKeyPackages');
    const out: KeyPackageOut[] = [];
    const batch = new WriteBatch();
    const wipe: Uint8Array[] = [];
    try {
      for (let i = 0; i < n; i++) {
        const kp = createKeyPackage({
          suite: this.cs,
          credential: this.id.credential,
          signaturePrivateKey: this.id.signaturePrivateKey,
          signaturePublicKey: this.id.signaturePublicKey,
          lastResort: p.lastResort === true,
        });
        const rec = encodeKeyPackageRecord({
          keyPackage: kp.keyPackageBytes,
          initPrivateKey: kp.initPrivateKey,
          encryptionPrivateKey: kp.encryptionPrivateKey,
          lastResort: p.lastResort === true,
        });
        wipe.push(rec, kp.initPrivateKey, kp.encryptionPrivateKey);
        batch.put('keyPackages', storageKey(kp.ref), rec);
        out.push({ message: kp.message, ref: kp.ref, lastResort: p.lastResort === true });
        await step(ctl, 'createKeyPackages', i + 1, n);
      }
      await this.storage.commit(batch);
    } finally {
      for (const b of wipe) b.fill(0);
    }
    return out;
  }

  async createGroup(p: CreateGroupOptions): Promise<Tracked<Uint8Array>> {
    const state = createGroup({
      suite: this.cs,
      credential: this.id.credential,
      signaturePrivateKey: this.id.signaturePrivateKey,
      signaturePublicKey: this.id.signaturePublicKey,
      ...(p.groupId !== undefined ? { groupId: p.groupId } : {}),
      ...(p.extensions !== undefined ? { extensions: p.extensions } : {}),
      ...(this.init.groupConfig !== undefined ? { config: this.init.groupConfig } : {}),
    });
    const gid = state.context.groupId;
    await withGroupLock(gid, () => this.insert(state), { ...this.lockOpts });
    return { value: gid.slice(), epoch: state.context.epoch, active: true };
  }

  async joinFromWelcome(p: { readonly welcome: Uint8Array; readonly ratchetTree?: Uint8Array }, ctl?: Ctl): Promise<Tracked<Uint8Array>> {
    const m = mlsMessageFrom(p.welcome);
    if (m.wireFormat !== WireFormat.mls_welcome) throw new MlsError('INVALID_MESSAGE', `expected a Welcome, got wire_format ${m.wireFormat}`);
    await step(ctl, 'joinFromWelcome', 0, 3);
    let found: { ref: Uint8Array; value: Uint8Array } | undefined;
    for (const s of m.welcome.secrets) {
      const rec = await this.storage.get('keyPackages', storageKey(s.newMember));
      if (rec) {
        found = { ref: s.newMember, value: rec.value };
        break;
      }
    }
    if (!found) throw new MlsError('INVALID_MESSAGE', "the Welcome is for none of this client's KeyPackages (used, deleted, or another client's)");
    const kp = decodeKeyPackageRecord(found.value);
    found.value.fill(0);
    try {
      await step(ctl, 'joinFromWelcome', 1, 3);
      const state = joinFromWelcome({
        welcome: m,
        keyPackage: kp.keyPackage,
        initPrivateKey: kp.initPrivateKey,
        encryptionPrivateKey: kp.encryptionPrivateKey,
        signaturePrivateKey: this.id.signaturePrivateKey,
        suite: this.cs,
        ...(p.ratchetTree !== undefined ? { ratchetTree: p.ratchetTree } : {}),
        ...(this.init.groupConfig !== undefined ? { config: this.init.groupConfig } : {}),
      });
      await step(ctl, 'joinFromWelcome', 2, 3);
      const gid = state.context.groupId;
      const ref = found.ref;
      // One batch: the new group, and the consumed KeyPackage's private keys gone (§16.8; last-resort ones stay).
      await withGroupLock(gid, () => this.insert(state, (b) => void (kp.lastResort || b.delete('keyPackages', storageKey(ref)))), {
        scope: this.scope,
      });
      report(ctl, 3, 3);
      return { value: gid.slice(), epoch: state.context.epoch, active: true };
    } finally {
      kp.initPrivateKey.fill(0);
    }
  }

  async joinByExternalCommit(
    p: { readonly groupInfo: Uint8Array; readonly ratchetTree?: Uint8Array; readonly resync?: boolean },
    ctl?: Ctl,
  ): Promise<Tracked<{ readonly groupId: Uint8Array; readonly commit: Uint8Array; readonly groupInfo: Uint8Array }>> {
    const m = mlsMessageFrom(p.groupInfo);
    if (m.wireFormat !== WireFormat.mls_group_info) throw new MlsError('INVALID_MESSAGE', `expected a GroupInfo, got wire_format ${m.wireFormat}`);
    const gid = m.groupInfo.groupContext.groupId;
    await step(ctl, 'joinByExternalCommit', 0, 2);
    return withGroupLock(
      gid,
      async () => {
        const exists = (await this.storage.getMeta('groups', groupKey(gid))) !== undefined;
        if (exists && !p.resync) throw new MlsError('STATE', 'this group is stored already (pass resync: true to rejoin it)');
        const old = exists ? await this.fresh(gid) : undefined;
        const r = joinByExternalCommit({
          groupInfo: m,
          credential: this.id.credential,
          signaturePrivateKey: this.id.signaturePrivateKey,
          signaturePublicKey: this.id.signaturePublicKey,
          suite: this.cs,
          ...(p.ratchetTree !== undefined ? { ratchetTree: p.ratchetTree } : {}),
          ...(old?.state.active ? { removeLeaf: old.state.myLeaf } : {}),
          ...(this.init.groupConfig !== undefined ? { config: this.init.groupConfig } : {}),
        });
        await step(ctl, 'joinByExternalCommit', 1, 2);
        if (old) {
          await this.write(old, r.state, (b) => b.deleteRange('pending', { prefix: storageKey(gid) }));
          old.pending = undefined;
        } else await this.insert(r.state);
        report(ctl, 2, 2);
        return { value: { groupId: gid.slice(), commit: r.commit, groupInfo: r.groupInfo }, epoch: r.state.context.epoch, active: true };
      },
      { ...this.lockOpts, ...(ctl?.signal ? { signal: ctl.signal } : {}) },
    );
  }

  async listGroups(): Promise<GroupSummary[]> {
    const rows = await this.storage.listMeta('groups');
    return rows.map((r) => {
      const m = readGroupMeta(r.meta);
      return { groupId: groupIdOfKey(r.key), epoch: m.epoch, active: m.active };
    });
  }

  async openGroup(p: { readonly groupId: Uint8Array }): Promise<Tracked<Uint8Array>> {
    return this.locked(p.groupId, async () => p.groupId.slice());
  }

  async deleteGroup(p: { readonly groupId: Uint8Array }): Promise<void> {
    const gid = p.groupId;
    await withGroupLock(
      gid,
      async () => {
        const prefix = storageKey(gid);
        await this.storage.commit(
          new WriteBatch()
            .delete('groups', groupKey(gid))
            .deleteRange('pending', { prefix })
            .deleteRange('secrets', { prefix }),
        );
        this.groups.delete(toHex(gid));
      },
      { ...this.lockOpts },
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channel.close();
    this.groups.clear();
    if (this.ownsStorage) await this.storage.close();
  }

  // ---- group operations ----------------------------------------------------------------------------------------

  /**
   * Create a commit (pending until confirm/discard). `groupInfo: false` skips the new epoch's GroupInfo (building
   * it encodes the whole ratchet tree and signs it: O(N)); CommitOutput.groupInfo is then undefined.
   */
  async commit(p: CommitRequest, ctl?: Ctl): Promise<Tracked<CommitOutput>> {
    return this.locked(
      p.groupId,
      async (g) => {
        if (g.pending) throw new MlsError('STATE', 'a commit is pending: confirm() or discard() it first');
        const adds = p.add ?? [];
        const total = adds.length + 1;
        const proposals: Proposal[] = [];
        for (let i = 0; i < adds.length; i++) {
          proposals.push(addProposal(parseKeyPackage(adds[i]!)));
          await step(ctl, 'commit', i + 1, total);
        }
        for (const leaf of p.remove ?? []) {
          if (!Number.isInteger(leaf) || leaf < 0) throw new MlsError('INVALID_PROPOSAL', `remove: leaf index ${String(leaf)}`);
          proposals.push(removeProposal(leaf));
        }
        checkAbort(ctl, 'commit');
        const created = createCommit(g.state, { proposals, ...(p.path !== undefined ? { path: p.path } : {}) });
        if (created.currentSecretTree !== g.state.secretTree) {
          // An encrypted commit used this epoch's next handshake key. Persist the ratchet past it before the
          // commit can leave: if it is discarded (or the tab crashes before confirm), a later handshake must not
          // reuse that key and nonce (§9.1, one use per key). Not wiped: the staged next epoch keeps this tree
          // as a past epoch when config.pastEpochs > 0.
          await this.write(g, { ...g.state, secretTree: created.currentSecretTree });
        }
        report(ctl, total, total);
        g.pending = created;
        g.pendingDropped = undefined;
        const s = created.staged.summary;
        return {
          commit: created.commit,
          ...(created.welcome !== undefined ? { welcome: created.welcome } : {}),
          // Read only when asked for: the group layer builds it on first access.
          ...(p.groupInfo !== false ? { groupInfo: created.groupInfo } : {}),
          pending: {
            fromEpoch: created.staged.fromEpoch,
            addedLeaves: [...s.added],
            removedLeaves: [...s.removed],
            updatedLeaves: [...s.updated],
          },
        };
      },
      ctl,
    );
  }

  async confirm(p: { readonly groupId: Uint8Array }): Promise<Tracked<CommitEvent>> {
    return this.locked(p.groupId, (g) => this.confirmIn(g));
  }

  async discard(p: { readonly groupId: Uint8Array }): Promise<Tracked<void>> {
    return this.locked(p.groupId, async (g) => {
      g.pending = undefined;
      g.pendingDropped = undefined;
    });
  }

  async propose(p: ProposalRequest): Promise<Tracked<Uint8Array>> {
    return this.locked(p.groupId, async (g) => {
      const r =
        p.type === 'update'
          ? proposeUpdate(g.state)
          : propose(g.state, p.type === 'add' ? addProposal(parseKeyPackage(p.keyPackage)) : removeProposal(p.leafIndex));
      await this.writeReplacingTree(g, r.state);
      return r.message;
    });
  }

  async leave(p: { readonly groupId: Uint8Array }): Promise<Tracked<Uint8Array>> {
    return this.locked(p.groupId, async (g) => {
      const r = propose(g.state, removeProposal(g.state.myLeaf));
      await this.writeReplacingTree(g, r.state);
      return r.message;
    });
  }

  async send(p: { readonly groupId: Uint8Array; readonly data: Uint8Array; readonly authenticatedData?: Uint8Array }): Promise<Tracked<Uint8Array>> {
    return this.locked(p.groupId, async (g) => {
      const r = encryptApplication(g.state, p.data, p.authenticatedData !== undefined ? { authenticatedData: p.authenticatedData } : {});
      // Persist the advanced ratchet before the message leaves: after a reload a generation must never repeat.
      await this.writeReplacingTree(g, r.state);
      return r.message;
    });
  }

  async receive(p: { readonly groupId: Uint8Array; readonly message: Uint8Array }): Promise<Tracked<ReceivedEvent>> {
    return this.locked(p.groupId, (g) => this.receiveIn(g, p.message, mlsMessageFrom(p.message)));
  }

  /**
   * Send several application messages: encrypted in order on a working state, persisted by ONE write before any
   * leaves (a generation never repeats after a reload, as with `send`). Nothing is stored when one fails.
   */
  async sendMany(p: { readonly groupId: Uint8Array; readonly data: readonly Uint8Array[]; readonly authenticatedData?: Uint8Array }): Promise<Tracked<Uint8Array[]>> {
    return this.locked(p.groupId, async (g) => {
      const opts = p.authenticatedData !== undefined ? { authenticatedData: p.authenticatedData } : {};
      const out: Uint8Array[] = [];
      let work = g.state;
      for (const d of p.data) {
        const r = encryptApplication(work, d, opts);
        this.advance(g, work, r.state);
        work = r.state;
        out.push(r.message);
      }
      if (work !== g.state) await this.writeReplacingTree(g, work);
      return out;
    });
  }

  /**
   * Receive several messages in order, each with its own outcome (a message that fails is `rejected` and changes
   * nothing; the others go on). Application messages of the current epoch are decrypted on a working state and
   * persisted together by one write before any of their plaintext is returned; any other message first persists
   * what came before it, then takes `receive`'s path. A failed write rejects exactly the messages it carried
   * (their keys were not consumed: they can be received again).
   */
  async receiveMany(p: { readonly groupId: Uint8Array; readonly messages: readonly Uint8Array[] }): Promise<Tracked<ReceiveManyEvent[]>> {
    return this.locked(p.groupId, async (g) => {
      const out: ReceiveManyEvent[] = new Array(p.messages.length);
      let work = g.state;
      let held: { readonly i: number; readonly event: ApplicationEvent }[] = [];
      const flush = async () => {
        if (held.length === 0) return;
        const batch = held;
        held = [];
        try {
          await this.writeReplacingTree(g, work);
        } catch (e) {
          work = g.state;
          for (const h of batch) out[h.i] = rejectedEvent(e);
          return;
        }
        for (const h of batch) {
          out[h.i] = h.event;
          this.emit({ type: 'message', groupId: g.groupId, event: h.event });
        }
      };
      for (let i = 0; i < p.messages.length; i++) {
        try {
          const bytes = p.messages[i]!;
          const m = mlsMessageFrom(bytes);
          const pm = m.wireFormat === WireFormat.mls_private_message ? m.privateMessage : undefined;
          if (pm && pm.contentType === ContentType.application && pm.epoch === work.context.epoch && bytesEqual(pm.groupId, g.groupId)) {
            const r = processMessage(work, m);
            if (r.kind !== 'application') throw new MlsError('INVALID_MESSAGE', `expected an application message, got ${r.kind}`);
            const event = applicationEvent(work, r);
            this.advance(g, work, r.state);
            work = r.state;
            held.push({ i, event });
            continue;
          }
          await flush();
          out[i] = await this.receiveIn(g, bytes, m);
          work = g.state;
        } catch (e) {
          if (this.closed) throw e;
          out[i] = rejectedEvent(e);
        }
      }
      await flush();
      return out;
    });
  }

  /**
   * A batch moved its working state from `prev` to `next` (same epoch): zero what `prev` held that neither `next`
   * nor the stored state still holds (§9.2; the stored state's own buffers go once the batch is written).
   */
  private advance(g: Loaded, prev: GroupState, next: GroupState): void {
    if (prev !== g.state && prev.secretTree !== next.secretTree && g.pending === undefined) wipeReleased(prev.secretTree, next.secretTree, g.state.secretTree);
  }

  /** `receive` under the group's lock. */
  private async receiveIn(g: Loaded, message: Uint8Array, m: MLSMessage): Promise<ReceivedEvent> {
    const { groupId, epoch } = groupAndEpoch(m);
    if (!bytesEqual(groupId, g.groupId)) throw new MlsError('WRONG_GROUP', "message group_id is not this group's");
    // Our own commit echoed by the delivery service: it accepted it.
    if (g.pending && bytesEqual(message, g.pending.commit)) return this.confirmIn(g);
    const current = g.state.context.epoch;
    if (epoch > current) {
      const ev = await this.hold(g, epoch, message);
      this.emit({ type: 'message', groupId: g.groupId, event: ev });
      return ev;
    }
    const ev = await this.processOne(g, m);
    this.emit({ type: 'message', groupId: g.groupId, event: ev });
    if (ev.kind !== 'commit') return ev;
    return { ...ev, released: await this.applyEarly(g) };
  }

  async members(p: { readonly groupId: Uint8Array }): Promise<Tracked<MemberInfo[]>> {
    return this.locked(p.groupId, async (g) =>
      members(g.state).map((m) => ({
        ...memberRefOf(m.leafIndex, m.credential),
        signatureKey: m.signatureKey.slice(),
        isMe: m.leafIndex === g.state.myLeaf,
      })),
    );
  }

  async tree(p: { readonly groupId: Uint8Array }): Promise<Tracked<TreeInfo>> {
    return this.locked(p.groupId, async (g) => {
      const t = g.state.tree;
      const leaves: TreeLeafInfo[] = [];
      const parents: TreeParentInfo[] = [];
      for (let x = 0; x < t.nNodes; x++) {
        if (x % 2 === 0) {
          const l = (x / 2) as LeafIndex;
          const leaf = t.leafNode(l);
          const c = leaf?.credential;
          leaves.push({ leafIndex: l, nodeIndex: x, occupied: leaf !== null, identity: c?.kind === 'basic' ? c.identity.slice() : undefined, isMe: l === g.state.myLeaf });
        } else {
          const pn = t.parentNode(x as NodeIndex);
          parents.push({ nodeIndex: x, blank: pn === null, unmergedLeaves: pn ? [...pn.unmergedLeaves] : [] });
        }
      }
      return { epoch: g.state.context.epoch, leaves, parents };
    });
  }

  async exportSecret(p: { readonly groupId: Uint8Array; readonly label: string; readonly context: Uint8Array; readonly length: number }): Promise<Tracked<Uint8Array>> {
    return this.locked(p.groupId, async (g) => {
      if (typeof p.label !== 'string') throw new MlsError('STATE', 'exportSecret: label must be a string');
      return mlsExporter(g.state.cs, g.state.secrets.exporterSecret, p.label, p.context, p.length);
    });
  }

  async epochAuthenticator(p: { readonly groupId: Uint8Array }): Promise<Tracked<Uint8Array>> {
    return this.locked(p.groupId, async (g) => g.state.secrets.epochAuthenticator.slice());
  }

  async groupInfo(p: { readonly groupId: Uint8Array } & GroupInfoOptions): Promise<Tracked<Uint8Array>> {
    return this.locked(p.groupId, async (g) =>
      createGroupInfo(g.state, {
        ...(p.ratchetTree !== undefined ? { ratchetTree: p.ratchetTree } : {}),
        ...(p.externalPub !== undefined ? { externalPub: p.externalPub } : {}),
      }),
    );
  }

  // ---- internals -------------------------------------------------------------------------------------------------

  private emit(e: GroupEvent): void {
    if (this.closed) return;
    try {
      this.listener?.(e);
    } catch {
      // the facade's listener never throws; a custom one must not break the engine
    }
  }

  /** Run `fn` on the group's current state, holding the group's lock; the result carries the epoch after it. */
  private locked<T>(groupId: Uint8Array, fn: (g: Loaded) => Promise<T>, ctl?: Ctl): Promise<Tracked<T>> {
    if (this.closed) return Promise.reject(new MlsError('STATE', 'the client is closed'));
    if (!(groupId instanceof Uint8Array)) return Promise.reject(new MlsError('STATE', 'groupId must be a Uint8Array'));
    return withGroupLock(
      groupId,
      async () => {
        const g = await this.fresh(groupId);
        if (g.checkEarly) {
          g.checkEarly = false;
          await this.applyEarly(g);
        }
        const value = await fn(g);
        return { value, epoch: g.state.context.epoch, active: g.state.active };
      },
      { ...this.lockOpts, ...(ctl?.signal ? { signal: ctl.signal } : {}) },
    );
  }

  /**
   * The group as stored now (call under the lock): the loaded state when nothing was written since; only the
   * secret tree reloaded when another writer only moved it on (messages); else the whole state reloaded.
   */
  private async fresh(groupId: Uint8Array): Promise<Loaded> {
    const hex = toHex(groupId);
    const cur = this.groups.get(hex);
    if (cur && cur.tv !== undefined) {
      const tk = treeKey(groupId, cur.state.context.epoch);
      const m = await this.storage.getMeta('secrets', tk);
      const tm = m && readTreeMeta(m);
      if (tm?.v === cur.tv) return cur;
      if (tm?.s === cur.v) {
        // Same state version: another tab or worker sent or decrypted messages. Reload the tree only (O(1)).
        const rec = await this.storage.get('secrets', tk);
        const rm = rec && readTreeMeta(rec.meta);
        if (rec && rm?.s === cur.v) {
          let tree: SecretTree;
          try {
            tree = secretTreeFrom(rec.value);
          } finally {
            rec.value.fill(0);
          }
          const before = cur.state.secretTree;
          cur.state = { ...cur.state, secretTree: tree };
          cur.tv = rm.v;
          // The old tree holds keys the other writer consumed (§9.2); a pending commit may still refer to it.
          if (cur.pending === undefined) wipeReleased(before, tree);
          return cur;
        }
      }
    } else if (cur) {
      // Old layout loaded: the `groups` record's version is the whole story.
      const meta = await this.storage.getMeta('groups', cur.key);
      if (meta !== undefined && readGroupMeta(meta).v === cur.v) return cur;
    }
    return this.load(groupId, cur);
  }

  /** Read the group's records (state, and tree when stored apart) and replace the loaded group. */
  private async load(groupId: Uint8Array, cur: Loaded | undefined): Promise<Loaded> {
    const hex = toHex(groupId);
    const key = groupKey(groupId);
    for (let attempt = 0; ; attempt++) {
      const rec = await this.storage.get('groups', key);
      if (rec === undefined) {
        this.groups.delete(hex);
        throw new MlsError('STATE', `group ${hex} is not in storage (never joined, or deleted)`);
      }
      const meta = readGroupMeta(rec.meta);
      const tr = await this.storage.get('secrets', treeKey(groupId, meta.epoch));
      // Without the lock (no Web Locks) a writer may have committed between the two reads: pair only records of
      // one version, else read again.
      const again = await this.storage.getMeta('groups', key);
      const tm = tr && readTreeMeta(tr.meta);
      if (again === undefined || readGroupMeta(again).v !== meta.v || (tm !== undefined && tm.s !== meta.v)) {
        rec.value.fill(0);
        tr?.value.fill(0);
        if (attempt < 3) continue;
        throw new MlsError('STORAGE', `group ${hex}: its state and secret tree records do not match (v ${meta.v}, tree of v ${String(tm?.s)})`);
      }
      let state: GroupState;
      try {
        // Both decoders keep no reference to their input: the unsealed bytes are wiped at once.
        const secretTree = tr ? secretTreeFrom(tr.value) : undefined;
        state = deserializeGroupState(rec.value, this.cs, secretTree ? { secretTree } : {});
      } finally {
        rec.value.fill(0);
        tr?.value.fill(0);
      }
      const epoch = state.context.epoch;
      const keep = cur?.pending !== undefined && cur.pending.staged.fromEpoch === epoch;
      const g: Loaded = {
        groupId: groupId.slice(),
        key,
        state,
        v: meta.v,
        tv: tm?.v,
        pending: keep ? cur!.pending : undefined,
        pendingDropped: cur?.pending !== undefined && !keep ? epoch : cur?.pendingDropped,
        checkEarly: true,
      };
      this.groups.set(hex, g);
      if (cur && cur.state.context.epoch !== epoch) this.emit({ type: 'epoch', groupId: g.groupId, epoch, reason: 'reloaded' });
      return g;
    }
  }

  /** Store a new group (the batch fails when the group exists). */
  private async insert(state: GroupState, extra?: (b: WriteBatch) => void): Promise<void> {
    const gid = state.context.groupId;
    const key = groupKey(gid);
    const v = firstVersion();
    const bytes = serializeGroupState(state, { secretTree: false });
    const tree = secretTreeBytes(state.secretTree);
    const b = new WriteBatch()
      .check('groups', key, null)
      .put('groups', key, bytes, { epoch: state.context.epoch, v, active: state.active })
      .deleteRange('pending', { prefix: storageKey(gid) })
      .deleteRange('secrets', { prefix: storageKey(gid) })
      .put('secrets', treeKey(gid, state.context.epoch), tree, treeMeta(v, v, state.context.epoch));
    extra?.(b);
    try {
      await this.storage.commit(b);
    } catch (e) {
      if (isStorageConflict(e)) throw new MlsError('STATE', `group ${toHex(gid)} is stored already (deleteGroup first to join again)`, { cause: e });
      throw e;
    } finally {
      bytes.fill(0);
      tree.fill(0);
    }
    this.groups.set(toHex(gid), { groupId: gid.slice(), key, state, v, tv: v, checkEarly: false });
  }

  /**
   * Write `next` as the group's state (one batch, version-checked); swap memory only once it is stored. When only
   * the current epoch's secret tree changed (a message), only the `secrets` record is written.
   */
  private async write(g: Loaded, next: GroupState, extra?: (b: WriteBatch) => void): Promise<void> {
    if (g.tv !== undefined && onlySecretTreeChanged(g.state, next)) return this.writeTree(g, g.tv, next, extra);
    const n = (g.tv ?? g.v) + 1;
    const epoch = next.context.epoch;
    const bytes = serializeGroupState(next, { secretTree: false });
    const tree = secretTreeBytes(next.secretTree);
    const b = new WriteBatch().check('groups', g.key, { v: g.v });
    if (g.tv !== undefined) b.check('secrets', treeKey(g.groupId, g.state.context.epoch), { v: g.tv });
    b.put('groups', g.key, bytes, { epoch, v: n, active: next.active })
      // Every tree record of the group goes (the old epoch's: its keys must not outlive it, §9.2; kept past
      // epochs' trees are inside the state record), then the new epoch's is written (ops apply in order).
      .deleteRange('secrets', { prefix: storageKey(g.groupId) })
      .put('secrets', treeKey(g.groupId, epoch), tree, treeMeta(n, n, epoch));
    extra?.(b);
    try {
      await this.storage.commit(b);
    } finally {
      bytes.fill(0); // the provider copied (or sealed) it synchronously
      tree.fill(0);
    }
    g.state = next;
    g.v = n;
    g.tv = n;
  }

  /** A message's write: the current epoch's secret tree record only (O(1) in the group size). */
  private async writeTree(g: Loaded, tv: number, next: GroupState, extra?: (b: WriteBatch) => void): Promise<void> {
    const epoch = next.context.epoch;
    const tk = treeKey(g.groupId, epoch);
    const tree = secretTreeBytes(next.secretTree);
    const b = new WriteBatch().check('secrets', tk, { v: tv }).put('secrets', tk, tree, treeMeta(tv + 1, g.v, epoch));
    extra?.(b);
    try {
      await this.storage.commit(b);
    } finally {
      tree.fill(0);
    }
    g.state = next;
    g.tv = tv + 1;
  }

  /** Write a same-epoch state whose secret tree moved on, then zero the released ratchet secrets and keys. */
  private async writeReplacingTree(g: Loaded, next: GroupState, extra?: (b: WriteBatch) => void): Promise<void> {
    const before = g.state;
    await this.write(g, next, extra);
    if (g.pending !== undefined) return; // the staged next epoch may keep this epoch's tree (config.pastEpochs)
    if (before.secretTree !== next.secretTree) wipeReleased(before.secretTree, next.secretTree);
    // A late message of a kept past epoch moved that epoch's tree on.
    before.pastEpochs.forEach((p, i) => {
      const q = next.pastEpochs[i];
      if (q && q.context.epoch === p.context.epoch && q.secretTree !== p.secretTree) wipeReleased(p.secretTree, q.secretTree);
    });
  }

  /** Process one message of the current epoch (or a kept past one); persists its effect. `extra` joins the batch. */
  private async processOne(g: Loaded, m: MLSMessage, extra?: (b: WriteBatch) => void): Promise<Exclude<ReceivedEvent, { kind: 'buffered' }>> {
    const before = g.state;
    const r = processMessage(before, m);
    switch (r.kind) {
      case 'application': {
        await this.writeReplacingTree(g, r.state, extra);
        return applicationEvent(before, r);
      }
      case 'proposal': {
        await this.writeReplacingTree(g, r.state, extra);
        return { kind: 'proposal', proposal: proposalSummary(before, r.proposal, r.sender), sender: senderRef(before, r.sender), ref: r.ref, epoch: before.context.epoch };
      }
      case 'commit':
        return this.merge(g, r.staged, 'commit', extra);
    }
  }

  /** Merge a staged commit: one batch (new state, held messages of older epochs gone), then swap and announce. */
  private async merge(g: Loaded, staged: StagedCommit, reason: 'commit' | 'confirmed', extra?: (b: WriteBatch) => void): Promise<CommitEvent> {
    const old = g.state;
    const next = mergeStagedCommit(old, staged);
    const ownPendingLost = reason === 'commit' && g.pending !== undefined;
    const gid = g.groupId;
    const epoch = next.context.epoch;
    await this.write(g, next, (b) => {
      b.deleteRange('pending', next.active ? { prefix: storageKey(gid), upper: storageKey(gid, epoch) } : { prefix: storageKey(gid) });
      extra?.(b);
    });
    g.pending = undefined;
    g.pendingDropped = ownPendingLost ? old.context.epoch : undefined;
    const s = staged.summary;
    const at = (st: GroupState, l: LeafIndex): MemberRef | undefined => {
      const leaf = l < st.tree.nLeaves ? st.tree.leafNode(l) : null;
      return leaf ? memberRefOf(l, leaf.credential) : undefined;
    };
    const defined = <T>(x: (T | undefined)[]): T[] => x.filter((v): v is T => v !== undefined);
    const ev: CommitEvent = {
      kind: 'commit',
      epoch,
      committer: at(staged.removed ? old : next, s.committer),
      external: s.external,
      joined: defined((s.external ? [s.committer] : s.added).map((l) => at(next, l))),
      left: defined(s.removed.map((l) => at(old, l))),
      updated: defined(s.updated.map((l) => at(next, l))),
      removedMe: staged.removed,
      released: [],
    };
    wipeEpoch(old, next);
    this.emit({ type: 'epoch', groupId: gid, epoch, reason });
    if (staged.removed) this.emit({ type: 'removed', groupId: gid, epoch });
    else this.channel.announce(gid, epoch);
    return ev;
  }

  private async confirmIn(g: Loaded): Promise<CommitEvent> {
    const created = g.pending;
    if (created === undefined) {
      if (g.pendingDropped !== undefined)
        throw new MlsError(
          'WRONG_EPOCH',
          `the pending commit was dropped: the group moved to epoch ${g.state.context.epoch} (another commit was merged first, here or in another tab)`,
        );
      throw new MlsError('STATE', 'no pending commit to confirm');
    }
    if (created.staged.fromEpoch !== g.state.context.epoch) {
      g.pending = undefined;
      throw new MlsError('WRONG_EPOCH', `the pending commit is for epoch ${created.staged.fromEpoch}; the group is at ${g.state.context.epoch}`);
    }
    const ev = await this.merge(g, created.staged, 'confirmed');
    return { ...ev, released: await this.applyEarly(g) };
  }

  /** Hold a message of a later epoch in the `pending` store (bounded). */
  private async hold(g: Loaded, epoch: bigint, bytes: Uint8Array): Promise<ReceivedEvent> {
    const limits = { ...EARLY_DEFAULTS, ...this.init.earlyMessages };
    const current = g.state.context.epoch;
    if (!g.state.active) throw new MlsError('WRONG_EPOCH', `message for epoch ${epoch}: this member left the group at epoch ${current}`);
    if (epoch - current > BigInt(limits.maxEpochsAhead))
      throw new MlsError(
        'WRONG_EPOCH',
        `message epoch ${epoch} is too far ahead of the group's epoch ${current} (at most ${limits.maxEpochsAhead} ahead are held)`,
      );
    const gid = g.groupId;
    const held = await this.storage.count('pending', { prefix: storageKey(gid) });
    if (held >= limits.maxMessages)
      throw new MlsError('STATE', `the early-message buffer of this group is full (${held} held; the commit for epoch ${current + 1n} is missing?)`);
    const last = await this.storage.listMeta('pending', { prefix: storageKey(gid, epoch), reverse: true, limit: 1 });
    const seq = last[0] ? seqOf(last[0].key) + 1n : 0n;
    await this.storage.commit(new WriteBatch().put('pending', storageKey(gid, epoch, seq), bytes, { epoch }));
    return { kind: 'buffered', epoch };
  }

  /** Process the held messages of the current epoch in arrival order (and of later epochs as commits arrive). */
  private async applyEarly(g: Loaded): Promise<ReleasedEvent[]> {
    const released: ReleasedEvent[] = [];
    for (;;) {
      if (!g.state.active) return released;
      const epoch = g.state.context.epoch;
      const recs = await this.storage.list('pending', { prefix: storageKey(g.groupId, epoch) });
      if (recs.length === 0) return released;
      let advanced = false;
      for (const rec of recs) {
        let ev: ReleasedEvent;
        try {
          ev = await this.processOne(g, mlsMessageFrom(rec.value), (b) => void b.delete('pending', rec.key));
        } catch (e) {
          if (isMlsError(e, 'STORAGE')) throw e; // nothing changed; the record stays for a retry
          const err = asMlsError(e);
          await this.storage.commit(new WriteBatch().delete('pending', rec.key));
          ev = { kind: 'dropped', epoch, code: err.code, message: err.message };
        }
        released.push(ev);
        this.emit({ type: 'message', groupId: g.groupId, event: ev });
        if (g.state.context.epoch !== epoch || !g.state.active) {
          advanced = true;
          break;
        }
      }
      if (!advanced) return released;
    }
  }

  /** Another tab announced a newer epoch: reload now so the app hears of it (the lock re-check is the real guard). */
  private onHint(groupId: Uint8Array, epoch: bigint): void {
    const g = this.groups.get(toHex(groupId));
    if (this.closed || !g || epoch <= g.state.context.epoch) return;
    void withGroupLock(groupId, () => this.fresh(groupId), { ...this.lockOpts }).catch(() => {});
  }

  // ---- test hooks ------------------------------------------------------------------------------------------------

  /**
   * Tests only (EngineInit.debug): raw records through the storage's own decoding, and the secrets of a group's
   * loaded state, so tests can check deletion and sealing. Refused unless the engine was started with debug.
   */
  async debug(req: DebugRequest): Promise<unknown> {
    if (this.init.debug !== true) throw new MlsError('STATE', 'debug hooks are disabled');
    switch (req.kind) {
      case 'records': {
        const out: { store: string; key: Uint8Array; value: Uint8Array; meta: unknown }[] = [];
        for (const store of STORES)
          for (const r of await this.storage.list(store)) out.push({ store, key: r.key, value: r.value, meta: { ...r.meta } });
        return out;
      }
      case 'secrets': {
        const g = await withGroupLock(req.groupId, () => this.fresh(req.groupId), { ...this.lockOpts });
        const s = g.state;
        const epochSecrets: Record<string, Uint8Array> = {};
        for (const [k, v] of Object.entries(s.secrets)) if (v instanceof Uint8Array) epochSecrets[k] = v.slice();
        return {
          epoch: s.context.epoch,
          signaturePrivateKey: s.signaturePrivateKey.slice(),
          privateKeys: [...s.privateKeys.values()].map((k) => k.slice()),
          epochSecrets,
          secretTree: secretTreeBuffers(s.secretTree).map((b) => b.slice()),
          identityPrivateKey: this.id.signaturePrivateKey.slice(),
        };
      }
      case 'failNextCommit': {
        const s = this.storage as Partial<{ failNextCommit(n?: number): void }>;
        if (typeof s.failNextCommit !== 'function') throw new MlsError('STATE', 'this storage has no fault injection');
        s.failNextCommit();
        return undefined;
      }
      case 'ratchet': {
        const g = await withGroupLock(req.groupId, () => this.fresh(req.groupId), { ...this.lockOpts });
        const r = peekLeafRatchets(g.state.secretTree, req.leafIndex as LeafIndex);
        if (!r) return undefined;
        const copy = (x: typeof r.application) => ({ generation: x.generation, secret: x.secret.slice() });
        return { application: copy(r.application), handshake: copy(r.handshake) };
      }
    }
  }
}

// ---- helpers -------------------------------------------------------------------------------------------------------

function credentialOf(init: EngineInit): Credential | undefined {
  if (init.credential !== undefined) return init.credential;
  if (init.identity === undefined) return undefined;
  const identity = typeof init.identity === 'string' ? utf8(init.identity) : init.identity;
  if (!(identity instanceof Uint8Array) || identity.length === 0) throw new MlsError('STATE', 'identity must be a non-empty string or Uint8Array');
  return { kind: 'basic', identity };
}

function sameCredential(a: Credential, b: Credential): boolean {
  if (a.kind === 'basic' && b.kind === 'basic') return bytesEqual(a.identity, b.identity);
  if (a.kind === 'x509' && b.kind === 'x509')
    return a.certificates.length === b.certificates.length && a.certificates.every((c, i) => bytesEqual(c, b.certificates[i]!));
  if (a.kind === 'unknown' && b.kind === 'unknown') return a.credentialType === b.credentialType && bytesEqual(a.body, b.body);
  return false;
}

/** A KeyPackage from an MLSMessage (mls_key_package) or a bare KeyPackage struct. */
function parseKeyPackage(bytes: Uint8Array): KeyPackage {
  if (!(bytes instanceof Uint8Array)) throw new MlsError('DECODE', 'a KeyPackage must be given as bytes');
  let m: MLSMessage | undefined;
  try {
    m = mlsMessageFrom(bytes);
  } catch {
    m = undefined;
  }
  if (m?.wireFormat === WireFormat.mls_key_package) return m.keyPackage;
  return decode(bytes, decodeKeyPackage, 'KeyPackage');
}

/** The event of a decrypted application message, its sender looked up in the state it was processed on. */
function applicationEvent(before: GroupState, r: Extract<ReturnType<typeof processMessage>, { kind: 'application' }>): ApplicationEvent {
  return { kind: 'application', data: r.data, sender: memberRefAt(before, r.sender, r.epoch), authenticatedData: r.authenticatedData, epoch: r.epoch };
}

function rejectedEvent(e: unknown): RejectedEvent {
  const err = asMlsError(e);
  return { kind: 'rejected', code: err.code, message: err.message };
}

/** The group id and epoch a PublicMessage or PrivateMessage claims (checked for real by processMessage). */
function groupAndEpoch(m: MLSMessage): { groupId: Uint8Array; epoch: bigint } {
  if (m.wireFormat === WireFormat.mls_public_message) return { groupId: m.publicMessage.content.groupId, epoch: m.publicMessage.content.epoch };
  if (m.wireFormat === WireFormat.mls_private_message) return { groupId: m.privateMessage.groupId, epoch: m.privateMessage.epoch };
  throw new MlsError('INVALID_MESSAGE', `wire_format ${m.wireFormat} is not a group message (Welcome: joinFromWelcome; GroupInfo: joinByExternalCommit)`);
}

/** The `secrets` key of a group's epoch: that epoch's secret tree record. */
const treeKey = (groupId: Uint8Array, epoch: bigint): Uint8Array => storageKey(groupId, epoch);

/** Meta of a `secrets` record: `v` its version, `s` the version of the state record it belongs to. */
const treeMeta = (v: number, s: number, epoch: bigint): RecordMeta => ({ v, s, epoch });

function readTreeMeta(meta: RecordMeta): { v: number; s: number } {
  const { v, s } = meta;
  if (typeof v !== 'number' || typeof s !== 'number') throw new MlsError('STORAGE', 'secret tree record has malformed meta');
  return { v, s };
}

/**
 * The version a newly stored group starts at: random in [0, 2^40), so that a group deleted and stored again (same
 * id, maybe the same epoch) never reuses a version another tab or worker still has loaded. Bumped by one per write.
 */
function firstVersion(): number {
  const r = crypto.getRandomValues(new Uint32Array(2));
  return (r[0]! & 0xff) * 2 ** 32 + r[1]!;
}

/** True when `next` differs from `before` in the current epoch's secret tree only (a message's effect). */
function onlySecretTreeChanged(before: GroupState, next: GroupState): boolean {
  const a = before as unknown as Record<string, unknown>;
  const b = next as unknown as Record<string, unknown>;
  const keys = Object.keys(b);
  if (keys.length !== Object.keys(a).length) return false;
  for (const k of keys) if (k !== 'secretTree' && a[k] !== b[k]) return false;
  return true;
}

function seqOf(key: Uint8Array): bigint {
  return new DataView(key.buffer, key.byteOffset + key.length - 8, 8).getBigUint64(0);
}

function memberRefOf(leafIndex: number, credential: Credential): MemberRef {
  return { leafIndex, credential, identity: credential.kind === 'basic' ? credential.identity : undefined };
}

/** The member at a leaf in the tree of `epoch` (the current one, or a kept past epoch's). */
function memberRefAt(state: GroupState, leaf: LeafIndex, epoch: bigint = state.context.epoch): MemberRef {
  const tree = state.pastEpochs.find((p) => p.context.epoch === epoch)?.tree ?? state.tree;
  const node = leaf < tree.nLeaves ? tree.leafNode(leaf) : null;
  // The message verified against this leaf's key, so it is there; stay total anyway (the state is stored already).
  if (!node) return { leafIndex: leaf, credential: { kind: 'unknown', credentialType: 0, body: new Uint8Array(0) } };
  return memberRefOf(leaf, node.credential);
}

function senderRef(state: GroupState, s: Sender): SenderRef {
  switch (s.senderType) {
    case SenderType.member:
      return { type: 'member', ...memberRefAt(state, s.leafIndex) };
    case SenderType.external:
      return { type: 'external', index: s.senderIndex };
    default:
      return { type: 'new_member' };
  }
}

function proposalSummary(state: GroupState, p: Proposal, sender: Sender): ProposalSummary {
  switch (p.kind) {
    case 'add': {
      const c = p.keyPackage.leafNode.credential;
      return { type: 'add', credential: c, identity: c.kind === 'basic' ? c.identity : undefined };
    }
    case 'remove': {
      const leaf = p.removed < state.tree.nLeaves ? state.tree.leafNode(p.removed) : null;
      const c = leaf?.credential;
      return { type: 'remove', leafIndex: p.removed, credential: c, identity: c?.kind === 'basic' ? c.identity : undefined };
    }
    case 'update': {
      const c = p.leafNode.credential;
      const leafIndex = sender.senderType === SenderType.member ? sender.leafIndex : undefined;
      return { type: 'update', leafIndex, credential: c, identity: c.kind === 'basic' ? c.identity : undefined };
    }
    case 'unknown':
      return { type: `unknown(${p.proposalType})` };
    default:
      return { type: p.kind };
  }
}

/** Zero the old epoch's secret buffers that the new state does not hold (after the new state is stored). */
function wipeEpoch(old: GroupState, next: GroupState): void {
  const keep = new Set<Uint8Array>();
  const add = (b: Uint8Array | undefined) => void (b && keep.add(b));
  for (const v of Object.values(next.secrets)) if (v instanceof Uint8Array) add(v);
  for (const b of secretTreeBuffers(next.secretTree)) add(b);
  for (const k of next.privateKeys.values()) add(k);
  add(next.signaturePrivateKey);
  for (const p of next.resumptionPsks) add(p.psk);
  for (const p of next.externalPsks) add(p.psk);
  for (const p of next.pastEpochs) {
    add(p.senderDataSecret);
    for (const b of secretTreeBuffers(p.secretTree)) add(b);
  }
  for (const p of next.proposals) add(p.updatePrivateKey);
  const wipe = (b: Uint8Array | undefined) => void (b && !keep.has(b) && b.fill(0));
  for (const v of Object.values(old.secrets)) if (v instanceof Uint8Array) wipe(v);
  for (const b of secretTreeBuffers(old.secretTree)) wipe(b);
  for (const k of old.privateKeys.values()) wipe(k);
  for (const p of old.proposals) wipe(p.updatePrivateKey);
}

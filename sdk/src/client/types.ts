/**
 * The public types of the client facade: options, the {@link MlsClient} and {@link GroupHandle} interfaces, and
 * the events a group produces. `createClient` (engine in this thread) and `createWorkerClient` (engine in a Web
 * Worker) return the same {@link MlsClient} interface.
 *
 * Everything here is plain, structured-clone data: it crosses the worker boundary unchanged. Secrets never appear
 * in these types: the page sees wire messages, plaintext it sent or received, member lists, and exporter outputs
 * it asked for.
 */
import type { Credential } from '../messages/credential.ts';
import type { Extension } from '../messages/extensions.ts';
import type { GroupConfig } from '../group/state.ts';
import type { StorageProvider } from '../storage/provider.ts';
import type { MlsErrorCode } from '../errors.ts';

export type { Credential } from '../messages/credential.ts';
export type { Extension } from '../messages/extensions.ts';
export type { GroupConfig } from '../group/state.ts';

/** Limits of the early-message buffer (messages for an epoch whose commit has not been processed yet). */
export interface EarlyMessageLimits {
  /**
   * How many epochs past the current one a message may be and still be held (default 1: the next epoch).
   * Further ahead: MlsError WRONG_EPOCH.
   */
  readonly maxEpochsAhead?: number;
  /** How many messages one group may hold (default 100). More: MlsError STATE. */
  readonly maxMessages?: number;
}

/** Options of `createClient`. */
export interface ClientOptions {
  /**
   * The identity of a basic credential (a user or device name; a string is UTF-8 encoded). Needed the first time
   * a database is used; later it must match the stored identity (or be omitted).
   */
  readonly identity?: string | Uint8Array;
  /** A full credential instead of `identity` (e.g. x509). */
  readonly credential?: Credential;
  /** The MLS cipher suite id (default 1, MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519; 2 and 3 also work). */
  readonly cipherSuite?: number;
  /**
   * Where state lives: `'indexeddb'` (default where IndexedDB exists: sealed at rest), `'memory'` (default
   * elsewhere: nothing survives the client), or your own StorageProvider (createClient only).
   */
  readonly storage?: 'indexeddb' | 'memory' | StorageProvider;
  /** The IndexedDB database name (default 'webmls'); also separates Web Locks of different identities. */
  readonly databaseName?: string;
  /** Per-group policy for groups this client creates or joins (wire formats, windows, padding, …). */
  readonly groupConfig?: Partial<GroupConfig>;
  /** Limits of the early-message buffer. */
  readonly earlyMessages?: EarlyMessageLimits;
  /** Crypto backend: 'wasm' (default: the constant-time AssemblyScript core) or 'noble' (pure JS). */
  readonly crypto?: 'wasm' | 'noble';
  /** Where to load core.wasm from (default: the bundled module). */
  readonly wasmUrl?: string;
}

/** Options of `createWorkerClient`: as {@link ClientOptions}, but storage is named (a provider object cannot cross). */
export interface WorkerClientOptions extends Omit<ClientOptions, 'storage'> {
  readonly storage?: 'indexeddb' | 'memory';
  /** A worker running workers/mls.worker.ts that you started yourself (default: the bundled one). */
  readonly worker?: Worker;
}

/** Options of long operations: cancel with `signal`, follow with `onProgress(done, total)`. */
export interface LongOptions {
  /**
   * Abort: the operation stops at its next step boundary with MlsError ABORTED and changes nothing (a step in
   * progress, e.g. one tree validation, runs to its end first).
   */
  readonly signal?: AbortSignal;
  /** Called as steps complete (`done` of `total`; `total` may grow once it is known). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** A member of a group, as the application sees it. */
export interface MemberRef {
  readonly leafIndex: number;
  readonly credential: Credential;
  /** The identity of a basic credential (undefined for other credential types). */
  readonly identity?: Uint8Array | undefined;
}

/** A member in `members()`: its keys are public. */
export interface MemberInfo extends MemberRef {
  readonly signatureKey: Uint8Array;
  /** True for this client's own leaf. */
  readonly isMe: boolean;
}

/** A leaf of the public ratchet tree (§7.8): `leafIndex` i is node 2i. */
export interface TreeLeafInfo {
  readonly leafIndex: number;
  /** Node index in the array representation (§7.8: 2 × leafIndex). */
  readonly nodeIndex: number;
  /** False for a blank leaf (a free slot). */
  readonly occupied: boolean;
  /** The identity of a basic credential, for an occupied leaf. */
  readonly identity?: Uint8Array | undefined;
  /** True for this client's own leaf. */
  readonly isMe: boolean;
}

/** A parent node of the public ratchet tree (§7.8): odd node indices. */
export interface TreeParentInfo {
  readonly nodeIndex: number;
  /** True when the node is blank (no key; its resolution is its children's, §4.1.1). */
  readonly blank: boolean;
  /** Leaves added since this node was last set (§7.2 unmerged_leaves; empty for a blank node). */
  readonly unmergedLeaves: readonly number[];
}

/**
 * The shape of the group's public ratchet tree (no keys, no secrets): every leaf slot and parent node of the
 * full tree of 2^d leaves, in index order. For visualisation and diagnostics.
 */
export interface TreeInfo {
  readonly epoch: bigint;
  readonly leaves: readonly TreeLeafInfo[];
  readonly parents: readonly TreeParentInfo[];
}

/** Who sent a message: a member, an external sender (§12.1.8), or a joiner proposing or committing itself. */
export type SenderRef =
  | ({ readonly type: 'member' } & MemberRef)
  | { readonly type: 'external'; readonly index: number }
  | { readonly type: 'new_member' };

/** A proposal in an event. `leafIndex` for Remove and Update, the credential for Add and Update. */
export interface ProposalSummary {
  /** 'add' | 'update' | 'remove' | 'psk' | 'reinit' | 'external_init' | 'group_context_extensions' | … */
  readonly type: string;
  readonly leafIndex?: number | undefined;
  readonly credential?: Credential | undefined;
  readonly identity?: Uint8Array | undefined;
}

/** An application message. */
export interface ApplicationEvent {
  readonly kind: 'application';
  readonly data: Uint8Array;
  readonly sender: MemberRef;
  readonly authenticatedData: Uint8Array;
  readonly epoch: bigint;
}

/** A proposal, cached for the next commit of this epoch. */
export interface ProposalEvent {
  readonly kind: 'proposal';
  readonly proposal: ProposalSummary;
  readonly sender: SenderRef;
  /** The ProposalRef (§5.2). */
  readonly ref: Uint8Array;
  readonly epoch: bigint;
}

/** A message held back because its epoch has not started here yet (see `EarlyMessageLimits`). */
export interface BufferedEvent {
  readonly kind: 'buffered';
  /** The epoch the message belongs to. */
  readonly epoch: bigint;
}

/** A held message that failed once its epoch came (it is dropped). */
export interface DroppedEvent {
  readonly kind: 'dropped';
  readonly epoch: bigint;
  readonly code: MlsErrorCode;
  readonly message: string;
}

/** A commit was merged: the group is at `epoch` now. */
export interface CommitEvent {
  readonly kind: 'commit';
  /** The new epoch. */
  readonly epoch: bigint;
  /** The committer (for an external commit: the joiner in its new leaf). */
  readonly committer: MemberRef | undefined;
  readonly external: boolean;
  readonly joined: readonly MemberRef[];
  /** Removed members, as they were before the commit. */
  readonly left: readonly MemberRef[];
  readonly updated: readonly MemberRef[];
  /** This client was removed: the group is inactive now. */
  readonly removedMe: boolean;
  /** Held messages of the new epoch(s), processed right after the commit, in arrival order. */
  readonly released: readonly ReleasedEvent[];
}

/** What a held message became once its epoch came. */
export type ReleasedEvent = ApplicationEvent | ProposalEvent | CommitEvent | DroppedEvent;

/** What `receive` returns. */
export type ReceivedEvent = ApplicationEvent | ProposalEvent | CommitEvent | BufferedEvent;

/** A message of a `receiveMany` batch that failed: it changed nothing (`receive` would have thrown this error). */
export interface RejectedEvent {
  readonly kind: 'rejected';
  readonly code: MlsErrorCode;
  readonly message: string;
}

/** One message's outcome in `receiveMany`. */
export type ReceiveManyEvent = ReceivedEvent | RejectedEvent;

/** The output of `commit` (and `add`, `remove`, `update`): send these, then `confirm()` or `discard()`. */
export interface CommitOutput {
  /** The commit (MLSMessage) for the group, through the delivery service. */
  readonly commit: Uint8Array;
  /** The Welcome (MLSMessage) for the added members, when there are any. */
  readonly welcome?: Uint8Array | undefined;
  /**
   * The new epoch's GroupInfo (MLSMessage) with the ratchet tree, to publish for external joins. Undefined when
   * the commit was made with `groupInfo: false`.
   */
  readonly groupInfo?: Uint8Array | undefined;
  /** What the commit will do once confirmed. */
  readonly pending: PendingCommit;
}

/** A commit waiting for the delivery service's answer. */
export interface PendingCommit {
  /** The epoch the commit was made in (confirming moves to `fromEpoch + 1`). */
  readonly fromEpoch: bigint;
  readonly addedLeaves: readonly number[];
  readonly removedLeaves: readonly number[];
  readonly updatedLeaves: readonly number[];
}

/** A KeyPackage to publish; its private keys stay in the client's storage. */
export interface KeyPackageOut {
  /** The KeyPackage as an MLSMessage: upload this to the delivery service. */
  readonly message: Uint8Array;
  /** Its KeyPackageRef (§5.2). */
  readonly ref: Uint8Array;
  /** A last-resort package (§16.8) is kept after use; others are deleted when a Welcome consumes them. */
  readonly lastResort: boolean;
}

/** A group in storage (`listGroups`): read without unsealing anything. */
export interface GroupSummary {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  /** False once this client was removed. */
  readonly active: boolean;
}

/** The client's own identity. */
export interface ClientIdentity {
  readonly credential: Credential;
  readonly signatureKey: Uint8Array;
  readonly cipherSuite: number;
  /** 'indexeddb', 'memory' or a custom provider's kind. */
  readonly storage: string;
  readonly databaseName: string;
}

/** Options of `createGroup`. */
export interface CreateGroupOptions {
  /** Default: 32 random bytes. */
  readonly groupId?: Uint8Array;
  /** GroupContext extensions (required_capabilities, external_senders, …). */
  readonly extensions?: readonly Extension[];
}

/** Options of `joinFromWelcome` and `joinByExternalCommit`. */
export interface JoinOptions extends LongOptions {
  /** The ratchet tree (encoded `ratchet_tree<V>`) when the GroupInfo carries none. */
  readonly ratchetTree?: Uint8Array;
}

/** Options of `joinByExternalCommit`. */
export interface ExternalJoinOptions extends JoinOptions {
  /** Resync (§12.4.3.2): replace this client's stored state of the group, removing its old leaf. */
  readonly resync?: boolean;
}

/** Options of `commit`. */
export interface CommitOptions extends LongOptions {
  /** Include an UpdatePath even when not required (default true: refreshes this member's keys). */
  readonly path?: boolean;
  /**
   * Build the new epoch's GroupInfo (`CommitOutput.groupInfo`; default true). Building it encodes the whole
   * ratchet tree and signs it, O(group size): pass false when nothing publishes it (it can be asked for later
   * with `groupInfo()`, once the commit is confirmed).
   */
  readonly groupInfo?: boolean;
}

/** Options of `groupInfo`. */
export interface GroupInfoOptions {
  /** Include the ratchet tree (default true). */
  readonly ratchetTree?: boolean;
  /** Include external_pub so others can join by external commit (default true). */
  readonly externalPub?: boolean;
}

/** The result of `joinByExternalCommit`. */
export interface ExternalJoinResult {
  readonly group: GroupHandle;
  /** The external commit (MLSMessage): send it to the group. */
  readonly commit: Uint8Array;
  /** The new epoch's GroupInfo (MLSMessage). */
  readonly groupInfo: Uint8Array;
}

/** The events of a group stream. */
export type GroupEvent =
  | { readonly type: 'message'; readonly groupId: Uint8Array; readonly event: ReceivedEvent | ReleasedEvent }
  | {
      readonly type: 'epoch';
      readonly groupId: Uint8Array;
      readonly epoch: bigint;
      /** 'commit': a received commit; 'confirmed': our own; 'reloaded': another tab or worker advanced it. */
      readonly reason: 'commit' | 'confirmed' | 'reloaded';
    }
  | { readonly type: 'removed'; readonly groupId: Uint8Array; readonly epoch: bigint };

/** The event types of `on`. */
export type GroupEventType = GroupEvent['type'];

/** One group, open in a client. Every method is atomic: it either completes and persists, or changes nothing. */
export interface GroupHandle {
  readonly groupId: Uint8Array;
  /** The current epoch as last seen by this handle (updated by every call and by 'epoch' events). */
  readonly epoch: bigint;
  /** False once this client was removed from the group. */
  readonly active: boolean;

  /** Commit Adds of these KeyPackages (MLSMessages or bare KeyPackages), with pending proposals. */
  add(keyPackages: readonly Uint8Array[], options?: CommitOptions): Promise<CommitOutput>;
  /** Commit Removes of these leaves, with pending proposals. */
  remove(leafIndexes: readonly number[], options?: CommitOptions): Promise<CommitOutput>;
  /** Commit a fresh UpdatePath for this member (new leaf keys), with pending proposals. */
  update(options?: CommitOptions): Promise<CommitOutput>;
  /** Commit the pending proposals of this epoch (an empty commit with path when there are none). */
  commit(options?: CommitOptions): Promise<CommitOutput>;
  /** The delivery service accepted our commit: merge it (one atomic write) and move to the next epoch. */
  confirm(): Promise<CommitEvent>;
  /** The delivery service refused our commit: drop it. */
  discard(): Promise<void>;

  /** Propose adding a KeyPackage; returns the proposal to send. */
  proposeAdd(keyPackage: Uint8Array): Promise<Uint8Array>;
  /** Propose removing a leaf; returns the proposal to send. */
  proposeRemove(leafIndex: number): Promise<Uint8Array>;
  /** Propose an Update of this member's leaf (fresh encryption key); returns the proposal to send. */
  proposeUpdate(): Promise<Uint8Array>;

  /**
   * Encrypt an application message; returns the PrivateMessage (MLSMessage) to send. Calls made back to back
   * without awaiting (e.g. under Promise.all) go to the engine together, as one sendMany: one round trip to the
   * worker and one storage write (`data` is copied when the call is made).
   */
  send(data: Uint8Array, options?: { readonly authenticatedData?: Uint8Array }): Promise<Uint8Array>;
  /**
   * Process a received message (PublicMessage or PrivateMessage). The result is also emitted as a 'message'
   * event. A message for a later epoch is held (BufferedEvent) and processed once its commit arrives. Calls made
   * back to back without awaiting go to the engine together, as one receiveMany; each still resolves or rejects
   * with its own outcome.
   */
  receive(message: Uint8Array): Promise<ReceivedEvent>;
  /**
   * Encrypt several application messages in one call: the same messages as `send` one by one, persisted once
   * (one storage write, one round trip to the worker). Nothing is sent or stored when one fails.
   * @example const wires = await group.sendMany(chunks.map((c) => c.bytes));
   */
  sendMany(data: readonly Uint8Array[], options?: { readonly authenticatedData?: Uint8Array }): Promise<Uint8Array[]>;
  /**
   * Receive several messages in order (e.g. a backlog after being offline), one outcome each, in one call: the
   * same results as `receive` one by one, except that a message that fails becomes a RejectedEvent (it changed
   * nothing) instead of stopping the rest. Consecutive application messages are persisted by one write, before
   * any of their plaintext is returned. Every outcome except 'rejected' is also emitted as a 'message' event.
   * @example for (const ev of await group.receiveMany(queued)) if (ev.kind === 'application') show(ev);
   */
  receiveMany(messages: readonly Uint8Array[]): Promise<ReceiveManyEvent[]>;

  /** The members, in leaf order. */
  members(): Promise<MemberInfo[]>;
  /**
   * The public ratchet tree's shape: which leaves are occupied (and by whom), which parents are blank.
   * @example const t = await group.tree(); console.log(t.leaves.filter((l) => l.occupied).length, 'members');
   */
  tree(): Promise<TreeInfo>;
  /** MLS-Exporter(label, context, length) of the current epoch (§8.5). */
  exportSecret(label: string, context: Uint8Array, length: number): Promise<Uint8Array>;
  /** The epoch authenticator (§8.7): compare it out of band to detect forks. */
  epochAuthenticator(): Promise<Uint8Array>;
  /** A signed GroupInfo (MLSMessage) of the current epoch. */
  groupInfo(options?: GroupInfoOptions): Promise<Uint8Array>;
  /**
   * Ask to leave: returns a Remove proposal for this member, to send. Another member commits it; this client sees
   * the commit as a CommitEvent with `removedMe` (and a 'removed' event).
   */
  leave(): Promise<Uint8Array>;

  /** Listen for events of this group; returns the function that stops listening. */
  on<T extends GroupEventType>(type: T, listener: (event: Extract<GroupEvent, { type: T }>) => void): () => void;
  /** The events of this group as an async iterator (ends when the client is closed or `return()` is called). */
  events(): AsyncIterableIterator<GroupEvent>;
}

/** A client: one identity, one storage. */
export interface MlsClient {
  /** The client's credential and public signature key. */
  identity(): Promise<ClientIdentity>;
  /** Create and store `count` KeyPackages (last-resort ones when `lastResort`); publish their `message`s. */
  createKeyPackages(count: number, options?: LongOptions & { readonly lastResort?: boolean }): Promise<KeyPackageOut[]>;
  /** Create a one-member group at epoch 0. */
  createGroup(options?: CreateGroupOptions): Promise<GroupHandle>;
  /** Join from a Welcome (MLSMessage) addressed to one of this client's KeyPackages. */
  joinFromWelcome(welcome: Uint8Array, options?: JoinOptions): Promise<GroupHandle>;
  /**
   * Join by external commit from a GroupInfo (MLSMessage with external_pub). The new state is stored at once:
   * if the delivery service refuses the commit, `deleteGroup` and try again.
   */
  joinByExternalCommit(groupInfo: Uint8Array, options?: ExternalJoinOptions): Promise<ExternalJoinResult>;
  /** The groups in storage (e.g. after a page reload). */
  listGroups(): Promise<GroupSummary[]>;
  /** Open a stored group. @throws MlsError STATE when there is none. */
  openGroup(groupId: Uint8Array): Promise<GroupHandle>;
  /** Delete a group's stored state and held messages. */
  deleteGroup(groupId: Uint8Array): Promise<void>;
  /** Listen for events of every group; returns the function that stops listening. */
  on<T extends GroupEventType>(type: T, listener: (event: Extract<GroupEvent, { type: T }>) => void): () => void;
  /** Release the storage (and terminate the worker of a worker client). */
  close(): Promise<void>;
}

/**
 * The engine protocol: the flat, typed API the facade calls, in this thread (`createClient`) or through Comlink
 * in a worker (`createWorkerClient`). Types first (STYLE.md "Small, well-loved browser libraries"): every
 * parameter and result is plain structured-clone data (bytes as Uint8Array, epochs as bigint); groups are named
 * by id; every group call returns its result with the group's epoch after the call, so a handle's `epoch` is
 * current the moment a call resolves.
 */
import type {
  ClientIdentity,
  CommitEvent,
  CommitOutput,
  CreateGroupOptions,
  EarlyMessageLimits,
  GroupConfig,
  GroupEvent,
  GroupInfoOptions,
  GroupSummary,
  KeyPackageOut,
  MemberInfo,
  ReceivedEvent,
  ReceiveManyEvent,
  TreeInfo,
} from './types.ts';
import type { Credential } from '../messages/credential.ts';

/** What the engine needs besides a StorageProvider (all structured-clone data). */
export interface EngineInit {
  readonly identity?: string | Uint8Array;
  readonly credential?: Credential;
  readonly cipherSuite?: number;
  readonly databaseName?: string;
  readonly groupConfig?: Partial<GroupConfig>;
  readonly earlyMessages?: EarlyMessageLimits;
  readonly crypto?: 'wasm' | 'noble';
  readonly wasmUrl?: string;
  /** Tests only: enable the debug hooks (client/debug.ts), which expose secrets. Never set it in an app. */
  readonly debug?: boolean;
}

/** Progress and cancellation inside the engine (AbortSignal and callback are local objects). */
export interface Ctl {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/** A group call's result with the group's state after it. */
export interface Tracked<T> {
  readonly value: T;
  readonly epoch: bigint;
  readonly active: boolean;
}

/** Identifies a group in a call. */
export interface GroupRef {
  readonly groupId: Uint8Array;
}

/** A commit request: Adds, Removes and/or a path, on top of the pending proposals. */
export interface CommitRequest extends GroupRef {
  readonly add?: readonly Uint8Array[];
  readonly remove?: readonly number[];
  readonly path?: boolean;
  /** Build the new epoch's GroupInfo (default true; O(N) with the tree in it). */
  readonly groupInfo?: boolean;
}

/** A proposal request. */
export type ProposalRequest = GroupRef &
  ({ readonly type: 'add'; readonly keyPackage: Uint8Array } | { readonly type: 'remove'; readonly leafIndex: number } | { readonly type: 'update' });

/** The engine's API. Each method takes one params object and, for long work, a Ctl. */
export interface EngineApi {
  identity(p: Record<string, never>): Promise<ClientIdentity>;
  createKeyPackages(p: { readonly count: number; readonly lastResort?: boolean }, ctl?: Ctl): Promise<KeyPackageOut[]>;
  createGroup(p: CreateGroupOptions): Promise<Tracked<Uint8Array>>;
  joinFromWelcome(p: { readonly welcome: Uint8Array; readonly ratchetTree?: Uint8Array }, ctl?: Ctl): Promise<Tracked<Uint8Array>>;
  joinByExternalCommit(
    p: { readonly groupInfo: Uint8Array; readonly ratchetTree?: Uint8Array; readonly resync?: boolean },
    ctl?: Ctl,
  ): Promise<Tracked<{ readonly groupId: Uint8Array; readonly commit: Uint8Array; readonly groupInfo: Uint8Array }>>;
  listGroups(p: Record<string, never>): Promise<GroupSummary[]>;
  openGroup(p: GroupRef): Promise<Tracked<Uint8Array>>;
  deleteGroup(p: GroupRef): Promise<void>;
  commit(p: CommitRequest, ctl?: Ctl): Promise<Tracked<CommitOutput>>;
  confirm(p: GroupRef): Promise<Tracked<CommitEvent>>;
  discard(p: GroupRef): Promise<Tracked<void>>;
  propose(p: ProposalRequest): Promise<Tracked<Uint8Array>>;
  send(p: GroupRef & { readonly data: Uint8Array; readonly authenticatedData?: Uint8Array }): Promise<Tracked<Uint8Array>>;
  receive(p: GroupRef & { readonly message: Uint8Array }): Promise<Tracked<ReceivedEvent>>;
  sendMany(p: GroupRef & { readonly data: readonly Uint8Array[]; readonly authenticatedData?: Uint8Array }): Promise<Tracked<Uint8Array[]>>;
  receiveMany(p: GroupRef & { readonly messages: readonly Uint8Array[] }): Promise<Tracked<ReceiveManyEvent[]>>;
  members(p: GroupRef): Promise<Tracked<MemberInfo[]>>;
  tree(p: GroupRef): Promise<Tracked<TreeInfo>>;
  exportSecret(p: GroupRef & { readonly label: string; readonly context: Uint8Array; readonly length: number }): Promise<Tracked<Uint8Array>>;
  epochAuthenticator(p: GroupRef): Promise<Tracked<Uint8Array>>;
  groupInfo(p: GroupRef & GroupInfoOptions): Promise<Tracked<Uint8Array>>;
  leave(p: GroupRef): Promise<Tracked<Uint8Array>>;
  close(p: Record<string, never>): Promise<void>;
}

export type EngineMethod = keyof EngineApi;
export type ParamsOf<K extends EngineMethod> = Parameters<EngineApi[K]>[0];
export type ResultOf<K extends EngineMethod> = Awaited<ReturnType<EngineApi[K]>>;

/** Listener for engine events. */
export type EngineListener = (e: GroupEvent) => void;


/** A worker call's result, with the engine events raised up to then (dispatched before the result resolves). */
export interface Reply<T> {
  readonly value: T;
  readonly events: readonly GroupEvent[];
}

/** The API the worker exposes through Comlink (workers/mls.worker.ts). */
export interface WorkerApi {
  /** Open storage and the identity; events arrive as one-way messages (client/transfer.ts EVENT_KEY). */
  init(init: EngineInit & { readonly storage?: 'indexeddb' | 'memory' }): Promise<ClientIdentity>;
  /**
   * Forward one engine call. Long work: `opId` names it for `abort`; `onProgress` is a Comlink proxy (a top-level
   * argument: Comlink proxies only top-level values).
   */
  call<K extends EngineMethod>(
    method: K,
    params: ParamsOf<K>,
    opId?: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Reply<ResultOf<K>>>;
  /** Abort the long operation `opId` (its AbortSignal fires in the worker). */
  abort(opId: number): void;
  /** Tests only (needs `debug: true`): see client/debug.ts. */
  debug(what: DebugRequest): Promise<unknown>;
}

/** Debug hook requests (tests only). */
export type DebugRequest =
  | { readonly kind: 'records' }
  | { readonly kind: 'secrets'; readonly groupId: Uint8Array }
  | { readonly kind: 'ratchet'; readonly groupId: Uint8Array; readonly leafIndex: number }
  | { readonly kind: 'failNextCommit' };

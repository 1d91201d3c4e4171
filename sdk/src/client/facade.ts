/**
 * The facade: `MlsClient` and `GroupHandle` over a Backend that runs the engine — in this thread (local.ts) or in
 * a worker (worker-client.ts). The same code serves both, so both have exactly the same interface and behaviour.
 * No protocol logic and no secrets here: calls, the handles' cached epoch, and event fan-out.
 */
import { MlsError } from '../errors.ts';
import { toHex } from '../storage/keys.ts';
import { asMlsError } from './as-error.ts';
import { Emitter } from './events.ts';
import type { CommitRequest, Ctl, EngineListener, EngineMethod, ParamsOf, ResultOf, Tracked } from './protocol.ts';
import type {
  ClientIdentity,
  CommitEvent,
  CommitOptions,
  CommitOutput,
  CreateGroupOptions,
  ExternalJoinOptions,
  ExternalJoinResult,
  GroupEvent,
  GroupEventType,
  GroupHandle,
  GroupInfoOptions,
  GroupSummary,
  JoinOptions,
  KeyPackageOut,
  LongOptions,
  MemberInfo,
  TreeInfo,
  MlsClient,
  ReceivedEvent,
  ReceiveManyEvent,
  RejectedEvent,
} from './types.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Runs engine calls somewhere; errors are MlsErrors. */
export interface Backend {
  call<K extends EngineMethod>(method: K, params: ParamsOf<K>, ctl?: Ctl): Promise<ResultOf<K>>;
  /** Release everything (storage; the worker). */
  close(): Promise<void>;
}

const ctlOf = (o: LongOptions | undefined): Ctl | undefined =>
  o?.signal !== undefined || o?.onProgress !== undefined ? { signal: o.signal, onProgress: o.onProgress } : undefined;

function checkBytes(b: unknown, what: string): asserts b is Uint8Array {
  if (!(b instanceof Uint8Array)) throw new MlsError('DECODE', `${what} must be a Uint8Array`);
}
function checkList(list: unknown, what: string): asserts list is readonly Uint8Array[] {
  if (!Array.isArray(list)) throw new MlsError('DECODE', `${what} must be an array of Uint8Array`);
  list.forEach((b, i) => checkBytes(b, `${what}[${i}]`));
}

/** Sends or receives on one group made back to back, waiting to go to the backend as one call. */
interface Batch {
  readonly handle: GroupHandleImpl;
  readonly kind: 'send' | 'receive';
  readonly inputs: Uint8Array[];
  readonly settle: { resolve(v: unknown): void; reject(e: unknown): void }[];
}

/** The MlsClient implementation (see types.ts for the documentation of each method). */
export class ClientFacade implements MlsClient {
  private readonly handles = new Map<string, GroupHandleImpl>();
  private readonly emitter = new Emitter();
  private closed = false;
  private pending: Batch | undefined;

  constructor(private readonly backend: Backend) {}

  /** The listener the backend's engine pushes events to. */
  readonly onEngineEvent: EngineListener = (e) => {
    if (this.closed) return;
    this.handles.get(toHex(e.groupId))?.dispatch(e);
    this.emitter.emit(e);
  };

  /** Call the backend; every error comes out as an MlsError. */
  async call<K extends EngineMethod>(method: K, params: ParamsOf<K>, ctl?: Ctl): Promise<ResultOf<K>> {
    this.flush();
    if (this.closed) throw new MlsError('STATE', 'the client is closed');
    try {
      return await this.backend.call(method, params, ctl);
    } catch (e) {
      throw asMlsError(e);
    }
  }

  identity(): Promise<ClientIdentity> {
    return this.call('identity', {});
  }

  createKeyPackages(count: number, options: LongOptions & { readonly lastResort?: boolean } = {}): Promise<KeyPackageOut[]> {
    return this.call('createKeyPackages', { count, ...(options.lastResort !== undefined ? { lastResort: options.lastResort } : {}) }, ctlOf(options));
  }

  async createGroup(options: CreateGroupOptions = {}): Promise<GroupHandle> {
    return this.handleFor(await this.call('createGroup', options));
  }

  async joinFromWelcome(welcome: Uint8Array, options: JoinOptions = {}): Promise<GroupHandle> {
    checkBytes(welcome, 'welcome');
    const p = { welcome, ...(options.ratchetTree !== undefined ? { ratchetTree: options.ratchetTree } : {}) };
    return this.handleFor(await this.call('joinFromWelcome', p, ctlOf(options)));
  }

  async joinByExternalCommit(groupInfo: Uint8Array, options: ExternalJoinOptions = {}): Promise<ExternalJoinResult> {
    checkBytes(groupInfo, 'groupInfo');
    const r = await this.call(
      'joinByExternalCommit',
      {
        groupInfo,
        ...(options.ratchetTree !== undefined ? { ratchetTree: options.ratchetTree } : {}),
        ...(options.resync !== undefined ? { resync: options.resync } : {}),
      },
      ctlOf(options),
    );
    const group = this.handleFor({ value: r.value.groupId, epoch: r.epoch, active: r.active });
    return { group, commit: r.value.commit, groupInfo: r.value.groupInfo };
  }

  listGroups(): Promise<GroupSummary[]> {
    return this.call('listGroups', {});
  }

  async openGroup(groupId: Uint8Array): Promise<GroupHandle> {
    checkBytes(groupId, 'groupId');
    return this.handleFor(await this.call('openGroup', { groupId }));
  }

  async deleteGroup(groupId: Uint8Array): Promise<void> {
    checkBytes(groupId, 'groupId');
    await this.call('deleteGroup', { groupId });
    this.handles.delete(toHex(groupId));
  }

  on<T extends GroupEventType>(type: T, listener: (event: Extract<GroupEvent, { type: T }>) => void): () => void {
    return this.emitter.on(type, listener);
  }

  /**
   * `send` (without authenticated data) and `receive` calls on one group made back to back, within one microtask
   * turn (e.g. under Promise.all, or several conversations' chains at once), go to the engine as one sendMany /
   * receiveMany: one round trip to the worker and one storage write for the lot, while each call still gets its
   * own result or error, as if made alone (a lone call goes as itself). Any other call first passes the waiting
   * run on, so the engine sees every call in the order it was made. Inputs are copied at once: the caller may
   * reuse its buffer as soon as the call returns, as with any call.
   */
  enqueue(handle: GroupHandleImpl, kind: 'send' | 'receive', input: Uint8Array): Promise<unknown> {
    if (this.closed) return Promise.reject(new MlsError('STATE', 'the client is closed'));
    let b = this.pending;
    if (b === undefined || b.handle !== handle || b.kind !== kind) {
      this.flush();
      const fresh: Batch = (b = { handle, kind, inputs: [], settle: [] });
      this.pending = fresh;
      queueMicrotask(() => {
        if (this.pending === fresh) this.flush();
      });
    }
    const batch = b;
    batch.inputs.push(input.slice());
    return new Promise((resolve, reject) => batch.settle.push({ resolve, reject }));
  }

  /** Pass the waiting run to the backend, synchronously: ahead of any call made after it. */
  private flush(): void {
    const b = this.pending;
    if (b === undefined) return;
    this.pending = undefined;
    void b.handle.runBatch(b);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    for (const h of this.handles.values()) h.closeEvents();
    this.emitter.close();
    this.handles.clear();
    try {
      await this.backend.close();
    } catch (e) {
      throw asMlsError(e);
    }
  }

  private handleFor(t: Tracked<Uint8Array>): GroupHandleImpl {
    const hex = toHex(t.value);
    let h = this.handles.get(hex);
    if (!h) this.handles.set(hex, (h = new GroupHandleImpl(this, t.value)));
    h.track(t);
    return h;
  }
}

/** The GroupHandle implementation: every method is one engine call (back-to-back sends or receives share one). */
class GroupHandleImpl implements GroupHandle {
  private _epoch = 0n;
  private _active = true;
  private readonly emitter = new Emitter();

  constructor(
    private readonly client: ClientFacade,
    readonly groupId: Uint8Array,
  ) {}

  get epoch(): bigint {
    return this._epoch;
  }
  get active(): boolean {
    return this._active;
  }

  /** Adopt the epoch a call or event reports. */
  track(t: { readonly epoch: bigint; readonly active: boolean }): void {
    this._epoch = t.epoch;
    this._active = t.active;
  }

  dispatch(e: GroupEvent): void {
    if (e.type === 'epoch' && e.epoch > this._epoch) this._epoch = e.epoch;
    if (e.type === 'removed') this._active = false;
    this.emitter.emit(e);
  }

  closeEvents(): void {
    this.emitter.close();
  }

  private async run<K extends EngineMethod>(
    method: K,
    params: DistributiveOmit<ParamsOf<K>, 'groupId'>,
    ctl?: Ctl,
  ): Promise<ResultOf<K> extends Tracked<infer T> ? T : never> {
    let r: Tracked<unknown>;
    try {
      r = (await this.client.call(method, { ...params, groupId: this.groupId } as ParamsOf<K>, ctl)) as Tracked<unknown>;
    } catch (e) {
      // WRONG_EPOCH: the engine reloaded a newer epoch (another tab committed): make `epoch` say so before throwing.
      if ((e as MlsError).code === 'WRONG_EPOCH') await this.client.call('openGroup', { groupId: this.groupId }).then((t) => this.track(t), () => {});
      throw e;
    }
    this.track(r);
    return r.value as ResultOf<K> extends Tracked<infer T> ? T : never;
  }

  async add(keyPackages: readonly Uint8Array[], options: CommitOptions = {}): Promise<CommitOutput> {
    if (!Array.isArray(keyPackages) || keyPackages.length === 0) throw new MlsError('STATE', 'add: give at least one KeyPackage');
    keyPackages.forEach((k, i) => checkBytes(k, `keyPackages[${i}]`));
    return this.commitWith({ add: keyPackages }, options);
  }
  async remove(leafIndexes: readonly number[], options: CommitOptions = {}): Promise<CommitOutput> {
    if (!Array.isArray(leafIndexes) || leafIndexes.length === 0) throw new MlsError('STATE', 'remove: give at least one leaf index');
    return this.commitWith({ remove: leafIndexes }, options);
  }
  async update(options: CommitOptions = {}): Promise<CommitOutput> {
    return this.commitWith({ path: true }, options);
  }
  async commit(options: CommitOptions = {}): Promise<CommitOutput> {
    return this.commitWith({}, options);
  }
  private commitWith(req: { add?: readonly Uint8Array[]; remove?: readonly number[]; path?: boolean }, options: CommitOptions): Promise<CommitOutput> {
    const path = options.path ?? req.path;
    const params: DistributiveOmit<CommitRequest, 'groupId'> = {
      ...req,
      ...(path !== undefined ? { path } : {}),
      ...(options.groupInfo !== undefined ? { groupInfo: options.groupInfo } : {}),
    };
    return this.run('commit', params, ctlOf(options));
  }
  async confirm(): Promise<CommitEvent> {
    return this.run('confirm', {});
  }
  async discard(): Promise<void> {
    await this.run('discard', {});
  }

  async proposeAdd(keyPackage: Uint8Array): Promise<Uint8Array> {
    checkBytes(keyPackage, 'keyPackage');
    return this.run('propose', { type: 'add', keyPackage });
  }
  async proposeRemove(leafIndex: number): Promise<Uint8Array> {
    return this.run('propose', { type: 'remove', leafIndex });
  }
  async proposeUpdate(): Promise<Uint8Array> {
    return this.run('propose', { type: 'update' });
  }

  async send(data: Uint8Array, options: { readonly authenticatedData?: Uint8Array } = {}): Promise<Uint8Array> {
    checkBytes(data, 'data');
    if (options.authenticatedData !== undefined) return this.run('send', { data, authenticatedData: options.authenticatedData });
    return this.client.enqueue(this, 'send', data) as Promise<Uint8Array>;
  }
  async receive(message: Uint8Array): Promise<ReceivedEvent> {
    checkBytes(message, 'message');
    return this.client.enqueue(this, 'receive', message) as Promise<ReceivedEvent>;
  }

  /** One run of ClientFacade.enqueue: a lone call as send / receive, more as sendMany / receiveMany. */
  async runBatch({ kind, inputs, settle }: Batch): Promise<void> {
    try {
      if (inputs.length === 1) {
        settle[0]!.resolve(await (kind === 'send' ? this.run('send', { data: inputs[0]! }) : this.run('receive', { message: inputs[0]! })));
      } else if (kind === 'send') {
        const wires = await this.run('sendMany', { data: inputs });
        wires.forEach((w, i) => settle[i]!.resolve(w));
      } else {
        const outcomes = await this.run('receiveMany', { messages: inputs });
        // As run() does for a lone call: the engine reloaded a newer epoch, make `epoch` say so first.
        if (outcomes.some((o) => o.kind === 'rejected' && o.code === 'WRONG_EPOCH'))
          await this.client.call('openGroup', { groupId: this.groupId }).then((t) => this.track(t), () => {});
        outcomes.forEach((o, i) => (o.kind === 'rejected' ? settle[i]!.reject(rejectedError(o)) : settle[i]!.resolve(o)));
      }
    } catch (e) {
      for (const s of settle) s.reject(e);
    }
  }
  async sendMany(data: readonly Uint8Array[], options: { readonly authenticatedData?: Uint8Array } = {}): Promise<Uint8Array[]> {
    checkList(data, 'data');
    if (options.authenticatedData !== undefined) checkBytes(options.authenticatedData, 'authenticatedData');
    if (data.length === 0) return [];
    return this.run('sendMany', { data, ...(options.authenticatedData !== undefined ? { authenticatedData: options.authenticatedData } : {}) });
  }
  async receiveMany(messages: readonly Uint8Array[]): Promise<ReceiveManyEvent[]> {
    checkList(messages, 'messages');
    if (messages.length === 0) return [];
    return this.run('receiveMany', { messages });
  }

  async members(): Promise<MemberInfo[]> {
    return this.run('members', {});
  }
  async tree(): Promise<TreeInfo> {
    return this.run('tree', {});
  }
  async exportSecret(label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    checkBytes(context, 'context');
    return this.run('exportSecret', { label, context, length });
  }
  async epochAuthenticator(): Promise<Uint8Array> {
    return this.run('epochAuthenticator', {});
  }
  async groupInfo(options: GroupInfoOptions = {}): Promise<Uint8Array> {
    return this.run('groupInfo', { ...options });
  }
  async leave(): Promise<Uint8Array> {
    return this.run('leave', {});
  }

  on<T extends GroupEventType>(type: T, listener: (event: Extract<GroupEvent, { type: T }>) => void): () => void {
    return this.emitter.on(type, listener);
  }
  events(): AsyncIterableIterator<GroupEvent> {
    return this.emitter.iterate();
  }
}

/** The error `receive` would have thrown for a message that receiveMany rejected. */
function rejectedError(r: RejectedEvent): MlsError {
  const prefix = `${r.code}: `;
  return new MlsError(r.code, r.message.startsWith(prefix) ? r.message.slice(prefix.length) : r.message);
}

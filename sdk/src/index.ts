/**
 * webmls: Messaging Layer Security (RFC 9420) for web apps.
 *
 * Start with {@link createWorkerClient} in a page (the engine, its secrets and IndexedDB live in a Web Worker) or
 * {@link createClient} elsewhere (Node, tests, or code already in a worker). Both return an {@link MlsClient}:
 * KeyPackages, groups, and per group a {@link GroupHandle} to add, remove, update, commit, send and receive.
 *
 * Traps first:
 * - `commit()` (and add/remove/update) does not change the group: send its messages, then `confirm()` when the
 *   delivery service accepted the commit, or `discard()` when it refused it.
 * - Every `receive` result is also emitted as a 'message' event: use one or the other.
 * - Messages for a later epoch are held (a `buffered` event) and released in the commit event that starts their
 *   epoch; messages for an epoch this client has left fail with MlsError WRONG_EPOCH.
 * - Every error is an {@link MlsError}; switch on its `code`.
 *
 * @example
 *   import { createWorkerClient } from 'webmls';
 *   const alice = await createWorkerClient({ identity: 'alice', databaseName: 'webmls:alice' });
 *   const group = await alice.createGroup();
 *   const { commit, welcome } = await group.add([bobKeyPackage]);
 *   await deliveryService.send(commit, welcome); // your transport
 *   await group.confirm();
 *   const wire = await group.send(new TextEncoder().encode('hello'));
 * @packageDocumentation
 */
export { MlsError, isMlsError, type MlsErrorCode } from './errors.ts';
export { createClient } from './client/create-client.ts';
export { createWorkerClient } from './client/worker-client.ts';
export type {
  ApplicationEvent,
  BufferedEvent,
  ClientIdentity,
  ClientOptions,
  CommitEvent,
  CommitOptions,
  CommitOutput,
  CreateGroupOptions,
  Credential,
  DroppedEvent,
  EarlyMessageLimits,
  Extension,
  ExternalJoinOptions,
  ExternalJoinResult,
  GroupConfig,
  GroupEvent,
  GroupEventType,
  GroupHandle,
  GroupInfoOptions,
  GroupSummary,
  JoinOptions,
  KeyPackageOut,
  LongOptions,
  MemberInfo,
  MemberRef,
  MlsClient,
  PendingCommit,
  ProposalEvent,
  ProposalSummary,
  ReceivedEvent,
  ReceiveManyEvent,
  RejectedEvent,
  ReleasedEvent,
  SenderRef,
  TreeInfo,
  TreeLeafInfo,
  TreeParentInfo,
  WorkerClientOptions,
} from './client/types.ts';
// Custom storage providers and the low-level crypto core have their own entry points ('webmls/storage',
// 'webmls/core'), so a worker-based app does not download them; the IIFE build (sdk/src/iife.ts) has everything.
export type { StorageProvider } from './storage/provider.ts';

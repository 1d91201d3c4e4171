/**
 * Storage layer: the StorageProvider interface, its memory and IndexedDB implementations, group locks and
 * cross-tab epoch hints. Only this folder touches IndexedDB (DESIGN.md "Layers").
 */
export {
  STORES,
  WriteBatch,
  isStorageConflict,
  type StoreName,
  type StorageProvider,
  type StoredRecord,
  type RecordInfo,
  type RecordMeta,
  type MetaValue,
  type ListOptions,
  type WriteOp,
  type FaultInjector,
  type ProviderOptions,
  type StorageConflict,
} from './provider.ts';
export { storageKey, type StorageKey, type KeyPart, type KeyRange } from './keys.ts';
export { MemoryStorage } from './memory.ts';
export {
  IndexedDbStorage,
  openIndexedDbStorage,
  deleteDatabase,
  DEFAULT_DB_NAME,
  type IndexedDbOptions,
} from './indexeddb.ts';
export {
  withGroupLock,
  withLock,
  groupLockName,
  hasWebLocks,
  EpochChannel,
  type LockOptions,
  type EpochChangedEvent,
} from './locks.ts';

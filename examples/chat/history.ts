/**
 * The chat's local history, in localStorage (one JSON array per user and group). MLS state lives in IndexedDB
 * inside the worker; this is only what the page shows: decrypted messages and membership notes. localStorage
 * because it is shared by every tab of the origin and announces changes to the other tabs (`storage` events), so
 * a second tab of the same user shows what the first one decrypted (only one tab can decrypt a given message:
 * its key is deleted once used, RFC 9420 §9.2).
 *
 * Entries are deduplicated by id: a message's random id (inside the ciphertext), or `epoch:N` for the commit that
 * started epoch N (there is exactly one per epoch), so processing something twice never shows it twice.
 */

export interface HistoryEntry {
  id: string;
  kind: 'msg' | 'sys';
  /** Sender name (messages). */
  from?: string;
  text: string;
  /** Milliseconds since 1970 (sender's clock for messages). */
  ts: number;
  epoch: number;
}

const PREFIX = 'webmls-chat/';

export const historyKey = (user: string, groupHex: string): string => `${PREFIX}${user}/history/${groupHex}`;
const metaKey = (user: string, groupHex: string): string => `${PREFIX}${user}/meta/${groupHex}`;

export function readHistory(user: string, groupHex: string): HistoryEntry[] {
  try {
    const v = JSON.parse(localStorage.getItem(historyKey(user, groupHex)) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as HistoryEntry[]) : [];
  } catch {
    return [];
  }
}

/** Append entries not seen yet (by id). Returns true when something was added. */
export function appendHistory(user: string, groupHex: string, ...entries: HistoryEntry[]): boolean {
  const list = readHistory(user, groupHex);
  const seen = new Set(list.map((e) => e.id));
  let added = false;
  for (const e of entries)
    if (!seen.has(e.id)) {
      list.push(e);
      seen.add(e.id);
      added = true;
    }
  if (added) localStorage.setItem(historyKey(user, groupHex), JSON.stringify(list));
  return added;
}

/** Per-group notes of this app: whether this user asked to leave. */
export interface GroupMeta {
  leaving?: boolean;
}

export function readMeta(user: string, groupHex: string): GroupMeta {
  try {
    return (JSON.parse(localStorage.getItem(metaKey(user, groupHex)) ?? '{}') as GroupMeta) ?? {};
  } catch {
    return {};
  }
}

export function writeMeta(user: string, groupHex: string, m: GroupMeta): void {
  localStorage.setItem(metaKey(user, groupHex), JSON.stringify(m));
}

export const isChatKey = (key: string | null, user: string): boolean => key === null || key.startsWith(`${PREFIX}${user}/`);

/**
 * State of the demo delivery service and its persistence to one JSON file.
 *
 * Everything the DS knows lives here: accounts (with their KeyPackages and devices), each device's queue of
 * unacknowledged deliveries, and groups (epoch and member names). Byte fields stay the base64 strings they arrived
 * as; the DS never decodes them.
 *
 * Durability: `transact(fn)` runs a mutation and then writes the whole state to `<file>.tmp`, fsyncs it and renames
 * it over `<file>` (rename is atomic on POSIX), so the file always holds either the old or the new state. If the
 * mutation or the write throws, the in-memory state is restored from the last written snapshot: a failed request
 * changes nothing, in memory or on disk. A whole-file rewrite per change is fine at demo scale (it is O(state)).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { B64, Delivery } from './protocol.ts';

export interface DeviceRecord {
  /** seq of the next delivery to this device (starts at 1, never reused). */
  nextSeq: number;
  /** Deliveries not yet acknowledged, in seq order. */
  queue: Delivery[];
}

export interface UserRecord {
  /** One-use KeyPackages, oldest first. */
  keyPackages: B64[];
  lastResort: B64 | null;
  devices: Map<string, DeviceRecord>;
}

export interface GroupRecord {
  epoch: number;
  /** Member names, in the order they joined. */
  members: string[];
}

/** The file format (arrays of records rather than objects keyed by user names, so no name is ever a JS key). */
interface Snapshot {
  format: 'webmls-ds/1';
  users: { name: string; keyPackages: B64[]; lastResort: B64 | null; devices: ({ deviceId: string } & DeviceRecord)[] }[];
  groups: ({ groupId: B64 } & GroupRecord)[];
}

export class Store {
  users = new Map<string, UserRecord>();
  groups = new Map<B64, GroupRecord>();
  private saved: string;

  /**
   * Opens the store backed by `file`, loading it when it exists (a missing file is an empty DS).
   * @throws Error when the file exists but is not a DS snapshot (it is never overwritten then).
   */
  constructor(
    readonly file: string,
    private readonly durable = true,
  ) {
    if (existsSync(file)) {
      this.saved = readFileSync(file, 'utf8');
      this.restore(this.saved);
    } else {
      this.saved = this.serialize();
    }
  }

  /**
   * Runs `fn` (which mutates this store), then persists atomically. On any exception, rolls the in-memory state
   * back to the last persisted snapshot and rethrows. Returns fn's result.
   */
  transact<T>(fn: () => T): T {
    try {
      const r = fn();
      this.save();
      return r;
    } catch (e) {
      this.restore(this.saved);
      throw e;
    }
  }

  /** The account `name`, created when missing (call inside `transact`). */
  user(name: string): UserRecord {
    let u = this.users.get(name);
    if (!u) this.users.set(name, (u = { keyPackages: [], lastResort: null, devices: new Map() }));
    return u;
  }

  private save(): void {
    const text = this.serialize();
    if (text === this.saved) return;
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      const buf = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      if (this.durable) fsyncSync(fd); // the data is on disk before the rename makes it the current state
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    this.saved = text;
  }

  private serialize(): string {
    const snap: Snapshot = {
      format: 'webmls-ds/1',
      users: [...this.users].map(([name, u]) => ({
        name,
        keyPackages: u.keyPackages,
        lastResort: u.lastResort,
        devices: [...u.devices].map(([deviceId, d]) => ({ deviceId, nextSeq: d.nextSeq, queue: d.queue })),
      })),
      groups: [...this.groups].map(([groupId, g]) => ({ groupId, epoch: g.epoch, members: g.members })),
    };
    return JSON.stringify(snap);
  }

  private restore(text: string): void {
    const snap = JSON.parse(text) as Snapshot;
    if (snap?.format !== 'webmls-ds/1' || !Array.isArray(snap.users) || !Array.isArray(snap.groups))
      throw new Error(`${this.file}: not a webmls delivery-service data file`);
    // JSON.parse builds fresh objects, so a rolled-back mutation can never alias the saved snapshot text.
    this.users = new Map(
      snap.users.map((u) => [
        u.name,
        {
          keyPackages: u.keyPackages,
          lastResort: u.lastResort,
          devices: new Map(u.devices.map((d) => [d.deviceId, { nextSeq: d.nextSeq, queue: d.queue }])),
        },
      ]),
    );
    this.groups = new Map(snap.groups.map((g) => [g.groupId, { epoch: g.epoch, members: g.members }]));
  }
}

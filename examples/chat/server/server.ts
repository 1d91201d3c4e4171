/**
 * The demo delivery service (DS): a small Node WebSocket server that relays MLS messages it cannot read.
 *
 * It keeps accounts by name (each connection is one device of a user), a KeyPackage directory (one-use, with a
 * last-resort fallback), groups (id, epoch, member names), and one queue of unacknowledged deliveries per device.
 * It orders handshake messages per group: the first commit for the group's current epoch wins and is fanned out,
 * any other commit is refused with the current epoch, so clients never fork (RFC 9750 §5.2's ordering role for a
 * "strongly consistent" DS). The wire protocol is in protocol.ts.
 *
 * Every request is handled synchronously from parse to reply (no await in between), so requests are processed one
 * at a time in arrival order and the per-group ordering needs no lock. A state change is persisted (store.ts)
 * before any reply or delivery is sent, so nothing a client was told about can be lost by a restart.
 */
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { AddressInfo } from 'node:net';
import { Store, type GroupRecord } from './store.ts';
import {
  FrameError,
  MAX_FRAME_BYTES,
  MAX_KEY_PACKAGES,
  parseClientFrame,
  type ClientFrame,
  type Delivery,
  type ErrorFrame,
  type ServerFrame,
  type WelcomeDelivery,
} from './protocol.ts';

export interface DeliveryServiceOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** JSON file holding the whole state; loaded at start when it exists, rewritten atomically after each change. */
  dataFile: string;
  /**
   * Largest accepted frame in bytes (default 1 MiB). Frames up to 4× this get an error reply (TOO_LARGE); larger
   * ones make `ws` close the connection (code 1009) without reading them.
   */
  maxFrameBytes?: number;
  /** fsync the data file before each rename (default true). */
  durable?: boolean;
  /** Diagnostic log (default: none). */
  log?: (line: string) => void;
}

export interface DeliveryService {
  /** ws://host:port */
  url: string;
  port: number;
  /** Closes every connection (code 1001) and stops listening. The data file stays. */
  close(): Promise<void>;
}

interface Session {
  ws: WebSocket;
  name?: string;
  deviceId?: string;
}

// Distributive Omit, so each Delivery variant keeps its own fields.
type Unsequenced<T> = T extends unknown ? Omit<T, 'seq'> : never;

/**
 * Starts the DS and resolves once it listens.
 *
 * @throws Error when the data file exists but is unreadable, or the port cannot be bound.
 * @example
 * const ds = await startDeliveryService({ port: 0, dataFile: '/tmp/ds.json' });
 * console.log(ds.url); // ws://127.0.0.1:40123
 * await ds.close();
 */
export async function startDeliveryService(opts: DeliveryServiceOptions): Promise<DeliveryService> {
  const host = opts.host ?? '127.0.0.1';
  const maxFrame = opts.maxFrameBytes ?? MAX_FRAME_BYTES;
  const log = opts.log ?? (() => {});
  const store = new Store(opts.dataFile, opts.durable ?? true);
  /** Live connections: user name → device id → session. */
  const live = new Map<string, Map<string, Session>>();

  const wss = new WebSocketServer({ host, port: opts.port ?? 0, maxPayload: 4 * maxFrame });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('error', (e) => log(`server error: ${e.message}`));
  const port = (wss.address() as AddressInfo).port;

  const send = (s: Session | undefined, f: ServerFrame): void => {
    if (s && s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify(f));
  };

  /** Deliveries appended during the current request; sent only after the state is persisted. */
  let outbox: [string, string, Delivery][] = [];

  /** Queues `frame` for every device of `user` except `except` (the sending device). Inside a transaction. */
  const deliver = (user: string, frame: Unsequenced<Delivery>, except?: Session): void => {
    const u = store.users.get(user);
    if (!u) return;
    for (const [deviceId, dev] of u.devices) {
      if (except && except.name === user && except.deviceId === deviceId) continue;
      const d = { ...frame, seq: dev.nextSeq++ } as Delivery;
      dev.queue.push(d);
      outbox.push([user, deviceId, d]);
    }
  };

  const flush = (): void => {
    const out = outbox;
    outbox = [];
    for (const [user, deviceId, d] of out) send(live.get(user)?.get(deviceId), d);
  };

  const fail = (code: FrameError['code'], message: string, extra?: FrameError['extra']): never => {
    throw new FrameError(code, message, undefined, extra);
  };

  const groupOf = (groupId: string, me: string): GroupRecord => {
    const g = store.groups.get(groupId);
    if (!g) return fail('UNKNOWN_GROUP', `no group ${groupId}`);
    if (!g.members.includes(me))
      return fail('NOT_MEMBER', `${me} is not a member of ${groupId}`, { groupId, epoch: g.epoch });
    return g;
  };

  /** Handles one parsed frame; returns the direct reply (or nothing). Throws FrameError to refuse. */
  const handle = (s: Session, f: ClientFrame): ServerFrame | undefined => {
    if (f.type === 'hello') {
      if (s.name !== undefined) fail('ALREADY_SIGNED_IN', `already signed in as ${s.name}`);
      const { name, deviceId } = f;
      const existing = store.users.get(name)?.devices.get(deviceId);
      if (f.lastSeq !== undefined && f.lastSeq >= (existing?.nextSeq ?? 1))
        fail('BAD_SEQ', `lastSeq ${f.lastSeq} was never delivered to ${name}/${deviceId}`);
      const dev = store.transact(() => {
        const u = store.user(name);
        let d = u.devices.get(deviceId);
        if (!d) u.devices.set(deviceId, (d = { nextSeq: 1, queue: [] }));
        if (f.lastSeq !== undefined) d.queue = d.queue.filter((x) => x.seq > f.lastSeq!);
        return d;
      });
      const devices = live.get(name) ?? new Map<string, Session>();
      live.set(name, devices);
      const old = devices.get(deviceId);
      if (old) old.ws.close(4000, 'replaced by a new connection of this device');
      devices.set(deviceId, s);
      s.name = name;
      s.deviceId = deviceId;
      log(`hello ${name}/${deviceId} (${dev.queue.length} queued)`);
      const u = store.users.get(name)!;
      const groups = [...store.groups]
        .filter(([, g]) => g.members.includes(name))
        .map(([groupId, g]) => ({ groupId, epoch: g.epoch, members: [...g.members] }));
      const stock = { keyPackages: u.keyPackages.length, hasLastResort: u.lastResort !== null };
      send(s, { type: 'ready', ...idOf(f), name, deviceId, groups, ...stock });
      for (const d of dev.queue) send(s, d);
      return undefined;
    }

    const me = s.name;
    if (me === undefined) return fail('NOT_SIGNED_IN', 'send hello first');

    switch (f.type) {
      case 'ack': {
        const dev = store.users.get(me)!.devices.get(s.deviceId!)!;
        if (f.seq >= dev.nextSeq) fail('BAD_SEQ', `seq ${f.seq} was never delivered to this device`);
        if (dev.queue.length > 0 && dev.queue[0]!.seq <= f.seq)
          store.transact(() => {
            dev.queue = dev.queue.filter((x) => x.seq > f.seq);
          });
        return undefined;
      }

      case 'publishKeyPackages': {
        const u = store.users.get(me)!;
        if (u.keyPackages.length + f.keyPackages.length > MAX_KEY_PACKAGES)
          fail('TOO_MANY', `at most ${MAX_KEY_PACKAGES} one-use KeyPackages are stored (${u.keyPackages.length} now)`);
        store.transact(() => {
          u.keyPackages.push(...f.keyPackages);
          if (f.lastResort !== undefined) u.lastResort = f.lastResort;
        });
        return { type: 'ok', ...idOf(f), keyPackages: u.keyPackages.length, hasLastResort: u.lastResort !== null };
      }

      case 'fetchKeyPackage': {
        const u = store.users.get(f.name);
        if (!u) return fail('UNKNOWN_USER', `no user ${f.name}`);
        if (u.keyPackages.length > 0) {
          const kp = store.transact(() => u.keyPackages.shift()!);
          return { type: 'keyPackage', ...idOf(f), name: f.name, keyPackage: kp, lastResort: false };
        }
        if (u.lastResort !== null)
          return { type: 'keyPackage', ...idOf(f), name: f.name, keyPackage: u.lastResort, lastResort: true };
        return fail('NO_KEY_PACKAGE', `${f.name} has no KeyPackage left`);
      }

      case 'createGroup': {
        if (store.groups.has(f.groupId)) fail('GROUP_EXISTS', `group ${f.groupId} exists`);
        store.transact(() => store.groups.set(f.groupId, { epoch: 0, members: [me] }));
        return { type: 'ok', ...idOf(f) };
      }

      case 'commit': {
        const g = groupOf(f.groupId, me);
        if (f.epoch !== g.epoch)
          fail('WRONG_EPOCH', `commit for epoch ${f.epoch} refused: group is at epoch ${g.epoch}`, {
            groupId: f.groupId,
            epoch: g.epoch,
          });
        for (const n of f.added) {
          if (!store.users.has(n)) fail('UNKNOWN_USER', `no user ${n}`);
          if (g.members.includes(n)) fail('BAD_MEMBERS', `${n} is already a member`);
        }
        for (const n of f.removed) if (!g.members.includes(n)) fail('BAD_MEMBERS', `${n} is not a member`);
        const before = [...g.members];
        store.transact(() => {
          g.epoch += 1;
          g.members = [...before.filter((n) => !f.removed.includes(n)), ...f.added];
          const { groupId, epoch, message, added, removed } = f;
          for (const n of before) deliver(n, { type: 'commit', groupId, epoch, sender: me, message, added, removed }, s);
          const members = [...g.members];
          const w: Unsequenced<WelcomeDelivery> = { type: 'welcome', groupId, epoch: g.epoch, sender: me, welcome: f.welcome!, members };
          for (const n of added) deliver(n, w);
        });
        log(`commit ${f.groupId} by ${me}: epoch ${f.epoch} → ${g.epoch}`);
        return { type: 'accepted', ...idOf(f), groupId: f.groupId, epoch: g.epoch };
      }

      case 'proposal':
      case 'application': {
        const g = groupOf(f.groupId, me);
        if (f.epoch > g.epoch)
          fail('WRONG_EPOCH', `${f.type} for future epoch ${f.epoch}: group is at epoch ${g.epoch}`, {
            groupId: f.groupId,
            epoch: g.epoch,
          });
        store.transact(() => {
          const m = { type: f.type, groupId: f.groupId, epoch: f.epoch, sender: me, message: f.message };
          for (const n of g.members) deliver(n, m, s);
        });
        return { type: 'ok', ...idOf(f) };
      }

      case 'groupInfo': {
        const g = groupOf(f.groupId, me);
        return { type: 'group', ...idOf(f), groupId: f.groupId, epoch: g.epoch, members: [...g.members] };
      }
    }
  };

  wss.on('connection', (ws) => {
    const s: Session = { ws };
    ws.on('error', (e) => log(`socket error: ${e.message}`));
    ws.on('close', () => {
      if (s.name === undefined) return;
      const devices = live.get(s.name);
      if (devices?.get(s.deviceId!) === s) devices.delete(s.deviceId!);
      if (devices?.size === 0) live.delete(s.name);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      let id: ErrorFrame['id'];
      try {
        const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
        if (size > maxFrame) throw new FrameError('TOO_LARGE', `frame of ${size} bytes exceeds ${maxFrame}`);
        if (isBinary) throw new FrameError('BAD_JSON', 'binary frames are not accepted: send JSON text');
        const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Uint8Array)).toString('utf8');
        const f = parseClientFrame(text, maxFrame);
        id = f.id;
        const reply = handle(s, f);
        if (reply) send(s, reply);
        flush();
      } catch (e) {
        outbox = []; // the transaction (if any) rolled back: its deliveries never happened
        if (!(e instanceof FrameError)) {
          log(`internal error: ${(e as Error).stack ?? e}`);
          send(s, { type: 'error', ...idOf({ id }), code: 'INTERNAL', message: 'internal error; nothing changed' });
          return;
        }
        const eid = e.id ?? id;
        send(s, { type: 'error', ...idOf({ id: eid }), code: e.code, message: e.message, ...e.extra });
      }
    });
  });

  log(`delivery service on ws://${host}:${port} (data: ${opts.dataFile})`);
  return {
    url: `ws://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const c of wss.clients) c.close(1001, 'delivery service shutting down');
        // Give the close handshakes a moment, then cut whatever is left.
        const t = setTimeout(() => {
          for (const c of wss.clients) c.terminate();
        }, 200);
        wss.close((err) => {
          clearTimeout(t);
          if (err) reject(err);
          else resolve();
        });
      }),
  };
}

const idOf = (f: { id?: string | number }): { id?: string | number } => (f.id === undefined ? {} : { id: f.id });

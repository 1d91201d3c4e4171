/**
 * The browser side of the demo delivery service (DS) protocol (server/protocol.ts): one WebSocket per tab (one DS
 * device), signed in with `hello`, reconnecting with back-off when the DS goes away (a restart loses nothing: the
 * DS persisted everything it acknowledged, and re-sends every unacknowledged delivery after the next `hello`).
 *
 * - `request(frame)` sends a frame with a fresh `id` and resolves with the direct reply (or rejects with
 *   {@link DsError} carrying the DS's error code). While disconnected, requests wait for the next connection.
 *   When the connection drops after a request was sent and before its reply came, the request rejects with
 *   {@link DsError} code `DISCONNECTED`: the caller decides whether re-sending is safe (an application message:
 *   yes, receivers drop a duplicate as a replay; a commit: see app.ts, it asks the DS what happened first).
 * - Deliveries are handed to `onDeliveries` in seq order, those that arrived while the handler was busy together
 *   (a backlog after a reconnect comes as one list); each is acknowledged only after the handler's promise
 *   settles, so a tab that reloads or crashes mid-way gets it again.
 */
import type { ClientFrame, Delivery, ReadyFrame, ServerFrame } from './server/protocol.ts';

/** A refused request (the DS's ErrorFrame code), or DISCONNECTED / CLOSED from this side. */
export class DsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly epoch?: number,
  ) {
    super(message);
    this.name = 'DsError';
  }
}

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
export type Request = Distribute<Exclude<ClientFrame, { type: 'hello' } | { type: 'ack' }>>;

export interface DsOptions {
  url: string;
  name: string;
  deviceId: string;
  /**
   * Called with the deliveries that arrived since the last call began, in seq order (never two calls at once);
   * they are acknowledged when the promise settles.
   */
  onDeliveries: (ds: Delivery[]) => Promise<void>;
  /** Called after each successful `hello` (first connection and every reconnection). */
  onReady?: (r: ReadyFrame) => void | Promise<void>;
  /** Connection state changes, for the UI. */
  onStatus?: (connected: boolean) => void;
}

interface Waiter {
  frame: Request & { id: number };
  resolve: (f: ServerFrame) => void;
  reject: (e: Error) => void;
  sent: boolean;
}

export class DsConnection {
  private ws: WebSocket | undefined;
  private ready = false;
  private closed = false;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private queue: Promise<void> = Promise.resolve();
  private pendingDeliveries = 0;
  /** Deliveries not yet handed to the handler, with the connection each came on (a job is queued for them). */
  private inbox: { d: Delivery; ws: WebSocket | undefined }[] = [];
  private backoff = 100;
  private readyWaiters: (() => void)[] = [];
  private held: Delivery[] | undefined;

  constructor(private readonly opts: DsOptions) {
    this.connect();
  }

  get connected(): boolean {
    return this.ready;
  }

  /** Send a request; resolves with the direct reply. @throws DsError (the DS's code, or DISCONNECTED / CLOSED). */
  request(frame: Request): Promise<ServerFrame> {
    if (this.closed) return Promise.reject(new DsError('CLOSED', 'the connection is closed'));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const w: Waiter = { frame: { ...frame, id } as Request & { id: number }, resolve, reject, sent: false };
      this.waiting.set(id, w);
      if (this.ready) this.transmit(w);
    });
  }

  /** Resolves once every delivery received so far has been handled. */
  async drain(): Promise<void> {
    for (;;) {
      const q = this.queue;
      await q;
      if (q === this.queue && this.pendingDeliveries === 0) return;
    }
  }

  /** Resolves when the connection is signed in (at once when it is). */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  /**
   * Test hook: while on, incoming deliveries are kept back as if the network delayed them (not handled, not
   * acknowledged, invisible to `drain`); turning it off lets them through in order.
   */
  hold(on: boolean): void {
    if (on) {
      this.held ??= [];
      return;
    }
    const held = this.held ?? [];
    this.held = undefined;
    for (const d of held) this.onFrame(d);
  }

  close(): void {
    this.closed = true;
    this.ws?.close(1000, 'bye');
    for (const w of this.waiting.values()) w.reject(new DsError('CLOSED', 'the connection is closed'));
    this.waiting.clear();
  }

  private transmit(w: Waiter): void {
    w.sent = true;
    this.ws!.send(JSON.stringify(w.frame));
  }

  private connect(): void {
    if (this.closed) return;
    const ws = new WebSocket(this.opts.url);
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'hello', id: 0, name: this.opts.name, deviceId: this.opts.deviceId }));
    };
    ws.onmessage = (ev) => {
      let f: ServerFrame;
      try {
        f = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return;
      }
      this.onFrame(f);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      const wasReady = this.ready;
      this.ready = false;
      if (wasReady) this.opts.onStatus?.(false);
      // Requests that were on the wire may or may not have been processed: tell their callers. Unsent ones wait.
      for (const [id, w] of this.waiting)
        if (w.sent) {
          this.waiting.delete(id);
          w.reject(new DsError('DISCONNECTED', 'the connection to the delivery service was lost'));
        }
      if (this.closed) return;
      setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, 2000);
    };
  }

  private onFrame(f: ServerFrame): void {
    if (f.type === 'ready') {
      this.ready = true;
      this.backoff = 100;
      this.opts.onStatus?.(true);
      // Queued deliveries follow `ready` on the socket; the onReady work is queued ahead of them.
      this.enqueue(async () => {
        await this.opts.onReady?.(f);
      });
      for (const w of this.waiting.values()) if (!w.sent) this.transmit(w);
      const rs = this.readyWaiters;
      this.readyWaiters = [];
      for (const r of rs) r();
      return;
    }
    if ('seq' in f) {
      const d = f as Delivery;
      if (this.held) {
        this.held.push(d);
        return;
      }
      this.inbox.push({ d, ws: this.ws });
      if (this.inbox.length === 1) this.enqueue(() => this.handleInbox());
      return;
    }
    const id = (f as { id?: unknown }).id;
    if (typeof id !== 'number') return;
    if (id === 0 && f.type === 'error') {
      // hello refused: nothing to do but report it
      console.error('delivery service refused hello:', f.message);
      return;
    }
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    if (f.type === 'error') w.reject(new DsError(f.code, f.message, f.epoch));
    else w.resolve(f);
  }

  /** Hand every delivery that waits to the handler at once, then acknowledge each. */
  private async handleInbox(): Promise<void> {
    const run = this.inbox;
    this.inbox = [];
    try {
      await this.opts.onDeliveries(run.map((x) => x.d));
    } finally {
      // Acknowledge on the connection each came from only: after a reconnect the DS re-sends it anyway.
      for (const { d, ws } of run) if (this.ws === ws && ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ack', seq: d.seq }));
    }
  }

  private enqueue(job: () => Promise<void>): void {
    this.pendingDeliveries++;
    this.queue = this.queue
      .then(job)
      .catch((e) => console.error('delivery handler failed:', e))
      .finally(() => {
        this.pendingDeliveries--;
      });
  }
}

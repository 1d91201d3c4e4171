// The demo delivery service (examples/chat/server) against real `ws` clients on 127.0.0.1. Node-only: in Chromium
// the suite is skipped, and every Node module is imported dynamically inside the Node branch (through a variable
// specifier, so the browser's dev server never tries to resolve it).
import type { WebSocket as WsSocket } from 'ws';
import type { startDeliveryService as StartFn, DeliveryService } from '../../examples/chat/server/server.ts';
import type { ServerFrame, ErrorFrame, Delivery } from '../../examples/chat/server/protocol.ts';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;
const nodeImport = (m: string): Promise<any> => import(/* @vite-ignore */ m);

type Frame = ServerFrame & Record<string, any>;

let start: typeof StartFn;
let WebSocketCtor: typeof WsSocket;
let fs: typeof import('node:fs');
let tmpDir = '';

if (isNode) {
  start = (await import('../../examples/chat/server/server.ts')).startDeliveryService;
  WebSocketCtor = (await nodeImport('ws')).WebSocket;
  fs = await nodeImport('node:fs');
  const os = await nodeImport('node:os');
  const path = await nodeImport('node:path');
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webmls-ds-'));
}

const b64 = (s: string): string => btoa(s);
let fileCounter = 0;
const freshFile = (): string => `${tmpDir}/ds-${++fileCounter}.json`;

/** A test client: one WebSocket = one device. Buffers every frame; `next` takes frames in arrival order. */
class Client {
  inbox: Frame[] = [];
  private waiter: (() => void) | null = null;
  closed: { code: number; reason: string } | null = null;
  private reqId = 0;
  constructor(readonly ws: WsSocket) {
    ws.on('message', (d) => {
      this.inbox.push(JSON.parse(d.toString()));
      this.waiter?.();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.waiter?.();
    });
  }

  static async open(url: string): Promise<Client> {
    const ws = new WebSocketCtor(url);
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res());
      ws.once('error', rej);
    });
    return new Client(ws);
  }

  /** Opens a connection and signs in; returns the client and the `ready` frame (queued deliveries stay in inbox). */
  static async hello(url: string, name: string, deviceId: string, lastSeq?: number): Promise<[Client, Frame]> {
    const c = await Client.open(url);
    const ready = await c.request({ type: 'hello', name, deviceId, ...(lastSeq === undefined ? {} : { lastSeq }) });
    expect(ready.type).to.equal('ready');
    return [c, ready];
  }

  send(f: unknown): void {
    this.ws.send(typeof f === 'string' || ArrayBuffer.isView(f) ? f : JSON.stringify(f));
  }

  /** Next frame (optionally the first matching `pred`, removed from the inbox), waiting up to 2 s. */
  async next(pred: (f: Frame) => boolean = () => true): Promise<Frame> {
    const deadline = Date.now() + 2000;
    for (;;) {
      const i = this.inbox.findIndex(pred);
      if (i >= 0) return this.inbox.splice(i, 1)[0]!;
      if (this.closed) throw new Error(`connection closed (${this.closed.code}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout; inbox: ${JSON.stringify(this.inbox).slice(0, 300)}`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.waiter = () => {
          clearTimeout(t);
          res();
        };
      });
      this.waiter = null;
    }
  }

  /** Sends a frame with a fresh id and returns the reply carrying that id. */
  async request(f: Record<string, unknown>): Promise<Frame> {
    const id = `r${++this.reqId}`;
    this.send({ ...f, id });
    return this.next((x) => x.id === id);
  }

  /**
   * Round-trips a request the DS answers in order, then returns (and removes) every delivery that arrived before
   * its reply: the DS handles requests one at a time, so everything caused by earlier requests is in by then.
   */
  async drain(): Promise<Frame[]> {
    const id = `sync${++this.reqId}`;
    this.send({ type: 'groupInfo', id, groupId: b64('\u0000no-such-group') });
    const reply = await this.next((x) => x.id === id);
    expect(reply.code).to.be.oneOf(['UNKNOWN_GROUP', 'NOT_SIGNED_IN']);
    const got = this.inbox;
    this.inbox = [];
    return got;
  }

  ack(seq: number): void {
    this.send({ type: 'ack', seq });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((res) => {
      this.ws.once('close', () => res());
      this.ws.close();
    });
  }
}

/** A DS plus its clients, closed together. */
async function withDs<T>(fn: (ds: DeliveryService, file: string) => Promise<T>, file = freshFile()): Promise<T> {
  const ds = await start({ port: 0, host: '127.0.0.1', dataFile: file });
  try {
    return await fn(ds, file);
  } finally {
    await ds.close();
  }
}

const expectError = (f: Frame, code: string): ErrorFrame => {
  expect(f.type, JSON.stringify(f)).to.equal('error');
  expect(f.code, JSON.stringify(f)).to.equal(code);
  return f as ErrorFrame;
};

const GID = b64('group-1');

/** alice creates GID and adds every name in `others` (one commit per name), everyone draining afterwards. */
async function groupOf(alice: Client, others: string[]): Promise<number> {
  expect((await alice.request({ type: 'createGroup', groupId: GID })).type).to.equal('ok');
  let epoch = 0;
  for (const n of others) {
    const r = await alice.request({ type: 'commit', groupId: GID, epoch, message: b64(`add ${n}`), welcome: b64(`welcome ${n}`), added: [n], removed: [] });
    expect(r.type).to.equal('accepted');
    expect(r.epoch).to.equal(++epoch);
  }
  return epoch;
}

(isNode ? describe : describe.skip)('delivery service (examples/chat/server)', () => {
  it('KeyPackages are one-use; the last-resort one is returned when none is left and is not consumed', async () => {
    await withDs(async (ds) => {
      const [alice] = await Client.hello(ds.url, 'alice', 'a1');
      const [bob] = await Client.hello(ds.url, 'bob', 'b1');
      expectError(await bob.request({ type: 'fetchKeyPackage', name: 'alice' }), 'NO_KEY_PACKAGE');
      expectError(await bob.request({ type: 'fetchKeyPackage', name: 'nobody' }), 'UNKNOWN_USER');

      let r = await alice.request({ type: 'publishKeyPackages', keyPackages: [b64('kp1'), b64('kp2')], lastResort: b64('lr1') });
      expect(r).to.deep.include({ type: 'ok', keyPackages: 2, hasLastResort: true });
      r = await alice.request({ type: 'publishKeyPackages', keyPackages: [b64('kp3')] });
      expect(r).to.deep.include({ keyPackages: 3, hasLastResort: true });

      const got: [string, boolean][] = [];
      for (let i = 0; i < 5; i++) {
        const k = await bob.request({ type: 'fetchKeyPackage', name: 'alice' });
        expect(k.type).to.equal('keyPackage');
        expect(k.name).to.equal('alice');
        got.push([atob(k.keyPackage), k.lastResort]);
      }
      expect(got).to.deep.equal([['kp1', false], ['kp2', false], ['kp3', false], ['lr1', true], ['lr1', true]]);

      // A new last-resort KeyPackage replaces the old; new one-use ones are used before it again.
      await alice.request({ type: 'publishKeyPackages', keyPackages: [b64('kp4')], lastResort: b64('lr2') });
      expect(atob((await bob.request({ type: 'fetchKeyPackage', name: 'alice' })).keyPackage)).to.equal('kp4');
      expect(atob((await bob.request({ type: 'fetchKeyPackage', name: 'alice' })).keyPackage)).to.equal('lr2');
      const [, ready] = await Client.hello(ds.url, 'alice', 'a2');
      expect(ready).to.deep.include({ keyPackages: 0, hasLastResort: true });

      // The per-user cap.
      const many = Array.from({ length: 256 }, (_, i) => b64(`k${i}`));
      expect((await alice.request({ type: 'publishKeyPackages', keyPackages: many })).keyPackages).to.equal(256);
      expectError(await alice.request({ type: 'publishKeyPackages', keyPackages: [b64('one more')] }), 'TOO_MANY');
    });
  });

  it('fans commits, proposals and application messages out to every member device but the sender; Welcomes to the added', async () => {
    await withDs(async (ds) => {
      const [a1, ready] = await Client.hello(ds.url, 'alice', 'a1');
      expect(ready).to.deep.include({ name: 'alice', deviceId: 'a1', groups: [], keyPackages: 0, hasLastResort: false });
      const [a2] = await Client.hello(ds.url, 'alice', 'a2');
      const [b1] = await Client.hello(ds.url, 'bob', 'b1');
      const [b2] = await Client.hello(ds.url, 'bob', 'b2');
      const [c1] = await Client.hello(ds.url, 'carol', 'c1');
      const all = { a1, a2, b1, b2, c1 };
      const drainAll = async () => {
        const out: Record<string, Frame[]> = {};
        for (const [k, c] of Object.entries(all)) out[k] = await c.drain();
        return out;
      };

      expect((await a1.request({ type: 'createGroup', groupId: GID })).type).to.equal('ok');
      expectError(await b1.request({ type: 'createGroup', groupId: GID }), 'GROUP_EXISTS');
      const acc = await a1.request({ type: 'commit', groupId: GID, epoch: 0, message: b64('c0'), welcome: b64('w-bob'), added: ['bob'], removed: [] });
      expect(acc).to.deep.equal({ type: 'accepted', id: acc.id, groupId: GID, epoch: 1 });
      let d = await drainAll();
      expect(d.a1).to.deep.equal([]);
      expect(d.a2).to.deep.equal([
        { type: 'commit', seq: 1, groupId: GID, epoch: 0, sender: 'alice', message: b64('c0'), added: ['bob'], removed: [] },
      ]);
      const w = { type: 'welcome', seq: 1, groupId: GID, epoch: 1, sender: 'alice', welcome: b64('w-bob'), members: ['alice', 'bob'] };
      expect(d.b1).to.deep.equal([w]);
      expect(d.b2).to.deep.equal([w]);
      expect(d.c1).to.deep.equal([]);

      // bob (device b2) adds carol: alice's two devices and bob's other device get the commit.
      expect((await b2.request({ type: 'commit', groupId: GID, epoch: 1, message: b64('c1'), welcome: b64('w-carol'), added: ['carol'], removed: [] })).epoch).to.equal(2);
      d = await drainAll();
      for (const k of ['a1', 'a2', 'b1'] as const) {
        expect(d[k]!.length, k).to.equal(1);
        expect(d[k]![0]).to.deep.include({ type: 'commit', epoch: 1, sender: 'bob', message: b64('c1'), added: ['carol'] });
      }
      expect(d.b2).to.deep.equal([]);
      expect(d.c1).to.deep.equal([{ type: 'welcome', seq: 1, groupId: GID, epoch: 2, sender: 'bob', welcome: b64('w-carol'), members: ['alice', 'bob', 'carol'] }]);

      // Application messages and proposals, in order, tagged with the stated epoch.
      expect((await b1.request({ type: 'application', groupId: GID, epoch: 2, message: b64('hi 1') })).type).to.equal('ok');
      expect((await b1.request({ type: 'proposal', groupId: GID, epoch: 2, message: b64('prop') })).type).to.equal('ok');
      expect((await b1.request({ type: 'application', groupId: GID, epoch: 1, message: b64('late') })).type).to.equal('ok');
      expectError(await b1.request({ type: 'application', groupId: GID, epoch: 3, message: b64('future') }), 'WRONG_EPOCH');
      d = await drainAll();
      expect(d.b1).to.deep.equal([]);
      for (const k of ['a1', 'a2', 'b2', 'c1'] as const) {
        expect(d[k]!.map((f) => [f.type, f.epoch, f.sender, atob(f.message)]), k).to.deep.equal([
          ['application', 2, 'bob', 'hi 1'],
          ['proposal', 2, 'bob', 'prop'],
          ['application', 1, 'bob', 'late'],
        ]);
        const seqs = d[k]!.map((f) => f.seq);
        expect(seqs[1]).to.equal(seqs[0] + 1);
        expect(seqs[2]).to.equal(seqs[0] + 2);
      }

      // Remove carol: she receives the commit that removes her, then nothing more.
      expect((await a1.request({ type: 'commit', groupId: GID, epoch: 2, message: b64('c2'), added: [], removed: ['carol'] })).epoch).to.equal(3);
      d = await drainAll();
      expect(d.c1!.map((f) => [f.type, f.removed])).to.deep.equal([['commit', ['carol']]]);
      expect((await a2.request({ type: 'groupInfo', groupId: GID })).members).to.deep.equal(['alice', 'bob']);
      expectError(await c1.request({ type: 'groupInfo', groupId: GID }), 'NOT_MEMBER');
      expectError(await c1.request({ type: 'application', groupId: GID, epoch: 3, message: b64('let me in') }), 'NOT_MEMBER');
      await a2.request({ type: 'application', groupId: GID, epoch: 3, message: b64('after') });
      d = await drainAll();
      expect(d.c1).to.deep.equal([]);
      expect(d.a2).to.deep.equal([]);
      for (const k of ['a1', 'b1', 'b2'] as const) expect(d[k]!.map((f) => atob(f.message)), k).to.deep.equal(['after']);

      // ready lists the groups of the user.
      const [, r2] = await Client.hello(ds.url, 'bob', 'b3');
      expect(r2.groups).to.deep.equal([{ groupId: GID, epoch: 3, members: ['alice', 'bob'] }]);
      const [, r3] = await Client.hello(ds.url, 'carol', 'c2');
      expect(r3.groups).to.deep.equal([]);
      for (const c of Object.values(all)) await c.close();
    });
  });

  it('two commits for the same epoch: exactly one is accepted, the other refused with the current epoch', async () => {
    await withDs(async (ds) => {
      const [alice] = await Client.hello(ds.url, 'alice', 'a1');
      const [bob] = await Client.hello(ds.url, 'bob', 'b1');
      const [carol] = await Client.hello(ds.url, 'carol', 'c1');
      await Client.hello(ds.url, 'dave', 'd1');
      let epoch = await groupOf(alice, ['bob', 'carol']);
      expect(epoch).to.equal(2);
      await bob.drain();
      await carol.drain();

      for (let round = 0; round < 20; round++) {
        // Both send before either reply can arrive.
        alice.send({ type: 'commit', id: 'A', groupId: GID, epoch, message: b64(`alice ${round}`), added: [], removed: [] });
        bob.send({ type: 'commit', id: 'B', groupId: GID, epoch, message: b64(`bob ${round}`), added: [], removed: [] });
        const ra = await alice.next((f) => f.id === 'A');
        const rb = await bob.next((f) => f.id === 'B');
        const replies = [ra, rb];
        const accepted = replies.filter((r) => r.type === 'accepted');
        const refused = replies.filter((r) => r.type === 'error');
        expect(accepted.length).to.equal(1);
        expect(refused.length).to.equal(1);
        expect(accepted[0]!.epoch).to.equal(epoch + 1);
        expect(refused[0]).to.deep.include({ code: 'WRONG_EPOCH', groupId: GID, epoch: epoch + 1 });
        // Carol saw exactly the winner's commit; the loser gets the winner's commit too.
        const winner = ra.type === 'accepted' ? 'alice' : 'bob';
        const cd = await carol.drain();
        expect(cd.map((f) => [f.type, f.epoch, f.sender, atob(f.message)])).to.deep.equal([['commit', epoch, winner, `${winner} ${round}`]]);
        const loser = winner === 'alice' ? bob : alice;
        expect((await loser.drain()).map((f) => f.sender)).to.deep.equal([winner]);
        expect(await (winner === 'alice' ? alice : bob).drain()).to.deep.equal([]);
        epoch++;
      }

      // The loser retries from the new epoch; stale and future epochs are refused with the current one.
      expect((await bob.request({ type: 'commit', groupId: GID, epoch, message: b64('retry'), welcome: b64('w'), added: ['dave'], removed: [] })).epoch).to.equal(epoch + 1);
      epoch++;
      for (const e of [0, epoch - 1, epoch + 1]) {
        const r = await carol.request({ type: 'commit', groupId: GID, epoch: e, message: b64('x'), added: [], removed: [] });
        expectError(r, 'WRONG_EPOCH');
        expect(r.epoch).to.equal(epoch);
      }
      expect((await carol.request({ type: 'groupInfo', groupId: GID })).members).to.deep.equal(['alice', 'bob', 'carol', 'dave']);
    });
  });

  it('queues deliveries for an offline device and delivers them in order on reconnect, until acknowledged', async () => {
    await withDs(async (ds) => {
      const [alice] = await Client.hello(ds.url, 'alice', 'a1');
      let [bob] = await Client.hello(ds.url, 'bob', 'b1');
      const [bobPhone] = await Client.hello(ds.url, 'bob', 'phone');
      await groupOf(alice, ['bob']);
      const w = await bob.drain();
      expect(w.map((f) => f.type)).to.deep.equal(['welcome']);
      bob.ack(w[0]!.seq);
      await bob.close();
      await bobPhone.drain(); // phone stays online and gets everything live

      for (let i = 0; i < 10; i++) await alice.request({ type: 'application', groupId: GID, epoch: 1, message: b64(`m${i}`) });
      await alice.request({ type: 'commit', groupId: GID, epoch: 1, message: b64('c1'), added: [], removed: [] });
      await alice.request({ type: 'application', groupId: GID, epoch: 2, message: b64('m10') });
      const expected = [...Array.from({ length: 10 }, (_, i) => `m${i}`), 'c1', 'm10'];
      expect((await bobPhone.drain()).map((f) => atob(f.message))).to.deep.equal(expected);

      // Reconnect: ready first, then the queue in order, seq 2..13 (seq 1 was the acknowledged Welcome).
      [bob] = await Client.hello(ds.url, 'bob', 'b1');
      let q = await bob.drain();
      expect(q.map((f) => atob(f.message))).to.deep.equal(expected);
      expect(q.map((f) => f.seq)).to.deep.equal(Array.from({ length: 12 }, (_, i) => i + 2));
      expect(q[10]).to.deep.include({ type: 'commit', epoch: 1 });

      // Not acknowledged → delivered again after a reconnect; acknowledged → gone.
      bob.ack(6);
      await bob.close();
      [bob] = await Client.hello(ds.url, 'bob', 'b1');
      q = await bob.drain();
      expect(q.map((f) => f.seq)).to.deep.equal([7, 8, 9, 10, 11, 12, 13]);
      await bob.close();
      // hello's lastSeq acknowledges too.
      [bob] = await Client.hello(ds.url, 'bob', 'b1', 11);
      expect((await bob.drain()).map((f) => f.seq)).to.deep.equal([12, 13]);
      expectError(await bob.request({ type: 'ack', seq: 14 }), 'BAD_SEQ');
      bob.ack(13);
      await bob.close();
      [bob] = await Client.hello(ds.url, 'bob', 'b1');
      expect(await bob.drain()).to.deep.equal([]);

      // A device seen for the first time gets nothing from before it existed.
      const [tablet] = await Client.hello(ds.url, 'bob', 'tablet');
      expect(await tablet.drain()).to.deep.equal([]);
      await alice.request({ type: 'application', groupId: GID, epoch: 2, message: b64('m11') });
      expect((await tablet.drain()).map((f) => [f.seq, atob(f.message)])).to.deep.equal([[1, 'm11']]);

      // A second connection of the same device replaces the first (closed with 4000).
      const [bobAgain] = await Client.hello(ds.url, 'bob', 'b1');
      await bob.next(() => false).catch(() => {});
      expect(bob.closed?.code).to.equal(4000);
      expect((await bobAgain.drain()).map((f) => atob(f.message))).to.deep.equal(['m11']);
    });
  });

  it('a restart from the data file mid-conversation loses nothing', async () => {
    const file = freshFile();
    let before = '';
    let epoch = 0;
    await withDs(async (ds) => {
      const [alice] = await Client.hello(ds.url, 'alice', 'a1');
      const [bob] = await Client.hello(ds.url, 'bob', 'b1');
      const [carol] = await Client.hello(ds.url, 'carol', 'c1');
      await carol.request({ type: 'publishKeyPackages', keyPackages: [b64('ckp1'), b64('ckp2')], lastResort: b64('clr') });
      expect(atob((await alice.request({ type: 'fetchKeyPackage', name: 'carol' })).keyPackage)).to.equal('ckp1');
      epoch = await groupOf(alice, ['bob']);
      bob.ack((await bob.drain())[0]!.seq);
      await bob.close(); // bob is offline while alice keeps talking
      await alice.request({ type: 'application', groupId: GID, epoch, message: b64('while you were away 1') });
      await alice.request({ type: 'application', groupId: GID, epoch, message: b64('while you were away 2') });
      // A delivery sent live but not acknowledged before the crash.
      await carol.request({ type: 'createGroup', groupId: b64('g2') });
      await carol.request({ type: 'commit', groupId: b64('g2'), epoch: 0, message: b64('c'), welcome: b64('w-alice'), added: ['alice'], removed: [] });
      expect((await alice.drain()).map((f) => f.type)).to.deep.equal(['welcome']);
      before = fs.readFileSync(file, 'utf8');
    }, file);

    await withDs(async (ds) => {
      expect(ds.url).to.match(/^ws:\/\/127\.0\.0\.1:\d+$/);
      expect(fs.readFileSync(file, 'utf8')).to.equal(before);
      const [bob, rb] = await Client.hello(ds.url, 'bob', 'b1');
      expect(rb.groups).to.deep.equal([{ groupId: GID, epoch, members: ['alice', 'bob'] }]);
      expect((await bob.drain()).map((f) => atob(f.message))).to.deep.equal(['while you were away 1', 'while you were away 2']);
      const [alice, ra] = await Client.hello(ds.url, 'alice', 'a1');
      expect(ra.groups.map((g: { groupId: string }) => g.groupId)).to.deep.equal([GID, b64('g2')]);
      const again = await alice.drain();
      expect(again.map((f) => [f.type, f.seq, atob(f.welcome)])).to.deep.equal([['welcome', 1, 'w-alice']]);
      // KeyPackages: ckp1 stays consumed.
      expect(atob((await bob.request({ type: 'fetchKeyPackage', name: 'carol' })).keyPackage)).to.equal('ckp2');
      expect((await bob.request({ type: 'fetchKeyPackage', name: 'carol' })).lastResort).to.equal(true);
      // Epoch ordering continues: the stale epoch is refused, the current one accepted; seq numbering continues.
      expectError(await bob.request({ type: 'commit', groupId: GID, epoch: epoch - 1, message: b64('old'), added: [], removed: [] }), 'WRONG_EPOCH');
      expect((await bob.request({ type: 'commit', groupId: GID, epoch, message: b64('new'), added: [], removed: [] })).epoch).to.equal(epoch + 1);
      const d = await alice.drain();
      expect(d.map((f) => [f.type, f.seq, f.sender])).to.deep.equal([['commit', 2, 'bob']]);
    }, file);
  });

  it('refuses every kind of bad frame with an error reply and changes nothing', async () => {
    await withDs(async (ds, file) => {
      const [alice] = await Client.hello(ds.url, 'alice', 'a1');
      const [bob] = await Client.hello(ds.url, 'bob', 'b1');
      await alice.request({ type: 'publishKeyPackages', keyPackages: [b64('akp')], lastResort: b64('alr') });
      const epoch = await groupOf(alice, ['bob']);
      await bob.drain();

      const good = { type: 'commit', groupId: GID, epoch, message: b64('m'), added: [], removed: [] };
      const app = { type: 'application', groupId: GID, epoch, message: b64('m') };
      const cases: [string, string | Uint8Array | Record<string, unknown>, string][] = [
        ['not JSON', '{"type":"commit",', 'BAD_JSON'],
        ['JSON array', '[1,2]', 'BAD_JSON'],
        ['JSON string', '"hello"', 'BAD_JSON'],
        ['JSON null', 'null', 'BAD_JSON'],
        ['binary frame', new TextEncoder().encode(JSON.stringify(app)), 'BAD_JSON'],
        ['oversized (> 1 MiB)', { ...app, message: btoa('x'.repeat(800 * 1024)) }, 'TOO_LARGE'],
        ['oversized binary', new Uint8Array(1024 * 1024 + 1), 'TOO_LARGE'],
        ['unknown type', { ...app, type: 'shout' }, 'UNKNOWN_TYPE'],
        ['missing type', { groupId: GID }, 'UNKNOWN_TYPE'],
        ['type not a string', { ...app, type: 7 }, 'UNKNOWN_TYPE'],
        ['inherited name as type', { ...app, type: 'constructor' }, 'UNKNOWN_TYPE'],
        ['missing field', { type: 'commit', groupId: GID, epoch, message: b64('m'), added: [] }, 'BAD_FRAME'],
        ['unexpected field', { ...good, extra: 1 }, 'BAD_FRAME'],
        ['epoch as string', { ...good, epoch: String(epoch) }, 'BAD_FRAME'],
        ['negative epoch', { ...good, epoch: -1 }, 'BAD_FRAME'],
        ['fractional epoch', { ...good, epoch: 1.5 }, 'BAD_FRAME'],
        ['epoch past 2^53', { ...good, epoch: 2 ** 53 }, 'BAD_FRAME'],
        ['message not base64', { ...good, message: 'not base64!' }, 'BAD_FRAME'],
        ['message unpadded', { ...good, message: 'QUJD' + 'RA' }, 'BAD_FRAME'],
        ['message non-canonical pad bits', { ...good, message: 'QR==' }, 'BAD_FRAME'],
        ['message empty', { ...good, message: '' }, 'BAD_FRAME'],
        ['message as byte array', { ...good, message: [1, 2, 3] }, 'BAD_FRAME'],
        ['added not an array', { ...good, added: 'carol' }, 'BAD_FRAME'],
        ['added duplicate', { ...good, added: ['x', 'x'], welcome: b64('w') }, 'BAD_FRAME'],
        ['added and removed', { ...good, added: ['bob'], removed: ['bob'], welcome: b64('w') }, 'BAD_FRAME'],
        ['added without welcome', { ...good, added: ['carol'] }, 'BAD_FRAME'],
        ['welcome without added', { ...good, welcome: b64('w') }, 'BAD_FRAME'],
        ['id of wrong type', { ...app, id: { a: 1 } }, 'BAD_FRAME'],
        ['publish: not an array', { type: 'publishKeyPackages', keyPackages: b64('k') }, 'BAD_FRAME'],
        ['publish: bad base64 inside', { type: 'publishKeyPackages', keyPackages: [b64('k'), '***'] }, 'BAD_FRAME'],
        ['ack: negative', { type: 'ack', seq: -1 }, 'BAD_FRAME'],
        ['ack: never delivered', { type: 'ack', seq: 999 }, 'BAD_SEQ'],
        ['second hello', { type: 'hello', name: 'alice', deviceId: 'a1' }, 'ALREADY_SIGNED_IN'],
        ['unknown group', { ...app, groupId: b64('nope') }, 'UNKNOWN_GROUP'],
        ['stale commit', { ...good, epoch: epoch - 1 }, 'WRONG_EPOCH'],
        ['future application', { ...app, epoch: epoch + 1 }, 'WRONG_EPOCH'],
        ['adding a member', { ...good, added: ['bob'], welcome: b64('w') }, 'BAD_MEMBERS'],
        ['removing a non-member', { ...good, removed: ['carol'] }, 'BAD_MEMBERS'],
        ['adding an unknown user', { ...good, added: ['zed'], welcome: b64('w') }, 'UNKNOWN_USER'],
        ['fetch: unknown user', { type: 'fetchKeyPackage', name: 'zed' }, 'UNKNOWN_USER'],
        ['existing group', { type: 'createGroup', groupId: GID }, 'GROUP_EXISTS'],
      ];
      for (const [what, frame, code] of cases) {
        const before = fs.readFileSync(file, 'utf8');
        // Frames refused before their id could be read get an error without id.
        const hasId = typeof frame === 'object' && !ArrayBuffer.isView(frame) && typeof frame.id !== 'object' && code !== 'TOO_LARGE';
        if (hasId) {
          const r = await alice.request(frame as Record<string, unknown>);
          expectError(r, code);
          expect(r.id, what).to.be.a('string');
        } else {
          alice.send(frame);
          const r = await alice.next();
          expect(r.code, what).to.equal(code);
          expect(r.type).to.equal('error');
          expect(r.message).to.be.a('string');
        }
        expect(fs.readFileSync(file, 'utf8'), what).to.equal(before);
        expect(await bob.drain(), what).to.deep.equal([]);
        expect(alice.inbox, what).to.deep.equal([]);
      }
      // WRONG_EPOCH names the group and its current epoch.
      const r = await alice.request({ ...good, epoch: 0 });
      expect(r).to.deep.include({ type: 'error', code: 'WRONG_EPOCH', groupId: GID, epoch });

      // Before hello, and bad hellos.
      const anon = await Client.open(ds.url);
      const before = fs.readFileSync(file, 'utf8');
      expectError(await anon.request(app), 'NOT_SIGNED_IN');
      for (const h of [
        { type: 'hello', name: '', deviceId: 'd' },
        { type: 'hello', name: ' alice', deviceId: 'd' },
        { type: 'hello', name: 'a\nb', deviceId: 'd' },
        { type: 'hello', name: 'x'.repeat(65), deviceId: 'd' },
        { type: 'hello', name: '\ud800', deviceId: 'd' },
        { type: 'hello', name: 'eve', deviceId: 'has space' },
        { type: 'hello', name: 'eve' },
        { type: 'hello', name: 'eve', deviceId: 'd', lastSeq: 'x' },
      ])
        expectError(await anon.request(h), 'BAD_FRAME');
      expectError(await anon.request({ type: 'hello', name: 'eve', deviceId: 'd', lastSeq: 5 }), 'BAD_SEQ');
      expect(fs.readFileSync(file, 'utf8')).to.equal(before);

      // The connections still work, and the state is as it was.
      expect((await alice.request(app)).type).to.equal('ok');
      expect((await bob.drain()).map((f) => atob(f.message))).to.deep.equal(['m']);
      expect((await bob.request({ type: 'groupInfo', groupId: GID })).epoch).to.equal(epoch);
      expect(atob((await bob.request({ type: 'fetchKeyPackage', name: 'alice' })).keyPackage)).to.equal('akp');

      // Past 4 × the frame limit, ws itself closes the connection (1009) without reading the frame.
      const big = await Client.open(ds.url);
      big.send('x'.repeat(4 * 1024 * 1024 + 1));
      await big.next(() => false).catch(() => {});
      expect(big.closed?.code).to.equal(1009);
    });
  });

  it('a failed write of the data file is rolled back: the request gets INTERNAL and nothing changes', async () => {
    const dir = `${tmpDir}/rollback`;
    fs.mkdirSync(dir);
    const file = `${dir}/ds.json`;
    await withDs(async (ds) => {
      const [alice] = await Client.hello(ds.url, 'alice', 'a1');
      const [bob] = await Client.hello(ds.url, 'bob', 'b1');
      await alice.request({ type: 'publishKeyPackages', keyPackages: [b64('kp1')] });
      const saved = fs.readFileSync(file, 'utf8');
      fs.rmSync(dir, { recursive: true }); // every write now fails
      expectError(await alice.request({ type: 'publishKeyPackages', keyPackages: [b64('kp2')], lastResort: b64('lr') }), 'INTERNAL');
      expectError(await bob.request({ type: 'fetchKeyPackage', name: 'alice' }), 'INTERNAL');
      expectError(await alice.request({ type: 'createGroup', groupId: GID }), 'INTERNAL');
      fs.mkdirSync(dir);
      fs.writeFileSync(file, saved);
      expect(atob((await bob.request({ type: 'fetchKeyPackage', name: 'alice' })).keyPackage)).to.equal('kp1');
      expectError(await bob.request({ type: 'fetchKeyPackage', name: 'alice' }), 'NO_KEY_PACKAGE');
      expectError(await alice.request({ type: 'groupInfo', groupId: GID }), 'UNKNOWN_GROUP');
      expect(await bob.drain()).to.deep.equal([]);
    }, file);
  });

  it('refuses to start on a data file that is not its own, and leaves it untouched', async () => {
    const file = freshFile();
    fs.writeFileSync(file, '{"some":"other file"}');
    let err: Error | null = null;
    try {
      await start({ port: 0, dataFile: file });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/not a webmls delivery-service data file/);
    expect(fs.readFileSync(file, 'utf8')).to.equal('{"some":"other file"}');
  });
});

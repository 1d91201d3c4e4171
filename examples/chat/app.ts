/**
 * The demo chat: webmls's worker client (`createWorkerClient`: engine, secrets and IndexedDB in a Web Worker) on
 * the demo delivery service (server/). Sign in by name, create a group, invite by name, chat, remove, leave.
 *
 * How the pieces fit:
 * - Each user has one MLS identity (IndexedDB database `webmls-chat:<name>`); each tab is one DS device of that
 *   user (a random device id in sessionStorage, so a reload is the same device and the DS re-sends what it missed).
 *   Two tabs of one user share the MLS state; the SDK's Web Locks keep them from forking, and the DS sends each
 *   tab every message: one tab decrypts it, the other's attempt fails as a replay and shows it from the shared
 *   history (history.ts, localStorage).
 * - Commits follow the DS's ordering rule: send the commit with the epoch it was made in; on `accepted` confirm
 *   the pending commit, on `error` WRONG_EPOCH discard it, process what arrived (the winning commit) and retry.
 *   If the connection drops before the answer, ask the DS for the group's epoch to learn whether it was accepted.
 * - Leaving is a Remove proposal for oneself (RFC 9420 §12.1.3); the other members commit it (each tries after a
 *   short delay by leaf order; the DS lets exactly one win).
 */
import { createWorkerClient, isMlsError, type CommitEvent, type CommitOutput, type GroupEvent, type GroupHandle, type MlsClient } from '../../sdk/src/index.ts';
import { mlsMessageFrom } from '../../sdk/src/messages/mls-message.ts';
import { WireFormat } from '../../sdk/src/messages/common.ts';
import { DsConnection, DsError, type Request } from './ds-client.ts';
import { appendHistory, isChatKey, readHistory, readMeta, writeMeta, type HistoryEntry } from './history.ts';
import { fromBase64, toBase64, type Delivery, type GroupFrame, type KeyPackageFrame, type ReadyFrame } from './server/protocol.ts';
import { treeFromGroupInfo, treeSvg } from './tree.ts';

const params = new URLSearchParams(location.search);
const DS_URL: string = params.get('ds') ?? (import.meta.env.VITE_DS_URL as string | undefined) ?? `ws://${location.hostname}:8787`;

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const enc = new TextEncoder();
const dec = new TextDecoder();
const hexOf = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const nameOf = (identity: Uint8Array | undefined): string => (identity ? dec.decode(identity) : '?');
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const randomId = (): string => hexOf(crypto.getRandomValues(new Uint8Array(8)));

let me = '';
let client: MlsClient;
let ds: DsConnection;
const handles = new Map<string, GroupHandle>();
let current: string | undefined;
/** Groups whose leave this tab proposed, by the epoch of the proposal (re-proposed if an epoch passes). */
const leaveProposed = new Map<string, bigint>();

// ---- UI helpers ----------------------------------------------------------------------------------------------------

function showError(e: unknown): void {
  const msg = e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : String(e);
  console.warn(msg);
  $('error').textContent = msg;
}

function system(hex: string, id: string, text: string, epoch: bigint | number): void {
  appendHistory(me, hex, { id, kind: 'sys', text, ts: Date.now(), epoch: Number(epoch) });
}

// ---- sign in -------------------------------------------------------------------------------------------------------

async function signIn(name: string): Promise<void> {
  me = name;
  sessionStorage.setItem('webmls-chat:user', name);
  localStorage.setItem('webmls-chat:lastUser', name);
  $('signin').hidden = true;
  $('me-label').textContent = `signed in as ${name}`;
  client = await createWorkerClient({ identity: name, databaseName: `webmls-chat:${name}` });
  for (const g of await client.listGroups()) handles.set(hexOf(g.groupId), await client.openGroup(g.groupId));
  current = sessionStorage.getItem('webmls-chat:current') ?? undefined;
  if (current && !handles.has(current)) current = undefined;
  client.on('message', (e) => onMessageEvent(e));
  client.on('epoch', () => scheduleRender());
  client.on('removed', () => scheduleRender());
  window.addEventListener('storage', (e) => {
    if (isChatKey(e.key, me)) scheduleRender();
  });

  const devKey = `webmls-chat:device:${name}`;
  let deviceId = sessionStorage.getItem(devKey);
  if (!deviceId) sessionStorage.setItem(devKey, (deviceId = `tab-${randomId()}`));
  ds = new DsConnection({
    url: DS_URL,
    name,
    deviceId,
    onDeliveries,
    onReady,
    onStatus: (on) => {
      $('ds-status').innerHTML = `<span class="dot${on ? ' on' : ''}"></span>${on ? 'online' : 'offline'}`;
    },
  });
  $('app').hidden = false;
  scheduleRender();
}

/** After each hello: keep a stock of KeyPackages (and one last-resort) at the DS so others can invite us. */
async function onReady(r: ReadyFrame): Promise<void> {
  try {
    if (r.keyPackages < 3) {
      const kps = await client.createKeyPackages(5);
      await ds.request({ type: 'publishKeyPackages', keyPackages: kps.map((k) => toBase64(k.message)) });
    }
    if (!r.hasLastResort) {
      const [lr] = await client.createKeyPackages(1, { lastResort: true });
      await ds.request({ type: 'publishKeyPackages', keyPackages: [], lastResort: toBase64(lr!.message) });
    }
  } catch (e) {
    showError(e);
  }
}

// ---- incoming ------------------------------------------------------------------------------------------------------

/** The most deliveries handled in one call of onDeliveries (the e2e test's window.chat hook). */
let largestBurst = 0;

/**
 * The deliveries that arrived together (a backlog after a reconnect, or a burst), in seq order. Group messages are
 * passed to receive() without waiting for each other: the client joins back-to-back receives into one
 * receiveMany (one worker round trip, one IndexedDB transaction), each keeping its own outcome. A Welcome waits
 * for what came before it.
 */
async function onDeliveries(ds: Delivery[]): Promise<void> {
  largestBurst = Math.max(largestBurst, ds.length);
  const inFlight: Promise<void>[] = [];
  try {
    for (const d of ds) {
      if (d.type === 'welcome') {
        await Promise.all(inFlight.splice(0));
        await onWelcome(d).catch((e: unknown) => console.error(`welcome #${d.seq} not processed:`, e));
        continue;
      }
      const gid = fromBase64(d.groupId);
      const h = handles.get(hexOf(gid)) ?? (await openStored(gid).catch((e: unknown) => void console.error(`${d.type} #${d.seq}:`, e)));
      if (!h) continue;
      // Results arrive as 'message' events (onMessageEvent). Failures are expected for messages another tab of
      // this user already processed (replay, old epoch), this user's own messages, and anything after removal.
      inFlight.push(h.receive(fromBase64(d.message)).then(
        () => {},
        (e: unknown) => console.debug(`${d.type} #${d.seq} not processed:`, e),
      ));
    }
    await Promise.all(inFlight);
  } finally {
    scheduleRender();
  }
}

async function openStored(groupId: Uint8Array): Promise<GroupHandle | undefined> {
  const hex = hexOf(groupId);
  if (!(await client.listGroups()).some((g) => hexOf(g.groupId) === hex)) return undefined;
  const h = await client.openGroup(groupId);
  handles.set(hex, h);
  return h;
}

async function onWelcome(d: Extract<Delivery, { type: 'welcome' }>): Promise<void> {
  const groupId = fromBase64(d.groupId);
  const hex = hexOf(groupId);
  const stored = (await client.listGroups()).find((g) => hexOf(g.groupId) === hex);
  if (stored && !stored.active) await client.deleteGroup(groupId); // added again after a removal: start afresh
  let h: GroupHandle | undefined = stored?.active ? await client.openGroup(groupId) : undefined;
  if (!h) {
    try {
      h = await client.joinFromWelcome(fromBase64(d.welcome));
    } catch (e) {
      h = await openStored(groupId); // another tab of this user joined first
      if (!h) throw e;
    }
  }
  handles.set(hex, h);
  writeMeta(me, hex, {});
  system(hex, `joined:${d.epoch}`, `${d.sender} added you (members: ${d.members.join(', ')})`, d.epoch);
  current ??= hex;
}

/** Every processed message (received now, or released from the early-message buffer) of any group. */
function onMessageEvent(e: Extract<GroupEvent, { type: 'message' }>): void {
  const hex = hexOf(e.groupId);
  const ev = e.event;
  switch (ev.kind) {
    case 'application': {
      let p: { id?: unknown; text?: unknown; ts?: unknown };
      try {
        p = JSON.parse(dec.decode(ev.data)) as typeof p;
      } catch {
        p = { text: dec.decode(ev.data) };
      }
      appendHistory(me, hex, {
        id: typeof p.id === 'string' ? p.id : randomId(),
        kind: 'msg',
        from: nameOf(ev.sender.identity),
        text: String(p.text ?? ''),
        ts: typeof p.ts === 'number' ? p.ts : Date.now(),
        epoch: Number(ev.epoch),
      });
      break;
    }
    case 'commit':
      recordCommit(hex, ev);
      break;
    case 'proposal': {
      const s = ev.sender;
      // A member asking to leave (a Remove of its own leaf): commit it for them.
      if (ev.proposal.type === 'remove' && s.type === 'member' && s.leafIndex === ev.proposal.leafIndex)
        void commitLeave(hex, nameOf(s.identity), s.leafIndex);
      break;
    }
    case 'dropped':
      console.warn(`held message of epoch ${ev.epoch} dropped: ${ev.code} ${ev.message}`);
      break;
  }
  scheduleRender();
}

function recordCommit(hex: string, ev: CommitEvent): void {
  const by = ev.committer ? nameOf(ev.committer.identity) : 'someone';
  const joined = ev.joined.map((m) => nameOf(m.identity));
  const left = ev.left.map((m) => nameOf(m.identity));
  const parts: string[] = [];
  if (joined.length) parts.push(`${by} added ${joined.join(', ')}`);
  for (const l of left) parts.push(leavers.has(l) ? `${l} left` : `${by} removed ${l}`);
  if (!parts.length) parts.push(`${by} updated their keys`);
  system(hex, `epoch:${ev.epoch}`, `${parts.join('; ')} → epoch ${ev.epoch}`, ev.epoch);
  if (ev.removedMe) {
    const meta = readMeta(me, hex);
    system(hex, `removed:${ev.epoch}`, meta.leaving ? 'You left this group.' : `You were removed from this group by ${by}.`, ev.epoch);
  }
}
/** Members seen asking to leave (their own Remove proposal), so their removal reads "X left". */
const leavers = new Set<string>();

// ---- commits -------------------------------------------------------------------------------------------------------

/**
 * Make a commit, send it, confirm it on `accepted`; on WRONG_EPOCH discard it, catch up and (when `retry`) make it
 * again in the new epoch. Returns false when it was given up (WRONG_EPOCH without retry).
 */
async function commitOp(
  hex: string,
  make: (h: GroupHandle) => Promise<CommitOutput>,
  names: { added?: string[]; removed?: string[] } = {},
  retry = true,
): Promise<boolean> {
  const h = handles.get(hex);
  if (!h) throw new Error('no such group');
  for (let attempt = 0; attempt < 8; attempt++) {
    await ds.drain(); // commit on top of everything that arrived
    const out = await make(h);
    const fromEpoch = out.pending.fromEpoch;
    const frame: Request = {
      type: 'commit',
      groupId: toBase64(h.groupId),
      epoch: Number(fromEpoch),
      message: toBase64(out.commit),
      added: names.added ?? [],
      removed: names.removed ?? [],
      ...(out.welcome ? { welcome: toBase64(out.welcome) } : {}),
    };
    let outcome: 'accepted' | 'lost' | 'resend';
    for (;;) {
      try {
        await ds.request(frame);
        outcome = 'accepted';
      } catch (e) {
        if (!(e instanceof DsError)) throw e;
        if (e.code === 'DISCONNECTED') outcome = await lostAnswer(h, fromEpoch);
        else if (e.code === 'WRONG_EPOCH') {
          console.info(`[webmls-chat] commit for epoch ${fromEpoch} refused (WRONG_EPOCH, the group is at ${e.epoch}): discarding, catching up${retry ? ', retrying' : ''}`);
          outcome = 'lost';
        }
        else {
          await h.discard();
          throw e;
        }
      }
      if (outcome !== 'resend') break;
    }
    if (outcome === 'accepted') {
      recordCommit(hex, await h.confirm());
      scheduleRender();
      return true;
    }
    await h.discard().catch(() => {});
    await catchUp(h, fromEpoch + 1n);
    if (!retry) return false;
    await sleep(20 * attempt);
  }
  throw new Error('could not get a commit accepted after 8 attempts');
}

/** The connection dropped while a commit was on the wire: was it accepted? Ask the DS once reconnected. */
async function lostAnswer(h: GroupHandle, fromEpoch: bigint): Promise<'accepted' | 'lost' | 'resend'> {
  for (;;) {
    await ds.whenReady();
    try {
      // The reply follows every delivery the DS re-sent after hello; drain processes them first.
      const g = (await ds.request({ type: 'groupInfo', groupId: toBase64(h.groupId) })) as GroupFrame;
      await ds.drain();
      if (g.epoch === Number(fromEpoch)) return 'resend';
      // The DS moved on. If nobody else's commit for our epoch reached us, the accepted one was ours.
      await h.members(); // refresh the handle's epoch
      return g.epoch === Number(fromEpoch) + 1 && h.epoch === fromEpoch ? 'accepted' : 'lost';
    } catch (e) {
      if (!(e instanceof DsError && e.code === 'DISCONNECTED')) throw e;
    }
  }
}

/** Wait until the group reached `epoch` locally (the winning commit is on its way or being processed). */
async function catchUp(h: GroupHandle, epoch: bigint): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await ds.drain();
    await h.members().catch(() => {});
    if (h.epoch >= epoch || !h.active) return;
    await sleep(50);
  }
}

async function commitLeave(hex: string, name: string, leaf: number): Promise<void> {
  leavers.add(name);
  const h = handles.get(hex);
  if (!h?.active) return;
  try {
    // Stagger by rank so usually one member commits; the DS picks one anyway.
    const others = (await h.members()).filter((m) => m.leafIndex !== leaf);
    const rank = others.findIndex((m) => m.isMe);
    if (rank < 0) return;
    await sleep(rank * 150);
    if (!(await h.members()).some((m) => m.leafIndex === leaf)) return; // someone committed it already
    await commitOp(hex, (g) => g.commit(), { removed: [name] }, false);
  } catch (e) {
    if (!(isMlsError(e) && e.code === 'STATE')) showError(e);
  }
}

// ---- actions -------------------------------------------------------------------------------------------------------

/** Send a frame that is safe to repeat (receivers drop a duplicate as a replay). */
async function sendRepeatable(frame: Request): Promise<void> {
  for (;;) {
    try {
      await ds.request(frame);
      return;
    } catch (e) {
      if (!(e instanceof DsError && e.code === 'DISCONNECTED')) throw e;
    }
  }
}

async function newGroup(): Promise<void> {
  const h = await client.createGroup();
  const hex = hexOf(h.groupId);
  handles.set(hex, h);
  try {
    await sendRepeatable({ type: 'createGroup', groupId: toBase64(h.groupId) });
  } catch (e) {
    if (!(e instanceof DsError && e.code === 'GROUP_EXISTS')) throw e;
  }
  system(hex, 'created', 'You created this group', 0);
  select(hex);
}

async function invite(name: string): Promise<void> {
  const hex = current!;
  const r = (await ds.request({ type: 'fetchKeyPackage', name })) as KeyPackageFrame;
  const kp = fromBase64(r.keyPackage);
  // The DS says whose KeyPackage this is; check that the credential inside says the same.
  const m = mlsMessageFrom(kp);
  const who = m.wireFormat === WireFormat.mls_key_package && m.keyPackage.leafNode.credential.kind === 'basic' ? dec.decode(m.keyPackage.leafNode.credential.identity) : undefined;
  if (who !== name) throw new Error(`the delivery service returned a KeyPackage of ${who ?? 'an unknown credential'} for ${name}`);
  await commitOp(hex, (h) => h.add([kp]), { added: [name] });
}

async function removeMember(leaf: number, name: string): Promise<void> {
  await commitOp(current!, (h) => h.remove([leaf]), { removed: [name] });
}

async function sendText(text: string): Promise<void> {
  const hex = current!;
  const h = handles.get(hex)!;
  const id = randomId();
  const ts = Date.now();
  const data = enc.encode(JSON.stringify({ id, text, ts }));
  let wire: Uint8Array;
  try {
    wire = await h.send(data);
  } catch (e) {
    // Proposals are pending (someone asked to leave): §12.4 says commit them before sending.
    if (!(isMlsError(e) && e.code === 'STATE' && h.active)) throw e;
    await commitOp(hex, (g) => g.commit(), {}, false);
    wire = await h.send(data);
  }
  appendHistory(me, hex, { id, kind: 'msg', from: me, text, ts, epoch: Number(h.epoch) });
  scheduleRender();
  await sendRepeatable({ type: 'application', groupId: toBase64(h.groupId), epoch: Number(h.epoch), message: toBase64(wire) });
}

async function leave(): Promise<void> {
  const hex = current!;
  const h = handles.get(hex)!;
  if ((await h.members()).length === 1) {
    await client.deleteGroup(h.groupId);
    handles.delete(hex);
    current = undefined;
    scheduleRender();
    return;
  }
  writeMeta(me, hex, { leaving: true });
  await proposeLeave(hex, h);
}

async function proposeLeave(hex: string, h: GroupHandle): Promise<void> {
  const msg = await h.leave();
  leaveProposed.set(hex, h.epoch);
  system(hex, `leave:${h.epoch}`, 'You asked to leave; waiting for a member to commit it…', h.epoch);
  await sendRepeatable({ type: 'proposal', groupId: toBase64(h.groupId), epoch: Number(h.epoch), message: toBase64(msg) });
}

function select(hex: string): void {
  current = hex;
  sessionStorage.setItem('webmls-chat:current', hex);
  $('error').textContent = '';
  scheduleRender();
}

// ---- rendering -----------------------------------------------------------------------------------------------------

let rendering: Promise<void> | undefined;
let dirty = false;

function scheduleRender(): void {
  if (rendering) {
    dirty = true;
    return;
  }
  rendering = (async () => {
    do {
      dirty = false;
      try {
        await render();
      } catch (e) {
        console.warn('render failed', e);
      }
    } while (dirty);
    rendering = undefined;
  })();
}

const shortCode = (b: Uint8Array): string => (hexOf(b.subarray(0, 8)).toUpperCase().match(/.{4}/g) ?? []).join(' ');

async function render(): Promise<void> {
  if (!client) return;
  // Groups joined by another tab of this user appear here too (shared IndexedDB).
  const stored = await client.listGroups();
  for (const g of stored) if (!handles.has(hexOf(g.groupId))) handles.set(hexOf(g.groupId), await client.openGroup(g.groupId));
  for (const hex of [...handles.keys()]) if (!stored.some((g) => hexOf(g.groupId) === hex)) handles.delete(hex);
  if (current && !handles.has(current)) current = undefined;
  if (!current && handles.size) current = [...handles.keys()][0];

  const firstTs = (hex: string) => readHistory(me, hex)[0]?.ts ?? 0;
  const order = [...handles.keys()].sort((a, b) => firstTs(a) - firstTs(b));
  $('group-list').innerHTML = order
    .map((hex) => {
      const h = handles.get(hex)!;
      const s = stored.find((g) => hexOf(g.groupId) === hex);
      return `<li><button data-group="${hex}" class="${hex === current ? 'current' : ''}">#${hex.slice(0, 6)}<br>
        <span class="sub">epoch ${s?.epoch ?? h.epoch}${s?.active === false ? ' · removed' : ''}</span></button></li>`;
    })
    .join('');

  const h = current ? handles.get(current) : undefined;
  const controls = ['compose-text', 'invite-name', 'update', 'leave'];
  if (!h || !current) {
    $('group-title').textContent = 'No group selected';
    $('epoch').textContent = $('auth').textContent = '–';
    $('messages').innerHTML = `<li class="empty">Create a group, or wait for an invitation.</li>`;
    $('members').innerHTML = $('tree').innerHTML = '';
    $('banner').style.display = 'none';
    for (const c of controls) ($(c) as HTMLInputElement).disabled = true;
    return;
  }
  const hex = current;
  const members = await h.members().catch(() => []);
  const active = h.active;
  for (const c of controls) ($(c) as HTMLInputElement).disabled = !active;
  const meta = readMeta(me, hex);

  // A proposed leave that an epoch change swept away before anyone committed it: propose again.
  const proposedAt = leaveProposed.get(hex);
  if (active && meta.leaving && proposedAt !== undefined && h.epoch > proposedAt) {
    leaveProposed.set(hex, h.epoch);
    void proposeLeave(hex, h).catch(showError);
  }

  $('group-title').textContent = `#${hex.slice(0, 6)}`;
  $('group-title').dataset.group = hex;
  $('epoch').textContent = String(h.epoch);
  $('auth').textContent = active ? shortCode(await h.epochAuthenticator().catch(() => new Uint8Array())) : '–';
  const banner = $('banner');
  if (!active) {
    banner.textContent = meta.leaving ? 'You left this group.' : 'You were removed from this group. You receive nothing new from it.';
    banner.style.display = 'block';
  } else banner.style.display = 'none';

  $('members').innerHTML = members
    .map((m) => {
      const n = nameOf(m.identity);
      const rm = !m.isMe && active ? `<button data-remove="${m.leafIndex}" data-name="${esc(n)}" title="remove ${esc(n)}">remove</button>` : '';
      return `<li data-name="${esc(n)}"><span>${esc(n)}${m.isMe ? ' (you)' : ''}</span><span class="leaf">leaf ${m.leafIndex}</span>${rm}</li>`;
    })
    .join('');

  if (active) {
    try {
      const gi = await h.groupInfo({ ratchetTree: true, externalPub: false });
      $('tree').innerHTML = treeSvg(treeFromGroupInfo(gi), me);
    } catch (e) {
      $('tree').textContent = `(tree unavailable: ${(e as Error).message})`;
    }
  }

  const list = $('messages');
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 20;
  list.innerHTML = readHistory(me, hex).map((e) => entryHtml(e)).join('');
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function entryHtml(e: HistoryEntry): string {
  const time = new Date(e.ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (e.kind === 'sys') return `<li class="sys" data-id="${esc(e.id)}">${esc(e.text)}</li>`;
  const mine = e.from === me ? ' mine' : '';
  return `<li class="msg${mine}" data-id="${esc(e.id)}" data-from="${esc(e.from ?? '')}" title="${time}, epoch ${e.epoch}">` +
    `<span class="from">${esc(e.from ?? '?')}</span><span class="text">${esc(e.text)}</span></li>`;
}

// ---- wiring --------------------------------------------------------------------------------------------------------

/** Run a UI action with its button disabled; errors go to the error line. */
function action(fn: () => Promise<void>, button?: HTMLButtonElement): void {
  if (button) button.disabled = true;
  $('error').textContent = '';
  fn()
    .catch(showError)
    .finally(() => {
      if (button) button.disabled = false;
      scheduleRender();
    });
}

$('signin').addEventListener('submit', (e) => {
  e.preventDefault();
  const name = ($('signin-name') as HTMLInputElement).value.trim();
  if (name) action(() => signIn(name));
});
$('new-group').addEventListener('click', (e) => action(newGroup, e.currentTarget as HTMLButtonElement));
$('group-list').addEventListener('click', (e) => {
  const b = (e.target as HTMLElement).closest('button[data-group]') as HTMLButtonElement | null;
  if (b) select(b.dataset.group!);
});
$('compose').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = $('compose-text') as HTMLInputElement;
  const text = input.value.trim();
  if (!text || !current) return;
  input.value = '';
  action(() => sendText(text));
});
$('invite').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = $('invite-name') as HTMLInputElement;
  const name = input.value.trim();
  if (!name || !current) return;
  input.value = '';
  action(() => invite(name));
});
$('members').addEventListener('click', (e) => {
  const b = (e.target as HTMLElement).closest('button[data-remove]') as HTMLButtonElement | null;
  if (b) action(() => removeMember(Number(b.dataset.remove), b.dataset.name!), b);
});
$('update').addEventListener('click', (e) => action(() => commitOp(current!, (h) => h.update()).then(() => {}), e.currentTarget as HTMLButtonElement));
$('leave').addEventListener('click', (e) => action(leave, e.currentTarget as HTMLButtonElement));

const remembered = params.get('user') ?? sessionStorage.getItem('webmls-chat:user');
if (remembered) action(() => signIn(remembered));
else {
  $('signin').hidden = false;
  ($('signin-name') as HTMLInputElement).value = localStorage.getItem('webmls-chat:lastUser') ?? '';
}

/** For the end-to-end tests and the console: a read-only peek at this tab. */
(window as unknown as { chat: object }).chat = {
  get user() {
    return me;
  },
  get current() {
    return current;
  },
  get connected() {
    return ds?.connected ?? false;
  },
  /** Hold back (true) or release (false) incoming deliveries, as if the network delayed them. */
  hold: (on: boolean) => ds?.hold(on),
  /** The most deliveries that went to the client together (one burst: back-to-back receives, one receiveMany). */
  get largestBurst() {
    return largestBurst;
  },
  idle: async () => {
    await ds?.drain();
    await rendering;
  },
};

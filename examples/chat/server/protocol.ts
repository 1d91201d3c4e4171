/**
 * Wire protocol of the demo delivery service (DS), shared by the Node server and the web client.
 *
 * Transport: one WebSocket per device (browser tab); every frame is one JSON text message (binary frames are
 * refused). Byte fields (KeyPackages, MLS messages, Welcomes, group ids) travel as canonical, padded standard
 * base64 (RFC 4648 §4). The DS treats them as opaque: it never sees plaintext, only who is in which group and the
 * epoch the clients state.
 *
 * This module has no Node imports, so the browser client can import its types, `parseClientFrame` (to mirror the
 * server's checks in tests) and the base64 helpers.
 *
 * Request/response: any client frame may carry `id` (a string of ≤ 64 characters or a non-negative safe integer);
 * the direct reply to that frame (`ready`, `ok`, `keyPackage`, `accepted`, `group`, `error`) echoes it. Deliveries
 * (`commit`, `welcome`, `proposal`, `application`) carry instead a per-device sequence number `seq` (1, 2, 3, … never
 * reused); the client acknowledges them with `ack` and the DS keeps every unacknowledged delivery in the device's
 * queue, re-sending it after the next `hello`. So a device that was offline, or lost its connection before it
 * processed a frame, or talked to a DS that restarted, misses nothing.
 */

/** Largest accepted frame, in bytes of UTF-8 text. Larger frames get `error` TOO_LARGE and change nothing. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Most one-use KeyPackages the DS stores per user; a publish that would exceed it is refused (TOO_MANY). */
export const MAX_KEY_PACKAGES = 256;
/** Longest user name and device id, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 64;

/** Request correlation id, echoed in the direct reply. */
export type RequestId = string | number;
/** Canonical padded base64 of opaque bytes. */
export type B64 = string;

// ---------------------------------------------------------------------------------------------------------------
// Client → DS
// ---------------------------------------------------------------------------------------------------------------

/**
 * Sign in by name (creating the account on first use) as one device of that user. Must be the first frame of a
 * connection, and only once. A second connection with the same name and deviceId replaces the first (which is
 * closed with code 4000). Reply: `ready`, then every queued delivery with seq > lastSeq, in order.
 */
export interface HelloFrame {
  type: 'hello';
  id?: RequestId;
  /** User name: 1–64 characters, no control characters, no leading/trailing white space. */
  name: string;
  /** Client-chosen device id, stable across reconnects of this device: 1–64 of [A-Za-z0-9_.-]. */
  deviceId: string;
  /** Optional: every delivery with seq ≤ lastSeq was processed (same effect as an `ack`). */
  lastSeq?: number;
}

/** Acknowledge every delivery to this device with seq ≤ `seq`: the DS deletes them from the queue. No reply. */
export interface AckFrame {
  type: 'ack';
  id?: RequestId;
  seq: number;
}

/**
 * Upload KeyPackages (opaque bytes) of the signed-in user. `keyPackages` are one-use and appended to the user's
 * list; `lastResort`, when present, replaces the user's last-resort KeyPackage. Reply: `ok` with the counts.
 */
export interface PublishKeyPackagesFrame {
  type: 'publishKeyPackages';
  id?: RequestId;
  keyPackages: B64[];
  lastResort?: B64;
}

/**
 * Fetch one KeyPackage of user `name` (to add them to a group). Consumes the oldest one-use KeyPackage; when
 * none is left, returns the last-resort one without consuming it. Reply: `keyPackage`, or `error` UNKNOWN_USER /
 * NO_KEY_PACKAGE.
 */
export interface FetchKeyPackageFrame {
  type: 'fetchKeyPackage';
  id?: RequestId;
  name: string;
}

/** Register a new group (epoch 0) whose only member is the signed-in user. Reply: `ok`, or `error` GROUP_EXISTS. */
export interface CreateGroupFrame {
  type: 'createGroup';
  id?: RequestId;
  groupId: B64;
}

/**
 * A commit made in epoch `epoch` (the sender's current epoch; the commit leads to epoch + 1). The DS accepts it
 * only if `epoch` equals the group's current epoch at the DS and the sender is a member: the first commit for an
 * epoch wins. Then: the group's epoch becomes epoch + 1 and its member list becomes members + added − removed; the
 * sender gets `accepted` (merge the pending commit now); every device of every pre-commit member (removed ones
 * included, so they learn it) except the sending device gets a `commit` delivery; every device of every added user
 * gets a `welcome` delivery. Otherwise `error` WRONG_EPOCH with the current `epoch`: discard the pending commit,
 * process the deliveries that are coming, and retry from the new epoch.
 *
 * `welcome` is required when `added` is non-empty and forbidden otherwise. Names in `added` must be existing
 * accounts that are not members; names in `removed` must be members; no name in both; no duplicates.
 */
export interface CommitFrame {
  type: 'commit';
  id?: RequestId;
  groupId: B64;
  epoch: number;
  message: B64;
  welcome?: B64;
  added: string[];
  removed: string[];
}

/**
 * A proposal or an application message (the DS cannot tell them apart by content: the client says which), made in
 * epoch `epoch` (must not be after the group's current epoch). Fanned out in the order received, tagged with the
 * stated epoch, to every device of every member except the sending device. Reply: `ok`.
 */
export interface ProposalFrame {
  type: 'proposal';
  id?: RequestId;
  groupId: B64;
  epoch: number;
  message: B64;
}
export interface ApplicationFrame {
  type: 'application';
  id?: RequestId;
  groupId: B64;
  epoch: number;
  message: B64;
}

/** Ask for a group's epoch and member list at the DS (members only). Reply: `group`. */
export interface GroupInfoFrame {
  type: 'groupInfo';
  id?: RequestId;
  groupId: B64;
}

export type ClientFrame =
  | HelloFrame
  | AckFrame
  | PublishKeyPackagesFrame
  | FetchKeyPackageFrame
  | CreateGroupFrame
  | CommitFrame
  | ProposalFrame
  | ApplicationFrame
  | GroupInfoFrame;

// ---------------------------------------------------------------------------------------------------------------
// DS → client: direct replies
// ---------------------------------------------------------------------------------------------------------------

/** The DS's view of a group. */
export interface GroupSummary {
  groupId: B64;
  epoch: number;
  members: string[];
}

/** Reply to `hello`: the account's groups and KeyPackage stock. Queued deliveries follow it. */
export interface ReadyFrame {
  type: 'ready';
  id?: RequestId;
  name: string;
  deviceId: string;
  /** Groups this user is a member of. */
  groups: GroupSummary[];
  /** One-use KeyPackages left at the DS, and whether a last-resort one is stored. */
  keyPackages: number;
  hasLastResort: boolean;
}

/** Success reply to `publishKeyPackages` (with the counts), `createGroup`, `proposal`, `application`. */
export interface OkFrame {
  type: 'ok';
  id?: RequestId;
  keyPackages?: number;
  hasLastResort?: boolean;
}

/** Reply to `fetchKeyPackage`. `lastResort` says whether this is the (reusable) last-resort KeyPackage. */
export interface KeyPackageFrame {
  type: 'keyPackage';
  id?: RequestId;
  name: string;
  keyPackage: B64;
  lastResort: boolean;
}

/** Reply to an accepted `commit`: the group is now at `epoch` (= the commit's epoch + 1). Merge the pending commit. */
export interface AcceptedFrame {
  type: 'accepted';
  id?: RequestId;
  groupId: B64;
  epoch: number;
}

/** Reply to `groupInfo`. */
export interface GroupFrame extends GroupSummary {
  type: 'group';
  id?: RequestId;
}

export type ErrorCode =
  | 'BAD_JSON' // not JSON text, or not a JSON object, or a binary frame
  | 'TOO_LARGE' // more than MAX_FRAME_BYTES
  | 'UNKNOWN_TYPE' // `type` missing or not one of the client frame types
  | 'BAD_FRAME' // a field missing, ill-typed, out of range, not canonical base64, or unexpected
  | 'NOT_SIGNED_IN' // a frame other than `hello` before `hello`
  | 'ALREADY_SIGNED_IN' // a second `hello` on one connection
  | 'UNKNOWN_USER' // fetchKeyPackage / commit `added` names a user who never said hello
  | 'NO_KEY_PACKAGE' // the user has neither a one-use nor a last-resort KeyPackage
  | 'TOO_MANY' // publishing would store more than MAX_KEY_PACKAGES
  | 'UNKNOWN_GROUP'
  | 'GROUP_EXISTS'
  | 'NOT_MEMBER' // the signed-in user is not a member of the group
  | 'BAD_MEMBERS' // commit: an added name is already a member, or a removed name is not one
  | 'WRONG_EPOCH' // commit for an epoch other than the current one, or proposal/application from a future epoch
  | 'BAD_SEQ' // ack (or hello.lastSeq) of a seq that was never delivered to this device
  | 'INTERNAL'; // the DS failed (e.g. could not write its data file); nothing changed: retry later

/**
 * A refused frame: nothing changed at the DS. `epoch` (and `groupId`) accompany WRONG_EPOCH: the group's current
 * epoch. `type`-specific context may be absent when the frame could not be parsed (then `id` is absent too).
 */
export interface ErrorFrame {
  type: 'error';
  id?: RequestId;
  code: ErrorCode;
  message: string;
  groupId?: B64;
  epoch?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// DS → client: deliveries (queued per device until acknowledged)
// ---------------------------------------------------------------------------------------------------------------

/** An accepted commit by `sender`, made in `epoch` (the group is now at epoch + 1). */
export interface CommitDelivery {
  type: 'commit';
  seq: number;
  groupId: B64;
  epoch: number;
  sender: string;
  message: B64;
  added: string[];
  removed: string[];
}

/** A Welcome for the receiving user: the group is at `epoch` after the commit that added them. */
export interface WelcomeDelivery {
  type: 'welcome';
  seq: number;
  groupId: B64;
  epoch: number;
  sender: string;
  welcome: B64;
  /** The member list after the commit (the receiver included). */
  members: string[];
}

export interface ProposalDelivery {
  type: 'proposal';
  seq: number;
  groupId: B64;
  epoch: number;
  sender: string;
  message: B64;
}

export interface ApplicationDelivery {
  type: 'application';
  seq: number;
  groupId: B64;
  epoch: number;
  sender: string;
  message: B64;
}

export type Delivery = CommitDelivery | WelcomeDelivery | ProposalDelivery | ApplicationDelivery;
export type ServerFrame = ReadyFrame | OkFrame | KeyPackageFrame | AcceptedFrame | GroupFrame | ErrorFrame | Delivery;

// ---------------------------------------------------------------------------------------------------------------
// Validation of client frames (strict: unknown fields are refused too, so client bugs surface early)
// ---------------------------------------------------------------------------------------------------------------

/** Thrown by `parseClientFrame`; `id` is the frame's id when it was readable. */
export class FrameError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly id?: RequestId,
    /** Context for the error frame (WRONG_EPOCH: the group and its current epoch). */
    readonly extra: { groupId?: B64; epoch?: number } = {},
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

// Canonical padded base64: the unused low bits of the last symbol before padding must be zero (RFC 4648 §3.5),
// so each byte string has exactly one accepted spelling and group ids can be compared as strings.
const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;
const DEVICE_RE = /^[A-Za-z0-9_.-]{1,64}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const FIELDS: Record<ClientFrame['type'], { required: string[]; optional: string[] }> = {
  hello: { required: ['name', 'deviceId'], optional: ['lastSeq'] },
  ack: { required: ['seq'], optional: [] },
  publishKeyPackages: { required: ['keyPackages'], optional: ['lastResort'] },
  fetchKeyPackage: { required: ['name'], optional: [] },
  createGroup: { required: ['groupId'], optional: [] },
  commit: { required: ['groupId', 'epoch', 'message', 'added', 'removed'], optional: ['welcome'] },
  proposal: { required: ['groupId', 'epoch', 'message'], optional: [] },
  application: { required: ['groupId', 'epoch', 'message'], optional: [] },
  groupInfo: { required: ['groupId'], optional: [] },
};

/** True for a canonical padded base64 string of at least one byte. */
export function isBase64(s: unknown): s is B64 {
  return typeof s === 'string' && s.length > 0 && B64_RE.test(s);
}

/** True for a valid user name (see HelloFrame.name). */
export function isName(s: unknown): s is string {
  return (
    typeof s === 'string' &&
    s.length >= 1 &&
    s.length <= MAX_NAME_LENGTH &&
    s.trim() === s &&
    !CONTROL_RE.test(s) &&
    !LONE_SURROGATE_RE.test(s)
  );
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/**
 * Parses and checks one client frame's text. Throws FrameError (BAD_JSON, TOO_LARGE, UNKNOWN_TYPE, BAD_FRAME).
 * Checks shape only; the DS checks state (membership, epochs) afterwards.
 *
 * @example parseClientFrame('{"type":"ack","seq":3}') // → { type: 'ack', seq: 3 }
 */
export function parseClientFrame(text: string, maxBytes = MAX_FRAME_BYTES): ClientFrame {
  // Cheap bound first (a UTF-16 unit is at most 3 UTF-8 bytes), exact count only when it could matter.
  if (text.length * 3 > maxBytes && new TextEncoder().encode(text).length > maxBytes)
    throw new FrameError('TOO_LARGE', `frame exceeds ${maxBytes} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new FrameError('BAD_JSON', 'frame is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new FrameError('BAD_JSON', 'frame is not a JSON object');
  const o = v as Record<string, unknown>;
  let id: RequestId | undefined;
  if ('id' in o) {
    const i = o.id;
    if (!((typeof i === 'string' && i.length <= 64) || isCount(i)))
      throw new FrameError('BAD_FRAME', 'id: expected a string of at most 64 characters or a non-negative integer');
    id = i;
  }
  const type = o.type;
  if (typeof type !== 'string' || !Object.hasOwn(FIELDS, type))
    throw new FrameError('UNKNOWN_TYPE', `unknown frame type ${JSON.stringify(type)?.slice(0, 40)}`, id);
  const spec = FIELDS[type as ClientFrame['type']];
  const bad = (field: string, what: string): never => {
    throw new FrameError('BAD_FRAME', `${type}.${field}: ${what}`, id);
  };
  for (const k of Object.keys(o))
    if (k !== 'type' && k !== 'id' && !spec.required.includes(k) && !spec.optional.includes(k))
      bad(k, 'unexpected field');
  for (const k of spec.required) if (!(k in o)) bad(k, 'missing');

  const b64 = (k: string): void => {
    if (!isBase64(o[k])) bad(k, 'expected non-empty canonical base64');
  };
  const count = (k: string): void => {
    if (!isCount(o[k])) bad(k, 'expected a non-negative safe integer');
  };
  const names = (k: string): void => {
    const a = o[k];
    if (!Array.isArray(a) || !a.every(isName)) bad(k, 'expected an array of user names');
    if (new Set(a as string[]).size !== (a as string[]).length) bad(k, 'duplicate name');
  };

  switch (type as ClientFrame['type']) {
    case 'hello':
      if (!isName(o.name)) bad('name', 'expected 1-64 characters, no control characters, no outer white space');
      if (typeof o.deviceId !== 'string' || !DEVICE_RE.test(o.deviceId))
        bad('deviceId', 'expected 1-64 of [A-Za-z0-9_.-]');
      if ('lastSeq' in o) count('lastSeq');
      break;
    case 'ack':
      count('seq');
      break;
    case 'publishKeyPackages': {
      const a = o.keyPackages;
      if (!Array.isArray(a) || !a.every(isBase64))
        bad('keyPackages', 'expected an array of non-empty canonical base64');
      if ((a as unknown[]).length > MAX_KEY_PACKAGES) bad('keyPackages', `more than ${MAX_KEY_PACKAGES}`);
      if ('lastResort' in o) b64('lastResort');
      break;
    }
    case 'fetchKeyPackage':
      if (!isName(o.name)) bad('name', 'expected a user name');
      break;
    case 'createGroup':
    case 'groupInfo':
      b64('groupId');
      break;
    case 'commit': {
      b64('groupId');
      count('epoch');
      b64('message');
      names('added');
      names('removed');
      const added = o.added as string[];
      if ((o.removed as string[]).some((n) => added.includes(n))) bad('removed', 'a name is both added and removed');
      if (added.length > 0 && !('welcome' in o)) bad('welcome', 'required when added is not empty');
      if (added.length === 0 && 'welcome' in o) bad('welcome', 'only allowed when added is not empty');
      if ('welcome' in o) b64('welcome');
      break;
    }
    case 'proposal':
    case 'application':
      b64('groupId');
      count('epoch');
      b64('message');
      break;
  }
  return o as unknown as ClientFrame;
}

// ---------------------------------------------------------------------------------------------------------------
// Base64 helpers (browser and Node)
// ---------------------------------------------------------------------------------------------------------------

/** Bytes → canonical padded base64. */
export function toBase64(bytes: Uint8Array): B64 {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Canonical padded base64 → bytes. @throws Error on anything else. */
export function fromBase64(s: B64): Uint8Array {
  if (!(s === '' || isBase64(s))) throw new Error('not canonical base64');
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

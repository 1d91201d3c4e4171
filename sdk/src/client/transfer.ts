/**
 * What crosses the worker boundary, and how:
 * - Errors: Comlink's own 'throw' handler keeps only name/message/stack of an Error, so an `MlsError` would
 *   arrive as a plain Error without its `code`. `registerErrorTransfer()` wraps that handler: an MlsError is
 *   serialized as { code, message, stack } and rebuilt as an MlsError on the other side; anything else thrown is
 *   turned into an MlsError first (the page only ever sees MlsError). Both sides register it.
 * - Bytes: `transferBytes(value)` makes sure no Uint8Array in a result or argument drags its backing buffer
 *   along: structured clone copies a view's WHOLE buffer, and a view into the engine's buffers (a decoded tree, a
 *   decrypted record) must not carry the bytes around it to the page. A view that is its whole buffer crosses as
 *   it is (the clone copies exactly it); any other view is copied to an exact-size buffer first, and when that copy
 *   is large (≥ TRANSFER_MIN) it is moved rather than cloned again. Small buffers are not transferred: marking and
 *   detaching cost more than the memcpy (measured: 31 µs → 8 µs to prepare a received message's result in Node).
 */
import * as Comlink from 'comlink';
import { MlsError, type MlsErrorCode } from '../errors.ts';
import { asMlsError } from './as-error.ts';

interface WireError {
  readonly mls: true;
  readonly code: MlsErrorCode;
  readonly message: string;
  readonly stack?: string | undefined;
}

let registered = false;

/** Make MlsError (with its code) survive Comlink's throw path, on this side of the boundary. Idempotent. */
export function registerErrorTransfer(): void {
  if (registered) return;
  registered = true;
  const original = Comlink.transferHandlers.get('throw') as Comlink.TransferHandler<{ value: unknown }, unknown>;
  const handler: Comlink.TransferHandler<{ value: unknown }, unknown> = {
    canHandle: (v): v is { value: unknown } => original.canHandle(v),
    serialize({ value }) {
      const e = asMlsError(value);
      const prefix = `${e.code}: `;
      const message = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
      const wire: WireError = { mls: true, code: e.code, message, stack: e.stack };
      return [wire, []];
    },
    deserialize(wire) {
      const w = wire as Partial<WireError> | null;
      if (w && w.mls === true && typeof w.code === 'string') {
        const e = new MlsError(w.code, String(w.message ?? ''));
        if (w.stack) e.stack = `${e.stack ?? ''}\n--- in the worker ---\n${w.stack}`;
        throw e;
      }
      return original.deserialize(wire);
    },
  };
  Comlink.transferHandlers.set('throw', handler);
}

/** A copied view at least this large is transferred (moved) instead of cloned. */
const TRANSFER_MIN = 64 * 1024;

/** `value` ready for Comlink (see the file header): the large copies are marked as transferables. */
export function transferBytes<T>(value: T): T {
  const [out, buffers] = withOwnBuffers(value);
  return buffers.length > 0 && out !== null && typeof out === 'object' ? Comlink.transfer(out, buffers) : out;
}

/** `transferBytes` for a plain `postMessage`: the value with views copied, and the buffers to transfer. */
export function withOwnBuffers<T>(value: T): [T, ArrayBuffer[]] {
  const buffers: ArrayBuffer[] = [];
  // An object met twice is copied once, so the clone sends it once too (structured clone keeps shared references):
  // a received message is both the call's result and its event's payload.
  const done = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const seen = done.get(v);
    if (seen !== undefined) return seen;
    if (v instanceof Uint8Array) {
      let out = v;
      if (v.byteOffset !== 0 || v.byteLength !== v.buffer.byteLength) {
        const copy = v.slice();
        if (copy.byteLength >= TRANSFER_MIN) buffers.push(copy.buffer);
        out = copy;
      }
      done.set(v, out);
      return out;
    }
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      done.set(v, out);
      for (const x of v) out.push(walk(x));
      return out;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype) return v;
    const out: Record<string, unknown> = {};
    done.set(v, out);
    for (const k in v) out[k] = walk((v as Record<string, unknown>)[k]);
    return out;
  };
  return [walk(value) as T, buffers];
}

/**
 * The key of a one-way event message from the worker, `{ [EVENT_KEY]: GroupEvent[] }` (workers/mls.worker.ts:
 * events that no call result carried). Comlink ignores messages without its request id.
 */
export const EVENT_KEY = 'webmlsEvents';

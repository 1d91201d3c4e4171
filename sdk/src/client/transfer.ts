/**
 * What crosses the worker boundary, and how:
 * - Errors: Comlink's own 'throw' handler keeps only name/message/stack of an Error, so an `MlsError` would
 *   arrive as a plain Error without its `code`. `registerErrorTransfer()` wraps that handler: an MlsError is
 *   serialized as { code, message, stack } and rebuilt as an MlsError on the other side; anything else thrown is
 *   turned into an MlsError first (the page only ever sees MlsError). Both sides register it.
 * - Bytes: `transferBytes(value)` collects every Uint8Array in a result or argument, gives each one a buffer of
 *   its own (a view into a larger buffer, or a buffer the sender keeps using, is copied once), and marks those
 *   buffers as transferables, so the bytes move instead of being structured-cloned (and a small view never drags
 *   its whole backing buffer along).
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

/**
 * Copy every Uint8Array in `value` into an exact-size buffer of its own and mark those buffers as transferables
 * (see the file header). Always a copy: the sender may still hold the original (the page its argument, the
 * engine a buffer shared with its state), and transferring detaches the whole buffer. One copy, then a move,
 * instead of a structured clone of every backing buffer.
 */
export function transferBytes<T>(value: T): T {
  const buffers: ArrayBuffer[] = [];
  const walk = (v: unknown): unknown => {
    if (v instanceof Uint8Array) {
      const out = v.slice();
      if (out.byteLength > 0) buffers.push(out.buffer);
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[k] = walk(x);
      return o;
    }
    return v;
  };
  const out = walk(value) as T;
  return buffers.length > 0 && out !== null && typeof out === 'object' ? Comlink.transfer(out, buffers) : out;
}

/**
 * Progress and cancellation of long operations. The engine is synchronous inside each protocol step (the crypto
 * core is synchronous by design), so a long operation is cut into steps: between two steps it reports progress,
 * yields to the event loop (so an abort message posted to a worker is delivered), and checks the signal.
 * Nothing is written before the last step, so an abort changes nothing.
 */
import { MlsError } from '../errors.ts';
import type { Ctl } from './protocol.ts';

/** Throw MlsError ABORTED when the signal has fired. */
export function checkAbort(ctl: Ctl | undefined, what: string): void {
  if (ctl?.signal?.aborted) throw new MlsError('ABORTED', `${what} was aborted`, { cause: ctl.signal.reason });
}

/** Let queued events (an abort from the page) run, then check the signal. */
export async function step(ctl: Ctl | undefined, what: string, done: number, total: number): Promise<void> {
  report(ctl, done, total);
  if (ctl?.signal !== undefined) await new Promise<void>((r) => setTimeout(r, 0));
  checkAbort(ctl, what);
}

/** Report progress; a throwing callback is ignored (it is the app's). */
export function report(ctl: Ctl | undefined, done: number, total: number): void {
  if (!ctl?.onProgress) return;
  try {
    const r = ctl.onProgress(done, total) as unknown;
    // A Comlink-proxied callback returns a promise: never let its rejection go unhandled.
    if (r instanceof Promise) r.catch(() => {});
  } catch {
    // ignore
  }
}

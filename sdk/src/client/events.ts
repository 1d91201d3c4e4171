/**
 * Group events: a tiny typed emitter (`on(type, listener)` → unsubscribe) and an async iterator over the same
 * events. Listener errors are contained (one listener's throw never reaches the engine or the other listeners).
 */
import type { GroupEvent, GroupEventType } from './types.ts';

type Listener = (e: GroupEvent) => void;

export class Emitter {
  private readonly listeners = new Map<GroupEventType, Set<Listener>>();
  private readonly iterators = new Set<EventQueue>();

  /** Listen for one event type; returns the function that stops listening. */
  on<T extends GroupEventType>(type: T, listener: (event: Extract<GroupEvent, { type: T }>) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    const l = listener as Listener;
    set.add(l);
    return () => void set.delete(l);
  }

  emit(e: GroupEvent): void {
    for (const l of [...(this.listeners.get(e.type) ?? [])]) {
      try {
        l(e);
      } catch (err) {
        // An app listener's error must not break the engine; surface it asynchronously like an event handler would.
        setTimeout(() => {
          throw err;
        }, 0);
      }
    }
    for (const q of this.iterators) q.push(e);
  }

  /** All events from now on, as an async iterator. */
  iterate(): AsyncIterableIterator<GroupEvent> {
    const q = new EventQueue(() => this.iterators.delete(q));
    this.iterators.add(q);
    return q;
  }

  /** End every iterator and drop every listener. */
  close(): void {
    for (const q of [...this.iterators]) void q.return();
    this.listeners.clear();
  }
}

/** An unbounded queue that is an async iterator; `return()` ends it. */
class EventQueue implements AsyncIterableIterator<GroupEvent> {
  private readonly buffered: GroupEvent[] = [];
  private readonly waiting: ((r: IteratorResult<GroupEvent>) => void)[] = [];
  private done = false;
  constructor(private readonly onEnd: () => void) {}

  push(e: GroupEvent): void {
    if (this.done) return;
    const w = this.waiting.shift();
    if (w) w({ value: e, done: false });
    else this.buffered.push(e);
  }

  next(): Promise<IteratorResult<GroupEvent>> {
    const e = this.buffered.shift();
    if (e) return Promise.resolve({ value: e, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  return(): Promise<IteratorResult<GroupEvent>> {
    if (!this.done) {
      this.done = true;
      this.buffered.length = 0;
      for (const w of this.waiting.splice(0)) w({ value: undefined, done: true });
      this.onEnd();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<GroupEvent> {
    return this;
  }
}

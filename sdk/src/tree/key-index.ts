/**
 * The ratchet tree's key index: which node holds a given encryption key, which leaf a given signature key, and how
 * many members list / use each credential type. It answers the checks every commit makes against the whole tree —
 * §7.3 (signature_key and encryption_key unique among the members, credential types supported) and §12.4.2 (no
 * UpdatePath key already in the tree) — in O(1) per key instead of a pass over all N nodes.
 *
 * A commit works on a `clone()` of the tree (DESIGN.md "validate, then merge") and changes O(log N) nodes, so the
 * index must be copied in O(1) too. It is a stack of layers: lookups read the newest layer first; writes go to the
 * newest layer only; `fork()` freezes the current stack and puts a fresh empty layer on top for each side. Every
 * epoch adds one small layer; once the stack is `MAX_DEPTH` deep, `fork()` flattens it into one map (O(N) once per
 * MAX_DEPTH commits, so O(N / MAX_DEPTH) amortized, and lookups stay O(MAX_DEPTH)).
 *
 * Keys are the raw key bytes as a latin-1 string (one char per byte: half the size of hex, no per-byte table).
 * Public data only.
 */
import type { LeafNode } from '../messages/leaf-node.ts';
import { bytesKey as keyString } from '../crypto/bytes.ts';
import { credentialTypeOf } from '../messages/credential.ts';

const MAX_DEPTH = 32;
/** A deleted entry in a layer above one that may still hold it. */
const GONE = -1;


/** A string → index map whose copies share all but their newest layer. */
class LayeredMap {
  #top = new Map<string, number>();
  #below: readonly Map<string, number>[]; // frozen layers, newest first

  constructor(below: readonly Map<string, number>[] = []) {
    this.#below = below;
  }

  get(k: string): number | undefined {
    let v = this.#top.get(k);
    for (let i = 0; v === undefined && i < this.#below.length; i++) v = this.#below[i]!.get(k);
    return v === undefined || v === GONE ? undefined : v;
  }
  set(k: string, v: number): void {
    this.#top.set(k, v);
  }
  /** Delete k when it maps to v (another node with the same key keeps its entry). */
  deleteIf(k: string, v: number): void {
    if (this.get(k) !== v) return;
    if (this.#below.length === 0) this.#top.delete(k);
    else this.#top.set(k, GONE);
  }

  /** Two maps equal to this one from now on: `this` becomes one of them, the result the other. */
  fork(): LayeredMap {
    let stack: Map<string, number>[] = this.#top.size === 0 ? [...this.#below] : [this.#top, ...this.#below];
    if (stack.length >= MAX_DEPTH) stack = [flatten(stack)];
    this.#top = new Map();
    this.#below = stack;
    return new LayeredMap(stack);
  }
}

function flatten(stack: readonly Map<string, number>[]): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = stack.length - 1; i >= 0; i--)
    for (const [k, v] of stack[i]!) {
      if (v === GONE) out.delete(k);
      else out.set(k, v);
    }
  return out;
}

function bump(m: Map<number, number>, k: number, d: number): void {
  const v = (m.get(k) ?? 0) + d;
  if (v === 0) m.delete(k);
  else m.set(k, v);
}

/**
 * The key index of one TreeState; the tree calls `leafSet` / `parentSet` for every node it stores or blanks.
 */
export class TreeKeyIndex {
  readonly #leafEnc: LayeredMap;
  readonly #parentEnc: LayeredMap;
  readonly #sig: LayeredMap;
  /** Credential type → number of members whose capabilities list it (small: copied on fork). */
  readonly #supporters: Map<number, number>;
  /** Credential type → number of members whose credential is of that type. */
  readonly #inUse: Map<number, number>;
  #members: number;

  constructor(
    leafEnc = new LayeredMap(),
    parentEnc = new LayeredMap(),
    sig = new LayeredMap(),
    supporters = new Map<number, number>(),
    inUse = new Map<number, number>(),
    members = 0,
  ) {
    this.#leafEnc = leafEnc;
    this.#parentEnc = parentEnc;
    this.#sig = sig;
    this.#supporters = supporters;
    this.#inUse = inUse;
    this.#members = members;
  }

  /** An independent copy (O(1) amortized). */
  fork(): TreeKeyIndex {
    return new TreeKeyIndex(
      this.#leafEnc.fork(),
      this.#parentEnc.fork(),
      this.#sig.fork(),
      new Map(this.#supporters),
      new Map(this.#inUse),
      this.#members,
    );
  }

  /** Leaf l changed from `old` to `leaf` (either may be null: blank). */
  leafSet(l: number, old: LeafNode | null, leaf: LeafNode | null): void {
    if (old !== null) {
      this.#leafEnc.deleteIf(keyString(old.encryptionKey), l);
      this.#sig.deleteIf(keyString(old.signatureKey), l);
      for (const t of new Set(old.capabilities.credentials)) bump(this.#supporters, t, -1);
      bump(this.#inUse, credentialTypeOf(old.credential), -1);
      this.#members--;
    }
    if (leaf !== null) {
      this.#leafEnc.set(keyString(leaf.encryptionKey), l);
      this.#sig.set(keyString(leaf.signatureKey), l);
      for (const t of new Set(leaf.capabilities.credentials)) bump(this.#supporters, t, 1);
      bump(this.#inUse, credentialTypeOf(leaf.credential), 1);
      this.#members++;
    }
  }

  /** Parent node x's encryption key changed from `old` to `key` (either may be null: blank). */
  parentSet(x: number, old: Uint8Array | null, key: Uint8Array | null): void {
    if (old !== null) this.#parentEnc.deleteIf(keyString(old), x);
    if (key !== null) this.#parentEnc.set(keyString(key), x);
  }

  /** The leaf whose encryption_key is `key`, if any. */
  leafWithEncryptionKey(key: Uint8Array): number | undefined {
    return this.#leafEnc.get(keyString(key));
  }
  /** The parent node whose encryption_key is `key`, if any. */
  parentWithEncryptionKey(key: Uint8Array): number | undefined {
    return this.#parentEnc.get(keyString(key));
  }
  /** The leaf whose signature_key is `key`, if any. */
  leafWithSignatureKey(key: Uint8Array): number | undefined {
    return this.#sig.get(keyString(key));
  }
  /** Number of members whose capabilities list credential type t. */
  supporters(t: number): number {
    return this.#supporters.get(t) ?? 0;
  }
  /** Credential types in use, with the number of members using each. */
  credentialTypesInUse(): ReadonlyMap<number, number> {
    return this.#inUse;
  }
  /** Number of non-blank leaves. */
  get members(): number {
    return this.#members;
  }
}

/**
 * The tree-hash cache of a TreeState (RFC 9420 §7.8): node x's tree hash, or nothing when not known.
 *
 * Packed, because a 50,000-member tree has 100,000 hashes: one Uint8Array per hash cost ~390 bytes of heap each
 * (object, ArrayBuffer, backing store), 39 MB; packed they cost their 32 bytes plus a flag byte. Paged and shared
 * copy-on-write, because a commit clones the tree (DESIGN.md "validate, then merge") and then changes O(log N)
 * entries: `clone()` copies one page table, and a write copies only the page it touches, once.
 *
 * `get` returns a copy: a caller may keep a hash (GroupContext.tree_hash) while the cache slot is reused.
 * Public data only.
 */

/** Nodes per page: 512 × (1 + 32) bytes ≈ 17 KB for SHA-256 suites. */
const PAGE_BITS = 9;
const PAGE = 1 << PAGE_BITS;

export class HashCache {
  /** Page p: flags of nodes p·PAGE … (1 = cached) in bytes [0, PAGE), then their hashes, `#nh` bytes each. */
  #pages: (Uint8Array | undefined)[];
  /** Pages this cache may write in place (not shared with a clone). */
  #owned: boolean[];
  #suite: number | undefined;
  #nh: number;

  constructor(pages: (Uint8Array | undefined)[] = [], suite?: number, nh = 0) {
    this.#pages = pages;
    this.#owned = pages.map(() => false);
    this.#suite = suite;
    this.#nh = nh;
  }

  /** A copy sharing every page until one side writes it. */
  clone(): HashCache {
    this.#owned.fill(false);
    return new HashCache(this.#pages.slice(), this.#suite, this.#nh);
  }

  /** True when node x's hash under `suite` is cached. */
  has(x: number, suite: number): boolean {
    if (this.#suite !== suite) return false;
    const page = this.#pages[x >>> PAGE_BITS];
    return page !== undefined && page[x & (PAGE - 1)] === 1;
  }

  /** A copy of node x's hash under `suite`, if cached. */
  get(x: number, suite: number): Uint8Array | undefined {
    if (!this.has(x, suite)) return undefined;
    const i = PAGE + (x & (PAGE - 1)) * this.#nh;
    return this.#pages[x >>> PAGE_BITS]!.slice(i, i + this.#nh);
  }

  /** Cache node x's hash under `suite` (a cache of another suite is dropped first: trees are single-suite). */
  set(x: number, suite: number, h: Uint8Array): void {
    if (this.#suite !== suite || this.#nh !== h.length) {
      this.clearAll();
      this.#suite = suite;
      this.#nh = h.length;
    }
    const page = this.#writable(x >>> PAGE_BITS, true)!;
    page[x & (PAGE - 1)] = 1;
    page.set(h, PAGE + (x & (PAGE - 1)) * this.#nh);
  }

  /** Forget node x's hash. */
  delete(x: number): void {
    const p = x >>> PAGE_BITS;
    const page = this.#pages[p];
    if (page === undefined || page[x & (PAGE - 1)] === 0) return;
    this.#writable(p, false)![x & (PAGE - 1)] = 0;
  }

  /** Forget the hashes of nodes n and beyond (the tree was truncated to n nodes). */
  truncate(n: number): void {
    const keep = (n + PAGE - 1) >>> PAGE_BITS;
    this.#pages.length = Math.min(this.#pages.length, keep);
    this.#owned.length = this.#pages.length;
    for (let x = n; x < keep * PAGE; x++) this.delete(x);
  }

  /** Forget every hash. */
  clearAll(): void {
    this.#pages = [];
    this.#owned = [];
  }

  /** Page p, copied first when shared; allocated when `create` (else undefined when absent). */
  #writable(p: number, create: boolean): Uint8Array | undefined {
    let page = this.#pages[p];
    if (page === undefined) {
      if (!create) return undefined;
      while (this.#pages.length < p) {
        this.#pages.push(undefined);
        this.#owned.push(false);
      }
      page = new Uint8Array(PAGE * (1 + this.#nh));
    } else if (this.#owned[p]) {
      return page;
    } else {
      page = page.slice();
    }
    this.#pages[p] = page;
    this.#owned[p] = true;
    return page;
  }
}

// Loads the official interop vectors without copying them into the repository.
// Node: from $MLS_TEST_VECTORS (the mls/ folder) or ../shared/test-vectors/mls, and ../shared/test-vectors/hpke.
// Browser (wtr): the test server serves the same folders under /__vectors__/mls and /__vectors__/hpke.
const isNode = typeof process !== 'undefined' && !!process.versions?.node;

async function readJson(kind: 'mls' | 'hpke', name: string): Promise<unknown | undefined> {
  if (!isNode) {
    const res = await fetch(`/__vectors__/${kind}/${name}`);
    return res.ok ? res.json() : undefined;
  }
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const { vectorDirs } = await import('./vector-dirs.mjs');
  const dir = vectorDirs()[kind];
  if (!dir) return undefined;
  try {
    return JSON.parse(await fs.readFile(path.join(dir, name), 'utf8'));
  } catch {
    return undefined;
  }
}

function warnMissing(kind: string, name: string): void {
  console.warn(
    `\n*** SKIPPING: test vectors ${kind}/${name} not found. Set MLS_TEST_VECTORS to the test-vectors folder of ` +
      `github.com/mlswg/mls-implementations (HPKE_TEST_VECTORS: the folder holding test-vectors.json of ` +
      `github.com/cfrg/draft-irtf-cfrg-hpke). See README "Test vectors". ***\n`,
  );
}

/** An mlswg vector file (e.g. 'tree-math.json'), or undefined when the vectors are not installed. */
export async function mlsVectors<T = any>(name: string): Promise<T[] | undefined> {
  const v = await readJson('mls', name);
  if (v === undefined) warnMissing('mls', name);
  return v as T[] | undefined;
}

/** RFC 9180 vectors, or undefined when not installed (callers register one skipped test saying so). */
export async function hpkeVectors<T = any>(): Promise<T[] | undefined> {
  const v = await readJson('hpke', 'test-vectors.json');
  if (v === undefined) warnMissing('hpke', 'test-vectors.json');
  return v as T[] | undefined;
}

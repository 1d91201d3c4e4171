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
  const dir =
    kind === 'mls'
      ? (process.env.MLS_TEST_VECTORS ?? path.resolve('../shared/test-vectors/mls'))
      : path.resolve(process.env.HPKE_TEST_VECTORS ?? '../shared/test-vectors/hpke');
  try {
    return JSON.parse(await fs.readFile(path.join(dir, name), 'utf8'));
  } catch {
    return undefined;
  }
}

function missing(kind: string, name: string): never {
  throw new Error(
    `TEST VECTORS MISSING: ${kind}/${name} not found. Set MLS_TEST_VECTORS to the test-vectors folder of ` +
      `github.com/mlswg/mls-implementations (HPKE: test-vectors.json of github.com/cfrg/draft-irtf-cfrg-hpke).`,
  );
}

/** An mlswg vector file (e.g. 'tree-math.json'), or undefined when the vectors are not installed. */
export async function mlsVectors<T = any>(name: string): Promise<T[] | undefined> {
  const v = await readJson('mls', name);
  if (v === undefined) console.warn(`\n*** SKIPPING: MLS test vectors not found (${name}); see README "Test vectors" ***\n`);
  return v as T[] | undefined;
}

/** RFC 9180 vectors (the filtered file described in the vectors README). */
export async function hpkeVectors<T = any>(): Promise<T[]> {
  const v = await readJson('hpke', 'test-vectors.json');
  return (v as T[] | undefined) ?? missing('hpke', 'test-vectors.json');
}

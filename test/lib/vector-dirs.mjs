// Where the interop vectors live (Node only). They are read in place, never copied into the repository:
// $MLS_TEST_VECTORS (the mls/ folder of github.com/mlswg/mls-implementations' test-vectors) and
// $HPKE_TEST_VECTORS, else the workspace's shared/test-vectors next to (or above) the checkout.
import { existsSync } from 'node:fs';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shared = [join(repo, '../shared/test-vectors'), join(repo, '../../shared/test-vectors'), '/work/shared/test-vectors'];

function pick(envName, sub) {
  const env = process.env[envName];
  if (env) return env;
  const found = shared.map((d) => join(d, sub)).find((d) => existsSync(d));
  return found;
}

/** @returns {{ mls: string | undefined, hpke: string | undefined }} */
export function vectorDirs() {
  return { mls: pick('MLS_TEST_VECTORS', 'mls'), hpke: pick('HPKE_TEST_VECTORS', 'hpke') };
}

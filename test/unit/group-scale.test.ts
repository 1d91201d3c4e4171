// The group scale smoke of issue 4, always on: a 10,000-member group created by one commit adding 9,999
// KeyPackages, joined from its Welcome by one new member (full tree validation), advanced by an update commit
// that the creator processes (test/lib/group-scale.ts). Suite 1 on the wasm provider. The tree goes to the
// joiner out of band here; with the ratchet_tree extension inside the Welcome the Welcome costs grow with the
// square of the group size (each member's EncryptWithLabel context is the whole encrypted GroupInfo, which holds
// the tree), so that variant runs in test/slow/group-scale.test.ts (npm run test:slow).
// No timing assertion: the timings are printed.
import { wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { describeTimings, runScaleSmoke } from '../lib/group-scale.ts';

const core = await loadCore();
const N = 10_000;

describe('group scale smoke', () => {
  it(`wasm suite 1: ${N} members by one commit, a Welcome join (tree out of band), an update commit processed`, () => {
    const x = runScaleSmoke(wasmSuite(core, 1), N, false);
    console.log(describeTimings('wasm suite 1', x, false));
  }, 300_000);
});

// The group scale smoke of issue 4 at full size with the tree INSIDE the Welcome (ratchet_tree extension of the
// encrypted GroupInfo), and out of band for comparison: 10,000 members by one commit, a Welcome join with full
// tree validation, an update commit processed by the creator (test/lib/group-scale.ts). Suite 1 on wasm.
// Slow: with the tree in the Welcome, each of the 9,999 EncryptWithLabel calls takes the whole encrypted
// GroupInfo as its HPKE info (RFC 9420 §12.4.3.1), and HPKE hashes the info on every call (RFC 9180 §5.1
// info_hash), so creating the Welcome hashes n × |tree| bytes. Run with `npm run test:slow`. No timing assertion.
import { wasmSuite } from '../../sdk/src/crypto/suites.ts';
import { loadCore } from '../../sdk/src/crypto/wasm.ts';
import { describeTimings, runScaleSmoke } from '../lib/group-scale.ts';

const core = await loadCore();
const N = 10_000;

describe('group scale smoke (slow)', () => {
  for (const inWelcome of [true, false])
    it(`wasm suite 1: ${N} members by one commit, a Welcome join (tree ${inWelcome ? 'in the Welcome' : 'out of band'}), an update commit processed`, () => {
      const x = runScaleSmoke(wasmSuite(core, 1), N, inWelcome);
      console.log(describeTimings('wasm suite 1', x, inWelcome));
    }, 1_800_000);
});

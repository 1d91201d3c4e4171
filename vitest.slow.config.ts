// `npm run test:slow`: the slow tests in test/slow/ only (e.g. the 10,000-member group with the tree inside the
// Welcome), with the normal config's setup (wasm build) and a long timeout.
import base from './vite.config.ts';

export default { ...base, test: { ...base.test, include: ['test/slow/**/*.test.ts'], testTimeout: 1_800_000 } };

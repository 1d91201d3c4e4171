// ============================================================================================================
// STUB — webmls behind the MlsBenchAdapter interface (bench/scenarios.ts). NOT IMPLEMENTED YET: the group engine
// (sdk/src/group/) is being written; the lead wires this file once it lands. Until then `--libs webmls` records
// "not implemented yet" for every size and the harness runs the peers alone.
//
// To wire it: keep one member object per client (its signature key, its latest KeyPackage as bytes, and its group
// state), implement each method with the engine's public API exactly as bench/peers/ts-mls.ts does for ts-mls
// (bytes in, bytes out, state merged before the promise resolves), report `version` from package.json, and, if the
// engine keeps state in WASM memory the JS heap does not see, return its size from outsideHeapBytes().
// ============================================================================================================
import type { MlsBenchAdapter } from '../scenarios.ts';

const notYet = (): never => {
  throw new Error('webmls adapter: not implemented yet (bench/peers/webmls.ts is a stub)');
};

export const adapter: MlsBenchAdapter<never> = {
  name: 'webmls',
  version: '0.1.0',
  init: async () => notYet(),
  newMember: async () => notYet(),
  newKeyPackage: async () => notYet(),
  createAndAddAll: async () => notYet(),
  addOne: async () => notYet(),
  joinFromWelcome: async () => notYet(),
  commitUpdate: async () => notYet(),
  processCommit: async () => notYet(),
  commitRemove: async () => notYet(),
  encryptMessage: async () => notYet(),
  decryptMessage: async () => notYet(),
};

// Gives browser tests the same globals vitest provides in Node: describe/it come from mocha, expect from chai.
import { expect } from '@esm-bundle/chai';
(globalThis as unknown as { expect: typeof expect }).expect = expect;

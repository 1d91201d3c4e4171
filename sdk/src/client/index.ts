/**
 * The client facade (DESIGN.md "Worker and facade"): createClient, createWorkerClient and their types.
 */
export { createClient } from './local.ts';
export { createWorkerClient } from './worker-client.ts';
export type * from './types.ts';

// Vitest global setup: compile core.wasm from core-as/ so every run tests the current AssemblyScript source.
// Set WEBMLS_SKIP_ASC=1 to use the existing build/core.wasm (npm test has just built it).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export default function setup(): void {
  if (process.env.WEBMLS_SKIP_ASC === '1' && existsSync('build/core.wasm')) return;
  execFileSync('npx', ['asc', '--config', 'asconfig.json', '--target', 'release'], { stdio: 'inherit' });
}

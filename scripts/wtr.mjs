// Runs the browser suites; ends with a plain "N passed, N failed" line.
import { spawn } from 'node:child_process';
import { findChrome } from './find-chrome.mjs';

findChrome(); // fail early and clearly when no browser exists
const child = spawn('npx', ['wtr', '--config', 'web-test-runner.config.mjs', ...process.argv.slice(2)], {
  stdio: ['inherit', 'pipe', 'inherit'],
});
let out = '';
child.stdout.on('data', (d) => {
  out += d;
  process.stdout.write(d);
});
child.on('exit', (code) => {
  const clean = out.replace(/\x1b\[[0-9;]*m/g, '');
  const m = [...clean.matchAll(/(\d+) passed, (\d+) failed/g)].pop();
  const skipped = [...clean.matchAll(/(\d+) skipped/g)].pop();
  console.log(
    m ? `browser: ${m[1]} passed, ${m[2]} failed${skipped ? `, ${skipped[1]} skipped` : ''}` : 'browser: 0 passed, 1 failed (no summary)',
  );
  process.exit(code ?? 1);
});

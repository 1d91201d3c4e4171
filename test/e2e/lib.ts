/**
 * End-to-end helpers: a tiny scenario runner (named steps, timings, a screenshot of every open page on failure)
 * and page helpers for the demo chat (examples/chat/), which the tests drive through its UI and data-testid hooks.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';

export const RESULTS_DIR = new URL('../../test-results/', import.meta.url).pathname;
mkdirSync(RESULTS_DIR, { recursive: true });

export interface Outcome {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export const outcomes: Outcome[] = [];
/** Pages to screenshot when a step fails. */
export const openPages = new Map<string, Page>();

/** Run one named step; failures are recorded (not thrown) so later independent steps still run. */
export async function step(name: string, fn: () => Promise<void>): Promise<boolean> {
  const t0 = Date.now();
  try {
    await fn();
    const ms = Date.now() - t0;
    outcomes.push({ name, ok: true, ms });
    console.log(`  ✓ ${name} (${ms} ms)`);
    return true;
  } catch (e) {
    const ms = Date.now() - t0;
    const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    outcomes.push({ name, ok: false, ms, error });
    console.log(`  ✗ ${name} (${ms} ms)\n${error.replace(/^/gm, '      ')}`);
    const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    for (const [who, p] of openPages)
      await p.screenshot({ path: `${RESULTS_DIR}fail-${slug}-${who}.png` }).catch(() => {});
    return false;
  }
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

/** Poll `fn` until it returns a truthy value (returned) or `timeout` ms pass (throws with `what`). */
export async function until<T>(what: string, fn: () => Promise<T> | T, timeout = 15_000): Promise<T> {
  const end = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---- chat page helpers ---------------------------------------------------------------------------------------------

export interface ChatMessage {
  from: string;
  text: string;
}

export async function signIn(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url);
  await page.fill('[data-testid=signin-name]', name);
  await page.click('[data-testid=signin]');
  await waitOnline(page);
}

export async function waitOnline(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=status]:has-text("online")', { timeout: 30_000 });
}

export const messages = (page: Page): Promise<ChatMessage[]> =>
  page.$$eval('#messages li.msg', (lis) =>
    lis.map((li) => ({ from: (li as HTMLElement).dataset.from ?? '', text: li.querySelector('.text')?.textContent ?? '' })),
  );

export const systemLines = (page: Page): Promise<string[]> =>
  page.$$eval('#messages li.sys', (lis) => lis.map((li) => li.textContent ?? ''));

export const members = (page: Page): Promise<string[]> =>
  page.$$eval('#members li', (lis) => lis.map((li) => (li as HTMLElement).dataset.name ?? ''));

export const epoch = async (page: Page): Promise<number> => Number(await page.textContent('#epoch'));
export const authCode = async (page: Page): Promise<string> => (await page.textContent('#auth')) ?? '';
export const groupOf = (page: Page): Promise<string | undefined> =>
  page.$eval('#group-title', (e) => (e as HTMLElement).dataset.group);

export async function send(page: Page, text: string): Promise<void> {
  await page.fill('[data-testid=compose]', text);
  await page.click('[data-testid=send]');
}

export async function waitMessage(page: Page, text: string, timeout = 15_000): Promise<void> {
  await until(`"${text}" on ${await whoIs(page)}`, async () => (await messages(page)).some((m) => m.text === text), timeout);
}

export const whoIs = (page: Page): Promise<string> =>
  page.evaluate(() => (window as unknown as { chat?: { user: string } }).chat?.user ?? '?').catch(() => '?');

/** Wait until every page shows the same group at the same epoch (≥ `min`) with the same authenticator code. */
export async function converged(pages: Page[], min: number, timeout = 15_000): Promise<{ epoch: number; code: string }> {
  let seen = '';
  await until(
    `pages to agree on epoch ≥ ${min}`,
    async () => {
      const states = await Promise.all(pages.map(async (p) => ({ e: await epoch(p), c: await authCode(p) })));
      seen = JSON.stringify(states);
      return states.every((s) => s.e === states[0]!.e && s.c === states[0]!.c && s.c.length > 4) && states[0]!.e >= min;
    },
    timeout,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; states ${seen}`);
  });
  return { epoch: await epoch(pages[0]!), code: await authCode(pages[0]!) };
}

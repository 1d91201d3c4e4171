/**
 * The demo chat end to end: three browser contexts (alice, bob, carol: separate profiles, so separate IndexedDB)
 * on the real delivery service. One conversation, in steps that build on each other:
 * group and invites → messages reach all → a held-back backlog arrives together → a second alice tab → two
 * commits for one epoch → removing carol → bob reloads → the delivery service restarts mid-conversation → bob
 * leaves.
 */
import { copyFileSync } from 'node:fs';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import type { Demo } from '../../examples/chat/serve.ts';
import {
  RESULTS_DIR,
  assert,
  authCode,
  converged,
  epoch,
  groupOf,
  members,
  messages,
  openPages,
  send,
  signIn,
  step,
  systemLines,
  until,
  waitMessage,
  waitOnline,
} from './lib.ts';

export async function chatScenarios(browser: Browser, demo: Demo): Promise<void> {
  const url = demo.chatUrl;
  const consoleLines: string[] = [];
  const newPage = async (ctxName: string, ctx: Awaited<ReturnType<Browser['newContext']>>) => {
    const p = await ctx.newPage();
    p.on('console', (m: ConsoleMessage) => consoleLines.push(`${ctxName}: ${m.text()}`));
    p.on('pageerror', (e) => consoleLines.push(`${ctxName} pageerror: ${e.message}`));
    openPages.set(ctxName, p);
    return p;
  };
  const ctx = {
    alice: await browser.newContext({ viewport: { width: 1100, height: 640 } }),
    bob: await browser.newContext({ viewport: { width: 1100, height: 640 } }),
    carol: await browser.newContext({ viewport: { width: 1100, height: 640 } }),
  };
  const alice = await newPage('alice', ctx.alice);
  const bob = await newPage('bob', ctx.bob);
  const carol = await newPage('carol', ctx.carol);
  let alice2: Page | undefined;
  let gid: string | undefined;

  const ok = await step('chat: alice creates a group and invites bob and carol by name', async () => {
    await Promise.all([signIn(alice, url, 'alice'), signIn(bob, url, 'bob'), signIn(carol, url, 'carol')]);
    await alice.click('[data-testid=new-group]');
    gid = await until('alice group', () => groupOf(alice));
    await alice.fill('[data-testid=invite-name]', 'bob');
    await alice.click('[data-testid=invite]');
    await until('bob in alice members', async () => (await members(alice)).includes('bob'));
    await alice.fill('[data-testid=invite-name]', 'carol');
    await alice.click('[data-testid=invite]');
    await until('carol in alice members', async () => (await members(alice)).includes('carol'));
    for (const p of [bob, carol]) await until('the group on the invitee page', async () => (await groupOf(p)) === gid);
    const s = await converged([alice, bob, carol], 2);
    assert(s.epoch === 2, `epoch 2 after two adds, got ${s.epoch}`);
    for (const p of [alice, bob, carol]) {
      const m = await members(p);
      assert(m.join() === 'alice,bob,carol', `members on a page: ${m.join()}`);
    }
    const tree = await alice.$$eval('#tree [data-node]', (ns) => ns.map((n) => `${n.getAttribute('data-node')}:${n.getAttribute('data-blank')}`));
    assert(tree.filter((t) => t.endsWith(':false')).length >= 3, `tree shows three occupied leaves: ${tree.join(' ')}`);
  });
  if (!ok) return;

  await step('chat: messages from each member reach all three', async () => {
    await send(alice, 'hello from alice');
    await send(bob, 'hi, bob here');
    await send(carol, 'carol says hi');
    for (const p of [alice, bob, carol])
      for (const t of ['hello from alice', 'hi, bob here', 'carol says hi']) await waitMessage(p, t);
    await alice.waitForTimeout(200);
    await alice.screenshot({ path: `${RESULTS_DIR}chat-three-members.png` });
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(`${RESULTS_DIR}chat-three-members.png`, new URL('../../docs/chat.png', import.meta.url).pathname);
  });

  await step('chat: a backlog (deliveries held back, then released) is received together and in order', async () => {
    const chat = (p: Page) => p.evaluate(() => (window as unknown as { chat: { largestBurst: number } }).chat.largestBurst);
    await bob.evaluate(() => (window as unknown as { chat: { hold(on: boolean): void } }).chat.hold(true));
    const texts = Array.from({ length: 6 }, (_, i) => `backlog ${i}`);
    for (const t of texts) await send(alice, t);
    await waitMessage(carol, texts[5]!);
    const before = (await messages(bob)).length;
    await bob.evaluate(() => (window as unknown as { chat: { hold(on: boolean): void } }).chat.hold(false));
    for (const t of texts) await waitMessage(bob, t);
    const got = (await messages(bob)).slice(before).map((m) => m.text);
    assert(got.join('|') === texts.join('|'), `bob's backlog in order: ${got.join(' | ')}`);
    assert((await chat(bob)) >= 6, `the backlog went to the client as one burst (largest ${await chat(bob)})`);
  });

  await step('chat: a second alice tab shows the history and stays consistent', async () => {
    alice2 = await newPage('alice2', ctx.alice);
    await signIn(alice2, url, 'alice');
    await until('history in the second tab', async () => (await messages(alice2!)).length >= 3);
    await send(bob, 'to both alice tabs');
    await waitMessage(alice, 'to both alice tabs');
    await waitMessage(alice2, 'to both alice tabs');
    await send(alice2, 'from alice, tab 2');
    for (const p of [alice, bob, carol]) await waitMessage(p, 'from alice, tab 2');
    // A commit from tab 2 moves tab 1 too.
    const before = await epoch(alice);
    await alice2.click('[data-testid=update]');
    await converged([alice, alice2, bob, carol], before + 1);
  });

  await step('chat: two members commit for the same epoch at once; one wins, the other retries', async () => {
    const pages = [alice, bob, carol, ...(alice2 ? [alice2] : [])];
    const e0 = (await converged(pages, 0)).epoch;
    const mark = consoleLines.length;
    // Hold deliveries so each makes its commit for epoch e0 before seeing the other's.
    const hold = (on: boolean) =>
      Promise.all([bob, carol].map((p) => p.evaluate((v) => (window as unknown as { chat: { hold(on: boolean): void } }).chat.hold(v), on)));
    await hold(true);
    try {
      await Promise.all([bob.click('[data-testid=update]'), carol.click('[data-testid=update]')]);
      await until('a refusal', () => consoleLines.slice(mark).some((l) => l.includes('refused (WRONG_EPOCH')), 10_000);
    } finally {
      await hold(false);
    }
    const s = await converged(pages, e0 + 2);
    assert(s.epoch === e0 + 2, `both commits landed: epoch ${e0} → ${s.epoch}`);
    const refused = consoleLines.slice(mark).filter((l) => l.includes('refused (WRONG_EPOCH'));
    assert(refused.length === 1, `exactly one commit refused, got ${refused.length}: ${refused.join(' | ')}`);
    const updates = (await systemLines(alice)).filter((l) => l.includes('updated their keys'));
    assert(updates.some((l) => l.startsWith('bob')) && updates.some((l) => l.startsWith('carol')), `both updates in history: ${updates.join(' | ')}`);
  });

  await step('chat: alice removes carol; carol gets nothing new and is told she was removed', async () => {
    const e0 = await epoch(alice);
    await alice.click('#members button[data-name="carol"]');
    await until('carol gone from alice members', async () => !(await members(alice)).includes('carol'));
    await until('carol banner', async () => /removed/i.test((await carol.textContent('[data-testid=banner]')) ?? ''));
    assert(await carol.isVisible('[data-testid=banner]'), 'the removal banner is visible');
    await converged([alice, bob, ...(alice2 ? [alice2] : [])], e0 + 1);
    await send(alice, 'carol cannot read this');
    await waitMessage(bob, 'carol cannot read this');
    await carol.waitForTimeout(500);
    const seen = await messages(carol);
    assert(!seen.some((m) => m.text === 'carol cannot read this'), 'carol received a message after her removal');
    assert(await carol.isDisabled('[data-testid=compose]'), "carol's composer is disabled");
  });

  await step("chat: bob's page reloads and continues", async () => {
    const before = (await messages(bob)).length;
    await bob.reload();
    await waitOnline(bob);
    await until('bob history after reload', async () => (await messages(bob)).length >= before);
    assert((await groupOf(bob)) === gid, 'bob is back in the group');
    await send(bob, 'bob after reload');
    await waitMessage(alice, 'bob after reload');
    await send(alice, 'alice to reloaded bob');
    await waitMessage(bob, 'alice to reloaded bob');
    await converged([alice, bob], 0);
  });

  await step('chat: the delivery service restarts mid-conversation and nothing is lost', async () => {
    await send(alice, 'before the restart');
    await waitMessage(bob, 'before the restart');
    await demo.stopDs();
    await until('alice offline', async () => ((await alice.textContent('[data-testid=status]')) ?? '').includes('offline'));
    await send(alice, 'sent while the DS was down');
    await send(bob, 'bob also wrote while it was down');
    await alice.waitForTimeout(300);
    await demo.startDs();
    await waitOnline(alice);
    await waitOnline(bob);
    await waitMessage(bob, 'sent while the DS was down');
    await waitMessage(alice, 'bob also wrote while it was down');
    await send(bob, 'after the restart');
    await waitMessage(alice, 'after the restart');
    // Handshakes work after the restart too.
    const e0 = await epoch(alice);
    await bob.click('[data-testid=update]');
    await converged([alice, bob, ...(alice2 ? [alice2] : [])], e0 + 1);
    for (const p of [alice, bob])
      for (const t of ['before the restart', 'sent while the DS was down', 'bob also wrote while it was down', 'after the restart'])
        await waitMessage(p, t, 2000);
  });

  await step('chat: bob leaves; alice commits his Remove proposal', async () => {
    const e0 = await epoch(alice);
    await bob.click('[data-testid=leave]');
    await until('bob banner', async () => /left/i.test((await bob.textContent('[data-testid=banner]')) ?? ''));
    await until('alice alone', async () => (await members(alice)).join() === 'alice');
    const s = await converged([alice, ...(alice2 ? [alice2] : [])], e0 + 1);
    assert(s.code.length > 4, 'alice has an authenticator code');
    assert(await authCode(alice) !== '', 'code shown');
  });

  const errors = consoleLines.filter((l) => l.includes('pageerror'));
  if (errors.length) console.log(`  page errors:\n    ${errors.join('\n    ')}`);
  if (process.env.E2E_VERBOSE) console.log(consoleLines.join('\n'));
  await Promise.all(Object.values(ctx).map((c) => c.close()));
}

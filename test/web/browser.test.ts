import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, HAVE_CHROMIUM, IN_CI } from './chromium.ts';
import { startTestPlayground, type Playground } from './harness.ts';

/**
 * The playground in a real browser (/explode, the phone width, markup, /layers:
 * one chromium and one playground for all, as each start costs seconds of CPU):
 * Debian's chromium driven by playwright-core,
 * against the real core, renderer and a temporary SQLite store. Under CI a
 * missing chromium is a failure (scripts/setup.sh --browser installs it);
 * locally the test skips and says how to get it. CHROMIUM_PATH points elsewhere.
 */

/** The little of the DOM the page callbacks touch (the project compiles without lib.dom). */
interface Img {
  naturalWidth: number;
  complete: boolean;
  alt: string;
  decode(): Promise<void>;
}
interface Win {
  document: {
    activeElement: { id: string } | null;
    querySelector(selector: string): { getBoundingClientRect(): { height: number } } | null;
  };
}

if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`browser test skipped: ${CHROMIUM} is missing; install it with scripts/setup.sh --browser (apt-get install chromium)`);
}

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('the playground in chromium', () => {
  let pg: Playground;
  let browser: Browser;
  const outside: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`${CHROMIUM} is missing: CI must run scripts/setup.sh --browser (it installs Debian's chromium)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    pg = await startTestPlayground();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await pg?.close();
  });

  let tab: Page | null = null;

  /** The playground loaded afresh at this size, in the one tab all tests share: each new tab costs chromium a renderer process. */
  async function open(viewport: { width: number; height: number }): Promise<Page> {
    if (!tab) {
      const page = await browser.newPage({ viewport });
      page.on('request', (r) => {
        if (!r.url().startsWith(`${pg.url}/`)) outside.push(r.url());
      });
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      tab = page;
    }
    const page = tab;
    await page.setViewportSize(viewport);
    await page.goto(`${pg.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    return page;
  }

  it('types /explode, shows both pictures and the quiz, takes an answer and shows the private feedback', async () => {
    const page = await open({ width: 1280, height: 900 });
    const input = page.getByRole('combobox', { name: 'Message' });
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as Win).document.activeElement?.id)).toBe('input');

    // Completion: "/expl" offers /explode; typing an option shows its help from the schema.
    await input.pressSequentially('/expl');
    await expect.poll(() => page.locator('#suggest [role="option"]').first().textContent()).toContain('/explode');
    await page.keyboard.press('Tab');
    expect(await input.inputValue()).toBe('/explode ');
    await input.pressSequentially('w=500 lr=');
    await expect.poll(() => page.locator('#hint').textContent()).toMatch(/learning rate.*greater than 0.*default 0\.01/);
    await input.pressSequentially('0.01');
    await page.keyboard.press('Enter');

    const reply = page.locator('#messages > li.msg.bot:has(.images)').last();
    await reply.waitFor();
    await expect.poll(() => reply.locator('.invocation').textContent()).toContain('ada used /explode w=500 lr=0.01');
    expect(await reply.locator('.text').textContent()).toMatch(/Exploding/);
    const images = reply.locator('.images img');
    expect(await images.count()).toBe(2);
    await expect
      .poll(() => images.evaluateAll((imgs) => imgs.map((i) => (i as Img).complete && (i as Img).naturalWidth)))
      .toEqual([expect.any(Number), expect.any(Number)]);
    const widths = await images.evaluateAll((imgs) => imgs.map((i) => (i as Img).naturalWidth));
    expect(widths.every((w) => w > 0)).toBe(true);
    const alts = await images.evaluateAll((imgs) => imgs.map((i) => (i as Img).alt));
    expect(alts.every((a) => a.length > 20)).toBe(true);

    // The quiz sits in the reply's thread, as real buttons.
    const choices = reply.locator('.thread .quiz button.choice');
    expect(await choices.count()).toBeGreaterThanOrEqual(3);
    await choices.nth(1).click();
    const feedback = reply.locator('.thread li.private').last();
    await feedback.waitFor();
    expect(await feedback.locator('.text').textContent()).toMatch(/^(Correct!|Not quite)/);
    expect(await feedback.locator('.private-note').textContent()).toBe('Only visible to you');
    await page.screenshot({ path: new URL('playground.png', ARTIFACTS).pathname });
    // The whole reply in one picture too: verdict, both images, the thread with the quiz and the feedback.
    const tall = await page.evaluate(() => (globalThis as unknown as Win).document.querySelector('#messages > li.msg.bot:has(.images):last-of-type')?.getBoundingClientRect().height ?? 0);
    await page.setViewportSize({ width: 1280, height: Math.min(4000, Math.ceil(tall) + 300) });
    await feedback.scrollIntoViewIfNeeded();
    await page.screenshot({ path: new URL('playground-reply.png', ARTIFACTS).pathname });
    await page.setViewportSize({ width: 1280, height: 900 });

    // Keyboard only: switch to grace, reach a choice with Tab, answer with Enter.
    await page.locator('#who').selectOption('grace');
    expect(await feedback.isHidden()).toBe(true);
    await choices.nth(0).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => reply.locator('.thread li.private:visible').count()).toBe(1);
    expect(await reply.locator('.thread li.private:visible .text').textContent()).toMatch(/^(Correct!|Not quite)/);
    expect((await pg.store.answersOf((await choices.first().getAttribute('data-quiz'))!)).map((a) => a.userId).sort()).toEqual(['ada', 'grace']);

    // Up recalls the last command.
    await input.focus();
    await page.keyboard.press('ArrowUp');
    expect(await input.inputValue()).toBe('/explode w=500 lr=0.01');
  });

  it('reads on a phone-sized screen', async () => {
    const page = await open({ width: 400, height: 800 });
    // The reply from the first test is in the channel's history.
    const reply = page.locator('#messages > li.msg.bot:has(.images)').last();
    await reply.waitFor();
    const first = reply.locator('.images img').first();
    await expect.poll(() => first.evaluate((i) => (i as Img).naturalWidth)).toBeGreaterThan(0);
    const box = await first.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.x + box!.width).toBeLessThanOrEqual(400);
    await first.scrollIntoViewIfNeeded();
    await first.evaluate((i) => (i as Img).decode());
    await page.screenshot({ path: new URL('playground-phone.png', ARTIFACTS).pathname });
  });

  it('shows markup in messages as text, and only **bold** and `code` as formatting', async () => {
    const page = await open({ width: 1280, height: 900 });
    await page.locator('#input').fill('<img src=x onerror="document.title=1"> **loud** and `w=500`');
    await page.keyboard.press('Enter');
    const text = page.locator('#messages > li.msg.user .text').last();
    await text.waitFor();
    expect(await text.textContent()).toBe('<img src=x onerror="document.title=1"> loud and w=500');
    expect(await text.locator('img').count()).toBe(0);
    expect(await text.locator('strong').textContent()).toBe('loud');
    expect(await text.locator('code').textContent()).toBe('w=500');
    expect(await page.title()).not.toBe('1');
  });

  it('/layers: the popup offers it; the reply shows three pictures with alt text and the quiz in its thread', async () => {
    const page = await open({ width: 1280, height: 900 });
    const input = page.getByRole('combobox', { name: 'Message' });
    await input.pressSequentially('/lay');
    await expect.poll(() => page.locator('#suggest [role="option"]').first().textContent()).toContain('/layers');
    await page.keyboard.press('Tab');
    expect(await input.inputValue()).toBe('/layers ');
    await input.pressSequentially('preset=small-random depth=4 width=6 batch=3 steps=');
    await expect.poll(() => page.locator('#hint').textContent()).toMatch(/gradient-descent steps/);
    await input.pressSequentially('2');
    await page.keyboard.press('Enter');

    // The channel's history holds the /explode reply of the first test: wait for this command's own.
    const reply = page.locator('#messages > li.msg.bot:has(.images)', { hasText: 'used /layers' }).last();
    await reply.waitFor();
    expect(await reply.locator('.text').textContent()).toMatch(/Vanishing: each tanh layer multiplies the gradient/);
    const images = reply.locator('.images img');
    expect(await images.count()).toBe(3);
    await expect.poll(() => images.evaluateAll((imgs) => imgs.every((i) => (i as Img).complete && (i as Img).naturalWidth === 1200))).toBe(true);
    const alts = await images.evaluateAll((imgs) => imgs.map((i) => (i as Img).alt));
    expect(alts.every((a) => a.length > 40)).toBe(true);
    const choices = reply.locator('.thread .quiz button.choice');
    expect(await choices.count()).toBeGreaterThanOrEqual(3);
    await page.setViewportSize({ width: 1280, height: 2400 });
    await reply.scrollIntoViewIfNeeded();
    await page.screenshot({ path: new URL('playground-layers.png', ARTIFACTS).pathname });
  });

  it('asked nothing of any other machine and logged no errors', () => {
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });
});

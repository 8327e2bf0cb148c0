import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, HAVE_CHROMIUM, IN_CI } from '../web/chromium.ts';
import { startTestPlayground, type Playground } from '../web/harness.ts';

/** /layers in the playground, in Debian's chromium (as test/web/browser.test.ts: required under CI, skipped locally without it). */

interface Img {
  naturalWidth: number;
  complete: boolean;
  alt: string;
}

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('/layers in the playground', () => {
  let pg: Playground;
  let browser: Browser;

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`${CHROMIUM} is missing: CI must run scripts/setup.sh --browser`);
    mkdirSync(ARTIFACTS, { recursive: true });
    pg = await startTestPlayground();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  });

  afterAll(async () => {
    await browser?.close();
    await pg?.close();
  });

  it('the popup offers /layers; the reply shows three pictures with alt text and the quiz in its thread', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${pg.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    const input = page.getByRole('combobox', { name: 'Message' });
    await input.pressSequentially('/lay');
    await expect.poll(() => page.locator('#suggest [role="option"]').first().textContent()).toContain('/layers');
    await page.keyboard.press('Tab');
    expect(await input.inputValue()).toBe('/layers ');
    await input.pressSequentially('preset=small-random depth=4 width=6 batch=3 steps=');
    await expect.poll(() => page.locator('#hint').textContent()).toMatch(/gradient-descent steps/);
    await input.pressSequentially('2');
    await page.keyboard.press('Enter');

    const reply = page.locator('#messages > li.msg.bot:has(.images)').last();
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
    await page.close();
  });
});

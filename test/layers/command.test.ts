import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { help } from '../../commands/index.ts';
import { createGradbot, type GradbotCore } from '../../src/gradbot.ts';
import { createInProcessRenderer } from '../../src/render/index.ts';
import type { Renderer } from '../../src/render/types.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { caller, run } from '../commands/fixtures.ts';

const ada = caller({ userId: 'ada', userName: 'Ada' });
const SMALL = 'depth=4 width=8 batch=4 steps=3';

describe('/layers through the core', () => {
  let store: Store;
  let renderer: Renderer;
  let bot: GradbotCore;
  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
    renderer = createInProcessRenderer();
    bot = createGradbot({ services: { renderer, store, now: Date.now }, log: { error: () => {} }, cooldownSeconds: 0 });
  });
  afterEach(async () => {
    await bot.close();
    await renderer.close();
    await store.close();
  });

  it('answers with the verdict in numbers, three pictures with alt text, and a quiz in a thread', async () => {
    const reply = await run(bot, 'layers', `${SMALL} init=normal std=0.01`, ada);
    expect(reply.visibility).toBe('public');
    expect(reply.text).toMatch(/^\*\*Vanishing: each tanh layer multiplies the gradient by about 0\.0\d+ on its way back: 4 layers leave/);
    expect(reply.text).toContain('Run: `depth=4 width=8 act=tanh init=normal std=0.01`');
    expect(reply.images?.map((i) => i.name)).toEqual(['gradient.png', 'activations.png', 'training.png']);
    for (const img of reply.images!) {
      expect(img.png.subarray(1, 4).toString()).toBe('PNG');
      expect(img.width).toBe(1200);
      expect(img.alt.length).toBeGreaterThan(40);
    }
    expect(reply.thread?.name).toMatch(/^layers depth=4/);
    expect(reply.quiz).toBeDefined();
    const q = (await store.getQuiz(reply.quiz!.quizId))!;
    expect(q.kind).toMatch(/^layers-/);
  });

  it('a preset is named in the reply; bad input is private and names the keys', async () => {
    const reply = await run(bot, 'layers', `preset=lecture ${SMALL}`, ada);
    expect(reply.text).toContain('preset=lecture');
    expect(reply.text).toMatch(/^\*\*Vanishing: no gradient at all reaches the input/);
    const bad = await run(bot, 'layers', 'init=xavier std=0.5', ada);
    expect(bad).toEqual({ visibility: 'private', text: '`init=xavier` contradicts `std=0.5`: std sets the spread of init=normal; drop std, or write init=normal.' });
    const cap = await run(bot, 'layers', 'width=128 batch=64 depth=50 steps=200', ada);
    expect(cap.visibility).toBe('private');
    expect(cap.text).toMatch(/width² × batch × depth × \(steps \+ 1\)/);
  });

  it('typed options (Discord) win over the text and the reply says so', async () => {
    const p = bot.prepare('layers', { text: `${SMALL} act=tanh`, options: { act: 'relu' } }, ada);
    expect(p.ok).toBe(true);
    const reply = p.ok ? await p.execute() : p.reply;
    expect(reply.text).toContain('act=relu');
    expect(reply.text).toMatch(/Note: `act=relu` from the option wins/);
  });

  it('/help layers explains the keys and presets', async () => {
    const reply = await run(bot, 'help', 'command=layers', ada);
    expect(reply.text).toMatch(/\*\*\/layers\*\*/);
    for (const key of ['preset=', 'depth=', 'width=', 'init=', 'std=', 'gain=', 'clip=']) expect(reply.text).toContain(key);
    expect(reply.text).toContain('small-random');
    expect(reply.text.length).toBeLessThanOrEqual(1900);
    expect(help.name).toBe('help');
  });
});

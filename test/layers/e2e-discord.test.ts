import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderPool } from '../../src/render/pool.ts';
import { pngSize } from '../../src/render/png-size.ts';
import type { Store } from '../../src/store/index.ts';
import { PNG_SIGNATURE, isCallback, isChannelPost, isEditOriginal, isThreadStart, startDiscordRig, type DiscordRig, type Harness } from '../discord/harness.ts';
import { STUDENT, slashCommand } from '../discord/standin/interactions.ts';

/** /layers through the real discord.js client against the local Discord stand-in, the render worker pool doing the run. */
let rig: DiscordRig;
let store: Store;
let h: Harness;

beforeAll(async () => {
  rig = await startDiscordRig(createRenderPool({ size: 1 }));
  ({ store, h } = rig);
});

afterAll(async () => rig?.close());

describe('/layers on Discord', () => {
  it('typed options and the params text: defers, edits in three PNGs with alt text, a thread with the quiz', async () => {
    const from = h.send(
      slashCommand(h.standin, 'layers', { depth: { type: 'integer', value: 4 }, width: { type: 'integer', value: 6 }, params: { type: 'string', value: 'preset=small-random batch=3 steps=2' } }, STUDENT),
    );
    const defer = await h.after(from, isCallback);
    expect(defer.json).toMatchObject({ type: 5 });
    const edit = await h.after(from, isEditOriginal);
    expect(edit.files).toHaveLength(3);
    for (const f of edit.files) {
      expect(f.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(pngSize(f.bytes).width).toBe(1200);
    }
    const attachments = edit.json?.attachments as { description: string }[];
    expect(attachments.map((a) => a.description.length > 40)).toEqual([true, true, true]);
    expect(String(edit.json?.content)).toMatch(/\*\*Vanishing: each tanh layer multiplies the gradient by about 0\.0\d+ on its way back: 4 layers leave/);
    expect(String(edit.json?.content)).toContain('preset=small-random: depth=4 width=6 act=tanh init=normal std=0.01');
    const thread = await h.after(from, isThreadStart);
    expect(String(thread.json?.name)).toMatch(/^layers preset=small-random/);
    const quiz = await h.after(from, isChannelPost);
    expect(String(quiz.json?.content)).toMatch(/\*\*Quiz:\*\*/);
  });

  it('a contradiction is answered privately, naming both keys', async () => {
    const from = h.send(slashCommand(h.standin, 'layers', { params: { type: 'string', value: 'init=xavier std=0.5' } }, STUDENT));
    const reply = await h.after(from, isCallback);
    expect(reply.json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(String((reply.json?.data as { content: string }).content)).toContain('`init=xavier` contradicts `std=0.5`');
  });
});

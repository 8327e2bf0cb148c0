import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { createGradbot, type GradbotCore } from '../../src/gradbot.ts';
import { commandsJson } from '../../src/platforms/discord/index.ts';
import type { Renderer } from '../../src/render/types.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { isCallback, isEditOriginal, startHarness, type Harness } from './harness.ts';
import { CHANNEL_ID, GUILD_ID } from './standin/ids.ts';
import { STUDENT, TA, newStudent, slashCommand, type Person } from './standin/interactions.ts';

/**
 * /ta on Discord against the stand-in, with the real core and an in-memory
 * SQLite store: members with Manage Server name a class's TAs; a student
 * cannot name themself (and a TA by Manage Messages cannot name others).
 */
const CLASS_ID = `discord:${GUILD_ID}:${CHANNEL_ID}`;
/** Manage Server (32), without Manage Messages. */
const MANAGER: Person = { id: '3333333333333333340', username: 'mo', permissions: (BigInt(STUDENT.permissions) | 32n).toString() };

const noRenderer: Renderer = {
  accepting: true,
  explode: () => Promise.reject(new Error('no pictures in this test')),
  example: () => Promise.reject(new Error('no pictures in this test')),
  close: () => Promise.resolve(),
};

let store: Store;
let bot: GradbotCore;
let h: Harness;

beforeAll(async () => {
  store = await openStore('sqlite::memory:');
  bot = createGradbot({ services: { renderer: noRenderer, store, now: Date.now }, quizMinutes: 10, log: { error: () => undefined } });
  h = await startHarness(bot, { tenancy: store });
});

afterAll(async () => {
  await h?.close();
  await bot?.close();
  await store?.close();
});

/** The private answer: the immediate ephemeral reply (a refusal), or the edit of the deferred one. */
async function answerTo(name: string, options: Record<string, string>, who: Person): Promise<string> {
  const typed = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, { type: 'string' as const, value: v }]));
  const from = h.send(slashCommand(h.standin, name, typed, who));
  const cb = await h.after(from, isCallback);
  if (cb.json?.type === 4) return String((cb.json.data as { content?: string }).content ?? '');
  const edit = await h.after(from, isEditOriginal);
  return String(edit.json?.content ?? '');
}

describe('/ta on Discord', () => {
  it('is registered for members with Manage Server only, outside DMs', () => {
    const json = commandsJson(commands).find((c) => c.name === 'ta');
    expect(json).toMatchObject({ default_member_permissions: '32', contexts: [0] });
    expect(json?.options?.map((o) => o.name)).toEqual(expect.arrayContaining(['action', 'user']));
  });

  it('refuses a student naming themself, and they stay a student', async () => {
    const student = newStudent();
    expect(await answerTo('ta', { params: `add <@${student.id}>` }, student)).toMatch(/Only members with the Manage Server permission can name or remove TAs/);
    expect(await answerTo('ta', { action: 'add', user: `<@${student.id}>` }, student)).toMatch(/Manage Server/);
    expect(await store.isTa(CLASS_ID, student.id)).toBe(false);
    expect(await answerTo('quiz-settings', {}, student)).toMatch(/Only TAs can use \/quiz-settings/);
  });

  it('lets anyone list the TAs, and tells a student refused a change that they can', async () => {
    const student = newStudent();
    expect(await answerTo('ta', { params: `remove <@${MANAGER.id}>` }, student)).toMatch(/can name or remove TAs\. Anyone can see them with `\/ta list`\./);
    expect(await answerTo('ta', { action: 'list' }, student)).toMatch(/^(\*\*TAs of this class\*\*|This class has no TAs named with \/ta yet)/);
    expect(await answerTo('ta', { params: 'list' }, student)).not.toMatch(/Manage Server/);
  });

  it('refuses a TA by Manage Messages too: TAs do not appoint TAs', async () => {
    expect(await answerTo('ta', { action: 'add', user: `<@${STUDENT.id}>` }, TA)).toMatch(/Manage Server/);
    expect(await store.isTa(CLASS_ID, STUDENT.id)).toBe(false);
  });

  it('lets a member with Manage Server name a TA, who may then use the TA commands in that class', async () => {
    const student = newStudent();
    expect(await answerTo('ta', { action: 'add', user: `<@${student.id}>` }, MANAGER)).toBe(`<@${student.id}> is now a TA of this class: they can use /example, /quiz-close, /quiz-settings, /scores-reset and /answers-export here.`);
    expect(await store.isTa(CLASS_ID, student.id)).toBe(true);
    expect(await answerTo('quiz-settings', {}, student)).toMatch(/Quizzes in this class stay open for 10 minutes/);
    expect(await answerTo('ta', { action: 'list' }, MANAGER)).toMatch(new RegExp(`TAs of this class\\*\\* \\(1\\): <@${student.id}>`));
    expect(await answerTo('ta', { params: `remove <@${student.id}>` }, MANAGER)).toMatch(/is no longer a TA of this class/);
    expect(await answerTo('quiz-settings', {}, student)).toMatch(/Only TAs can use/);
  });

  it('names what it does not understand', async () => {
    expect(await answerTo('ta', { params: 'promote everyone' }, MANAGER)).toMatch(/`promote` is not something \/ta does\. Use `\/ta add @member`/);
    expect(await answerTo('ta', { params: 'add grace' }, MANAGER)).toMatch(/`grace` is not a member mention/);
  });
});

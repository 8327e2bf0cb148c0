import { GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpApp } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import { startDiscord } from '../../src/platforms/discord/index.ts';
import type { Reply } from '../../src/reply.ts';
import { SORRY } from '../../src/platforms/discord/context.ts';
import { UNKNOWN_BUTTON } from '../../src/platforms/discord/button.ts';
import { createFakeBot, okWith, tinyPng, privateText } from './fake-bot.ts';
import { PNG_SIGNATURE, isCallback, isChannelPost, isEditOriginal, isFollowUp, isThreadStart, startHarness, type Harness } from './harness.ts';
import { BOT_TOKEN, CHANNEL_ID, GUILD_ID } from './standin/ids.ts';
import { TA, buttonClick, newStudent, slashCommand } from './standin/interactions.ts';
import { EVERYONE_PERMISSIONS, type RecordedRequest } from './standin/server.ts';

/**
 * The adapter's own behaviour, with a core whose answers each test sets:
 * how a Reply becomes Discord messages, and every way that can go wrong.
 * The end-to-end test with the real core is e2e.test.ts.
 */
const bot = createFakeBot();
let h: Harness;

beforeAll(async () => {
  h = await startHarness(bot);
});
afterAll(async () => h?.close());

let quizCount = 0;
function quizReply(extra: Partial<Reply> = {}): Reply {
  quizCount += 1;
  return {
    text: 'The gradient **exploded**: <@&123> @everyone',
    visibility: 'public',
    images: [tinyPng('breakdown.png'), tinyPng('chart.png')],
    quiz: { quizId: `fq${quizCount}`, question: 'Which factor is largest?', choices: ['150', '100', '125', 'x'.repeat(120)], closesAt: Date.now() + 600_000 },
    thread: { name: 'explode w=500' },
    ...extra,
  };
}

const requestsFrom = (from: number) => h.standin.requests.slice(from);
const settle = () => new Promise((r) => setTimeout(r, 150));
const locationOf = (quizId: string) => JSON.parse(bot.locations.get(quizId) ?? 'null') as { channelId: string; messageId: string } | null;

describe('connecting', () => {
  it('finds the gateway through the REST base and identifies with the Guilds intent only, JSON, uncompressed', () => {
    expect(h.standin.requests[0]).toMatchObject({ method: 'GET', path: '/gateway/bot' });
    expect(h.standin.identifies).toHaveLength(1);
    expect(h.standin.identifies[0]).toMatchObject({ intents: GatewayIntentBits.Guilds, compress: false });
    const q = h.standin.gatewayQueries[0]!;
    expect([q.get('v'), q.get('encoding'), q.get('compress')]).toEqual(['10', 'json', null]);
  });

  it('refuses to start with a token Discord rejects, naming DISCORD_TOKEN', async () => {
    const cfg = { token: 'MTIz.bad.token', apiUrl: h.standin.apiUrl, guildId: null, restRetries: 0 };
    await expect(startDiscord(cfg, { bot, http: createHttpApp(), log: silentLogger })).rejects.toThrow(/DISCORD_TOKEN/);
  });

  it('gives up, naming DISCORD_TOKEN, when the gateway refuses the session', async () => {
    h.standin.refuseIdentify = true;
    try {
      const cfg = { token: BOT_TOKEN, apiUrl: h.standin.apiUrl, guildId: null, restRetries: 0, loginTimeoutMs: 3_000 };
      await expect(startDiscord(cfg, { bot, http: createHttpApp(), log: silentLogger })).rejects.toThrow(/DISCORD_TOKEN/);
    } finally {
      h.standin.refuseIdentify = false;
    }
  });
});

describe('a command that posts pictures and a quiz', () => {
  it('defers publicly, edits in both PNGs with alt text, starts a thread and posts the quiz there', async () => {
    const reply = quizReply();
    bot.on('explode', () => okWith(reply));
    const from = h.send(slashCommand(h.standin, 'explode', { params: { type: 'string', value: 'w=500 lr=0.01' }, depth: { type: 'integer', value: 3 } }, newStudent()));

    const defer = await h.after(from, isCallback);
    expect(defer.json).toMatchObject({ type: 5, data: { flags: 0 } });
    const edit = await h.after(from, isEditOriginal);
    expect(edit.files.map((f) => f.filename)).toEqual(['breakdown.png', 'chart.png']);
    for (const f of edit.files) expect(f.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(edit.json).toMatchObject({ content: reply.text, allowed_mentions: { parse: [] } });
    expect((edit.json?.attachments as { description: string }[]).map((a) => a.description)).toEqual(['breakdown.png for screen readers', 'chart.png for screen readers']);

    const thread = await h.after(from, isThreadStart);
    expect(thread.json).toMatchObject({ name: 'explode w=500' });
    const original = [...h.standin.messages.values()].find((m) => m.attachments.length === 2 && m.content === reply.text);
    expect(thread.path).toBe(`/channels/${CHANNEL_ID}/messages/${original?.id}/threads`);

    const quiz = await h.after(from, isChannelPost);
    const threadId = thread.path.split('/')[4];
    expect(quiz.path).toBe(`/channels/${threadId}/messages`);
    const buttons = (quiz.json?.components as { components: { custom_id: string; label: string }[] }[]).flatMap((r) => r.components);
    expect(buttons.map((b) => b.custom_id)).toEqual([0, 1, 2, 3].map((i) => `quiz:${reply.quiz!.quizId}:${i}`));
    expect(buttons[0]?.label).toBe('A. 150');
    expect(buttons[3]?.label.length).toBe(80);
    expect(quiz.json?.content).toContain('x'.repeat(120));
    await vi.waitFor(() => expect(locationOf(reply.quiz!.quizId)).toEqual({ channelId: threadId, messageId: expect.any(String) }));
  });

  it('hands the core the params text and the typed options, and the class of the channel', () => {
    const call = bot.prepared.at(-1)!;
    expect(call.name).toBe('explode');
    expect(call.input).toEqual({ text: 'w=500 lr=0.01', options: { depth: 3 } });
    expect(call.caller).toMatchObject({ platform: 'discord', classId: `discord:${GUILD_ID}:${CHANNEL_ID}`, isTA: false });
  });

  it('answers a button in the quiz thread privately, counting it for the parent channel', async () => {
    const post = [...h.standin.messages.values()].filter((m) => m.components.length > 0).at(-1)!;
    const from = h.send(buttonClick(h.standin, post, `quiz:fq1:2`));
    const cb = await h.after(from, isCallback);
    expect(cb.json).toMatchObject({ type: 4, data: { flags: 64, content: 'You chose 2 on fq1.', allowed_mentions: { parse: [] } } });
    expect(bot.answers.at(-1)).toMatchObject({ quizId: 'fq1', choice: 2, caller: { classId: `discord:${GUILD_ID}:${CHANNEL_ID}` } });
    expect(post.channel_id).not.toBe(CHANNEL_ID);
  });

  it('finds the parent of a thread it has never seen (as after a restart)', async () => {
    const threadId = '5555555555555555555';
    h.standin.channels.set(threadId, { id: threadId, type: 11, name: 'old quiz', parent_id: CHANNEL_ID, guild_id: GUILD_ID, thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false } });
    const post = { ...[...h.standin.messages.values()].filter((m) => m.components.length > 0).at(-1)!, channel_id: threadId };
    const from = h.send(buttonClick(h.standin, post, 'quiz:fq1:1'));
    await h.after(from, isCallback);
    expect(bot.answers.at(-1)?.caller.classId).toBe(`discord:${GUILD_ID}:${CHANNEL_ID}`);
  });

  it('says privately that a button it does not know is stale', async () => {
    const post = [...h.standin.messages.values()].filter((m) => m.components.length > 0).at(-1)!;
    const from = h.send(buttonClick(h.standin, post, 'poll:old-format'));
    const cb = await h.after(from, isCallback);
    expect(cb.json).toMatchObject({ type: 4, data: { flags: 64, content: UNKNOWN_BUTTON } });
  });

  it('posts the closing summary where the quiz was and greys its buttons out', async () => {
    const loc = locationOf('fq1')!;
    const from = h.standin.requests.length;
    await bot.fireClosed({ quizId: 'fq1', platform: 'discord', classId: `discord:${GUILD_ID}:${CHANNEL_ID}`, location: JSON.stringify(loc), summary: { text: '3 answered; 2 right. The answer was C.', visibility: 'public' } });
    const summary = requestsFrom(from).find(isChannelPost);
    expect(summary?.path).toBe(`/channels/${loc.channelId}/messages`);
    expect(summary?.json).toMatchObject({ content: '3 answered; 2 right. The answer was C.', allowed_mentions: { parse: [] } });
    const disable = requestsFrom(from).find((r) => r.method === 'PATCH' && r.path === `/channels/${loc.channelId}/messages/${loc.messageId}`);
    const buttons = (disable?.json?.components as { components: { disabled: boolean; custom_id: string }[] }[]).flatMap((r) => r.components);
    expect(buttons).toHaveLength(4);
    expect(buttons.every((b) => b.disabled)).toBe(true);
    expect(buttons[0]?.custom_id).toBe('quiz:fq1:0');
  });

  it('ignores closing events of other platforms', async () => {
    const from = h.standin.requests.length;
    await bot.fireClosed({ quizId: 'x', platform: 'slack', classId: 'slack:T:C', location: JSON.stringify({ channelId: CHANNEL_ID, messageId: '1' }), summary: { text: 'nope', visibility: 'public' } });
    expect(requestsFrom(from)).toEqual([]);
  });
});

describe('refusals and failures', () => {
  it('answers a bad parameter at once, privately, without deferring', async () => {
    const from = h.send(slashCommand(h.standin, 'nonsense', {}, newStudent()));
    const cb = await h.after(from, isCallback);
    expect(cb.json).toMatchObject({ type: 4, data: { flags: 64, content: 'Unknown command /nonsense.' } });
    await settle();
    expect(requestsFrom(from).filter((r) => r.method !== 'GET')).toHaveLength(1);
  });

  it('tells the core who is a TA from the member permissions', async () => {
    bot.on('scores-reset', () => okWith(privateText('done')));
    const from = h.send(slashCommand(h.standin, 'scores-reset', {}, TA));
    await h.after(from, isEditOriginal);
    expect(bot.prepared.at(-1)?.caller).toMatchObject({ userId: TA.id, isTA: true });
    const defer = requestsFrom(from).find(isCallback);
    expect(defer?.json).toMatchObject({ type: 5, data: { flags: 64 } });
  });

  it('puts a quiz inline, saying why, when Discord refuses the thread (50013)', async () => {
    const reply = quizReply();
    bot.on('explode', () => okWith(reply));
    h.standin.inject({ method: 'POST', path: /\/threads$/, status: 403, code: 50013 });
    const from = h.send(slashCommand(h.standin, 'explode', {}, newStudent()));
    const follow = await h.after(from, isFollowUp);
    expect(follow.json?.content).toMatch(/No thread: I may not start threads in this channel\./);
    expect((follow.json?.components as unknown[]).length).toBe(1);
    expect(requestsFrom(from).find(isThreadStart)?.status).toBe(403);
    await vi.waitFor(() => expect(locationOf(reply.quiz!.quizId)?.channelId).toBe(CHANNEL_ID));
  });

  it('does not try a thread inside a thread, nor where it lacks the permission', async () => {
    const post = [...h.standin.messages.values()].find((m) => m.channel_id !== CHANNEL_ID && m.components.length > 0)!;
    bot.on('explode', () => okWith(quizReply()));
    let from = h.send(slashCommand(h.standin, 'explode', {}, newStudent(), { channelId: post.channel_id }));
    let follow = await h.after(from, isFollowUp);
    expect(follow.json?.content).toMatch(/No thread: we are already in a thread\./);
    expect(bot.prepared.at(-1)?.caller.classId).toBe(`discord:${GUILD_ID}:${CHANNEL_ID}`);

    const noThreads = (BigInt(EVERYONE_PERMISSIONS) & ~(1n << 35n)).toString();
    from = h.send(slashCommand(h.standin, 'explode', {}, newStudent(), { appPermissions: noThreads }));
    follow = await h.after(from, isFollowUp);
    expect(follow.json?.content).toMatch(/No thread: I may not start threads/);
    expect(requestsFrom(from).some(isThreadStart)).toBe(false);
  });

  it('works in a direct message: no thread, the quiz right below, the class named dm', async () => {
    bot.on('explode', () => okWith(quizReply()));
    const from = h.send(slashCommand(h.standin, 'explode', {}, newStudent(), { dm: true }));
    const follow = await h.after(from, isFollowUp);
    expect(follow.json?.content).toMatch(/No thread: threads cannot be started in direct messages\./);
    expect(bot.prepared.at(-1)?.caller.classId).toMatch(/^discord:dm:\d+$/);
    expect(bot.prepared.at(-1)?.caller.isTA).toBe(false);
  });

  it('sends text only, with a note, where it may not attach files', async () => {
    bot.on('explode', () => okWith(quizReply({ quiz: undefined, thread: undefined })));
    const noFiles = (BigInt(EVERYONE_PERMISSIONS) & ~(1n << 15n)).toString();
    let from = h.send(slashCommand(h.standin, 'explode', {}, newStudent(), { appPermissions: noFiles }));
    let edit = await h.after(from, isEditOriginal);
    expect(edit.files).toEqual([]);
    expect(edit.json?.content).toMatch(/may not attach files/);

    h.standin.inject({ method: 'PATCH', path: /@original$/, status: 403, code: 50013 });
    from = h.send(slashCommand(h.standin, 'explode', {}, newStudent()));
    edit = await h.after(from, isEditOriginal);
    expect(edit.files).toEqual([]);
    expect(edit.json?.content).toMatch(/may not attach files/);
    expect(requestsFrom(from).filter((r) => r.path.endsWith('@original')).map((r) => r.status)).toEqual([403, 200]);
  });

  it('apologises privately when a command fails, and removes the public "thinking…"', async () => {
    bot.on('explode', () => ({ ok: true, visibility: 'public', execute: () => Promise.reject(new Error('renderer exploded at /srv/secret/path')) }));
    const from = h.send(slashCommand(h.standin, 'explode', {}, newStudent()));
    const follow = await h.after(from, isFollowUp);
    expect(follow.json).toMatchObject({ content: SORRY, flags: 64 });
    expect(requestsFrom(from).some((r) => r.method === 'DELETE' && r.path.endsWith('@original'))).toBe(true);
    expect(JSON.stringify(requestsFrom(from).map((r) => r.json))).not.toMatch(/secret/);
  });

  it('survives a 429 and a 500 on the edit: the reply still lands', async () => {
    bot.on('explode', () => okWith(quizReply({ quiz: undefined, thread: undefined })));
    h.standin.inject({ method: 'PATCH', path: /@original$/, status: 429, retryAfter: 0.2 });
    h.standin.inject({ method: 'PATCH', path: /@original$/, status: 500 });
    const from = h.send(slashCommand(h.standin, 'explode', {}, newStudent()));
    const edit = await h.after(from, isEditOriginal);
    expect(edit.files).toHaveLength(2);
    expect(requestsFrom(from).filter((r) => r.path.endsWith('@original')).map((r) => r.status)).toEqual([429, 500, 200]);
  });

  it('never lets anything it posts ping anyone', () => {
    const posts = h.standin.requests.filter((r): r is RecordedRequest & { json: Record<string, unknown> } => r.json !== null && (typeof r.json.content === 'string' || typeof (r.json.data as { content?: unknown } | undefined)?.content === 'string'));
    expect(posts.length).toBeGreaterThan(10);
    for (const r of posts) {
      const body = (r.json.data as Record<string, unknown> | undefined) ?? r.json;
      expect(body.allowed_mentions, `${r.method} ${r.path}`).toEqual({ parse: [] });
    }
  });

  it('reports ready until stopped; a reply still running past the shutdown bound does not hold the hang-up', async () => {
    expect(h.handle.ready()).toBe(true);
    let finish: (r: Reply) => void = () => {};
    bot.on('explode', () => ({ ok: true, visibility: 'public', execute: () => new Promise<Reply>((resolve) => (finish = resolve)) }));
    const from = h.send(slashCommand(h.standin, 'explode', {}, newStudent()));
    await h.after(from, isCallback);
    const started = performance.now();
    await h.handle.stop(300);
    const waited = performance.now() - started;
    // The bound, not the 10 s default: stop() waited for the reply, then gave up on it.
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(5000);
    expect(h.handle.ready()).toBe(false);
    expect(h.standin.connected).toBe(0);
    finish(quizReply({ quiz: undefined, thread: undefined }));
  });
});

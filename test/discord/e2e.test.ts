import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { healthyBaseline, simulate, verdictOf } from '../../src/engine/index.ts';
import { verdictLine } from '../../src/format/verdict.ts';
import { parseExplode } from '../../src/params/index.ts';
import { breakdownAlt, chartAlt, createRenderPool, pngSize } from '../../src/render/index.ts';
import type { Store } from '../../src/store/index.ts';
import { PNG_SIGNATURE, isCallback, isChannelPost, isEditOriginal, isFollowUp, isThreadStart, startDiscordRig, type DiscordRig, type Harness } from './harness.ts';
import { CHANNEL_ID, GUILD_ID } from './standin/ids.ts';
import { STUDENT, TA, buttonClick, newStudent, slashCommand, type Person } from './standin/interactions.ts';
import type { RecordedRequest, StandinMessage } from './standin/server.ts';

/**
 * End to end: the real discord.js client, started by startDiscord, against
 * the local stand-in for Discord, with the real core (createGradbot, the
 * commands, the SQLite store in memory) and the real renderer pool.
 */
const CLASS_ID = `discord:${GUILD_ID}:${CHANNEL_ID}`;

let rig: DiscordRig;
let store: Store;
let h: Harness;

beforeAll(async () => {
  rig = await startDiscordRig(createRenderPool({ size: 1, prewarm: true }));
  ({ store, h } = rig);
});

afterAll(async () => rig?.close());

const requestsFrom = (from: number) => h.standin.requests.slice(from);
const buttonsOf = (r: RecordedRequest) => (r.json?.components as { components: { custom_id: string; label: string; disabled?: boolean }[] }[]).flatMap((row) => row.components);
const quizIdOf = (r: RecordedRequest) => /^quiz:([^:]+):0$/.exec(buttonsOf(r)[0]?.custom_id ?? '')?.[1] ?? '';

async function click(message: StandinMessage, customId: string, who: Person): Promise<RecordedRequest> {
  const from = h.send(buttonClick(h.standin, message, customId, who));
  return h.after(from, isCallback);
}

describe('/explode, a quiz in its thread, and an answer', () => {
  let quizPost: RecordedRequest;
  let threadId: string;

  it('defers, edits in both PNGs with alt text and the verdict, starts a thread and posts the quiz with buttons', async () => {
    const from = h.send(slashCommand(h.standin, 'explode', { w: { type: 'number', value: 500 }, params: { type: 'string', value: 'lr=0.01 depth=3' } }, STUDENT));

    const defer = await h.after(from, isCallback);
    expect(defer.json).toMatchObject({ type: 5, data: { flags: 0 } });

    const edit = await h.after(from, isEditOriginal);
    expect(edit.files).toHaveLength(2);
    for (const f of edit.files) {
      expect(f.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(f.contentType).toBe('image/png');
    }
    const parsed = parseExplode({ text: 'w=500 lr=0.01 depth=3' });
    if (!parsed.ok) throw new Error(parsed.message);
    const run = simulate(parsed.spec);
    const attachments = edit.json?.attachments as { id: string; description: string }[];
    expect(attachments.map((a) => a.description)).toEqual([breakdownAlt(run), chartAlt(run, simulate(healthyBaseline(parsed.spec)))]);
    for (const f of edit.files) expect(pngSize(f.bytes).width).toBeGreaterThan(400);
    expect(edit.json?.content).toContain(verdictLine(run, verdictOf(run)));
    expect(edit.json?.allowed_mentions).toEqual({ parse: [] });

    const thread = await h.after(from, isThreadStart);
    const original = [...h.standin.messages.values()].find((m) => m.attachments.length === 2 && m.content === edit.json?.content);
    expect(original).toBeDefined();
    expect(thread.path).toBe(`/channels/${CHANNEL_ID}/messages/${original!.id}/threads`);
    expect(String(thread.json?.name)).toMatch(/^explode /);
    threadId = h.standin.channels.get(original!.id)!.id;

    quizPost = await h.after(from, isChannelPost);
    expect(quizPost.path).toBe(`/channels/${threadId}/messages`);
    const quizId = quizIdOf(quizPost);
    const record = (await store.getQuiz(quizId));
    expect(record).not.toBeNull();
    expect(buttonsOf(quizPost).map((b) => b.custom_id)).toEqual(record!.choices.map((_, i) => `quiz:${quizId}:${i}`));
    expect(record!.classId).toBe(CLASS_ID);
    await vi.waitFor(async () => expect(JSON.parse((await store.getQuiz(quizId))!.location ?? 'null')).toMatchObject({ channelId: threadId }));
  });

  it('answers a click privately and records the score; a second click is told it already answered', async () => {
    const quizId = quizIdOf(quizPost);
    const record = (await store.getQuiz(quizId))!;
    const posted = [...h.standin.messages.values()].find((m) => m.channel_id === threadId)!;
    const first = await click(posted, `quiz:${quizId}:${record.answer}`, STUDENT);
    expect(first.json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(String((first.json?.data as { content: string }).content)).toMatch(/^Correct!/);
    expect((await store.getAnswer(quizId, STUDENT.id))).toMatchObject({ choice: record.answer, correct: true });
    expect((await store.rankOf(CLASS_ID, STUDENT.id))).toMatchObject({ rank: 1, correct: 1, answered: 1 });

    const second = await click(posted, `quiz:${quizId}:${(record.answer + 1) % record.choices.length}`, STUDENT);
    expect(second.json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(String((second.json?.data as { content: string }).content)).toMatch(/already answered/);
    expect((await store.answersOf(quizId))).toHaveLength(1);
  });

  it('shows the score on /leaderboard', async () => {
    const from = h.send(slashCommand(h.standin, 'leaderboard', {}, newStudent()));
    const edit = await h.after(from, isEditOriginal);
    expect(edit.json?.content).toMatch(/1\. ada: 1 point/);
  });

  it('lets a TA close the quiz: the summary goes to the thread and the buttons grey out', async () => {
    const quizId = quizIdOf(quizPost);
    const denied = h.send(slashCommand(h.standin, 'quiz-close', {}, newStudent()));
    const refusal = await h.after(denied, isCallback);
    expect(refusal.json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(String((refusal.json?.data as { content: string }).content)).toMatch(/Only TAs/);
    expect((await store.getQuiz(quizId))?.closedAt).toBeNull();

    const from = h.send(slashCommand(h.standin, 'quiz-close', { quiz: { type: 'string', value: quizId } }, TA));
    const ack = await h.after(from, isEditOriginal);
    expect(ack.json?.content).toContain(`Closed quiz \`${quizId}\``);
    const summary = await h.after(from, (r) => isChannelPost(r) && r.path === `/channels/${threadId}/messages`);
    expect(summary.json?.content).toMatch(/^\*\*Quiz closed\.\*\*/);
    expect(summary.json?.content).toMatch(/1 answered, 100% correct/);
    const disable = await h.after(from, (r) => r.method === 'PATCH' && r.path.startsWith(`/channels/${threadId}/messages/`));
    expect(buttonsOf(disable).every((b) => b.disabled === true)).toBe(true);

    const posted = [...h.standin.messages.values()].find((m) => m.channel_id === threadId && m.components.length > 0)!;
    const late = await click(posted, `quiz:${quizId}:0`, newStudent());
    expect(String((late.json?.data as { content: string }).content)).toMatch(/closed/);
  });
});

describe('failures a class will meet', () => {
  it('answers bad parameters at once and privately, naming the key, without deferring', async () => {
    const from = h.send(slashCommand(h.standin, 'explode', { params: { type: 'string', value: 'rl=0.1' } }, newStudent()));
    const cb = await h.after(from, isCallback);
    expect(cb.json).toMatchObject({ type: 4, data: { flags: 64, allowed_mentions: { parse: [] } } });
    expect(String((cb.json?.data as { content: string }).content)).toMatch(/`rl`/);
    await new Promise((r) => setTimeout(r, 150));
    expect(requestsFrom(from).filter((r) => isCallback(r) || r.method === 'PATCH')).toHaveLength(1);
  });

  it('survives a 429 and a 500 from REST: the edit lands with both pictures', async () => {
    h.standin.inject({ method: 'PATCH', path: /@original$/, status: 429, retryAfter: 0.2 });
    h.standin.inject({ method: 'PATCH', path: /@original$/, status: 500 });
    const from = h.send(slashCommand(h.standin, 'explode', { depth: { type: 'integer', value: 4 } }, newStudent()));
    const edit = await h.after(from, isEditOriginal);
    expect(edit.files).toHaveLength(2);
    expect(requestsFrom(from).filter((r) => r.path.endsWith('@original')).map((r) => r.status)).toEqual([429, 500, 200]);
    // The 5xx is retried after a backoff (at least half of the 250 ms first step), not in the same millisecond.
    const tries = requestsFrom(from).filter((r) => r.path.endsWith('@original'));
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(120);
    await h.after(from, isChannelPost);
  });

  it('posts the quiz inline when Discord refuses the thread (50013), and still scores clicks on it', async () => {
    h.standin.inject({ method: 'POST', path: /\/threads$/, status: 403, code: 50013 });
    const from = h.send(slashCommand(h.standin, 'explode', { act: { type: 'string', value: 'tanh' } }, newStudent()));
    const follow = await h.after(from, isFollowUp);
    expect(follow.json?.content).toMatch(/No thread: I may not start threads in this channel/);
    const quizId = quizIdOf(follow);
    expect((await store.getQuiz(quizId))?.classId).toBe(CLASS_ID);
    await vi.waitFor(async () => expect(JSON.parse((await store.getQuiz(quizId))!.location ?? 'null')).toMatchObject({ channelId: CHANNEL_ID }));

    const posted = [...h.standin.messages.values()].find((m) => m.channel_id === CHANNEL_ID && m.components.length > 0 && m.content === follow.json?.content)!;
    const who = newStudent();
    await click(posted, `quiz:${quizId}:0`, who);
    expect((await store.getAnswer(quizId, who.id))).not.toBeNull();
  });

  it('says an unknown or expired quiz is so, privately', async () => {
    const posted = [...h.standin.messages.values()].find((m) => m.components.length > 0)!;
    const cb = await click(posted, 'quiz:NoSuchQuiz1:0', newStudent());
    expect(cb.json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(String((cb.json?.data as { content: string }).content)).toMatch(/Unknown or expired quiz/);
  });

  it("gives a TA the class's answers as a private CSV", async () => {
    const from = h.send(slashCommand(h.standin, 'answers-export', {}, TA));
    const defer = await h.after(from, isCallback);
    expect(defer.json).toMatchObject({ type: 5, data: { flags: 64 } });
    const edit = await h.after(from, isEditOriginal);
    expect(edit.files).toHaveLength(1);
    expect(edit.files[0]?.filename).toMatch(/\.csv$/);
    expect(edit.files[0]?.bytes.toString('utf8').split('\n').length).toBeGreaterThan(2);
  });
});

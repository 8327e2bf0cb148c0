import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderPool } from '../../src/render/pool.ts';
import type { Store } from '../../src/store/index.ts';
import { isCallback, isEditOriginal, startDiscordRig, type DiscordRig, type Harness } from '../discord/harness.ts';
import { buttonClick, newStudent, slashCommand } from '../discord/standin/interactions.ts';
import type { RecordedRequest } from '../discord/standin/server.ts';
import { CHANNEL, SIGNING_SECRET, TA_ID, TEAM, startRig, type SlackRig } from '../slack/harness.ts';
import { blockActionsBody, postSigned, slashCommandBody } from '../slack/sign.ts';
import { preDrawn } from './class.ts';

/**
 * Faults a real deployment meets, injected on every route gradbot calls: a
 * 429 and a 5xx on each, a gateway cut in the middle of a burst (RESUME,
 * with the missed dispatches replayed and some seen ones replayed again), and
 * redelivered slash commands and clicks. Every reply arrives once and no
 * answer counts twice. The figures are printed for the closing note.
 */
const figures = { slack: { requests: 0, faults: 0, duplicates: 0 }, discord: { requests: 0, faults: 0, duplicates: 0 } };

afterAll(() => {
  console.info(`fault suite: ${JSON.stringify(figures)}`);
});

describe('Slack under faults', () => {
  let rig: SlackRig;
  let n = 0;
  beforeAll(async () => {
    rig = await startRig({ renderer: await preDrawn(createRenderPool({ size: 1 })), slack: { retryConfig: { retries: 3, minTimeout: 5, maxTimeout: 20 } } });
  });
  afterAll(async () => {
    await rig?.close();
  });

  const slash = (user: string, text: string, retryNum?: number, body?: string) => {
    n += 1;
    const b = body ?? slashCommandBody({ command: '/explode', text, userId: user, teamId: TEAM, channelId: CHANNEL, responseUrl: rig.standin.responseUrl(`f${n}`) });
    return { body: b, sent: postSigned(rig.eventsUrl, SIGNING_SECRET, b, retryNum === undefined ? {} : { retryNum }) };
  };
  const posts = () => rig.standin.api('chat.postMessage').filter((c) => c.status === 200 && c.response.ok === true);
  const parentsOf = (user: string) => posts().filter((c) => c.args.thread_ts === undefined && JSON.stringify(c.args.blocks).includes(`<@${user}>`));

  it('a 429 and a 503 on every method it calls, and on the upload URL: each reply still arrives, once', async () => {
    const methods = ['chat.postMessage', 'files.getUploadURLExternal', 'files.completeUploadExternal', 'files.info', 'chat.postEphemeral', 'chat.update'];
    for (const m of methods) {
      rig.standin.rateLimitNext(m, 0);
      rig.standin.httpFailNext(m, 503);
    }
    rig.standin.httpFailNext('upload', 502);
    const injected = rig.standin.faultsPending;
    const user = 'U0FAULT1';
    const from = rig.standin.calls.length;
    expect((await slash(user, 'w=500 lr=0.01').sent).status).toBe(200);
    const quiz = await rig.standin.waitFor('the quiz', () => posts().find((c) => c.args.thread_ts !== undefined && c.args.thread_ts === parentsOf(user)[0]?.response.ts && JSON.stringify(c.args.blocks).includes('"actions"')), 20_000);
    const parentTs = String(parentsOf(user)[0]!.response.ts);
    const actionId = ((quiz.args.blocks as { type: string; elements?: { action_id: string }[] }[]).find((b) => b.type === 'actions')?.elements ?? [])[0]!.action_id;
    const quizId = actionId.split(':')[1]!;
    // A click (its whisper meets the postEphemeral faults) and a TA closing the quiz (chat.update's).
    const click = blockActionsBody({ actionId, userId: 'U0CLICK', teamId: TEAM, channelId: CHANNEL, messageTs: String(quiz.response.ts), threadTs: parentTs, responseUrl: rig.standin.responseUrl('fc') });
    expect((await postSigned(rig.eventsUrl, SIGNING_SECRET, click)).status).toBe(200);
    await rig.standin.waitFor('the whisper', () => rig.standin.api('chat.postEphemeral').find((c) => c.status === 200 && c.args.user === 'U0CLICK'), 20_000);
    await postSigned(rig.eventsUrl, SIGNING_SECRET, slashCommandBody({ command: '/quiz-close', text: '', userId: TA_ID, teamId: TEAM, channelId: CHANNEL, responseUrl: rig.standin.responseUrl('fclose') }));
    await rig.standin.waitFor('the closed quiz', () => rig.standin.api('chat.update').find((c) => c.status === 200 && c.args.ts === quiz.response.ts), 20_000);

    expect(rig.standin.faultsPending).toBe(0);
    expect(parentsOf(user)).toHaveLength(1);
    expect(posts().filter((c) => c.args.thread_ts === parentTs && JSON.stringify(c.args.blocks).includes('"actions"'))).toHaveLength(1);
    expect(rig.standin.calls.filter((c) => c.kind === 'shared' && c.threadTs === parentTs)).toHaveLength(1);
    expect((await rig.store.answersOf(quizId)).filter((a) => a.userId === 'U0CLICK')).toHaveLength(1);
    figures.slack.faults += injected;
    figures.slack.requests += rig.standin.calls.length - from;
    figures.slack.duplicates += parentsOf(user).length - 1;
  }, 40_000);

  it('a slash command redelivered (X-Slack-Retry-Num) and a click delivered twice: one reply each, one answer', async () => {
    const user = 'U0TWICE';
    const first = slash(user, 'w=300 lr=0.01');
    const again = slash(user, '', 1, first.body);
    expect((await first.sent).status).toBe(200);
    expect((await again.sent).status).toBe(200);
    const quiz = await rig.standin.waitFor('the quiz', () => posts().find((c) => c.args.thread_ts !== undefined && c.args.thread_ts === parentsOf(user)[0]?.response.ts && JSON.stringify(c.args.blocks).includes('"actions"')), 20_000);
    const actionId = ((quiz.args.blocks as { type: string; elements?: { action_id: string }[] }[]).find((b) => b.type === 'actions')?.elements ?? [])[0]!.action_id;
    const click = blockActionsBody({ actionId, userId: 'U0CLICK2', teamId: TEAM, channelId: CHANNEL, messageTs: String(quiz.response.ts), threadTs: String(quiz.args.thread_ts), responseUrl: rig.standin.responseUrl('fc2') });
    await Promise.all([postSigned(rig.eventsUrl, SIGNING_SECRET, click), postSigned(rig.eventsUrl, SIGNING_SECRET, click, { retryNum: 1 })]);
    await new Promise((r) => setTimeout(r, 500));
    const whispers = rig.standin.api('chat.postEphemeral').filter((c) => c.status === 200 && c.args.user === 'U0CLICK2');
    expect(parentsOf(user)).toHaveLength(1);
    expect(whispers).toHaveLength(1);
    expect(await rig.store.answersOf(actionId.split(':')[1]!)).toHaveLength(1);
    figures.slack.requests += 4;
    figures.slack.duplicates += parentsOf(user).length - 1 + whispers.length - 1;
  }, 40_000);
});

describe('Discord under faults', () => {
  let rig: DiscordRig;
  let store: Store;
  let h: Harness;
  beforeAll(async () => {
    // Pictures drawn once and handed to every command: this suite is about the wire, not this busy machine's drawing.
    rig = await startDiscordRig(await preDrawn(createRenderPool({ size: 1 })), { discord: { restRetries: 3, restBackoffMs: 20 } });
    ({ store, h } = rig);
  });
  afterAll(async () => rig?.close());

  const ok = (r: RecordedRequest) => r.status >= 200 && r.status < 300;
  const editsOf = (token: string) => h.standin.requests.filter((r) => isEditOriginal(r) && r.path.includes(`/${token}/`) && r.files.length === 2);
  const hasButtons = (r: RecordedRequest) => JSON.stringify(r.json?.components ?? []).includes('quiz:');

  it('a 429 and a 500 on every route (callback, reply edit, thread, quiz post, follow-up): each reply once, the click counted once', async () => {
    const routes: [string, RegExp][] = [
      ['POST', /\/callback$/],
      ['PATCH', /@original$/],
      ['POST', /\/threads$/],
      ['POST', /^\/channels\/\d+\/messages$/],
    ];
    for (const [method, path] of routes) {
      h.standin.inject({ method, path, status: 429, retryAfter: 0.05 });
      h.standin.inject({ method, path, status: 500 });
    }
    const from = h.standin.requests.length;
    const student = newStudent();
    const cmd = slashCommand(h.standin, 'explode', { params: { type: 'string', value: 'w=500 lr=0.01' } }, student);
    h.standin.dispatch('INTERACTION_CREATE', cmd);
    const quizPost = await h.standin.waitFor((r) => ok(r) && r.method === 'POST' && hasButtons(r), { from, timeoutMs: 20_000 });
    expect(editsOf(cmd.token)).toHaveLength(1);
    const quizId = /quiz:([^:"]+):0/.exec(JSON.stringify(quizPost.json?.components))![1]!;
    const message = [...h.standin.messages.values()].find((m) => JSON.stringify(m.components).includes(quizId))!;
    // The click: its callback meets the follow-up faults queued for callbacks too.
    h.standin.inject({ method: 'POST', path: /\/callback$/, status: 429, retryAfter: 0.05 });
    h.standin.inject({ method: 'POST', path: /\/callback$/, status: 503 });
    const clicker = newStudent();
    const clickFrom = h.standin.requests.length;
    h.standin.dispatch('INTERACTION_CREATE', buttonClick(h.standin, message, `quiz:${quizId}:0`, clicker));
    await h.standin.waitFor((r) => ok(r) && isCallback(r), { from: clickFrom, timeoutMs: 20_000 });
    expect(h.standin.requests.slice(from).filter((r) => ok(r) && r.method === 'POST' && hasButtons(r))).toHaveLength(1);
    expect((await store.answersOf(quizId)).filter((a) => a.userId === clicker.id)).toHaveLength(1);
    figures.discord.faults += 2 * routes.length + 2;
    figures.discord.requests += h.standin.requests.length - from;
  }, 40_000);

  it('a gateway cut mid-burst: the client resumes, missed commands are replayed and answered, seen ones replayed again are answered once', async () => {
    h.standin.replayDuplicates = 2;
    const from = h.standin.requests.length;
    const cmds = Array.from({ length: 6 }, (_, i) => slashCommand(h.standin, 'explode', { params: { type: 'string', value: `w=${300 + i} lr=0.01` } }, newStudent()));
    for (const c of cmds.slice(0, 3)) h.standin.dispatch('INTERACTION_CREATE', c);
    await h.standin.waitFor((r) => isCallback(r) && r.path.includes(cmds[2]!.token), { from, timeoutMs: 20_000 });
    h.standin.dropGateway();
    for (const c of cmds.slice(3)) h.standin.dispatch('INTERACTION_CREATE', c);
    for (const c of cmds) await h.standin.waitFor((r) => isEditOriginal(r) && r.path.includes(c.token), { from, timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 500));
    expect(h.standin.resumes.length).toBeGreaterThanOrEqual(1);
    const perToken = cmds.map((c) => editsOf(c.token).length);
    expect(perToken).toEqual(cmds.map(() => 1));
    const callbacks = cmds.map((c) => h.standin.requests.filter((r) => isCallback(r) && r.path.includes(c.token)).length);
    expect(callbacks).toEqual(cmds.map(() => 1));
    figures.discord.faults += 1 + h.standin.replayDuplicates;
    figures.discord.requests += h.standin.requests.length - from;
    figures.discord.duplicates += perToken.reduce((a, b) => a + b - 1, 0);
    h.standin.replayDuplicates = 0;
  }, 60_000);
});

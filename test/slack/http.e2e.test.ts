import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate, verdictOf } from '../../src/engine/index.ts';
import { verdictLine } from '../../src/format/verdict.ts';
import { parseExplode } from '../../src/params/index.ts';
import { escapeSlack } from '../../src/platforms/slack/mrkdwn.ts';
import type { RunSpec } from '../../src/engine/index.ts';
import { createRenderPool } from '../../src/render/pool.ts';
import { pngSize } from '../../src/render/png-size.ts';
import type { Renderer } from '../../src/render/types.ts';
import { CHANNEL, PNG_SIGNATURE, SIGNING_SECRET, TA_ID, TEAM, startRig, type SlackRig } from './harness.ts';
import { blockActionsBody, postSigned, slashCommandBody } from './sign.ts';
import type { ApiCall, Recorded } from './standin.ts';

/**
 * End to end over real HTTP: signed slash commands and button clicks into
 * the running Bolt app (startSlack on the shared server), the real core
 * (createGradbot, the commands, SQLite in memory), and the stand-in for
 * Slack's Web API recording what gradbot sends back.
 */
const STUDENT = 'U0ANA';

/** The real render pool behind a gate: holding it proves the ack does not wait for rendering. */
class GatedRenderer implements Renderer {
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};
  constructor(private readonly inner: Renderer) {}
  get accepting(): boolean {
    return this.inner.accepting;
  }
  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }
  release(): void {
    this.open();
  }
  async explode(spec: RunSpec) {
    await this.gate;
    return this.inner.explode(spec);
  }
  example: Renderer['example'] = (ex) => this.inner.example(ex);
  close(): Promise<void> {
    return this.inner.close();
  }
}

let rig: SlackRig;
const renderer = new GatedRenderer(createRenderPool({ size: 1 }));
let responses = 0;

beforeAll(async () => {
  rig = await startRig({ renderer });
});

afterAll(async () => {
  await rig?.close();
});

const since = (from: number): Recorded[] => rig.standin.calls.slice(from);
const isApi = (c: Recorded, method: string): c is ApiCall => c.kind === 'api' && c.method === method;
const sectionText = (c: ApiCall): string =>
  ((c.args.blocks as { type: string; text?: { text: string } }[] | undefined) ?? [])
    .filter((b) => b.type === 'section')
    .map((b) => b.text?.text ?? '')
    .join('\n');
const buttonsOf = (c: ApiCall): { action_id: string; value: string; text: { text: string } }[] =>
  ((c.args.blocks as { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[] | undefined) ?? []).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

function slash(command: string, text: string, opts: { user?: string; channel?: string } = {}) {
  responses += 1;
  const responseId = `r${responses}`;
  const body = slashCommandBody({ command, text, userId: opts.user ?? STUDENT, userName: 'ana', teamId: TEAM, channelId: opts.channel ?? CHANNEL, responseUrl: rig.standin.responseUrl(responseId) });
  return { responseId, sent: postSigned(rig.eventsUrl, SIGNING_SECRET, body) };
}

/** Polls a condition the stand-in cannot see (the store), for at most 5 s. */
async function until<T>(what: string, f: () => T | null | undefined | Promise<T | null | undefined>): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await f();
    if (v !== null && v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The ephemeral sent to one slash command's response_url. */
function responseTo(responseId: string) {
  return rig.standin.waitFor(`a response to ${responseId}`, () => rig.standin.responds().find((r) => r.id === responseId));
}

describe('/explode: verdict in the channel, pictures and quiz in its thread, a click scored once', () => {
  let parentTs = '';
  let quizTs = '';
  let quizId = '';

  it('acks at once, posts the verdict, uploads both PNGs into its thread with alt text, then the quiz with buttons', async () => {
    const from = rig.standin.calls.length;
    renderer.hold();
    const { sent } = slash('/explode', 'w=500 lr=0.01');
    const ack = await sent;
    // The ack came back while the renderer was still held: nothing posted yet.
    expect(ack.status).toBe(200);
    expect(ack.text).toBe('');
    expect(since(from).filter((c) => isApi(c, 'chat.postMessage'))).toHaveLength(0);
    renderer.release();

    const quizPost = await rig.standin.waitFor('the quiz', () => since(from).find((c): c is ApiCall => isApi(c, 'chat.postMessage') && buttonsOf(c).length > 0));
    const calls = since(from);
    const parent = calls.find((c): c is ApiCall => isApi(c, 'chat.postMessage') && c.args.thread_ts === undefined);
    if (!parent) throw new Error(`no parent message; saw ${rig.standin.summary()}`);
    expect(parent.args.channel).toBe(CHANNEL);
    expect(parent.response.ok).toBe(true);
    const parsed = parseExplode({ text: 'w=500 lr=0.01' });
    if (!parsed.ok) throw new Error(parsed.message);
    const run = simulate(parsed.spec);
    expect(sectionText(parent)).toContain(`*${escapeSlack(verdictLine(run, verdictOf(run)))}*`);
    parentTs = String(parent.response.ts);

    // Two files, announced with their size and alt text, bytes that are PNGs of exactly that size.
    const announced = calls.filter((c): c is ApiCall => isApi(c, 'files.getUploadURLExternal'));
    expect(announced.map((c) => c.args.filename).sort()).toEqual(['breakdown.png', 'chart.png']);
    for (const c of announced) {
      expect(c.args.alt_text).toBeUndefined();
      expect(String(c.args.alt_txt).length).toBeGreaterThan(10);
      expect(String(c.args.alt_txt).length).toBeLessThanOrEqual(1000);
    }
    expect([...rig.standin.files.values()].filter((f) => announced.some((c) => c.response.file_id === f.fileId)).every((f) => (f.altText ?? '').length > 10)).toBe(true);
    const uploads = calls.filter((c) => c.kind === 'upload');
    expect(uploads).toHaveLength(2);
    for (const u of uploads) {
      if (u.kind !== 'upload') continue;
      expect(u.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(u.bytes.length).toBe(rig.standin.files.get(u.fileId)?.length);
      // Rendered cards, not placeholders.
      expect(pngSize(u.bytes).width).toBeGreaterThan(400);
    }
    // Completed together into the same channel, in the parent's thread.
    const completes = calls.filter((c): c is ApiCall => isApi(c, 'files.completeUploadExternal'));
    expect(completes).toHaveLength(1);
    const complete = completes[0]!;
    expect(complete.response.ok).toBe(true);
    expect(complete.args.channel_id).toBe(CHANNEL);
    expect(complete.args.thread_ts).toBe(parentTs);
    expect((complete.args.files as { id: string }[]).map((f) => f.id).sort()).toEqual(uploads.map((u) => (u.kind === 'upload' ? u.fileId : '')).sort());

    // The quiz: in the same thread, after the pictures, one button per choice.
    expect(quizPost.args.channel).toBe(CHANNEL);
    expect(quizPost.args.thread_ts).toBe(parentTs);
    expect(calls.indexOf(parent)).toBeLessThan(calls.indexOf(complete));
    expect(calls.indexOf(complete)).toBeLessThan(calls.indexOf(quizPost));
    // Slack shares uploads asynchronously: the quiz waits until the pictures are really in the thread.
    const shared = calls.find((c) => c.kind === 'shared' && c.channel === CHANNEL && c.threadTs === parentTs);
    expect(shared).toBeDefined();
    expect(calls.indexOf(shared!)).toBeLessThan(calls.indexOf(quizPost));
    const buttons = buttonsOf(quizPost);
    expect(buttons.length).toBeGreaterThanOrEqual(3);
    expect(buttons.length).toBeLessThanOrEqual(5);
    quizId = /^quiz:([A-Za-z0-9_-]+):0$/.exec(buttons[0]!.action_id)?.[1] ?? '';
    expect(quizId).not.toBe('');
    buttons.forEach((b, i) => {
      expect(b.action_id).toBe(`quiz:${quizId}:${i}`);
      expect(b.text.text.length).toBeLessThanOrEqual(75);
    });
    quizTs = String(quizPost.response.ts);

    // The core knows where the quiz lives, for the closing summary.
    const stored = await until('the quiz location', async () => ((await rig.store.getQuiz(quizId))?.location ? (await rig.store.getQuiz(quizId)) : null));
    expect(stored?.classId).toBe(`slack:${TEAM}:${CHANNEL}`);
    expect(JSON.parse(stored?.location ?? '{}')).toEqual({ channel: CHANNEL, thread_ts: parentTs, ts: quizTs });
  });

  it('a click is answered privately in the thread and scored once; a second click is refused', async () => {
    const click = (choice: number) =>
      postSigned(
        rig.eventsUrl,
        SIGNING_SECRET,
        blockActionsBody({ actionId: `quiz:${quizId}:${choice}`, userId: STUDENT, userName: 'ana', teamId: TEAM, channelId: CHANNEL, messageTs: quizTs, threadTs: parentTs, responseUrl: rig.standin.responseUrl('click') }),
      );
    let from = rig.standin.calls.length;
    expect((await click(0)).status).toBe(200);
    const feedback = await rig.standin.waitFor('the feedback', () => since(from).find((c): c is ApiCall => isApi(c, 'chat.postEphemeral')));
    expect(feedback.args).toMatchObject({ channel: CHANNEL, user: STUDENT, thread_ts: parentTs });
    expect(String(feedback.args.text).length).toBeGreaterThan(0);
    expect(since(from).filter((c) => isApi(c, 'chat.postMessage'))).toHaveLength(0);
    expect((await rig.store.answersOf(quizId)).map((a) => [a.userId, a.choice])).toEqual([[STUDENT, 0]]);

    from = rig.standin.calls.length;
    expect((await click(1)).status).toBe(200);
    const again = await rig.standin.waitFor('the refusal', () => since(from).find((c): c is ApiCall => isApi(c, 'chat.postEphemeral')));
    expect(String(again.args.text)).toMatch(/already answered/i);
    expect((await rig.store.answersOf(quizId)).map((a) => [a.userId, a.choice])).toEqual([[STUDENT, 0]]);
  });

  it('a TA closes the quiz: the summary goes into the thread and the buttons disappear', async () => {
    const from = rig.standin.calls.length;
    const { responseId, sent } = slash('/quiz-close', '', { user: TA_ID });
    expect((await sent).status).toBe(200);
    const summary = await rig.standin.waitFor('the summary', () => since(from).find((c): c is ApiCall => isApi(c, 'chat.postMessage')));
    expect(summary.args).toMatchObject({ channel: CHANNEL, thread_ts: parentTs });
    expect(sectionText(summary)).toMatch(/Quiz closed/);
    const update = await rig.standin.waitFor('the quiz redrawn', () => since(from).find((c): c is ApiCall => isApi(c, 'chat.update')));
    expect(update.args).toMatchObject({ channel: CHANNEL, ts: quizTs });
    expect(buttonsOf(update)).toHaveLength(0);
    const told = await responseTo(responseId);
    expect(told.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(told.body.text)).toContain(quizId);
  });

  it('a click on the closed quiz is told so, privately, and not scored', async () => {
    const from = rig.standin.calls.length;
    const r = await postSigned(
      rig.eventsUrl,
      SIGNING_SECRET,
      blockActionsBody({ actionId: `quiz:${quizId}:2`, userId: 'U0LATE', teamId: TEAM, channelId: CHANNEL, messageTs: quizTs, threadTs: parentTs, responseUrl: rig.standin.responseUrl('late') }),
    );
    expect(r.status).toBe(200);
    const told = await rig.standin.waitFor('the refusal', () => since(from).find((c): c is ApiCall => isApi(c, 'chat.postEphemeral')));
    expect(told.args.user).toBe('U0LATE');
    expect(String(told.args.text)).toMatch(/closed/i);
    expect((await rig.store.answersOf(quizId))).toHaveLength(1);
  });
});

describe('/example (TAs): the worked example in the channel, its card in the thread', () => {
  it('posts the text, then one PNG into its thread, and no quiz', async () => {
    const from = rig.standin.calls.length;
    const { sent } = slash('/example', '', { user: TA_ID });
    expect((await sent).status).toBe(200);
    const complete = await rig.standin.waitFor('the card', () => since(from).find((c): c is ApiCall => isApi(c, 'files.completeUploadExternal')));
    const parent = since(from).find((c): c is ApiCall => isApi(c, 'chat.postMessage'));
    expect(sectionText(parent!)).toContain('93,750,000');
    expect(complete.args).toMatchObject({ channel_id: CHANNEL, thread_ts: parent?.response.ts });
    const upload = since(from).find((c) => c.kind === 'upload');
    expect(upload?.kind === 'upload' && upload.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(since(from).filter((c) => isApi(c, 'chat.postMessage'))).toHaveLength(1);
  });
});

describe('refusals are private, name the problem, and post nothing', () => {
  it('bad text: the ack itself is an ephemeral naming the key; nothing reaches the channel', async () => {
    const from = rig.standin.calls.length;
    const r = await slash('/explode', 'rl=0.1').sent;
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('`rl`');
    expect(body.text).toContain('`lr`');
    // Run a private command after it and wait for that: anything the refusal started would be recorded by then.
    const help = slash('/help', '');
    expect((await help.sent).status).toBe(200);
    await responseTo(help.responseId);
    expect(since(from).filter((c) => isApi(c, 'chat.postMessage') || c.kind === 'upload')).toHaveLength(0);
  });

  it('/help is answered through the response_url, only to the caller', async () => {
    const from = rig.standin.calls.length;
    const { responseId, sent } = slash('/help', '');
    expect((await sent).status).toBe(200);
    const r = await responseTo(responseId);
    expect(r.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(r.body.text)).toContain('/explode');
    expect(since(from).filter((c) => isApi(c, 'chat.postMessage'))).toHaveLength(0);
  });

  it('a TA command from a student is refused in the ack', async () => {
    const r = await slash('/scores-reset', '').sent;
    expect(JSON.parse(r.text)).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/Only TAs/) });
  });

  it('the bot not in the channel: the user is told privately to /invite it, and no files are uploaded', async () => {
    const from = rig.standin.calls.length;
    rig.standin.failNext('chat.postMessage', 'not_in_channel');
    const { responseId, sent } = slash('/explode', 'w=3', { channel: 'C0OTHER' });
    expect((await sent).status).toBe(200);
    const told = await responseTo(responseId);
    expect(told.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(told.body.text)).toContain('/invite @gradbot');
    expect(since(from).filter((c) => c.kind === 'upload' || isApi(c, 'files.getUploadURLExternal'))).toHaveLength(0);
  });

  it('a private channel the bot is not in (channel_not_found) gets its own explanation', async () => {
    rig.standin.failNext('chat.postMessage', 'channel_not_found');
    const { responseId, sent } = slash('/explode', 'w=3', { channel: 'G0SECRET' });
    expect((await sent).status).toBe(200);
    const told = await responseTo(responseId);
    expect(String(told.body.text)).toMatch(/private channel/);
    expect(String(told.body.text)).toContain('/invite @gradbot');
  });
});

describe('TA export: a CSV cannot be ephemeral, so it goes to the TA\'s direct messages', () => {
  it('opens the DM, uploads the CSV there, and says so privately', async () => {
    const from = rig.standin.calls.length;
    const { responseId, sent } = slash('/answers-export', '', { user: TA_ID });
    expect((await sent).status).toBe(200);
    const told = await responseTo(responseId);
    expect(String(told.body.text)).toMatch(/direct messages/);
    const calls = since(from);
    const open = calls.find((c): c is ApiCall => isApi(c, 'conversations.open'));
    expect(open?.args.users).toBe(TA_ID);
    const complete = calls.find((c): c is ApiCall => isApi(c, 'files.completeUploadExternal'));
    expect(complete?.args.channel_id).toBe(`D${TA_ID}`);
    const upload = calls.find((c) => c.kind === 'upload');
    expect(upload?.kind === 'upload' && upload.bytes.toString('utf8')).toMatch(/^quiz/);
    expect(upload?.kind === 'upload' && upload.bytes.toString('utf8')).toContain(',ana,A,');
    expect(calls.filter((c) => isApi(c, 'chat.postMessage'))).toHaveLength(0);
  });
});

describe('request verification (Bolt\'s HTTP receiver on the shared server)', () => {
  const body = () => slashCommandBody({ command: '/explode', text: 'w=500', userId: STUDENT, teamId: TEAM, channelId: CHANNEL, responseUrl: rig.standin.responseUrl('forged') });

  it('a bad signature is refused with 401 and nothing runs', async () => {
    const from = rig.standin.calls.length;
    const r = await postSigned(rig.eventsUrl, SIGNING_SECRET, body(), { secret: 'not-the-secret' });
    expect(r.status).toBe(401);
    const fine = await postSigned(rig.eventsUrl, SIGNING_SECRET, slashCommandBody({ command: '/explode', text: 'rl=1', userId: STUDENT, teamId: TEAM, channelId: CHANNEL, responseUrl: rig.standin.responseUrl('x') }));
    expect(fine.status).toBe(200);
    // Only what this request caused: an earlier command's files may still be being shared.
    expect(since(from).filter((c) => c.kind !== 'shared')).toHaveLength(0);
  });

  it('a correctly signed request six minutes old is refused', async () => {
    const from = rig.standin.calls.length;
    const r = await postSigned(rig.eventsUrl, SIGNING_SECRET, body(), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(r.status).toBe(401);
    // Only what this request caused: an earlier command's files may still be being shared.
    expect(since(from).filter((c) => c.kind !== 'shared')).toHaveLength(0);
  });

  it("answers Slack's url_verification challenge and ssl_check", async () => {
    const challenge = JSON.stringify({ token: 'x', challenge: 'c-123', type: 'url_verification' });
    const ts = Math.floor(Date.now() / 1000);
    const { slackSignature } = await import('./sign.ts');
    const res = await fetch(rig.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SIGNING_SECRET, ts, challenge) },
      body: challenge,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'c-123' });
    const ssl = await postSigned(rig.eventsUrl, SIGNING_SECRET, 'ssl_check=1&token=x');
    expect(ssl.status).toBe(200);
  });

  it('other paths and methods are left to the shared server', async () => {
    const base = rig.eventsUrl.replace('/slack/events', '');
    expect((await fetch(`${base}/slack/events`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});

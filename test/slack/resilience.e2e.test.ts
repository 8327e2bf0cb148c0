import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gradbot } from '../../src/bot.ts';
import type { GradbotCore } from '../../src/gradbot.ts';
import { CHANNEL, SIGNING_SECRET, TEAM, startRig, type SlackRig } from './harness.ts';
import { postSigned, slashCommandBody } from './sign.ts';
import type { ApiCall } from './standin.ts';

/**
 * What goes wrong between gradbot and Slack: rate limits, a command that
 * throws, shutting down. The adapter here retries like production does (the
 * SDK honours Retry-After), only with no extra back-off so the test is quick.
 */
const STUDENT = 'U0BEN';

/** The real core, except that `/explode boom` fails inside its slow part the way a bug would. */
function withBrokenCommand(bot: GradbotCore): Gradbot {
  return {
    commands: bot.commands,
    prepare: (name, input, caller) =>
      name === 'explode' && input.text === 'boom'
        ? { ok: true, visibility: 'public', execute: () => Promise.reject(new Error('kaboom\n    at execute (/work/main/commands/explode.ts:42:7)')) }
        : bot.prepare(name, input, caller),
    answer: (q, c, who) => bot.answer(q, c, who),
    setQuizLocation: (q, l) => bot.setQuizLocation(q, l),
    onQuizClosed: (l) => bot.onQuizClosed(l),
    close: () => bot.close(),
  };
}

let rig: SlackRig;
let n = 0;

beforeAll(async () => {
  rig = await startRig({ wrap: withBrokenCommand, slack: { retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 } } });
});

afterAll(async () => {
  await rig?.close();
});

function slash(text: string) {
  n += 1;
  const id = `res${n}`;
  const body = slashCommandBody({ command: '/explode', text, userId: STUDENT, teamId: TEAM, channelId: CHANNEL, responseUrl: rig.standin.responseUrl(id) });
  return { id, sent: postSigned(rig.eventsUrl, SIGNING_SECRET, body) };
}

describe('resilience', () => {
  it("a 429 from chat.postMessage is waited out (Retry-After) and retried; the reply still arrives", async () => {
    const from = rig.standin.calls.length;
    rig.standin.rateLimitNext('chat.postMessage', 1);
    const { sent } = slash('w=2');
    expect((await sent).status).toBe(200);
    await rig.standin.waitFor('the quiz after the retry', () => rig.standin.api('chat.postMessage').slice(-1).find((c) => c.args.thread_ts !== undefined && c.status === 200), 30_000);
    const posts = rig.standin.calls.slice(from).filter((c): c is ApiCall => c.kind === 'api' && c.method === 'chat.postMessage');
    expect(posts[0]?.status).toBe(429);
    expect(posts[1]?.status).toBe(200);
    expect(posts[1]?.args.channel).toBe(CHANNEL);
    expect(posts[1]?.args.thread_ts).toBeUndefined();
    // Posted once in the channel: the retry replaced the refused call, it did not duplicate it.
    expect(posts.filter((p) => p.status === 200 && p.args.thread_ts === undefined)).toHaveLength(1);
  }, 40_000);

  it('a command that throws gets a private apology, no stack trace, and the app keeps serving', async () => {
    const { id, sent } = slash('boom');
    expect((await sent).status).toBe(200);
    const told = await rig.standin.waitFor('the apology', () => rig.standin.responds().find((r) => r.id === id));
    const text = String(told.body.text);
    expect(told.body.response_type).toBe('ephemeral');
    expect(text).toMatch(/went wrong/);
    expect(text).not.toMatch(/kaboom|explode\.ts|\n\s+at /);

    const next = slash('rl=1');
    expect(JSON.parse((await next.sent).text)).toMatchObject({ response_type: 'ephemeral' });
  });

  it('after stop(), a command is told the bot is restarting', async () => {
    expect(rig.handle.ready()).toBe(true);
    await rig.handle.stop();
    expect(rig.handle.ready()).toBe(false);
    const r = await slash('w=500').sent;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/restarting/) });
  });
});

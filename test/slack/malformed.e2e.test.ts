import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, SIGNING_SECRET, TEAM, startRig, type SlackRig } from './harness.ts';
import { postSigned, slashCommandBody } from './sign.ts';
import type { ApiCall } from './standin.ts';

/**
 * Signed requests Slack itself would never send but a proxy, a replay or a
 * bug can: bodies that are not objects, slash commands missing or repeating a
 * field. Each gets a clean status or a clear private answer, the process keeps
 * serving, and a refused request starts no cooldown.
 */
let rig: SlackRig;
let n = 0;

beforeAll(async () => {
  rig = await startRig({ cooldownSeconds: 60 });
});

afterAll(async () => {
  await rig?.close();
});

function commandBody(user: string, text: string, edit?: (p: URLSearchParams) => void): { body: string; id: string } {
  n += 1;
  const id = `mal${n}`;
  const p = new URLSearchParams(slashCommandBody({ command: '/explode', text, userId: user, teamId: TEAM, channelId: CHANNEL, responseUrl: rig.standin.responseUrl(id) }));
  edit?.(p);
  return { body: p.toString(), id };
}

/** Until the stand-in has heard nothing for `quietMs`: earlier tests' replies are done. */
async function settle(quietMs = 400): Promise<void> {
  let seen = -1;
  while (seen !== rig.standin.calls.length) {
    seen = rig.standin.calls.length;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

const ackText = (text: string): string => {
  const parsed = JSON.parse(text) as { response_type?: string; text?: string };
  expect(parsed.response_type).toBe('ephemeral');
  return parsed.text ?? '';
};

describe('signed bodies that are not Slack requests', () => {
  it.each([
    ['payload=null', 'application/x-www-form-urlencoded'],
    ['payload=42', 'application/x-www-form-urlencoded'],
    ['payload=%5B%5D', 'application/x-www-form-urlencoded'],
    ['null', 'application/json'],
    ['"text"', 'application/json'],
    ['[1,2]', 'application/json'],
  ])('%s (%s) is refused with 400 and the app keeps serving', async (body, contentType) => {
    const res = await postSigned(rig.eventsUrl, SIGNING_SECRET, body, { contentType });
    expect(res.status).toBe(400);
    // Still serving: a real command right after is acknowledged.
    const ok = commandBody(`U0ALIVE${n}`, 'w=500 lr=0.01');
    const from = rig.standin.calls.length;
    expect((await postSigned(rig.eventsUrl, SIGNING_SECRET, ok.body)).status).toBe(200);
    await rig.standin.waitFor('the reply', () => rig.standin.calls.slice(from).find((c) => c.kind === 'api' && c.method === 'chat.postMessage'));
  });
});

describe('signed slash commands with fields missing or repeated', () => {
  it('no text field at all: runs with the defaults, like a bare /explode', async () => {
    await settle();
    const { body, id } = commandBody('U0NOTEXT', '', (p) => p.delete('text'));
    const from = rig.standin.calls.length;
    const res = await postSigned(rig.eventsUrl, SIGNING_SECRET, body);
    expect(res.status).toBe(200);
    const post = await rig.standin.waitFor('the verdict', () => rig.standin.calls.slice(from).find((c): c is ApiCall => c.kind === 'api' && c.method === 'chat.postMessage' && c.args.thread_ts === undefined && JSON.stringify(c.args.blocks).includes('<@U0NOTEXT>')));
    expect(post.response.ok).toBe(true);
    // The footer says what ran: /explode with nothing after it.
    expect(JSON.stringify(post.args.blocks)).toContain('<@U0NOTEXT> used `/explode`');
    expect(rig.standin.responds().filter((r) => r.id === id)).toHaveLength(0);
  });

  it('text given twice: a private answer saying so, nothing posted, no cooldown started', async () => {
    const { body } = commandBody('U0TWICE', 'w=500', (p) => p.append('text', 'w=2'));
    const from = rig.standin.calls.length;
    const res = await postSigned(rig.eventsUrl, SIGNING_SECRET, body);
    expect(res.status).toBe(200);
    expect(ackText(res.text)).toMatch(/text more than once/);
    // The same student straight after, well inside the 60 s cooldown: accepted, so none started.
    const again = await postSigned(rig.eventsUrl, SIGNING_SECRET, commandBody('U0TWICE', 'w=500').body);
    expect(again.text).toBe('');
    await rig.standin.waitFor('the reply', () => rig.standin.calls.slice(from).find((c) => c.kind === 'api' && c.method === 'chat.postMessage'));
  });

  it('no user_id (or an empty one): a private answer naming it, nothing posted', async () => {
    await settle();
    for (const edit of [(p: URLSearchParams) => p.delete('user_id'), (p: URLSearchParams) => p.set('user_id', '')]) {
      const { body } = commandBody('U0NOBODY', 'w=500', edit);
      const from = rig.standin.calls.length;
      const res = await postSigned(rig.eventsUrl, SIGNING_SECRET, body);
      expect(res.status).toBe(200);
      expect(ackText(res.text)).toMatch(/didn't say who ran this command/);
      await new Promise((r) => setTimeout(r, 100));
      // An earlier test's reply can still be arriving on a loaded machine; its footer names its own student.
      const earlier = (c: ApiCall) => /<@U0(TWICE|NOTEXT)>/.test(JSON.stringify(c.args.blocks));
      expect(rig.standin.calls.slice(from).filter((c) => c.kind === 'api' && c.method === 'chat.postMessage' && c.args.thread_ts === undefined && !earlier(c))).toHaveLength(0);
    }
  });

  it('no channel_id: a private answer, nothing posted', async () => {
    const { body } = commandBody('U0NOWHERE', 'w=500', (p) => p.delete('channel_id'));
    const res = await postSigned(rig.eventsUrl, SIGNING_SECRET, body);
    expect(ackText(res.text)).toMatch(/which channel/);
  });
});

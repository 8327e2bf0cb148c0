import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderPool } from '../../src/render/pool.ts';
import { preDrawn } from '../limits/class.ts';
import { CHANNEL, SIGNING_SECRET, TEAM, startRig, type SlackRig } from './harness.ts';
import { blockActionsBody, postSigned, slashCommandBody } from './sign.ts';

/**
 * Thousands of odd /explode texts and hostile signed bodies into the running
 * Bolt app: no crash (no unhandled rejection, every request answered with a
 * status, never a 5xx), every acknowledged command answered in the channel,
 * every refusal a private sentence, and nothing Slack would refuse (a section
 * over 3,000 characters, a lone surrogate) in what gradbot sends.
 */
let rig: SlackRig;
const stray: unknown[] = [];
const onStray = (e: unknown) => void stray.push(e);

beforeAll(async () => {
  process.on('unhandledRejection', onStray);
  rig = await startRig({ renderer: await preDrawn(createRenderPool({ size: 1 })) });
});

afterAll(async () => {
  process.off('unhandledRejection', onStray);
  await rig?.close();
});

const odd = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.array(fc.constantFrom('w=', 'lr=', 'depth=', 'act=', '500', '-1', '1e309', 'NaN', '💥', '=', ',', ' ', '\u0000', '\n', '<!channel>', '*', '`', 'sigmoid', '0.01', 'w2:', ';'), { maxLength: 40 }).map((xs) => xs.join('')),
  fc.constantFrom('w'.repeat(4000), `w=${'9'.repeat(3000)}`, '💥'.repeat(1500), 'w=500 '.repeat(300)),
);
const valid = fc.record({ w: fc.integer({ min: -900, max: 900 }), lr: fc.constantFrom('0.01', '0.1', '0.001') }).map((v) => `w=${v.w} lr=${v.lr}`);

/** Runs `jobs` with at most `width` at once. */
async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  }));
  return out;
}

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('Slack fuzz', () => {
  it('2,000 odd texts and 40 valid ones: no crash, every ack a 200, every accepted command answered, every refusal private', async () => {
    const texts = [...fc.sample(odd, { numRuns: 2000, seed: 14 }), ...fc.sample(valid, { numRuns: 40, seed: 15 })];
    let n = 0;
    const results = await pool(
      texts.map((text) => async () => {
        n += 1;
        const user = `U0FZ${n}`;
        const r = await postSigned(rig.eventsUrl, SIGNING_SECRET, slashCommandBody({ command: '/explode', text, userId: user, teamId: TEAM, channelId: CHANNEL, responseUrl: rig.standin.responseUrl(`z${n}`) }));
        return { user, sent: text, ...r };
      }),
      16,
    );
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    const accepted = results.filter((r) => r.text === '');
    const refused = results.filter((r) => r.text !== '');
    for (const r of refused) {
      const body = JSON.parse(r.text) as { response_type: string; text: string };
      expect(body.response_type).toBe('ephemeral');
      expect(body.text.length).toBeGreaterThan(0);
      expect(body.text.length).toBeLessThanOrEqual(3000);
      expect(LONE.test(body.text)).toBe(false);
    }
    expect(accepted.length).toBeGreaterThanOrEqual(40);
    // Every accepted command is answered in the channel (its footer names the student).
    // Checked at every call the stand-in records, so only the calls since the last check are read (all of them each
    // time made this wait the file's largest cost).
    const named = new Set<string>();
    let read = 0;
    await rig.standin.waitFor('every accepted command answered', () => {
      const posts = rig.standin.api('chat.postMessage');
      for (; read < posts.length; read++) {
        const c = posts[read]!;
        if (c.response.ok === true) for (const m of JSON.stringify(c.args.blocks).matchAll(/<@(U0FZ\d+)>/g)) named.add(m[1]!);
      }
      return accepted.every((r) => named.has(r.user));
    }, 60_000);
    for (const c of rig.standin.api('chat.postMessage')) {
      for (const b of (c.args.blocks as { type: string; text?: { text: string } }[]) ?? []) {
        if (b.text) {
          expect(b.text.text.length).toBeLessThanOrEqual(3000);
          expect(LONE.test(b.text.text)).toBe(false);
        }
      }
    }
    expect(stray).toEqual([]);
    console.info(`slack fuzz: ${texts.length} texts, ${accepted.length} accepted and answered, ${refused.length} refused privately, 0 crashes`);
  }, 120_000);

  it('hostile signed bodies: null, arrays, numbers, wrong types, huge, unknown quiz ids: a clean status each, never a 5xx, still serving', async () => {
    const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
    const bodies: { body: string; contentType?: string }[] = [
      ...['null', '[]', '0', '"x"', 'true', '{}', '[null]', '{"type":null}', '{"type":"block_actions"}', '{"type":"block_actions","actions":null,"user":null}', '{"type":"event_callback","event":null}', '{"command":["/explode"]}', '{"command":"/explode","text":{"a":1},"user_id":7}'].map((b) => ({ body: b, contentType: 'application/json' })),
      ...['null', '[]', '1', '"s"', '{}', '{"type":"block_actions","user":{"id":"U1"},"actions":[]}', '{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"quiz:nope:0","type":"button"}],"channel":{"id":"C0CLASS"}}', '{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"quiz:AAAAAAAAAAAA:9","type":"button"}]}', '{"type":"view_submission","view":null}'].map((p) => ({ body: form({ payload: p }) })),
      { body: form({ command: '/explode', text: 'w=1', user_id: 'U1', channel_id: 'C1' }) },
      { body: `${form({ command: '/explode', user_id: 'U1', team_id: TEAM, channel_id: CHANNEL })}&command=/help` },
      { body: form({ command: '/nosuchcommand', text: '', user_id: 'U2', team_id: TEAM, channel_id: CHANNEL, response_url: rig.standin.responseUrl('nz') }) },
      { body: form({ command: '/explode', text: 'x'.repeat(200_000), user_id: 'U3', team_id: TEAM, channel_id: CHANNEL }) },
      { body: 'payload=%7B%22broken', contentType: 'application/x-www-form-urlencoded' },
      { body: blockActionsBody({ actionId: 'quiz:ZZZZZZZZZZZZ:1', userId: 'U4', teamId: TEAM, channelId: CHANNEL, messageTs: '1.1', responseUrl: rig.standin.responseUrl('nq') }) },
    ];
    // At once: a body no listener acknowledges is answered by Bolt only after its 3 s unhandled-request timeout.
    const statuses = await Promise.all(bodies.map(async (b) => (await postSigned(rig.eventsUrl, SIGNING_SECRET, b.body, b.contentType ? { contentType: b.contentType } : {})).status));
    expect(bodies.filter((_, i) => statuses[i]! >= 500).map((b) => b.body.slice(0, 120))).toEqual([]);
    expect(stray).toEqual([]);
    const alive = await postSigned(rig.eventsUrl, SIGNING_SECRET, slashCommandBody({ command: '/help', text: '', userId: 'U0ALIVE', teamId: TEAM, channelId: CHANNEL, responseUrl: rig.standin.responseUrl('alive') }));
    expect(alive.status).toBe(200);
    console.info(`slack hostile bodies: ${bodies.length} sent, statuses ${[...new Set(statuses)].sort().join('/')}, 0 crashes`);
  }, 60_000);
});

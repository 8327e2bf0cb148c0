import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, SIGNING_SECRET, TEAM, startRig, type SlackRig } from '../slack/harness.ts';
import { postSigned, slashCommandBody } from '../slack/sign.ts';
import type { ApiCall, Recorded } from '../slack/standin.ts';

/** /layers over Slack's real HTTP path: a signed slash command into Bolt, the stand-in recording what comes back. */
let rig: SlackRig;
let responses = 0;

beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig?.close();
});

const since = (from: number): Recorded[] => rig.standin.calls.slice(from);
const isApi = (c: Recorded, method: string): c is ApiCall => c.kind === 'api' && c.method === method;
const slash = (text: string) => {
  responses += 1;
  const id = `layers${responses}`;
  return { id, sent: postSigned(rig.eventsUrl, SIGNING_SECRET, slashCommandBody({ command: '/layers', text, userId: 'U0ANA', userName: 'ana', teamId: TEAM, channelId: CHANNEL, responseUrl: rig.standin.responseUrl(id) })) };
};

describe('/layers on Slack', () => {
  it('acks empty at once, posts the verdict, uploads three PNGs with alt_txt into its thread, then the quiz', async () => {
    const from = rig.standin.calls.length;
    const ack = await slash('preset=he depth=4 width=6 batch=3 steps=2').sent;
    expect(ack.status).toBe(200);
    expect(ack.text).toBe('');
    const quiz = await rig.standin.waitFor('the quiz', () =>
      since(from).find((c): c is ApiCall => isApi(c, 'chat.postMessage') && JSON.stringify(c.args.blocks ?? []).includes('"actions"')),
    );
    const parent = since(from).find((c): c is ApiCall => isApi(c, 'chat.postMessage') && c.args.thread_ts === undefined);
    expect(JSON.stringify(parent?.args.blocks)).toMatch(/Healthy|Vanishing|Exploding/);
    expect(JSON.stringify(parent?.args.blocks)).toContain('preset=he');
    const announced = since(from).filter((c): c is ApiCall => isApi(c, 'files.getUploadURLExternal'));
    expect(announced.map((c) => c.args.filename).sort()).toEqual(['activations.png', 'gradient.png', 'training.png']);
    for (const c of announced) expect(String(c.args.alt_txt).length).toBeGreaterThan(40);
    expect(quiz.args.thread_ts).toBe(parent?.response.ts);
  });

  it('bad input: the ack itself is an ephemeral naming the work cap', async () => {
    const r = await slash('width=128 batch=64 depth=50 steps=200').sent;
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('width² × batch × depth × (steps + 1)');
    expect(body.text).toContain('lower steps to at most 2');
  });
});

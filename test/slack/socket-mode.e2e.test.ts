import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_TOKEN, BOT_TOKEN, CHANNEL, TEAM, startRig, type SlackRig } from './harness.ts';
import { blockActionsPayload } from './sign.ts';
import type { ApiCall } from './standin.ts';

/**
 * Socket Mode (SLACK_APP_TOKEN set): the real SocketModeReceiver asks the
 * stand-in's apps.connections.open for a WebSocket URL, gets `hello`, and
 * receives envelopes; each must be acknowledged with its envelope_id before
 * the command runs against the real core.
 */
let rig: SlackRig;

beforeAll(async () => {
  rig = await startRig({ socketMode: true });
});

afterAll(async () => {
  await rig?.close();
});

const slashPayload = (command: string, text: string, responseId: string) => ({
  token: 'unused',
  team_id: TEAM,
  team_domain: 'standin',
  channel_id: CHANNEL,
  channel_name: 'class',
  user_id: 'U0SOCK',
  user_name: 'sock',
  command,
  text,
  api_app_id: 'A0001',
  response_url: rig.standin.responseUrl(responseId),
  trigger_id: `trig.${responseId}`,
});

describe('Socket Mode', () => {
  it('connects with the app token (xapp-) and is ready; the Web API still uses the bot token', () => {
    expect(rig.handle.ready()).toBe(true);
    const open = rig.standin.api('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]?.token).toBe(APP_TOKEN);
    expect(rig.standin.api('auth.test')[0]?.token).toBe(BOT_TOKEN);
    expect(rig.standin.socketCount).toBe(1);
  });

  it('a slash_commands envelope is acked by envelope_id, then the command runs: verdict, pictures, quiz', async () => {
    const from = rig.standin.calls.length;
    const envelope = rig.standin.sendEnvelope('slash_commands', slashPayload('/explode', 'w=500 lr=0.01', 's1'));
    const ack = await rig.standin.waitFor('the ack', () => rig.standin.socketAcks.get(envelope));
    // An empty ack: the answer comes as messages, not as the ack's payload.
    expect(ack).toEqual({});
    const quiz = await rig.standin.waitFor('the quiz', () => rig.standin.calls.slice(from).find((c): c is ApiCall => c.kind === 'api' && c.method === 'chat.postMessage' && c.args.thread_ts !== undefined));
    const parent = rig.standin.calls.slice(from).find((c): c is ApiCall => c.kind === 'api' && c.method === 'chat.postMessage' && c.args.thread_ts === undefined);
    expect(parent?.args.channel).toBe(CHANNEL);
    expect(quiz.args.thread_ts).toBe(parent?.response.ts);
    expect(rig.standin.calls.slice(from).filter((c) => c.kind === 'upload')).toHaveLength(2);
  });

  it('a refusal travels back in the ack payload as an ephemeral naming the key', async () => {
    const envelope = rig.standin.sendEnvelope('slash_commands', slashPayload('/explode', 'depth=0', 's2'));
    const ack = await rig.standin.waitFor('the ack', () => rig.standin.socketAcks.get(envelope));
    expect(ack).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('depth') });
  });

  it('an interactive envelope (a quiz button) is acked and answered privately', async () => {
    const quizPost = rig.standin.api('chat.postMessage').find((c) => c.args.thread_ts !== undefined);
    const actionId = ((quizPost?.args.blocks as { type: string; elements?: { action_id: string }[] }[]) ?? []).find((b) => b.type === 'actions')?.elements?.[0]?.action_id ?? '';
    expect(actionId).toMatch(/^quiz:/);
    const from = rig.standin.calls.length;
    const envelope = rig.standin.sendEnvelope(
      'interactive',
      blockActionsPayload({ actionId, userId: 'U0SOCK', teamId: TEAM, channelId: CHANNEL, messageTs: String(quizPost?.response.ts), threadTs: String(quizPost?.args.thread_ts), responseUrl: rig.standin.responseUrl('s3') }),
    );
    await rig.standin.waitFor('the ack', () => rig.standin.socketAcks.get(envelope));
    const feedback = await rig.standin.waitFor('the feedback', () => rig.standin.calls.slice(from).find((c): c is ApiCall => c.kind === 'api' && c.method === 'chat.postEphemeral'));
    expect(feedback.args).toMatchObject({ user: 'U0SOCK', channel: CHANNEL });
    const quizId = actionId.split(':')[1] ?? '';
    expect((await rig.store.answersOf(quizId)).map((a) => a.userId)).toEqual(['U0SOCK']);
  });

  it('stop() closes the WebSocket', async () => {
    await rig.handle.stop();
    expect(rig.handle.ready()).toBe(false);
    await rig.standin.waitFor('the socket to close', () => rig.standin.socketCount === 0 || null);
  });
});

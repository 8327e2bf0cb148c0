import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gradbot } from '../../src/bot.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import { startSlack } from '../../src/platforms/slack/index.ts';
import { APP_TOKEN, BOT_TOKEN, SIGNING_SECRET } from './harness.ts';
import { SlackStandIn } from './standin.ts';

/** Start-up refuses a token Slack refuses, saying which one, instead of running deaf. */
const idleBot: Gradbot = {
  commands: [],
  prepare: () => ({ ok: false, reply: { text: 'unused', visibility: 'private' } }),
  answer: async () => ({ text: 'unused', visibility: 'private' }),
  setQuizLocation: () => undefined,
  onQuizClosed: () => undefined,
  close: async () => undefined,
};

let standin: SlackStandIn;
const http = createHttpApp();

beforeAll(async () => {
  standin = await new SlackStandIn({ botToken: BOT_TOKEN, appToken: APP_TOKEN }).start();
});

afterAll(async () => {
  await http.close();
  await standin.close();
});

const cfg = (over: { botToken?: string; appToken?: string | null; apiUrl?: string }) => ({
  botToken: over.botToken ?? BOT_TOKEN,
  signingSecret: SIGNING_SECRET,
  appToken: over.appToken ?? null,
  apiUrl: over.apiUrl ?? standin.apiUrl,
  taUserIds: [],
});

describe('start-up', () => {
  it('a bot token Slack refuses (invalid_auth) names SLACK_BOT_TOKEN', async () => {
    await expect(startSlack(cfg({ botToken: 'xoxb-wrong' }), { bot: idleBot, http, log: silentLogger }, { retryConfig: { retries: 0 } })).rejects.toThrow(/SLACK_BOT_TOKEN \(invalid_auth\)/);
  });

  it('an app token Slack refuses names SLACK_APP_TOKEN and connections:write', async () => {
    await expect(startSlack(cfg({ appToken: 'xapp-wrong' }), { bot: idleBot, http, log: silentLogger }, { retryConfig: { retries: 0 } })).rejects.toThrow(/SLACK_APP_TOKEN.*connections:write/);
  });

  it('an unreachable Web API is reported as such, not as a bad token', async () => {
    await expect(startSlack(cfg({ apiUrl: 'http://127.0.0.1:9/api/' }), { bot: idleBot, http, log: silentLogger }, { retryConfig: { retries: 0 } })).rejects.toThrow(/could not reach Slack's Web API at http:\/\/127\.0\.0\.1:9\/api\//);
  });
});

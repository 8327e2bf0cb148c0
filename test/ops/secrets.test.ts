import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppHandle } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { isCallback, isChannelPost, isEditOriginal } from '../discord/harness.ts';
import { BOT_TOKEN as DISCORD_TOKEN } from '../discord/standin/ids.ts';
import { STUDENT, buttonClick, newStudent, slashCommand } from '../discord/standin/interactions.ts';
import { DiscordStandin, type RecordedRequest } from '../discord/standin/server.ts';
import { CHANNEL, TA_ID, TEAM } from '../slack/harness.ts';
import { blockActionsBody, blockActionsPayload, postSigned, slashCommandBody } from '../slack/sign.ts';
import { SlackStandIn, type ApiCall } from '../slack/standin.ts';
import { freshDatabase, pgAdminUrl } from '../pg.ts';

/**
 * A full run through both platforms' real clients (discord.js against the
 * Discord stand-in; Bolt over signed HTTP and over Socket Mode against the
 * Slack stand-in) and the playground, all started by startApp from the
 * environment, with the app's pino logger at trace (Bolt's and the Web API
 * client's debug output included) writing into memory. The tokens, the
 * signing secret and the interaction tokens must not appear anywhere in it;
 * the per-command lines must. Where PostgreSQL is installed (always in CI)
 * the Discord + Slack + playground run keeps its data there, and the
 * database password is one more secret the logs must not hold.
 */

// Realistic shapes (random, so nothing else can contain them by accident).
const hex = (n: number) => randomBytes(n).toString('hex');
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
const SLACK_BOT_TOKEN = `xoxb-${digits(13)}-${digits(13)}-${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`;
const SLACK_APP_TOKEN = `xapp-1-A${digits(10)}-${digits(13)}-${hex(32)}`;
const SLACK_SIGNING_SECRET = hex(16);
const WRONG_SLACK_BOT_TOKEN = `xoxb-${digits(13)}-${digits(13)}-${hex(12)}`;

/** Each secret whole, and its secret part alone: a log that prints half a token has still leaked it. */
const SECRETS: Record<string, string> = {
  DISCORD_TOKEN,
  'DISCORD_TOKEN (HMAC part)': DISCORD_TOKEN.split('.')[2]!,
  SLACK_BOT_TOKEN,
  'SLACK_BOT_TOKEN (secret part)': SLACK_BOT_TOKEN.split('-').at(-1)!,
  SLACK_APP_TOKEN,
  'SLACK_APP_TOKEN (secret part)': SLACK_APP_TOKEN.split('-').at(-1)!,
  SLACK_SIGNING_SECRET,
  WRONG_SLACK_BOT_TOKEN,
};

const captured: string[] = [];
const log = createLogger('trace', { write: (line: string) => void captured.push(line) });
const records = () => captured.map((l) => JSON.parse(l) as Record<string, unknown>);
/** Discord interaction tokens let anyone answer as the bot for 15 minutes: secrets too. */
const interactionTokens: string[] = [];

let discord: DiscordStandin;
let slack: SlackStandIn;
const apps: AppHandle[] = [];
/** The PostgreSQL URL the first app runs on (with a password), or null without PostgreSQL. */
let databaseUrl: string | null = null;

function config(env: Record<string, string>): Config {
  const r = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'trace', GRADBOT_RENDER_WORKERS: '1', GRADBOT_COOLDOWN_SECONDS: '0', ...env });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.config;
}

beforeAll(async () => {
  discord = new DiscordStandin();
  await discord.start();
  slack = await new SlackStandIn({ botToken: SLACK_BOT_TOKEN, appToken: SLACK_APP_TOKEN, teamId: TEAM }).start();
  if (pgAdminUrl) {
    databaseUrl = await freshDatabase();
    SECRETS['DATABASE_URL password'] = decodeURIComponent(new URL(databaseUrl).password);
  }
});

afterAll(async () => {
  await Promise.allSettled(apps.map((a) => a.stop()));
  await discord?.close();
  await slack?.close();
});

function sendDiscord(payload: { token: string }): number {
  interactionTokens.push(payload.token);
  const from = discord.requests.length;
  discord.dispatch('INTERACTION_CREATE', payload);
  return from;
}

const buttonsOf = (c: ApiCall) => ((c.args.blocks as { type: string; elements?: { action_id: string }[] }[] | undefined) ?? []).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
const quizPostSince = (from: number) => (): ApiCall | undefined => slack.calls.slice(from).find((c): c is ApiCall => c.kind === 'api' && c.method === 'chat.postMessage' && buttonsOf(c).length > 0);

async function discordRound(): Promise<void> {
  const from = sendDiscord(slashCommand(discord, 'explode', { w: { type: 'number', value: 500 }, params: { type: 'string', value: 'lr=0.01' } }, STUDENT));
  // The pictures: the render thread runs at nice 10, so on a machine busy with other tests they may take a while.
  await discord.waitFor(isEditOriginal, { from, timeoutMs: 60_000 });
  const quizPost: RecordedRequest = await discord.waitFor(isChannelPost, { from });
  const threadId = /^\/channels\/(\d+)\/messages$/.exec(quizPost.path)?.[1];
  const posted = [...discord.messages.values()].find((m) => m.channel_id === threadId && m.components.length > 0);
  const customId = (quizPost.json?.components as { components: { custom_id: string }[] }[])[0]?.components[0]?.custom_id ?? '';
  if (!posted || !customId.startsWith('quiz:')) throw new Error('no quiz posted on Discord');
  const click = sendDiscord(buttonClick(discord, posted, customId, newStudent()));
  await discord.waitFor(isCallback, { from: click });
  // A refusal, a TA-only command, and a Discord failure: the error paths log too.
  await discord.waitFor(isCallback, { from: sendDiscord(slashCommand(discord, 'explode', { params: { type: 'string', value: 'rl=0.1' } }, newStudent())) });
  await discord.waitFor(isCallback, { from: sendDiscord(slashCommand(discord, 'scores-reset', {}, newStudent())) });
  for (let i = 0; i < 5; i++) discord.inject({ method: 'PATCH', path: /\/messages\/@original$/, status: 500 });
  const failing = sendDiscord(slashCommand(discord, 'leaderboard', {}, newStudent()));
  await discord.waitFor((r) => r.status === 500, { from: failing });
}

async function slackHttpRound(port: number): Promise<void> {
  const events = `http://127.0.0.1:${port}/slack/events`;
  const from = slack.calls.length;
  const body = slashCommandBody({ command: '/explode', text: 'w=500 lr=0.01', userId: 'U0ANA', teamId: TEAM, channelId: CHANNEL, responseUrl: slack.responseUrl('h1') });
  expect((await postSigned(events, SLACK_SIGNING_SECRET, body)).status).toBe(200);
  const quiz = await slack.waitFor('the quiz on Slack', quizPostSince(from), 60_000);
  const click = blockActionsBody({ actionId: buttonsOf(quiz)[0]!.action_id, userId: 'U0BEA', teamId: TEAM, channelId: CHANNEL, messageTs: String(quiz.response.ts), threadTs: String(quiz.args.thread_ts), responseUrl: slack.responseUrl('h2') });
  const clicked = slack.calls.length;
  expect((await postSigned(events, SLACK_SIGNING_SECRET, click)).status).toBe(200);
  await slack.waitFor('the answer feedback', () => slack.calls.slice(clicked).find((c) => c.kind === 'api' && c.method === 'chat.postEphemeral'));
  // A forged request, a refusal and a Web API failure.
  expect((await postSigned(events, SLACK_SIGNING_SECRET, body, { secret: hex(16) })).status).toBe(401);
  slack.failNext('chat.postMessage', 'not_in_channel');
  const failing = slack.calls.length;
  await postSigned(events, SLACK_SIGNING_SECRET, slashCommandBody({ command: '/leaderboard', text: '', userId: TA_ID, teamId: TEAM, channelId: CHANNEL, responseUrl: slack.responseUrl('h3') }));
  await slack.waitFor('the refused post', () => slack.calls.slice(failing).find((c) => c.kind === 'api' && c.response.error === 'not_in_channel'));
}

async function playgroundRound(port: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ command: 'explode', text: 'w=0.5 act=tanh', user: { id: 'ada', name: 'ada', isTA: false } }),
  });
  expect(res.status).toBe(200);
}

describe('no secrets in the logs of a full run', () => {
  it('Discord, Slack over HTTP and the playground, in one app', async () => {
    const app = await startApp(
      config({
        DISCORD_TOKEN,
        DISCORD_API_URL: discord.apiUrl,
        SLACK_BOT_TOKEN,
        SLACK_SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        SLACK_TA_USER_IDS: TA_ID,
        PLAYGROUND: '1',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      }),
      log,
    );
    apps.push(app);
    expect(app.platforms.map((p) => p.name)).toEqual(['discord', 'slack', 'web']);
    await discordRound();
    await slackHttpRound(app.port);
    await playgroundRound(app.port);
    const running = records().find((r) => typeof r.msg === 'string' && r.msg.startsWith('gradbot running'));
    if (databaseUrl) expect(running?.database).toBe(databaseUrl.replace(/:[^:@/]+@/, ':***@'));
    await app.stop();
  }, 120_000);

  it('Slack over Socket Mode (the app token), and a bot token Slack refuses at start-up', async () => {
    const app = await startApp(config({ SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL: slack.apiUrl }), log);
    apps.push(app);
    const from = slack.calls.length;
    const payload = { team_id: TEAM, channel_id: CHANNEL, user_id: 'U0SOCK', user_name: 'sock', command: '/explode', text: 'w=500', api_app_id: 'A0001', response_url: slack.responseUrl('s1'), trigger_id: 'trig.1' };
    slack.sendEnvelope('slash_commands', payload);
    const quiz = await slack.waitFor('the quiz over Socket Mode', quizPostSince(from), 60_000);
    const clicked = slack.calls.length;
    slack.sendEnvelope('interactive', blockActionsPayload({ actionId: buttonsOf(quiz)[0]!.action_id, userId: 'U0SOCK', teamId: TEAM, channelId: CHANNEL, messageTs: String(quiz.response.ts), threadTs: String(quiz.args.thread_ts), responseUrl: slack.responseUrl('s2') }));
    await slack.waitFor('the answer feedback', () => slack.calls.slice(clicked).find((c) => c.kind === 'api' && c.method === 'chat.postEphemeral'));
    await app.stop();

    const refused = startApp(config({ SLACK_BOT_TOKEN: WRONG_SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl }), log);
    await expect(refused).rejects.toThrow(/Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
    const message = await refused.catch((e: unknown) => String(e));
    expect(message).not.toContain(WRONG_SLACK_BOT_TOKEN);
  }, 120_000);

  it('the captured logs (trace level) hold every per-command line and not one secret', () => {
    const text = captured.join('');
    expect(captured.length).toBeGreaterThan(50);
    // Bolt's own debug lines came through our logger, so they were searched too.
    expect(records().some((r) => r.level === 20)).toBe(true);
    for (const [name, secret] of Object.entries(SECRETS)) expect(text.includes(secret), `${name} appears in the logs`).toBe(false);
    expect(interactionTokens.length).toBeGreaterThan(4);
    for (const t of interactionTokens) expect(text.includes(t), 'a Discord interaction token appears in the logs').toBe(false);
    // Slack's response_url lets whoever holds it post to the channel: a secret too. So is what students typed.
    for (const id of ['h1', 'h2', 'h3', 's1', 's2']) expect(text.includes(slack.responseUrl(id)), `response_url ${id} appears in the logs`).toBe(false);
    expect(text.includes('act=tanh'), 'a student\'s command text appears in the logs').toBe(false);

    const commands = records().filter((r) => r.msg === 'command');
    for (const platform of ['discord', 'slack', 'web']) {
      const ok = commands.find((r) => r.platform === platform && r.command === 'explode' && r.outcome === 'ok');
      expect(ok, `an explode line for ${platform}`).toBeDefined();
      expect(typeof ok!.duration_ms).toBe('number');
      expect(ok!.duration_ms as number).toBeGreaterThanOrEqual(0);
      expect(String(ok!.class)).toMatch(new RegExp(`^${platform}:`));
    }
    expect(commands).toContainEqual(expect.objectContaining({ platform: 'discord', command: 'explode', outcome: 'refused', reason: 'bad-params' }));
    expect(commands).toContainEqual(expect.objectContaining({ platform: 'discord', command: 'scores-reset', outcome: 'refused', reason: 'not-ta' }));
    const answers = records().filter((r) => r.msg === 'quiz answer');
    expect(answers.map((a) => a.platform).sort()).toEqual(['discord', 'slack', 'slack']);
    for (const a of answers) expect(['correct', 'wrong']).toContain(a.outcome);
    // The parameters a student typed stay out of the per-command lines.
    for (const c of commands) expect(JSON.stringify(c)).not.toMatch(/lr=|act=tanh|rl=0\.1/);
  });
});

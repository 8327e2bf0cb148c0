import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SealError, SecretBox } from '../../src/crypto/secret-box.ts';
import { createGradbot, type GradbotCore } from '../../src/gradbot.ts';
import { createHttpApp, type HttpApp } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import { startSlack } from '../../src/platforms/slack/index.ts';
import type { PlatformHandle } from '../../src/platforms/types.ts';
import { createRenderPool } from '../../src/render/pool.ts';
import type { Renderer } from '../../src/render/types.ts';
import { installationContext, openStore, type Store } from '../../src/store/index.ts';
import { eventCallback, postSigned, postSignedJson, slashCommandBody } from './sign.ts';
import { SlackStandIn, type ApiCall, type StandInWorkspace } from './standin.ts';

/**
 * Slack distribution end to end: Bolt's OAuth flow (/slack/install, the
 * stand-in's consent screen and oauth.v2.access, /slack/oauth_redirect)
 * installs gradbot in two workspaces; each one's commands are answered with
 * its own token; the tokens sit sealed in the SQLite file; uninstalling one
 * leaves the other working; a forged or replayed state is refused.
 */
const SIGNING_SECRET = 'oauth-test-signing-secret-5d41402abc';
const CLIENT_ID = '1111111111.2222222222';
const CLIENT_SECRET = 'client-secret-standin-9f86d08';
const STATE_SECRET = 'state-secret-standin-e3b0c442';
const KEY = randomBytes(32);
/** The same channel id in both workspaces: only the workspace keeps their classes apart. */
const CHANNEL = 'C0SHARED';

const ALPHA: StandInWorkspace = { teamId: 'T0ALPHA', teamName: 'Alpha University', botToken: 'xoxb-alpha-7f3a9c2e1b', botUserId: 'UBOTALPHA', botId: 'BALPHA', admins: ['U0ADMINA'] };
const BETA: StandInWorkspace = { teamId: 'T0BETA', teamName: 'Beta College', botToken: 'xoxb-beta-4d8e6f0a2c', botUserId: 'UBOTBETA', botId: 'BBETA' };
const installerOf = (w: StandInWorkspace) => `U${w.teamId}INSTALLER`;

const dir = mkdtempSync(join(tmpdir(), 'gradbot-oauth-'));
const dbPath = join(dir, 'gradbot.db');
let standin: SlackStandIn;
let store: Store;
let renderer: Renderer;
let bot: GradbotCore;
let http: HttpApp;
let handle: PlatformHandle;
let base = '';
let responses = 0;

beforeAll(async () => {
  standin = await new SlackStandIn({ botToken: 'xoxb-single-workspace-unused' }).start();
  standin.addWorkspace(ALPHA);
  standin.addWorkspace(BETA);
  store = await openStore(`sqlite:${dbPath}`);
  renderer = createRenderPool({ size: 1 });
  bot = createGradbot({ services: { renderer, store, now: Date.now }, quizMinutes: 10, log: { error: () => undefined } });
  http = createHttpApp();
  const port = await http.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  standin.configureOAuth({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUrl: `${base}/slack/oauth_redirect` });
  handle = await startSlack(
    { botToken: null, signingSecret: SIGNING_SECRET, appToken: null, apiUrl: standin.apiUrl, taUserIds: [], oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, stateSecret: STATE_SECRET, secretKey: KEY } },
    { bot, http, log: silentLogger, tenancy: store },
    { retryConfig: { retries: 0 }, drainMs: 2000 },
  );
}, 30_000);

afterAll(async () => {
  await handle?.stop();
  await bot?.close();
  await http?.close();
  await renderer?.close();
  await store?.close();
  await standin?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface InstallAttempt {
  /** The Add to Slack page's link to the consent screen. */
  authorizeUrl: URL;
  /** The state cookie /slack/install set in the installer's browser. */
  cookie: string;
  /** Where the consent screen sent the browser back (our redirect URL with code and state). */
  redirect: string;
}

/** A browser opening /slack/install and approving on the consent screen of `team`. */
async function startInstall(team: string): Promise<InstallAttempt> {
  const page = await fetch(`${base}/slack/install`);
  expect(page.status).toBe(200);
  const html = await page.text();
  const href = /id="add-to-slack" href="([^"]+)"/.exec(html)?.[1];
  expect(href, 'the Add to Slack link').toBeDefined();
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
  expect(cookie).toMatch(/^slack-app-oauth-state=.+/);
  const authorizeUrl = new URL(href!.replace(/&amp;/g, '&'));
  authorizeUrl.searchParams.set('team', team);
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  return { authorizeUrl, cookie, redirect: consent.headers.get('location')! };
}

const finish = (a: InstallAttempt, cookie = a.cookie) => fetch(a.redirect, { headers: { cookie }, redirect: 'manual' });

function slash(w: StandInWorkspace, command: string, text: string, userId = 'U0STUDENT') {
  responses += 1;
  const body = slashCommandBody({ command, text, userId, teamId: w.teamId, channelId: CHANNEL, responseUrl: standin.responseUrl(`${w.teamId}-${responses}`) });
  return { responseId: `${w.teamId}-${responses}`, sent: postSigned(`${base}/slack/events`, SIGNING_SECRET, body) };
}

/** What the command's private answer said (over its response_url). */
async function privateAnswer(responseId: string): Promise<string> {
  const r = await standin.waitFor(`the answer to ${responseId}`, () => standin.responds().find((c) => c.id === responseId));
  return String(r.body.text ?? '');
}

/** An immediate refusal comes back in the HTTP response itself (the ack's body). */
async function ackText(sent: Promise<{ text: string }>): Promise<string> {
  const { text } = await sent;
  return text === '' ? '' : String((JSON.parse(text) as { text?: string }).text ?? '');
}

const posts = (token: string): ApiCall[] => standin.callsWithToken(token).filter((c) => c.method === 'chat.postMessage' && c.response.ok === true);

describe('installing gradbot in two workspaces through /slack/install', () => {
  it('serves an Add to Slack page whose link asks Slack for exactly the bot scopes, with a signed state', async () => {
    const a = await startInstall(ALPHA.teamId);
    expect(a.authorizeUrl.origin + a.authorizeUrl.pathname).toBe(standin.authorizeUrl);
    expect(a.authorizeUrl.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(a.authorizeUrl.searchParams.get('scope')).toBe('commands,chat:write,files:write,im:write,users:read');
    expect(a.authorizeUrl.searchParams.get('state')).toBe(a.cookie.split('=')[1]);
    const done = await finish(a);
    expect(done.status).toBe(200);
    expect(await done.text()).toMatch(/Thank you!|slack:\/\/app\?team=T0ALPHA/);
  });

  it('stores each installation from oauth.v2.access and auth.test with that workspace token', async () => {
    const b = await startInstall(BETA.teamId);
    expect((await finish(b)).status).toBe(200);
    const exchanges = standin.ok('oauth.v2.access');
    expect(exchanges).toHaveLength(2);
    for (const x of exchanges) expect(x.args).toMatchObject({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(standin.ok('auth.test').map((c) => c.token)).toEqual([ALPHA.botToken, BETA.botToken]);
    const alpha = await store.findSlackInstallation({ teamId: ALPHA.teamId, enterpriseId: null, isEnterpriseInstall: false });
    expect(alpha).toMatchObject({ teamId: 'T0ALPHA', teamName: 'Alpha University', botUserId: 'UBOTALPHA', botId: 'BALPHA', installerUserId: installerOf(ALPHA), isEnterpriseInstall: false });
    expect(await store.findSlackInstallation({ teamId: BETA.teamId, enterpriseId: null, isEnterpriseInstall: false })).toMatchObject({ teamId: 'T0BETA', botUserId: 'UBOTBETA' });
  });

  it('answers /explode in each workspace with that workspace own token, and nothing else', async () => {
    const before = standin.calls.length;
    const a = slash(ALPHA, '/explode', 'w=500 lr=0.01');
    const b = slash(BETA, '/explode', 'w=3 lr=0.1');
    expect((await a.sent).status).toBe(200);
    expect((await b.sent).status).toBe(200);
    // The verdict, both pictures and the quiz, in each workspace.
    for (const w of [ALPHA, BETA]) {
      await standin.waitFor(`the quiz in ${w.teamId}`, () => posts(w.botToken).find((c) => Array.isArray(c.args.blocks) && JSON.stringify(c.args.blocks).includes('quiz:')), 60_000);
    }
    const since = standin.calls.slice(before).filter((c): c is ApiCall => c.kind === 'api');
    const tokens = new Set(since.map((c) => c.token));
    expect(tokens).toEqual(new Set([ALPHA.botToken, BETA.botToken]));
    const verdictOf = (w: StandInWorkspace) => posts(w.botToken).map((c) => String(c.args.text)).find((t) => /Exploding|Vanishing|Healthy|Stable/i.test(t)) ?? '';
    expect(verdictOf(ALPHA)).toMatch(/Exploding/);
    expect(verdictOf(ALPHA)).not.toBe(verdictOf(BETA));
    expect(since.filter((c) => c.method === 'files.completeUploadExternal' && c.response.ok === true).map((c) => c.token).sort()).toEqual([ALPHA.botToken, BETA.botToken].sort());
  }, 90_000);

  it('keeps the tokens sealed in the database: unreadable without GRADBOT_SECRET_KEY, bound to their own row', async () => {
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f)));
    for (const bytes of files) {
      expect(bytes.includes(ALPHA.botToken)).toBe(false);
      expect(bytes.includes(BETA.botToken)).toBe(false);
    }
    const raw = new Database(dbPath, { readonly: true });
    const rows = raw.prepare('SELECT install_key, team_id, is_enterprise_install, enterprise_id, sealed_secrets FROM slack_installations ORDER BY team_id').all() as { team_id: string; is_enterprise_install: number; enterprise_id: string | null; sealed_secrets: string }[];
    raw.close();
    expect(rows.map((r) => r.team_id)).toEqual(['T0ALPHA', 'T0BETA']);
    const key = (r: (typeof rows)[number]) => ({ teamId: r.team_id, enterpriseId: r.enterprise_id, isEnterpriseInstall: r.is_enterprise_install === 1 });
    expect(JSON.parse(new SecretBox(KEY).open(rows[0]!.sealed_secrets, installationContext(key(rows[0]!))))).toMatchObject({ botToken: ALPHA.botToken });
    expect(() => new SecretBox(randomBytes(32)).open(rows[0]!.sealed_secrets, installationContext(key(rows[0]!)))).toThrow(SealError);
    // Alpha's sealed token pasted into Beta's row does not open there.
    expect(() => new SecretBox(KEY).open(rows[0]!.sealed_secrets, installationContext(key(rows[1]!)))).toThrow(SealError);
  });

  it('keeps the two workspaces apart: same channel id, separate quizzes, scores and TAs', async () => {
    const alphaQuiz = await store.latestOpenQuiz(`slack:${ALPHA.teamId}:${CHANNEL}`);
    expect(alphaQuiz).not.toBeNull();
    // Beta's installer names a TA of Beta's class; that TA cannot reach Alpha's quiz, and Alpha does not see the TA.
    const named = slash(BETA, '/ta', 'add <@U0BETATA|bea>', installerOf(BETA));
    expect(await privateAnswer(named.responseId)).toMatch(/bea \(`U0BETATA`\) is now a TA of this class/);
    const close = slash(BETA, '/quiz-close', `quiz=${alphaQuiz!.id}`, 'U0BETATA');
    expect(await privateAnswer(close.responseId)).toMatch(new RegExp(`There is no quiz \`${alphaQuiz!.id}\` in this class`));
    expect((await store.getQuiz(alphaQuiz!.id))?.closedAt).toBeNull();
    expect(await store.listTas(`slack:${ALPHA.teamId}:${CHANNEL}`)).toEqual([]);
    const alphaTry = slash(ALPHA, '/quiz-close', '', 'U0BETATA');
    expect(await ackText(alphaTry.sent)).toMatch(/Only TAs can use \/quiz-close/);
  });

  it('lets only the installer or an admin name TAs; a student cannot make themself one', async () => {
    const self = slash(ALPHA, '/ta', 'add <@U0STUDENT|sam>', 'U0STUDENT');
    expect(await ackText(self.sent)).toMatch(/Only this workspace's admins and owners, and whoever installed gradbot here, can name or remove TAs/);
    expect(await store.isTa(`slack:${ALPHA.teamId}:${CHANNEL}`, 'U0STUDENT')).toBe(false);
    const stillStudent = slash(ALPHA, '/quiz-settings', '', 'U0STUDENT');
    expect(await ackText(stillStudent.sent)).toMatch(/Only TAs can use \/quiz-settings/);
    // An admin (users.info is_admin, asked with Alpha's token) may.
    const byAdmin = slash(ALPHA, '/ta', 'add <@U0STUDENT|sam>', 'U0ADMINA');
    expect(await privateAnswer(byAdmin.responseId)).toMatch(/sam \(`U0STUDENT`\) is now a TA/);
    expect(standin.callsWithToken(ALPHA.botToken).some((c) => c.method === 'users.info' && c.args.user === 'U0ADMINA')).toBe(true);
    const nowTa = slash(ALPHA, '/quiz-settings', '', 'U0STUDENT');
    expect(await privateAnswer(nowTa.responseId)).toMatch(/Quizzes in this class stay open for 10 minutes/);
    const list = slash(ALPHA, '/ta', 'list', installerOf(ALPHA));
    expect(await privateAnswer(list.responseId)).toMatch(/TAs of this class\*{0,2} \(1\): `U0STUDENT`/);
  });
});

describe('OAuth state: forged or replayed redirects are refused', () => {
  it('refuses a redirect whose state was not signed with SLACK_STATE_SECRET, before any code is exchanged', async () => {
    const a = await startInstall(ALPHA.teamId);
    const exchanges = standin.api('oauth.v2.access').length;
    const forged = new URL(a.redirect);
    const payload = Buffer.from(JSON.stringify({ installOptions: { scopes: ['commands'] }, now: new Date().toJSON() })).toString('base64url');
    forged.searchParams.set('state', `eyJhbGciOiJIUzI1NiJ9.${payload}.c2lnbmVkLXdpdGgtYW5vdGhlci1zZWNyZXQ`);
    const res = await fetch(forged, { headers: { cookie: `slack-app-oauth-state=${forged.searchParams.get('state')}` }, redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(standin.api('oauth.v2.access')).toHaveLength(exchanges);
  });

  it('refuses the same redirect twice: the state is spent on first use', async () => {
    const b = await startInstall(BETA.teamId);
    expect((await finish(b)).status).toBe(200);
    const exchanges = standin.api('oauth.v2.access').length;
    const replay = await finish(b);
    expect(replay.status).toBe(400);
    expect(standin.api('oauth.v2.access')).toHaveLength(exchanges);
  });

  it('refuses a state from another browser (no matching cookie)', async () => {
    const a = await startInstall(ALPHA.teamId);
    const res = await finish(a, 'slack-app-oauth-state=someone-else');
    expect(res.status).toBe(400);
  });
});

describe('uninstalling one workspace', () => {
  it('app_uninstalled removes its installation; the other workspace keeps working', async () => {
    const sent = await postSignedJson(`${base}/slack/events`, SIGNING_SECRET, eventCallback(BETA.teamId, { type: 'app_uninstalled' }));
    expect(sent.status).toBe(200);
    standin.revoke(BETA.teamId);
    await expect.poll(() => store.findSlackInstallation({ teamId: BETA.teamId, enterpriseId: null, isEnterpriseInstall: false }), { timeout: 5000 }).toBeNull();
    expect(await store.findSlackInstallation({ teamId: ALPHA.teamId, enterpriseId: null, isEnterpriseInstall: false })).not.toBeNull();

    const betaCalls = standin.callsWithToken(BETA.botToken).length;
    const alphaPosts = posts(ALPHA.botToken).length;
    const gone = slash(BETA, '/leaderboard', '');
    expect((await gone.sent).status).toBe(200);
    const still = slash(ALPHA, '/leaderboard', '');
    expect((await still.sent).status).toBe(200);
    // The leaderboard is public: Alpha's comes as a channel message, with Alpha's token.
    const board = await standin.waitFor('Alpha\'s leaderboard', () => posts(ALPHA.botToken).slice(alphaPosts).find((c) => /leaderboard|points?|No scores/i.test(String(c.args.text))));
    expect(board.args.channel).toBe(CHANNEL);
    // Nothing was sent with Beta's dead token, and Beta's command got no answer.
    expect(standin.callsWithToken(BETA.botToken)).toHaveLength(betaCalls);
    expect(standin.responds().some((c) => c.id === gone.responseId)).toBe(false);
  }, 30_000);

  it('tokens_revoked with the bot token removes that installation too', async () => {
    const again = await startInstall(BETA.teamId);
    expect((await finish(again)).status).toBe(200);
    expect(await store.findSlackInstallation({ teamId: BETA.teamId, enterpriseId: null, isEnterpriseInstall: false })).not.toBeNull();
    const sent = await postSignedJson(`${base}/slack/events`, SIGNING_SECRET, eventCallback(BETA.teamId, { type: 'tokens_revoked', tokens: { oauth: [], bot: [BETA.botUserId] } }));
    expect(sent.status).toBe(200);
    await expect.poll(() => store.findSlackInstallation({ teamId: BETA.teamId, enterpriseId: null, isEnterpriseInstall: false }), { timeout: 5000 }).toBeNull();
    expect(await store.findSlackInstallation({ teamId: ALPHA.teamId, enterpriseId: null, isEnterpriseInstall: false })).not.toBeNull();
  });
});

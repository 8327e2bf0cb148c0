import { createGradbot } from '../../src/gradbot.ts';
import { createRenderPool } from '../../src/render/pool.ts';
import type { Renderer } from '../../src/render/types.ts';
import { parseExplode } from '../../src/params/index.ts';
import { SLACK_POST_RULE } from '../../src/platforms/slack/paced.ts';
import { DISCORD_THREAD_RULE } from '../../src/platforms/discord/index.ts';
import { openStore } from '../../src/store/index.ts';
import { startHarness } from '../discord/harness.ts';
import { newStudent, slashCommand } from '../discord/standin/interactions.ts';
import type { RecordedRequest } from '../discord/standin/server.ts';
import { CHANNEL, SIGNING_SECRET, TEAM, startRig } from '../slack/harness.ts';
import { postSigned, slashCommandBody } from '../slack/sign.ts';
import type { ApiCall, Recorded } from '../slack/standin.ts';

/**
 * A class of 60 in one channel, each typing a different /explode at the same
 * moment, through stand-ins that enforce Slack's and Discord's documented
 * rate limits at full scale (test/slack/standin.ts, test/discord/standin).
 * Measured: when the last student sees their pictures and their quiz,
 * requests refused with 429, requests sent before the Retry-After they were
 * given, and students who never got one of the two (lost).
 */
export interface Class60 {
  pictures_s: number;
  quiz_s: number;
  median_quiz_s: number;
  rate_limit_refusals: number;
  retry_after_violations: number;
  lost: number;
  channel_messages: number;
  requests: number;
}

export interface Class60Result {
  paced: boolean;
  slack: Class60;
  discord: Class60;
}

/**
 * The real pool draws the first run; every other student gets those same
 * PNG bytes at once. The figures are then what the platforms' limits and
 * gradbot's pacing cost, not this shared 2-core machine's drawing speed (the
 * other bench rows measure that).
 */
export async function preDrawn(inner: Renderer): Promise<Renderer> {
  const parsed = parseExplode({ text: 'w=500 lr=0.01' });
  if (!parsed.ok) throw new Error(parsed.message);
  const drawn = await inner.explode(parsed.spec);
  return {
    explode: () => Promise.resolve(drawn),
    example: (ex) => inner.example(ex),
    get accepting() {
      return true;
    },
    close: () => inner.close(),
  };
}

const CLASS = Number(process.env.CLASS_N ?? 60);
const LIMIT_S = 400;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)]!;
};
const round = (x: number) => Math.round(x * 10) / 10;

async function until(done: () => boolean, limitS: number): Promise<void> {
  const end = Date.now() + limitS * 1000;
  while (!done() && Date.now() < end) await sleep(100);
}

export async function slackClass(paced: boolean, workers: number, N = CLASS, speed = 1): Promise<Class60> {
  const pool = createRenderPool({ size: workers });
  const rig = await startRig({
    standin: { limits: { speed } },
    renderer: await preDrawn(pool),
    // Unpaced is gradbot before pacing: every post at once, the SDK's default retries (Retry-After, then its own backoff).
    slack: paced ? { pacing: { rule: { ratePerSec: SLACK_POST_RULE.ratePerSec * speed, burst: SLACK_POST_RULE.burst } }, retryConfig: { retries: 10 } } : { pacing: false, retryConfig: { retries: 10, factor: 1.96, minTimeout: 1000, maxTimeout: 300_000 } },
  });
  const users = Array.from({ length: N }, (_, i) => `U0S${String(i).padStart(3, '0')}`);
  const t0 = Date.now();
  const acks = await Promise.all(
    users.map((u, i) =>
      postSigned(rig.eventsUrl, SIGNING_SECRET, slashCommandBody({ command: '/explode', text: `w=${200 + i * 7} lr=0.01`, userId: u, teamId: TEAM, channelId: CHANNEL, responseUrl: rig.standin.responseUrl(`b${i}`) })),
    ),
  );
  const at = (c: Recorded) => ((rig.standin.times.get(c) ?? Date.now()) - t0) / 1000;
  const okPosts = () => rig.standin.calls.filter((c): c is ApiCall => c.kind === 'api' && c.method === 'chat.postMessage' && c.status === 200 && c.response.ok === true);
  const seen = () => {
    const pictures = new Map<string, number>();
    const quiz = new Map<string, number>();
    const posts = okPosts();
    const shared = rig.standin.calls.filter((c) => c.kind === 'shared');
    for (const u of users) {
      const tag = `<@${u}>`;
      const parent = posts.find((p) => p.args.thread_ts === undefined && JSON.stringify(p.args.blocks).includes(tag));
      if (!parent) continue;
      const ts = String(parent.response.ts);
      const hasQuiz = JSON.stringify(parent.args.blocks).includes('"actions"');
      const share = shared.find((s) => s.kind === 'shared' && s.threadTs === ts && (hasQuiz ? (s.comment ?? '').includes(tag) : true));
      if (share) pictures.set(u, at(share));
      if (hasQuiz) quiz.set(u, at(parent));
      else {
        const q = posts.find((p) => p.args.thread_ts === ts && JSON.stringify(p.args.blocks).includes('"actions"'));
        if (q) quiz.set(u, at(q));
      }
    }
    return { pictures, quiz };
  };
  await until(() => {
    const s = seen();
    if (process.env.CLASS_DEBUG) process.stderr.write(`slack ${s.pictures.size}/${s.quiz.size} ${rig.standin.summary().slice(-300)}\n`);
    return s.pictures.size === N && s.quiz.size === N;
  }, LIMIT_S);
  const s = seen();
  const lost = users.filter((u) => !s.pictures.has(u) || !s.quiz.has(u)).length + acks.filter((a) => a.status !== 200).length;
  const result: Class60 = {
    pictures_s: round(Math.max(...s.pictures.values(), 0)),
    quiz_s: round(Math.max(...s.quiz.values(), 0)),
    median_quiz_s: round(median([...s.quiz.values()])),
    rate_limit_refusals: rig.standin.windows.refusals,
    retry_after_violations: rig.standin.windows.violations,
    lost,
    channel_messages: okPosts().length,
    requests: rig.standin.windows.requests,
  };
  if (process.env.CLASS_DEBUG) process.stderr.write(`${rig.standin.calls.filter((c) => c.kind === 'api' && c.status === 429).map((c) => (c.kind === 'api' ? c.method : '')).join(', ')}\n`);
  await rig.close();
  return result;
}

export async function discordClass(paced: boolean, workers: number, N = CLASS, speed = 1): Promise<Class60> {
  const store = await openStore('sqlite::memory:');
  const renderer = await preDrawn(createRenderPool({ size: workers }));
  const bot = createGradbot({ services: { renderer, store, now: Date.now }, quizMinutes: 10, log: { error: () => undefined } });
  const threadPacing = paced ? { ratePerSec: DISCORD_THREAD_RULE.ratePerSec * speed, burst: DISCORD_THREAD_RULE.burst } : (false as const);
  const h = await startHarness(bot, { limits: { speed }, discord: { restRetries: 3, restTimeoutMs: 600_000, threadPacing } });
  const payloads = Array.from({ length: N }, (_, i) => slashCommand(h.standin, 'explode', { params: { type: 'string', value: `w=${200 + i * 7} lr=0.01` } }, newStudent()));
  const tokens = payloads.map((p) => p.token);
  const t0 = Date.now();
  for (const p of payloads) h.standin.dispatch('INTERACTION_CREATE', p);
  const ok = (r: RecordedRequest) => r.status >= 200 && r.status < 300;
  const hasButtons = (r: RecordedRequest) => JSON.stringify(r.json?.components ?? []).includes('quiz:');
  const seen = () => {
    const pictures = new Map<string, number>();
    const quiz = new Map<string, number>();
    for (const r of h.standin.requests) {
      if (!ok(r)) continue;
      const edit = /^\/webhooks\/\d+\/([^/]+)\/messages\/@original$/.exec(r.path);
      if (edit && r.method === 'PATCH' && r.files.length >= 2) pictures.set(edit[1]!, (r.at - t0) / 1000);
      const follow = /^\/webhooks\/\d+\/([^/]+)$/.exec(r.path);
      if (follow && r.method === 'POST' && hasButtons(r)) quiz.set(follow[1]!, (r.at - t0) / 1000);
      const inThread = /^\/channels\/(\d+)\/messages$/.exec(r.path);
      if (inThread && r.method === 'POST' && hasButtons(r)) {
        const token = tokens.find((t) => h.standin.originalOf(t) === inThread[1]);
        if (token) quiz.set(token, (r.at - t0) / 1000);
      }
    }
    return { pictures, quiz };
  };
  await until(() => {
    const s = seen();
    return s.pictures.size === N && s.quiz.size === N;
  }, LIMIT_S);
  const s = seen();
  const result: Class60 = {
    pictures_s: round(Math.max(...s.pictures.values(), 0)),
    quiz_s: round(Math.max(...s.quiz.values(), 0)),
    median_quiz_s: round(median([...s.quiz.values()])),
    rate_limit_refusals: h.standin.windows.refusals,
    retry_after_violations: h.standin.windows.violations,
    lost: tokens.filter((t) => !s.pictures.has(t) || !s.quiz.has(t)).length,
    channel_messages: h.standin.requests.filter((r) => ok(r) && r.method === 'POST' && /^\/channels\/\d+\/messages(\/\d+\/threads)?$/.test(r.path)).length,
    requests: h.standin.windows.requests,
  };
  if (process.env.CLASS_DEBUG) {
    const q = (pred: (r: RecordedRequest) => boolean) => h.standin.requests.filter(pred).map((r) => ((r.at - t0) / 1000).toFixed(1));
    process.stderr.write(`callbacks ${q((r) => r.path.endsWith('/callback')).join(' ')}\nedits ${q((r) => r.method === 'PATCH').join(' ')}\n`);
  }
  await h.close();
  await bot.close();
  await renderer.close();
  await store.close();
  return result;
}

export async function class60(paced: boolean, workers = 2): Promise<Class60Result> {
  // A warm-up class each first, thrown away: the measured class meets a warm process, as a class in the middle of a lecture does.
  await slackClass(paced, workers, 10);
  const slack = await slackClass(paced, workers);
  await discordClass(paced, workers, 10);
  const discord = await discordClass(paced, workers);
  return { paced, slack, discord };
}


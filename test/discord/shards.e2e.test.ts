import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { cleanEnv, watch, type LogLine, type Watched } from '../ops/process.ts';
import { isEditOriginal } from './harness.ts';
import { BOT_TOKEN, CHANNEL2_ID, CHANNEL_ID, GUILD2_ID, GUILD_ID } from './standin/ids.ts';
import { STUDENT, slashCommand } from './standin/interactions.ts';
import { DiscordStandin, type RecordedRequest } from './standin/server.ts';

/**
 * Sharding across processes, against the real entry point: the stand-in
 * recommends two shards (GET /gateway/bot) and hosts a server on each
 * (GUILD2 rides shard 0, GUILD shard 1). Two gradbot processes share one
 * SQLite file, one with DISCORD_SHARD_IDS=0 and one with 1; Discord's rule
 * routes each server's interactions to its own shard's session, and a quiz
 * both processes armed at start is closed, and summarised, exactly once.
 */
const dir = mkdtempSync(join(tmpdir(), 'gradbot-shards-'));
const dbPath = join(dir, 'gradbot.db');
const standin = new DiscordStandin();
const procs: Watched[] = [];
/** The seeded quiz closes this long after it is written: past the desk's sweep (1 s here), so both processes arm it. */
const CLOSE_AFTER_MS = 4_000;
let closesAt = 0;
const QUIZ_ID = 'shardquiz001';
const THREAD_ID = '2222222222222222290';

function start(shardIds: string): Watched {
  const p = watch(
    ['--import', 'tsx', 'src/main.ts'],
    cleanEnv({
      DISCORD_TOKEN: BOT_TOKEN,
      DISCORD_API_URL: standin.apiUrl,
      DISCORD_SHARDS: 'auto',
      DISCORD_SHARD_IDS: shardIds,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${dbPath}`,
      GRADBOT_RENDER_WORKERS: '1',
      // One /explode each: its worker starts with that picture, without the warm-up's throwaway pictures.
      GRADBOT_RENDER_PREWARM: '0',
      GRADBOT_COOLDOWN_SECONDS: '0',
      GRADBOT_QUIZ_SWEEP_SECONDS: '1',
      LOG_LEVEL: 'info',
    }),
  );
  procs.push(p);
  return p;
}

const connected = (p: Watched) => p.waitForLog((l) => l.msg === 'discord: connected', 'discord: connected', 90_000);
const running = (p: Watched) => p.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('gradbot running'), '"gradbot running"', 90_000);

beforeAll(async () => {
  standin.shardCount = 2;
  standin.addGuild(GUILD2_ID, 'Optimisation 201', CHANNEL2_ID);
  // The thread in GUILD2's channel where the seeded quiz sits.
  standin.channels.set(THREAD_ID, { id: THREAD_ID, type: 11, guild_id: GUILD2_ID, name: 'quiz', parent_id: CHANNEL2_ID, thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false } });
  await standin.start();
}, 30_000);

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('two shards in two processes', () => {
  let ports: number[] = [];

  it('each process identifies as its own shard of the count GET /gateway/bot recommends', async () => {
    const [a, b] = [start('0'), start('1')];
    await Promise.all([connected(a!), connected(b!)]);
    ports = (await Promise.all([running(a!), running(b!)])).map((l) => Number(l.port));
    expect(standin.requests.filter((r) => r.path === '/gateway/bot').length).toBeGreaterThanOrEqual(2);
    expect(standin.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(standin.connectedShards()).toEqual([0, 1]);
  }, 120_000);

  it('/readyz of each process reports its own shard', async () => {
    const [ra, rb] = await Promise.all(ports.map(async (port) => (await fetch(`http://127.0.0.1:${port}/readyz`)).json() as Promise<{ status: string; checks: Record<string, boolean> }>));
    expect(ra).toMatchObject({ status: 'ready', checks: { discord: true, 'discord-shard-0': true } });
    expect(ra!.checks).not.toHaveProperty('discord-shard-1');
    expect(rb).toMatchObject({ status: 'ready', checks: { discord: true, 'discord-shard-1': true } });
    expect(rb!.checks).not.toHaveProperty('discord-shard-0');
  });

  it('/explode is answered on both shards, each by the process running that shard', async () => {
    const from = standin.requests.length;
    const onShard0 = slashCommand(standin, 'explode', { params: { type: 'string', value: 'w=500 lr=0.01' } }, STUDENT, { channelId: CHANNEL2_ID });
    const onShard1 = slashCommand(standin, 'explode', { params: { type: 'string', value: 'w=500 lr=0.01' } }, STUDENT, { channelId: CHANNEL_ID });
    standin.dispatch('INTERACTION_CREATE', onShard0);
    standin.dispatch('INTERACTION_CREATE', onShard1);
    const answered = (token: string) => standin.waitFor((r: RecordedRequest) => isEditOriginal(r) && r.path.includes(`/${token}/`) && r.files.length === 2, { from, timeoutMs: 60_000 });
    const [e0, e1] = await Promise.all([answered(onShard0.token), answered(onShard1.token)]);
    expect(e0.json?.content).toMatch(/Exploding/);
    expect(e1.json?.content).toMatch(/Exploding/);
    // Each interaction reached one process only, the one whose shard carries that server. The command's log
    // line can reach this process's pipe after the stand-in has seen the reply: wait for one from each.
    const isExplode = (l: LogLine) => l.msg === 'command' && l.command === 'explode';
    await Promise.all(procs.map((p) => p.waitForLog(isExplode, "its /explode's command line")));
    const commandLines = (p: Watched) => p.logs.filter(isExplode).map((l) => String(l.class));
    expect(commandLines(procs[0]!)).toEqual([`discord:${GUILD2_ID}:${CHANNEL2_ID}`]);
    expect(commandLines(procs[1]!)).toEqual([`discord:${GUILD_ID}:${CHANNEL_ID}`]);
  }, 90_000);

  it('a quiz on shard 0, armed by both processes, is closed and summarised exactly once', async () => {
    // Written while both run, as another instance would: each one's sweep finds it and arms a timer for it.
    const store = await openStore(`sqlite:${dbPath}`);
    const now = Date.now();
    closesAt = now + CLOSE_AFTER_MS;
    await store.createQuiz({
      id: QUIZ_ID,
      classId: `discord:${GUILD2_ID}:${CHANNEL2_ID}`,
      platform: 'discord',
      kind: 'concept-xavier',
      topic: 'init',
      question: 'Which initialisation keeps the variance of activations steady?',
      choices: ['Xavier', 'All zeros', 'All 500'],
      answer: 0,
      explanation: 'Xavier scales weights by the fan-in and fan-out.',
      seed: 1,
      reviewOf: null,
      createdBy: 'seed',
      createdAt: now,
      closesAt,
    });
    await store.setQuizLocation(QUIZ_ID, JSON.stringify({ channelId: THREAD_ID, messageId: '2222222222222222291' }));
    await store.close();
    const isSummary = (r: RecordedRequest) => r.method === 'POST' && r.path === `/channels/${THREAD_ID}/messages` && r.status === 200;
    await standin.waitFor(isSummary, { timeoutMs: CLOSE_AFTER_MS + 30_000 });
    expect(Date.now()).toBeGreaterThanOrEqual(closesAt);
    // Both timers fire at closesAt: one closes it, the other finds it closed and posts nothing.
    const fired = (p: Watched) => p.waitForLog((l) => (l.msg === 'quiz closed' || l.msg === 'quiz timer fired; another instance had closed it') && l.quiz === QUIZ_ID, 'the quiz timer', 30_000);
    await Promise.all(procs.slice(0, 2).map(fired));
    expect(procs.slice(0, 2).flatMap((p) => p.logs.filter((l) => l.msg === 'quiz closed' && l.quiz === QUIZ_ID))).toHaveLength(1);
    // A late loser's summary, if it could post one, would arrive within moments of the winner's.
    await new Promise((r) => setTimeout(r, 1000));
    const summaries = standin.requests.filter(isSummary);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.json?.content).toMatch(/Xavier/);
    const check = await openStore(`sqlite:${dbPath}`);
    const quiz = await check.getQuiz(QUIZ_ID);
    await check.close();
    expect(quiz?.closedAt).not.toBeNull();
  }, 120_000);
});

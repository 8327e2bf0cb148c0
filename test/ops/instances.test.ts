import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { WebMessage } from '../../src/platforms/web/index.ts';
import { freshDatabase, pgAdminUrl } from '../pg.ts';
import { cleanEnv, watch, type LogLine, type Watched } from './process.ts';

/**
 * Two real gradbot processes (`node --import tsx src/main.ts`, the
 * playground) on one PostgreSQL, as two instances behind a load balancer:
 * every guarantee is checked across them, through their HTTP APIs, and the
 * figures go to stdout for the record.
 */
const running: Watched[] = [];

afterAll(() => {
  for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
});

interface Instance {
  proc: Watched;
  port: number;
}

async function start(url: string, name: string): Promise<Instance> {
  // Quizzes only, no pictures: GRADBOT_RENDER_PREWARM=0 spares each start a render thread's warm-up (about 2 s of CPU).
  const proc = watch(
    ['--import', 'tsx', 'src/main.ts'],
    cleanEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, GRADBOT_RENDER_WORKERS: '1', GRADBOT_RENDER_PREWARM: '0', GRADBOT_COOLDOWN_SECONDS: '0', GRADBOT_SHUTDOWN_SECONDS: '10', GRADBOT_QUIZ_SWEEP_SECONDS: '1', LOG_LEVEL: 'info', INSTANCE: name }),
  );
  running.push(proc);
  const line = await proc.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('gradbot running'), `${name}'s "gradbot running" line`, 90_000);
  return { proc, port: Number(line.port) };
}

async function stop(i: Instance): Promise<void> {
  i.proc.child.kill('SIGTERM');
  const { code, signal } = await i.proc.exited;
  expect({ code, signal }, `a graceful stop; stderr: ${i.proc.stderr.join('\n').slice(-2000)}`).toEqual({ code: 0, signal: null });
}

const user = (id: string) => ({ id, name: id, isTA: false });

async function post(i: Instance, path: string, body: object): Promise<{ messages: WebMessage[] }> {
  const res = await fetch(`http://127.0.0.1:${i.port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { messages: WebMessage[] };
}

async function openQuiz(i: Instance, by: string): Promise<string> {
  const { messages } = await post(i, '/api/command', { command: 'quiz', text: 'topic=xavier', user: user(by) });
  const id = messages.find((m) => m.quiz)?.quiz?.quizId;
  expect(id).toBeTruthy();
  return id!;
}

type Click = 'recorded' | 'already' | 'closed' | 'other';

async function click(i: Instance, quizId: string, student: string, choice = 0): Promise<Click> {
  const { messages } = await post(i, '/api/answer', { quizId, choice, user: user(student) });
  const text = messages.map((m) => m.text).join('\n');
  if (/^(Correct!|Not quite)/m.test(text)) return 'recorded';
  if (/already answered/.test(text)) return 'already';
  if (/closed/.test(text)) return 'closed';
  return 'other';
}

const closedLines = (procs: Watched[], quizId: string): LogLine[] => procs.flatMap((p) => p.logs.filter((l) => l.msg === 'quiz closed' && l.quiz === quizId));

describe.skipIf(!pgAdminUrl)('two gradbot processes on one PostgreSQL', () => {
  it('record every click once, refuse every duplicate, post one summary per quiz, and survive a restart of both', { timeout: 300_000 }, async () => {
    const url = await freshDatabase();
    const db = new pg.Client({ connectionString: url });
    let a = await start(url, 'a');
    let b = await start(url, 'b');
    await db.connect();
    /** A copy of quiz `from` that closes in `ms`, inserted as another instance would have. */
    const shortQuiz = async (from: string, id: string, ms: number) => {
      const now = Date.now();
      await db.query(
        `INSERT INTO quizzes (id, class_id, platform, kind, topic, question, choices, answer, explanation, seed, review_of, created_by, created_at, closes_at)
         SELECT $1, class_id, platform, kind, topic, question, choices, answer, explanation, seed, review_of, created_by, $2, $3 FROM quizzes WHERE id = $4`,
        [id, now, now + ms, from],
      );
      return id;
    };
    const count = async (quizId: string) => Number((await db.query('SELECT COUNT(*) AS n FROM answers WHERE quiz_id = $1', [quizId])).rows[0].n);
    try {
      // 1. 50 students click at once, half through each instance: all recorded, once.
      const q1 = await openQuiz(a, 'ta');
      const spread = await Promise.all(Array.from({ length: 50 }, (_, k) => click(k % 2 ? a : b, q1, `s${k}`, k % 3)));
      expect(spread.filter((c) => c === 'recorded')).toHaveLength(50);
      expect(await count(q1)).toBe(50);

      // 2. Each student's click reaches both instances at the same moment (a double click through the load balancer), 50 times.
      const q2 = await openQuiz(b, 'ta');
      const pairs = await Promise.all(Array.from({ length: 50 }, (_, k) => Promise.all([click(a, q2, `d${k}`, 1), click(b, q2, `d${k}`, 2)])));
      const dupRecorded = pairs.filter(([x, y]) => [x, y].sort().join() === 'already,recorded').length;
      expect(dupRecorded).toBe(50);
      expect(await count(q2)).toBe(50);
      const scores = (await db.query("SELECT COUNT(*) AS n, SUM(answered) AS answered FROM scores WHERE user_id LIKE 'd%'")).rows[0];
      expect({ n: Number(scores.n), answered: Number(scores.answered) }).toEqual({ n: 50, answered: 50 });

      // 3. A short quiz another instance opened (4 s; the shortest setting is a minute): both instances find it
      // within a sweep (1 s here), both timers fire at its closing time, one closes it and posts the summary.
      const q3 = await shortQuiz(q1, 'q3short', 4_000);
      await Promise.all(Array.from({ length: 6 }, (_, k) => click(k % 2 ? a : b, q3, `t${k}`)));
      await Promise.all([a, b].map((i) => i.proc.waitForLog((l) => (l.msg === 'quiz closed' || l.msg === 'quiz timer fired; another instance had closed it') && l.quiz === q3, 'q3 timer', 40_000)));
      const q3Closed = closedLines([a.proc, b.proc], q3);
      expect(q3Closed).toHaveLength(1);
      expect(q3Closed[0]).toMatchObject({ answered: 6 });

      // 4. Both instances restart mid-quiz: the answers stay, new ones count, and the quiz closes on time, once.
      // Long enough for both to stop and start again (about 5 s on a quiet machine, under 15 s on a loaded one).
      const q4 = await shortQuiz(q1, 'q4short', 18_000);
      const closesAt = Number((await db.query('SELECT closes_at FROM quizzes WHERE id = $1', [q4])).rows[0].closes_at);
      await Promise.all(Array.from({ length: 10 }, (_, k) => click(k % 2 ? a : b, q4, `r${k}`)));
      await Promise.all([stop(a), stop(b)]);
      const before = [a.proc, b.proc];
      [a, b] = await Promise.all([start(url, 'a2'), start(url, 'b2')]);
      const restartMs = Date.now() - (closesAt - 18_000);
      expect(Date.now(), 'both instances were back before the quiz was due').toBeLessThan(closesAt - 2000);
      expect(await count(q4)).toBe(10);
      const after = await Promise.all([click(a, q4, 'r0'), click(b, q4, 'r10'), click(a, q4, 'r11')]);
      expect(after).toEqual(['already', 'recorded', 'recorded']);
      const closing = await Promise.race([a, b].map((i) => i.proc.waitForLog((l) => l.msg === 'quiz closed' && l.quiz === q4, 'q4 closing', 60_000)));
      await new Promise((r) => setTimeout(r, 2000));
      const q4Closed = closedLines([...before, a.proc, b.proc], q4);
      expect(q4Closed).toHaveLength(1);
      expect(closing).toMatchObject({ answered: 12 });
      const closedAt = Number((await db.query('SELECT closed_at FROM quizzes WHERE id = $1', [q4])).rows[0].closed_at);
      expect(closedAt - closesAt).toBeGreaterThanOrEqual(0);
      expect(closedAt - closesAt).toBeLessThan(3000);

      const summaries = closedLines([...before, a.proc, b.proc], q1).length + closedLines([...before, a.proc, b.proc], q2).length;
      const figures = {
        clicks_sent: 50 + 100 + 6 + 10 + 3,
        recorded: 50 + 50 + 6 + 10 + 2,
        duplicates_refused: pairs.length + 1,
        summaries_posted: q3Closed.length + q4Closed.length + summaries,
        quizzes_closed_by_timer: 2,
        q4_closed_late_ms: closedAt - closesAt,
        q4_opened_to_both_restarted_ms: restartMs,
      };
      process.stdout.write(`two-instance figures: ${JSON.stringify(figures)}\n`);
      expect(figures.recorded).toBe(Number((await db.query('SELECT COUNT(*) AS n FROM answers')).rows[0].n));
    } finally {
      await db.end();
      await Promise.allSettled([a, b].map((i) => (i.proc.child.exitCode === null ? stop(i) : Promise.resolve())));
    }
  });
});

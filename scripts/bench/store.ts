import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Caller } from '../../commands/types.ts';
import { createGradbot } from '../../src/gradbot.ts';
import { makeQuestion } from '../../src/quiz/generate.ts';
import type { Renderer } from '../../src/render/types.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { startCluster, type Cluster } from '../pg/cluster.ts';

/**
 * npm run bench:store [-- --json]
 *
 * A quiz click through the core (QuizDesk.answer: one read, one
 * transaction) on SQLite (a file, WAL) and on PostgreSQL on localhost (a
 * throwaway cluster, or GRADBOT_BENCH_DATABASE_URL): latency of single clicks
 * one after another (p50, p99), then a class of 60 clicking at once (the
 * last click's time) and sustained clicks per second with 32 in flight.
 * It prints figures; it asserts nothing.
 */
const json = process.argv.includes('--json');
const SINGLE = 2000;
const CLASS = 60;
const SUSTAINED = 4000;
const IN_FLIGHT = 32;

const noRenderer: Renderer = {
  explode: () => Promise.reject(new Error('no pictures in this bench')),
  example: () => Promise.reject(new Error('no pictures in this bench')),
  accepting: true,
  close: async () => undefined,
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r2 = (x: number) => Math.round(x * 100) / 100;

async function measure(store: Store) {
  const bot = createGradbot({ services: { renderer: noRenderer, store, now: Date.now }, log: { error: () => undefined }, quizSweepMs: 0 });
  await bot.started;
  const ta: Caller = { platform: 'web', userId: 'ta', userName: 'TA', classId: 'web:bench', isTA: true };
  let quizzes = 0;
  const openQuiz = async () => (await bot.quizzes.open({ question: makeQuestion({ seed: ++quizzes }), by: ta, seed: quizzes })).id;
  const click = (quizId: string, k: number) => bot.answer(quizId, k % 3, { ...ta, userId: `s${k}`, userName: `student ${k}`, isTA: false });

  // Warm up (connections, statement caches), then single clicks one after another.
  let q = await openQuiz();
  for (let k = 0; k < 200; k++) await click(q, k);
  q = await openQuiz();
  const single: number[] = [];
  for (let k = 0; k < SINGLE; k++) {
    const t = performance.now();
    await click(q, k);
    single.push(performance.now() - t);
  }
  // A class of 60 clicking the same quiz at once: when the last one is answered.
  const classRuns: number[] = [];
  for (let run = 0; run < 5; run++) {
    const cq = await openQuiz();
    const t = performance.now();
    await Promise.all(Array.from({ length: CLASS }, (_, k) => click(cq, k)));
    classRuns.push(performance.now() - t);
  }
  // Sustained: IN_FLIGHT clicks always pending, different students, one quiz per 500 students.
  const started = performance.now();
  let next = 0;
  let sq = await openQuiz();
  const worker = async () => {
    while (next < SUSTAINED) {
      const k = next++;
      if (k % 500 === 0 && k > 0) sq = await openQuiz();
      await click(sq, k);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const perSecond = SUSTAINED / ((performance.now() - started) / 1000);
  await bot.close();
  return {
    click_p50_ms: r2(pct(single, 50)),
    click_p99_ms: r2(pct(single, 99)),
    click_max_ms: r2(Math.max(...single)),
    class60_last_click_ms: r2(pct(classRuns, 50)),
    sustained_clicks_per_s: Math.round(perSecond),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'gradbot-bench-store-'));
let cluster: Cluster | null = null;
try {
  const sqlite = await openStore(`sqlite:${join(dir, 'bench.db')}`);
  const sqliteFigures = await measure(sqlite);
  await sqlite.close();
  let pgUrl = process.env.GRADBOT_BENCH_DATABASE_URL;
  if (!pgUrl) {
    process.stderr.write('bench:store: starting a throwaway PostgreSQL cluster on 127.0.0.1\n');
    cluster = await startCluster();
    pgUrl = await cluster.createDatabase('bench');
  }
  const pgStore = await openStore(pgUrl);
  const pgFigures = await measure(pgStore);
  await pgStore.close();
  const result = { sqlite: sqliteFigures, postgres: pgFigures };
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write('quiz clicks through the core (QuizDesk.answer)      SQLite     PostgreSQL (localhost)\n');
    for (const k of Object.keys(sqliteFigures) as (keyof typeof sqliteFigures)[]) {
      process.stdout.write(`  ${k.padEnd(30)} ${String(sqliteFigures[k]).padStart(10)} ${String(pgFigures[k]).padStart(14)}\n`);
    }
  }
} finally {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}

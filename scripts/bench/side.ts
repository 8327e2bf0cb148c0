import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { naiveBot, productionBot, type BenchBot, type Side } from './bots.ts';
import { ackPath, burst, encodeFloor, fullReplies, percentile, renderUntil, rssMb, type BurstResult } from './measure.ts';
import { modeSizes, type Mode } from './sizes.ts';
import { ackTexts, Texts } from './specs.ts';

/**
 * One side of the bench (gradbot or the naive baseline) in its own process,
 * so neither side's memory or loaded modules colour the other's figures.
 * Prints one JSON object (SideResult) on stdout; progress goes to stderr.
 */

export interface Stat {
  p50: number;
  p99: number;
  n: number;
}

export interface SideResult {
  side: Side;
  mode: Mode;
  workers: number;
  ack: Stat & { refused: number };
  reply: Stat;
  /** Only on the gradbot side: the encode floor of the same pictures as `reply`. */
  floor: Stat | null;
  burstDistinct: BurstResult;
  burstIdentical: BurstResult;
  /** RSS of the whole process (workers included), and what the main thread holds of it. */
  rss: { renders: number; mb: number; mainHeapMb: number; externalMb: number; cacheMb: number; openQuizzes: number }[];
  cache: { hits: number; shared: number; misses: number; bytes: number; entries: number; evictions: number } | null;
  errors: number;
}

const stat = (xs: number[]): Stat => ({ p50: percentile(xs, 50), p99: percentile(xs, 99), n: xs.length });
const say = (s: string) => process.stderr.write(`  [${side}] ${s}\n`);

const side = process.argv[2] as Side;
const mode = process.argv[3] as Mode;
if ((side !== 'gradbot' && side !== 'baseline') || (mode !== 'full' && mode !== 'quick')) {
  process.stderr.write('usage: side.ts gradbot|baseline full|quick\n');
  process.exit(2);
}

const sizes = modeSizes(mode, side);
const dir = mkdtempSync(join(tmpdir(), 'gradbot-bench-'));
const b: BenchBot = side === 'gradbot' ? productionBot(join(dir, 'bench.db')) : naiveBot(join(dir, 'bench.db'));
const texts = new Texts();

try {
  // A bot that has been up a while: every worker started and warm (startApp prewarms them; this makes sure).
  const warmup = Math.max(sizes.warmup, 2 * b.workers);
  say(`warming up (${warmup} renders at once${b.workers > 0 ? `, ${b.workers} render worker${b.workers > 1 ? 's' : ''}` : ', on the main thread'})`);
  await burst(b, texts.fresh(warmup));

  say(`acknowledgement path x ${sizes.ack}`);
  ackPath(b, ackTexts(200));
  const ack = ackPath(b, ackTexts(sizes.ack));

  say(`full replies x ${sizes.reply}`);
  const replyTexts = texts.fresh(sizes.reply);
  const reply = stat(await fullReplies(b, replyTexts));

  say(`burst of ${sizes.burst} distinct`);
  const burstDistinct = await burst(b, texts.fresh(sizes.burst));
  say(`  all answered in ${burstDistinct.allAnsweredS.toFixed(2)} s, max lag ${burstDistinct.maxLagMs.toFixed(0)} ms`);

  say(`burst of ${sizes.burst} identical`);
  const same = texts.fresh(1)[0]!;
  const burstIdentical = await burst(b, Array.from({ length: sizes.burst }, () => same));
  say(`  all answered in ${burstIdentical.allAnsweredS.toFixed(2)} s`);

  const rss: SideResult['rss'] = [];
  let lastShown = 0;
  for (const target of sizes.rssAt) {
    say(`rendering until ${target} renders`);
    await renderUntil(b, target, () => texts.fresh(1)[0]!, sizes.concurrency, (done) => {
      if (done - lastShown >= 500) {
        lastShown = done;
        say(`  ${done} renders, RSS ${rssMbQuick().toFixed(0)} MB`);
      }
    });
    const mb = rssMb();
    const m = process.memoryUsage();
    rss.push({ renders: b.renders(), mb, mainHeapMb: m.heapUsed / 2 ** 20, externalMb: m.external / 2 ** 20, cacheMb: (b.cache()?.bytes ?? 0) / 2 ** 20, openQuizzes: await b.openQuizzes() });
    say(`  RSS after ${b.renders()} renders: ${rss[rss.length - 1]!.mb.toFixed(1)} MB`);
  }

  // Last: drawing on this thread loads the renderer here too, which the RSS readings above must not include.
  let floor: Stat | null = null;
  if (side === 'gradbot') {
    say(`PNG-encode floor of the same ${replyTexts.length} runs`);
    floor = stat(encodeFloor(replyTexts));
  }

  const result: SideResult = {
    side,
    mode,
    workers: b.workers,
    ack: { ...stat(ack.samples), refused: ack.refused },
    reply,
    floor,
    burstDistinct,
    burstIdentical,
    rss,
    cache: b.cache(),
    errors: b.errors(),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await b.close();
  rmSync(dir, { recursive: true, force: true });
}

function rssMbQuick(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

// Everything is closed; if some handle still held the process, say so rather than hang the bench.
setTimeout(() => {
  process.stderr.write(`  [${side}] a handle kept the process alive after closing; exiting anyway\n`);
  process.exit(0);
}, 10_000).unref();

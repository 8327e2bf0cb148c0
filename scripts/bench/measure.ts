import type { Canvas } from 'canvas';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { simulate, unitGainStart } from '../../src/engine/index.ts';
import { parseExplode } from '../../src/params/index.ts';
import type { Reply } from '../../src/reply.ts';
import { breakdownCanvas } from '../../src/render/breakdown.ts';
import { encodePng } from '../../src/render/card.ts';
import { chartCanvas, chartConfig } from '../../src/render/chart.ts';
import { caller, type BenchBot } from './bots.ts';

const BUSY = /busy/i;

/** Nearest-rank percentile of samples in ms. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function isFullReply(r: Reply): boolean {
  return (r.images?.length ?? 0) === 2 && r.quiz !== undefined;
}

/** The acknowledgement path: what an adapter does before it may answer "thinking…" (parse, validate, defer decision). */
export function ackPath(b: BenchBot, texts: readonly string[]): { samples: number[]; refused: number } {
  const samples: number[] = [];
  let refused = 0;
  texts.forEach((text, i) => {
    const t0 = performance.now();
    const p = b.bot.prepare('explode', { text }, caller(i));
    samples.push(performance.now() - t0);
    if (!p.ok) refused++;
  });
  return { samples, refused };
}

/** One /explode at a time, start to finished Reply: simulate, both PNGs, the quiz stored. */
export async function fullReplies(b: BenchBot, texts: readonly string[]): Promise<number[]> {
  const out: number[] = [];
  for (const [i, text] of texts.entries()) {
    const t0 = performance.now();
    const p = b.bot.prepare('explode', { text }, caller(i));
    if (!p.ok) throw new Error(`bench: /explode ${text} was refused: ${p.reply.text}`);
    const reply = await p.execute();
    out.push(performance.now() - t0);
    if (!isFullReply(reply)) throw new Error(`bench: /explode ${text} did not answer with two pictures and a quiz: ${reply.text}`);
  }
  return out;
}

/**
 * The floor: encoding the same two pictures to PNG (encodePng, the settings
 * the renderer uses), drawing not counted. Done on this thread with the
 * workers idle, one picture pair at a time.
 */
export function encodeFloor(texts: readonly string[]): number[] {
  const chart = chartCanvas() as unknown as { renderChart(c: unknown): { canvas: Canvas | null; destroy(): void } };
  return texts.map((text) => {
    const parsed = parseExplode({ text });
    if (!parsed.ok) throw new Error(parsed.message);
    const run = simulate(parsed.spec);
    const baseline = simulate(unitGainStart(parsed.spec));
    const bd = breakdownCanvas(run, baseline);
    const drawn = chart.renderChart(chartConfig(run, baseline));
    try {
      if (!drawn.canvas) throw new Error('Chart.js drew no canvas');
      const t0 = performance.now();
      encodePng(bd);
      encodePng(drawn.canvas);
      return performance.now() - t0;
    } finally {
      drawn.destroy();
    }
  });
}

export interface BurstResult {
  commands: number;
  /** From the moment all commands arrived until the last one was answered, s. */
  allAnsweredS: number;
  /** The slowest single reply, arrival to answer, s. */
  slowestS: number;
  /** The slowest acknowledgement (arrival to prepare() returning), ms: adapters must ack within 3 s. */
  ackMaxMs: number;
  /** The largest event-loop delay seen (monitorEventLoopDelay, resolution 10 ms; includes that 10 ms interval), ms. */
  maxLagMs: number;
  answered: number;
  busy: number;
  failed: number;
}

/**
 * A class at once: every command arrives in the same instant, each handled
 * as its own event (as gateway messages are): prepare (the ack), then execute.
 */
export async function burst(b: BenchBot, texts: readonly string[]): Promise<BurstResult> {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  // The histogram records from its second tick on (the first, and the first after a reset, only start the clock): let it tick before the class arrives.
  await new Promise((r) => setTimeout(r, 35));
  const t0 = performance.now();
  const acks: number[] = [];
  const answers: number[] = [];
  let busy = 0;
  let failed = 0;
  await Promise.all(
    texts.map(
      (text, i) =>
        new Promise<void>((done) => {
          setImmediate(() => {
            const p = b.bot.prepare('explode', { text }, caller(1000 + i));
            acks.push(performance.now() - t0);
            if (!p.ok) {
              if (BUSY.test(p.reply.text ?? '')) busy++;
              else failed++;
              done();
              return;
            }
            void p.execute().then((reply) => {
              answers.push(performance.now() - t0);
              if (isFullReply(reply)) {
                // answered
              } else if (BUSY.test(reply.text ?? '')) busy++;
              else failed++;
              done();
            });
          });
        }),
    ),
  );
  const end = performance.now();
  // One more turn of the loop: a loop blocked until now (the naive bot) records that delay only when its timer next fires.
  await new Promise((r) => setTimeout(r, 15));
  lag.disable();
  return {
    commands: texts.length,
    allAnsweredS: (end - t0) / 1000,
    slowestS: Math.max(0, ...answers) / 1000,
    ackMaxMs: Math.max(0, ...acks),
    maxLagMs: lag.max / 1e6,
    answered: texts.length - busy - failed,
    busy,
    failed,
  };
}

let gcFn: (() => void) | null | undefined;

/** A full collection before reading RSS, when this V8 allows it (--expose-gc, or turned on here). */
export function collect(): void {
  if (gcFn === undefined) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (g) gcFn = g;
    else {
      try {
        setFlagsFromString('--expose-gc');
        gcFn = runInNewContext('gc') as () => void;
      } catch {
        gcFn = null;
      }
    }
  }
  gcFn?.();
}

export function rssMb(): number {
  collect();
  collect();
  return process.memoryUsage().rss / 2 ** 20;
}

/**
 * Full /explode replies until the bot has done `total` renders, keeping
 * `concurrency` in flight (enough to keep every worker busy, under the queue bound).
 */
export async function renderUntil(b: BenchBot, total: number, next: () => string, concurrency: number, progress?: (done: number) => void): Promise<void> {
  let i = 0;
  const worker = async () => {
    while (b.renders() < total) {
      const text = next();
      const p = b.bot.prepare('explode', { text }, caller(5000 + (i++ % 200)));
      if (!p.ok) throw new Error(`bench: /explode ${text} was refused: ${p.reply.text}`);
      const reply = await p.execute();
      if (!isFullReply(reply)) throw new Error(`bench: /explode ${text} did not answer with two pictures: ${reply.text}`);
      progress?.(b.renders());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

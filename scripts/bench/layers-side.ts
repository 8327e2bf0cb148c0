import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Reply } from '../../src/reply.ts';
import { caller, productionBot, type BenchBot } from './bots.ts';
import { percentile } from './measure.ts';
import type { Mode } from './sizes.ts';
import { Texts } from './specs.ts';

/**
 * The /layers figures of npm run bench, in their own process on gradbot's
 * production wiring (worker pool, cache, core, SQLite): one full /layers
 * reply at the default and at the largest run the work cap allows (p50), a
 * default /explode reply measured the same way for the 3x target, and a
 * mixed burst (30 /layers + 30 /explode at once) with its event-loop lag and
 * acknowledgement times. Every run is distinct (a fresh seed or w), so the
 * cache never answers. Prints one JSON object (LayersBench) on stdout.
 */

export interface LayersBench {
  mode: Mode;
  layers_default_ms: number;
  layers_max_ms: number;
  /** The run layers_max_ms times: width² × batch × depth × (steps + 1) exactly at the cap. */
  layers_max_run: string;
  explode_default_ms: number;
  layers_vs_explode: number;
  mixed_burst: { layers: number; explode: number; all_answered_s: number; ack_p99_ms: number; ack_max_ms: number; max_lag_ms: number; busy: number; failed: number };
  load_avg: number[];
}

/** The largest run the cap allows: 100² × 20 × 50 × 20 = 200,000,000. */
export const MAX_RUN = 'width=100 batch=20 depth=50 steps=19';

const say = (s: string) => process.stderr.write(`  [layers] ${s}\n`);
const isLayersReply = (r: Reply) => (r.images?.length ?? 0) === 3;
const isExplodeReply = (r: Reply) => (r.images?.length ?? 0) === 2 && r.quiz !== undefined;

let seed = 1000;
const layersText = (extra = '') => `seed=${seed++} ${extra}`.trim();

async function one(b: BenchBot, command: string, text: string, i: number, ok: (r: Reply) => boolean): Promise<number> {
  const t0 = performance.now();
  const p = b.bot.prepare(command, { text }, caller(i));
  if (!p.ok) throw new Error(`bench: /${command} ${text} was refused: ${p.reply.text}`);
  const reply = await p.execute();
  const ms = performance.now() - t0;
  if (!ok(reply)) throw new Error(`bench: /${command} ${text} did not answer in full: ${reply.text}`);
  return ms;
}

async function series(n: number, f: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await f(i));
  return out;
}

async function mixedBurst(b: BenchBot, texts: Texts, each: number): Promise<LayersBench['mixed_burst']> {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  await new Promise((r) => setTimeout(r, 35));
  const jobs = Array.from({ length: 2 * each }, (_, i) => (i % 2 === 0 ? { command: 'layers', text: layersText() } : { command: 'explode', text: texts.fresh(1)[0]! }));
  const acks: number[] = [];
  let busy = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    jobs.map(
      (job, i) =>
        new Promise<void>((done) => {
          setImmediate(() => {
            const a0 = performance.now();
            const p = b.bot.prepare(job.command, { text: job.text }, caller(2000 + i));
            acks.push(performance.now() - a0);
            if (!p.ok) {
              if (/busy/i.test(p.reply.text)) busy++;
              else failed++;
              done();
              return;
            }
            void p.execute().then((r) => {
              if (!(job.command === 'layers' ? isLayersReply(r) : isExplodeReply(r))) failed++;
              done();
            });
          });
        }),
    ),
  );
  const end = performance.now();
  await new Promise((r) => setTimeout(r, 15));
  lag.disable();
  return { layers: each, explode: each, all_answered_s: (end - t0) / 1000, ack_p99_ms: percentile(acks, 99), ack_max_ms: Math.max(...acks), max_lag_ms: lag.max / 1e6, busy, failed };
}

const mode = process.argv[2] as Mode;
if (mode !== 'full' && mode !== 'quick') {
  process.stderr.write('usage: layers-side.ts full|quick\n');
  process.exit(2);
}
const n = mode === 'full' ? { reply: 15, max: 5 } : { reply: 5, max: 2 };
const dir = mkdtempSync(join(tmpdir(), 'gradbot-bench-layers-'));
const b = productionBot(join(dir, 'bench.db'));
const texts = new Texts();
try {
  say('warming up');
  await Promise.all([one(b, 'layers', layersText(), 0, isLayersReply), one(b, 'explode', texts.fresh(1)[0]!, 1, isExplodeReply), one(b, 'layers', layersText(MAX_RUN), 2, isLayersReply)]);
  say(`default /layers x ${n.reply}, default /explode x ${n.reply}, one at a time`);
  const layersMs = await series(n.reply, (i) => one(b, 'layers', layersText(), 10 + i, isLayersReply));
  const explodeMs = await series(n.reply, (i) => one(b, 'explode', texts.fresh(1)[0]!, 100 + i, isExplodeReply));
  say(`largest allowed /layers (${MAX_RUN}) x ${n.max}`);
  const maxMs = await series(n.max, (i) => one(b, 'layers', layersText(MAX_RUN), 200 + i, isLayersReply));
  say('mixed burst: 30 /layers + 30 /explode at once');
  const burst = await mixedBurst(b, texts, 30);
  const l50 = percentile(layersMs, 50);
  const e50 = percentile(explodeMs, 50);
  const result: LayersBench = {
    mode,
    layers_default_ms: Math.round(l50 * 10) / 10,
    layers_max_ms: Math.round(percentile(maxMs, 50) * 10) / 10,
    layers_max_run: MAX_RUN,
    explode_default_ms: Math.round(e50 * 10) / 10,
    layers_vs_explode: Math.round((l50 / e50) * 100) / 100,
    mixed_burst: { ...burst, all_answered_s: Math.round(burst.all_answered_s * 100) / 100, ack_p99_ms: Math.round(burst.ack_p99_ms * 1000) / 1000, ack_max_ms: Math.round(burst.ack_max_ms * 1000) / 1000, max_lag_ms: Math.round(burst.max_lag_ms * 10) / 10 },
    load_avg: loadavg().map((v) => Math.round(v * 100) / 100),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await b.close();
  rmSync(dir, { recursive: true, force: true });
}
setTimeout(() => process.exit(0), 10_000).unref();

/**
 * The mixed burst of npm run bench (30 /layers + 30 /explode at once) alone,
 * with every event-loop gap over 12 ms listed, for finding what holds the
 * main thread. Each gap is [start, end] in microseconds of the monotonic
 * clock a V8 CPU profile uses, so they can be matched to a profile:
 *
 *   node --cpu-prof --cpu-prof-interval 1000 --expose-gc --import tsx scripts/bench/mixed-gaps.ts gaps.json
 *
 * then look at the main thread's samples inside the longest gaps (idle
 * samples there mean the thread was waiting for a CPU, not working).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { productionBot, caller } from './bots.ts';
import { Texts } from './specs.ts';
const dir = mkdtempSync(join(tmpdir(), 'gradbot-mixed-gaps-'));
const b = productionBot(join(dir, 'g.db'));
const texts = new Texts();
let seed = 5000;
const run = (command: string, text: string, i: number) => { const p = b.bot.prepare(command, { text }, caller(i)); if (!p.ok) throw new Error(p.reply.text); return p.execute(); };
await Promise.all([run('layers', `seed=${seed++}`, 0), run('explode', texts.fresh(1)[0]!, 1)]);
for (let i = 0; i < 5; i++) { await run('layers', `seed=${seed++}`, 10 + i); await run('explode', texts.fresh(1)[0]!, 20 + i); }
const gaps: [number, number][] = [];
let last = process.hrtime.bigint();
const iv = setInterval(() => { const now = process.hrtime.bigint(); const d = Number(now - last) / 1e6; if (d > 12) gaps.push([Number(last / 1000n), Number(now / 1000n)]); last = now; }, 1);
const lag = monitorEventLoopDelay({ resolution: 10 }); lag.enable();
await new Promise((r) => setTimeout(r, 35));
const jobs = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? ['layers', `seed=${seed++}`] : ['explode', texts.fresh(1)[0]!]));
const t0 = performance.now();
await Promise.all(jobs.map(([c, t], i) => new Promise<void>((done) => setImmediate(() => { const p = b.bot.prepare(c!, { text: t! }, caller(2000 + i)); if (!p.ok) { done(); return; } void p.execute().then(() => done()); }))));
const t1 = performance.now();
await new Promise((r) => setTimeout(r, 15));
lag.disable(); clearInterval(iv);
console.log('all answered', ((t1 - t0) / 1000).toFixed(2), 's; max lag', (lag.max / 1e6).toFixed(1), 'ms; gaps>12ms', gaps.map(([a, c]) => ((c - a) / 1000).toFixed(0)).join(','));
if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(gaps));
await b.close();
rmSync(dir, { recursive: true, force: true });
setTimeout(() => process.exit(0), 1000).unref();

import { availableParallelism, cpus, loadavg } from 'node:os';
import { CLASS, type Mode } from './sizes.ts';
import type { SideResult } from './side.ts';

export interface Target {
  /** The figure the target is about, a key of the report. */
  key: string;
  target: string;
  value: number;
  met: boolean;
  /** How far off, when missed: "2.3x over", "+12 ms". */
  missedBy: string | null;
}

export type Report = Record<string, unknown> & { targets: Target[] };

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

function atMost(key: string, value: number, limit: number, unit: string): Target {
  const met = value <= limit;
  return { key, target: `<= ${limit} ${unit}`.trim(), value, met, missedBy: met ? null : `${r2(value - limit)} ${unit} over (${r2(value / limit)}x the target)`.replace('  ', ' ') };
}

function atLeast(key: string, value: number, limit: number, unit: string): Target {
  const met = value >= limit;
  return { key, target: `>= ${limit}${unit}`, value, met, missedBy: met ? null : `${r2(limit - value)}${unit} short (${r2(value / limit)} of the target)` };
}

/** Scales a baseline burst measured with fewer commands to the class size (one render after another: linear). */
function toClass(seconds: number, commands: number): number {
  return (seconds * CLASS) / commands;
}

export function buildReport(g: SideResult, base: SideResult, mode: Mode, wallS: number, loadBefore: number[]): Report {
  const rssFirst = g.rss[0];
  const rssLast = g.rss[g.rss.length - 1];
  const floor = g.floor?.p50 ?? NaN;
  const baseDistinct = toClass(base.burstDistinct.allAnsweredS, base.burstDistinct.commands);
  const baseIdentical = toClass(base.burstIdentical.allAnsweredS, base.burstIdentical.commands);
  const lag = Math.max(g.burstDistinct.maxLagMs, g.burstIdentical.maxLagMs);
  const growth = rssFirst && rssLast ? rssLast.mb - rssFirst.mb : NaN;
  const report: Report = {
    mode,
    date: new Date().toISOString(),
    node: process.version,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    render_workers: g.workers,
    render_cache_mb: process.env.GRADBOT_RENDER_CACHE_MB ?? '64 (default)',
    wall_s: r1(wallS),
    // Other work on the machine skews every figure: the 1-minute load average before and after.
    load_before: r2(loadBefore[0] ?? NaN),
    load_after: r2(loadavg()[0] ?? NaN),

    ack_p50_ms: r3(g.ack.p50),
    ack_p99_ms: r3(g.ack.p99),
    ack_samples: g.ack.n,
    reply_p50_ms: r1(g.reply.p50),
    reply_p99_ms: r1(g.reply.p99),
    reply_samples: g.reply.n,
    encode_floor_ms: r1(floor),
    reply_vs_floor: r2(g.reply.p50 / floor),

    burst60_distinct_s: r2(g.burstDistinct.allAnsweredS),
    burst60_distinct_slowest_s: r2(g.burstDistinct.slowestS),
    burst60_distinct_ack_max_ms: r1(g.burstDistinct.ackMaxMs),
    burst60_distinct_lag_ms: r1(g.burstDistinct.maxLagMs),
    burst60_distinct_busy: g.burstDistinct.busy,
    burst60_identical_s: r2(g.burstIdentical.allAnsweredS),
    burst60_identical_slowest_s: r2(g.burstIdentical.slowestS),
    burst60_identical_lag_ms: r1(g.burstIdentical.maxLagMs),
    burst_max_lag_ms: r1(lag),

    rss_100_mb: rssFirst ? r1(rssFirst.mb) : null,
    rss_100_renders: rssFirst?.renders ?? null,
    rss_5000_mb: rssLast ? r1(rssLast.mb) : null,
    rss_n_renders: rssLast?.renders ?? null,
    rss_growth_mb: r1(growth),
    // What the main thread holds at each mark; the rest of the RSS is the workers and native libraries.
    rss_marks: g.rss.map((x) => ({ renders: x.renders, rss_mb: r1(x.mb), main_heap_mb: r1(x.mainHeapMb), render_cache_mb: r1(x.cacheMb), external_mb: r1(x.externalMb), open_quizzes: x.openQuizzes })),
    render_cache: g.cache,

    baseline_ack_p50_ms: r3(base.ack.p50),
    baseline_ack_p99_ms: r3(base.ack.p99),
    baseline_reply_p50_ms: r1(base.reply.p50),
    baseline_reply_p99_ms: r1(base.reply.p99),
    baseline_burst60_distinct_s: r2(baseDistinct),
    baseline_burst60_identical_s: r2(baseIdentical),
    baseline_burst_commands: base.burstDistinct.commands,
    baseline_burst_extrapolated: base.burstDistinct.commands !== CLASS,
    baseline_burst60_distinct_ack_max_ms: r1(base.burstDistinct.ackMaxMs),
    baseline_burst_max_lag_ms: r1(Math.max(base.burstDistinct.maxLagMs, base.burstIdentical.maxLagMs)),
    baseline_rss: base.rss.map((x) => ({ renders: x.renders, mb: r1(x.mb) })),

    throughput_ratio_vs_baseline: r2(baseDistinct / g.burstDistinct.allAnsweredS),
    identical_throughput_ratio_vs_baseline: r2(baseIdentical / g.burstIdentical.allAnsweredS),
    reply_ratio_vs_baseline: r2(g.reply.p50 / base.reply.p50),
    errors: g.errors + base.errors,
    targets: [],
  };
  report.targets = [
    atMost('ack_p99_ms', g.ack.p99, 20, 'ms'),
    atMost('reply_vs_floor', g.reply.p50 / floor, 2, 'x'),
    atMost('burst60_distinct_s', g.burstDistinct.allAnsweredS, 5, 's'),
    atMost('burst60_identical_s', g.burstIdentical.allAnsweredS, 1, 's'),
    atMost('burst_max_lag_ms', lag, 50, 'ms'),
    atMost('rss_growth_mb', growth, 50, 'MB'),
    atLeast('throughput_ratio_vs_baseline', baseDistinct / g.burstDistinct.allAnsweredS, 3, 'x'),
  ].map((t) => ({ ...t, value: r3(t.value) }));
  return report;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r, j) => r.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd() + (j === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : '')).join('\n');
}

const f = (x: unknown, d = 1) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '-');
const ratio = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' && b !== 0 ? `${(a / b).toFixed(2)}` : '-');

/** The readable form: side by side, the ratio, then the targets. */
export function formatReport(r: Report): string {
  const rssRenders = r.rss_n_renders as number | null;
  const baseRss = r.baseline_rss as { renders: number; mb: number }[];
  const extrap = r.baseline_burst_extrapolated ? ` (measured with ${String(r.baseline_burst_commands)}, scaled to ${CLASS})` : '';
  const rows = [
    ['', 'gradbot', 'naive baseline', 'gradbot/baseline'],
    ['ack p50 (ms)', f(r.ack_p50_ms, 3), f(r.baseline_ack_p50_ms, 3), ratio(r.ack_p50_ms, r.baseline_ack_p50_ms)],
    ['ack p99 (ms)', f(r.ack_p99_ms, 3), f(r.baseline_ack_p99_ms, 3), ratio(r.ack_p99_ms, r.baseline_ack_p99_ms)],
    ['full reply p50 (ms)', f(r.reply_p50_ms), f(r.baseline_reply_p50_ms), ratio(r.reply_p50_ms, r.baseline_reply_p50_ms)],
    ['full reply p99 (ms)', f(r.reply_p99_ms), f(r.baseline_reply_p99_ms), ratio(r.reply_p99_ms, r.baseline_reply_p99_ms)],
    ['  PNG-encode floor, same images (ms)', f(r.encode_floor_ms), '', ''],
    [`${CLASS} distinct: all answered (s)${extrap}`, f(r.burst60_distinct_s, 2), f(r.baseline_burst60_distinct_s, 2), ratio(r.burst60_distinct_s, r.baseline_burst60_distinct_s)],
    [`  slowest ack during it (ms)`, f(r.burst60_distinct_ack_max_ms), f(r.baseline_burst60_distinct_ack_max_ms), ratio(r.burst60_distinct_ack_max_ms, r.baseline_burst60_distinct_ack_max_ms)],
    [`${CLASS} identical: all answered (s)`, f(r.burst60_identical_s, 2), f(r.baseline_burst60_identical_s, 2), ratio(r.burst60_identical_s, r.baseline_burst60_identical_s)],
    ['largest event-loop lag in a burst (ms)', f(r.burst_max_lag_ms), f(r.baseline_burst_max_lag_ms), ratio(r.burst_max_lag_ms, r.baseline_burst_max_lag_ms)],
    [`RSS after ${String(r.rss_100_renders)} renders (MB)`, f(r.rss_100_mb), baseRss[0] ? `${f(baseRss[0].mb)} (${baseRss[0].renders})` : '-', ''],
    [`RSS after ${String(rssRenders)} renders (MB)`, f(r.rss_5000_mb), baseRss[1] ? `${f(baseRss[1].mb)} (${baseRss[1].renders})` : '-', ''],
  ];
  const cache = r.render_cache as { hits: number; shared: number; misses: number; bytes: number; entries: number; evictions: number } | null;
  const lines = [
    `gradbot bench (${String(r.mode)}), ${String(r.date)}, Node ${String(r.node)}, ${String(r.cores)} cores (${String(r.cpu)}), ${String(r.render_workers)} render worker(s), ${String(r.wall_s)} s`,
    `load average (1 min) before ${f(r.load_before, 2)}, after ${f(r.load_after, 2)}: other work on the machine shows in every figure`,
    '',
    table(rows),
    '',
    `burst throughput, gradbot vs baseline: ${f(r.throughput_ratio_vs_baseline, 2)}x (distinct), ${f(r.identical_throughput_ratio_vs_baseline, 2)}x (identical)`,
    `RSS marks: ${(r.rss_marks as { renders: number; rss_mb: number; main_heap_mb: number; render_cache_mb: number; open_quizzes: number }[]).map((m) => `after ${m.renders} renders ${f(m.rss_mb)} MB (main-thread heap ${f(m.main_heap_mb)} MB, render cache ${f(m.render_cache_mb)} MB, ${m.open_quizzes} quizzes open)`).join('; ')}`,
    cache ? `render cache: ${cache.misses} renders, ${cache.hits} hits (${cache.shared} joined a render in flight), ${cache.entries} entries, ${(cache.bytes / 2 ** 20).toFixed(1)} MB, ${cache.evictions} evictions` : 'render cache: off',
    '',
    table([['target', 'wanted', 'measured', ''], ...r.targets.map((t) => [t.key, t.target, String(t.value), t.met ? 'met' : `MISSED by ${t.missedBy ?? ''}`])]),
  ];
  if ((r.errors as number) > 0) lines.push('', `${String(r.errors)} command(s) failed inside the core: see the log above`);
  return lines.join('\n');
}

import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildReport, formatReport } from './bench/report.ts';
import type { Mode } from './bench/sizes.ts';
import type { SideResult } from './bench/side.ts';
import type { LayersBench } from './bench/layers-side.ts';
import { class60Figures, formatClass60 } from './bench/limits-report.ts';
import { ALLOCATOR_ENV } from '../src/ops/allocator.ts';
import type { Class60Result } from '../test/limits/class.ts';

/**
 * npm run bench [-- --quick] [-- --json]
 *
 * gradbot as production wires it (render worker pool + render cache + core +
 * SQLite) against a naive bot written here (every picture on the main
 * thread, a new ChartJSNodeCanvas per chart, no cache): the acknowledgement
 * path, one full /explode reply next to the PNG-encode floor, a class of 60
 * at once (distinct and identical), event-loop lag, RSS over many renders.
 * It prints figures; it asserts nothing. Each side runs in its own Node
 * process (with --expose-gc for the RSS readings), one after the other.
 */

const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (a !== '--quick' && a !== '--json' && a !== '--unpaced') {
    process.stderr.write(`unknown option ${a}\nusage: npm run bench [-- --quick] [-- --json] [-- --unpaced]\n`);
    process.exit(2);
  }
}
const mode: Mode = args.has('--quick') ? 'quick' : 'full';
const json = args.has('--json');
const SIDE = fileURLToPath(new URL('./bench/side.ts', import.meta.url));
const LAYERS_SIDE = fileURLToPath(new URL('./bench/layers-side.ts', import.meta.url));
const CLASS60 = fileURLToPath(new URL('./bench/class60.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function runSide(side: 'gradbot' | 'baseline'): Promise<SideResult>;
function runSide(side: 'layers'): Promise<LayersBench>;
function runSide(side: 'gradbot' | 'baseline' | 'layers'): Promise<SideResult | LayersBench> {
  const argv = side === 'layers' ? [LAYERS_SIDE, mode] : [SIDE, side, mode];
  return new Promise((resolve, reject) => {
    // Both sides run as npm start runs gradbot, allocator setting included (an explicit one in the environment wins).
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...ALLOCATOR_ENV, ...process.env } });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || line === '') {
        reject(new Error(`the ${side} side of the bench failed (${signal ?? `exit code ${code}`})`));
        return;
      }
      try {
        resolve(JSON.parse(line) as SideResult | LayersBench);
      } catch (e) {
        reject(new Error(`the ${side} side printed no result: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  });
}

/** The class of 60 under the platforms' enforced limits, in its own process (--unpaced: gradbot before pacing). */
function runClass60(): Promise<Class60Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLASS60, ...(args.has('--unpaced') ? ['--unpaced'] : [])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`exit code ${code}`);
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as Class60Result);
      } catch (e) {
        reject(new Error(`the class-of-60 run failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  });
}

const started = performance.now();
const loadBefore = loadavg();
process.stderr.write(`gradbot bench (${mode}): gradbot first, then the naive baseline, then /layers\n`);
try {
  const gradbot = await runSide('gradbot');
  const baseline = await runSide('baseline');
  const layers = await runSide('layers');
  process.stderr.write('a class of 60 under enforced Slack and Discord limits\n');
  const limits = await runClass60();
  const report = buildReport(gradbot, baseline, mode, (performance.now() - started) / 1000, loadBefore);
  process.stdout.write(
    json
      ? `${JSON.stringify({ ...report, ...layersFigures(layers), class60: class60Figures(limits) }, null, 2)}\n`
      : `${formatReport(report)}\n\n${formatLayers(layers)}\n\n${formatClass60(limits)}\n`,
  );
} catch (e) {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}

/** The /layers figures, flat, as the --json object carries them. */
function layersFigures(l: LayersBench) {
  const m = l.mixed_burst;
  return {
    layers_default_ms: l.layers_default_ms,
    layers_max_ms: l.layers_max_ms,
    layers_max_run: l.layers_max_run,
    layers_explode_default_ms: l.explode_default_ms,
    layers_vs_explode: l.layers_vs_explode,
    mixed_burst_all_answered_s: m.all_answered_s,
    mixed_burst_ack_p99_ms: m.ack_p99_ms,
    mixed_burst_lag_ms: m.max_lag_ms,
    mixed_burst_busy: m.busy,
    mixed_burst_failed: m.failed,
    layers_load_avg: l.load_avg,
  };
}

function formatLayers(l: LayersBench): string {
  const m = l.mixed_burst;
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  return [
    `/layers (load average ${l.load_avg.join(' / ')} when it finished)`,
    `  one full /layers reply p50, default run       ${l.layers_default_ms} ms   (/explode ${l.explode_default_ms} ms: ${l.layers_vs_explode}x; target <= 3x: ${met(l.layers_vs_explode <= 3)})`,
    `  one full /layers reply p50, largest allowed   ${l.layers_max_ms} ms   (${l.layers_max_run}; target <= 3,000 ms: ${met(l.layers_max_ms <= 3000)})`,
    `  mixed burst 30 /layers + 30 /explode           all answered in ${m.all_answered_s} s, ack p99 ${m.ack_p99_ms} ms (target <= 20: ${met(m.ack_p99_ms <= 20)}), max event-loop lag ${m.max_lag_ms} ms (target <= 50: ${met(m.max_lag_ms <= 50)}), busy ${m.busy}, failed ${m.failed}`,
  ].join('\n');
}

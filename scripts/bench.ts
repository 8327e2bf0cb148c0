import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildReport, formatReport } from './bench/report.ts';
import type { Mode } from './bench/sizes.ts';
import type { SideResult } from './bench/side.ts';

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
  if (a !== '--quick' && a !== '--json') {
    process.stderr.write(`unknown option ${a}\nusage: npm run bench [-- --quick] [-- --json]\n`);
    process.exit(2);
  }
}
const mode: Mode = args.has('--quick') ? 'quick' : 'full';
const json = args.has('--json');
const SIDE = fileURLToPath(new URL('./bench/side.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function runSide(side: 'gradbot' | 'baseline'): Promise<SideResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', SIDE, side, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
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
        resolve(JSON.parse(line) as SideResult);
      } catch (e) {
        reject(new Error(`the ${side} side printed no result: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  });
}

const started = performance.now();
const loadBefore = loadavg();
process.stderr.write(`gradbot bench (${mode}): gradbot first, then the naive baseline\n`);
try {
  const gradbot = await runSide('gradbot');
  const baseline = await runSide('baseline');
  const report = buildReport(gradbot, baseline, mode, (performance.now() - started) / 1000, loadBefore);
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
} catch (e) {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}

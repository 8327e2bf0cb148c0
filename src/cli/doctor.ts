import { checkCanvas, checkConfig, checkDatabase, checkFonts, checkMathJax, checkNode, checkRenderPool, checkTokens, type Finding, type Status } from '../ops/checks.ts';
import { UsageError } from './args.ts';
import type { CliIO } from './io.ts';

const MARK: Record<Status, string> = { ok: '✓', fail: '✗', warn: '!', info: '-' };
const COLOUR: Record<Status, string> = { ok: '\x1b[32m', fail: '\x1b[31m', warn: '\x1b[33m', info: '\x1b[2m' };
const RESET = '\x1b[0m';

export interface DoctorOptions {
  env: NodeJS.ProcessEnv;
  /** ANSI colours; the CLI turns them on only for a terminal. */
  colour: boolean;
}

/**
 * `gradbot doctor`: checks this machine (Node, canvas, fonts, MathJax, the
 * render pool) and the environment (the database path, each token's shape,
 * the rest of the configuration), printing one line per finding and, for
 * each problem, what to do. Exit status 0 when nothing failed, 1 otherwise.
 */
export async function runDoctor(io: CliIO, opts: DoctorOptions): Promise<number> {
  const paint = (s: Status, text: string) => (opts.colour ? `${COLOUR[s]}${text}${RESET}` : text);
  const findings: Finding[] = [];
  const report = (f: Finding) => {
    findings.push(f);
    io.out(`  ${paint(f.status, MARK[f.status])} ${f.title}`);
    if (f.fix && f.status !== 'ok' && f.status !== 'info') io.out(`      ${paint(f.status, 'fix:')} ${f.fix}`);
  };

  io.out('gradbot doctor: this machine, then the environment\n');
  report(checkNode());
  const canvas = await checkCanvas();
  report(canvas.finding);
  if (canvas.finding.status === 'ok') {
    report(await checkFonts(canvas.fontError));
    report(await checkMathJax());
    report(await checkRenderPool());
  } else {
    report({ status: 'fail', title: 'fonts, MathJax and the render pool were not checked: they need canvas', fix: 'fix canvas first' });
  }
  report(await checkDatabase(opts.env));
  const tokens = checkTokens(opts.env);
  for (const f of tokens) report(f);
  const failedNames = tokens.filter((f) => f.status === 'fail').map((f) => f.title.split(' ')[0]!);
  for (const f of checkConfig(opts.env, failedNames)) report(f);

  const failed = findings.filter((f) => f.status === 'fail').length;
  const warned = findings.filter((f) => f.status === 'warn').length;
  io.out('');
  if (failed === 0) io.out(paint('ok', `All green${warned > 0 ? ` (${warned} warning${warned === 1 ? '' : 's'} above)` : ''}: npm start is ready to run.`));
  else io.out(paint('fail', `${failed} problem${failed === 1 ? '' : 's'} (✗ above): fix ${failed === 1 ? 'it' : 'them'} and run npx gradbot doctor again.`));
  return failed === 0 ? 0 : 1;
}

export async function doctorCli(argv: readonly string[], io: CliIO): Promise<number> {
  if (argv.length > 0) throw new UsageError(`doctor takes no arguments (got "${argv[0]!.slice(0, 40)}")`);
  return runDoctor(io, { env: process.env, colour: process.stdout.isTTY === true && !process.env.NO_COLOR });
}

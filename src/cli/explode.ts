import { runToJson, simulate, verdictOf } from '../engine/index.ts';
import { breakdownText } from '../format/breakdown.ts';
import { verdictLine } from '../format/verdict.ts';
import { parseExplode, specKey } from '../params/index.ts';
import { parseArgs, UsageError } from './args.ts';
import type { CliIO } from './io.ts';

export async function explodeCli(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, ['out'], ['json']);
  const parsed = parseExplode({ text: args.text });
  if (!parsed.ok) throw new UsageError(parsed.message);
  const run = simulate(parsed.spec);
  if (args.flags.has('json')) io.out(JSON.stringify(runToJson(run), null, 2));
  else {
    io.out(`gradbot explode ${specKey(parsed.spec)}\n`);
    io.out(breakdownText(run));
    io.out(`\nverdict: ${verdictLine(run, verdictOf(run), 'ascii')}`);
  }
  const out = args.flags.get('out');
  if (typeof out === 'string') {
    const written = await io.renderExplode(parsed.spec, out);
    for (const f of written) io.err(`wrote ${f}`);
  }
  return 0;
}

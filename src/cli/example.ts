import { workedExample } from '../engine/index.ts';
import { fmt } from '../format/number.ts';
import { exampleSchema, parseParams } from '../params/index.ts';
import { parseArgs, UsageError } from './args.ts';
import type { CliIO } from './io.ts';

export async function exampleCli(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, ['out'], ['json']);
  const parsed = parseParams(exampleSchema, { text: args.text });
  if (!parsed.ok) throw new UsageError(parsed.message);
  const { factors, w, lr } = parsed.value.values;
  const ex = workedExample(factors, w, lr);
  if (args.flags.has('json')) io.out(JSON.stringify(ex, null, 2));
  else {
    const n = (x: number) => fmt(x, 'ascii');
    const paren = (x: number) => (x < 0 ? `(${n(x)})` : n(x));
    io.out(`dLoss/dw = ${ex.factors.map(paren).join(' x ')} = ${n(ex.product)}`);
    io.out(`w_new = w - lr x dLoss/dw = ${n(ex.w)} - ${n(ex.lr)} x ${paren(ex.product)} = ${n(ex.w_new)}`);
  }
  const out = args.flags.get('out');
  if (typeof out === 'string') {
    const written = await io.renderExample(ex, out);
    for (const f of written) io.err(`wrote ${f}`);
  }
  return 0;
}

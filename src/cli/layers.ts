import { layersToJson, simulateLayers, type LayersRun } from '../engine/layers/index.ts';
import { layersVerdictLine } from '../format/layers-verdict.ts';
import { fmt } from '../format/number.ts';
import { layersKey, parseLayers } from '../params/index.ts';
import { parseArgs, UsageError } from './args.ts';
import type { CliIO } from './io.ts';

const n = (v: number) => fmt(v, 'ascii');
const pct = (v: number) => `${Math.round(100 * v)}%`;

/** One row per layer, output at the bottom as the gradient starts there: what each layer does at step 0. */
export function layersTable(run: LayersRun): string[] {
  const s = run.step0;
  const head = ['layer', 'act mean', 'act std', 'saturated', 'norm(D_k)', 'gain', 'norm(GW_k)'];
  const rows = s.gain.map((_, i) => [String(i + 1), n(s.act_mean[i]!), n(s.act_std[i]!), pct(s.saturated[i]!), n(s.grad_norm_h[i]!), n(s.gain[i]!), n(s.grad_norm_w[i]!)]);
  rows.push(['input', '', '', '', n(s.grad_norm_input), '', '']);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(head), ...rows.map(line)];
}

export function layersSummary(run: LayersRun): string[] {
  const t = run.trajectory.loss;
  const train =
    t.length === 0
      ? 'training: no steps'
      : `training: loss ${n(t[0]!)} at step 0 -> ${n(t[t.length - 1]!)} at step ${t.length - 1}${run.diverged_at !== null ? ` (diverged at step ${run.diverged_at})` : ''}`;
  return [
    ...layersTable(run),
    '',
    `whole stack: norm(D_0) / norm(D_L) = ${run.ratio_first_last === null ? 'n/a (no gradient at the output)' : n(run.ratio_first_last)}`,
    train,
    '',
    `verdict: ${layersVerdictLine(run, 'ascii')}`,
  ];
}

export async function layersCli(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, ['out'], ['json']);
  const parsed = parseLayers({ text: args.text });
  if (!parsed.ok) throw new UsageError(parsed.message);
  const run = simulateLayers(parsed.params);
  if (args.flags.has('json')) io.out(JSON.stringify(layersToJson(run), null, 2));
  else {
    io.out(`gradbot layers ${layersKey(parsed.params)}${parsed.preset ? ` (preset ${parsed.preset})` : ''}\n`);
    for (const line of layersSummary(run)) io.out(line);
  }
  const out = args.flags.get('out');
  if (typeof out === 'string') {
    const written = await io.renderLayers(parsed.params, out);
    for (const f of written) io.err(`wrote ${f}`);
  }
  return 0;
}

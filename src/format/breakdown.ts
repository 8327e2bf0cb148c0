import { activation, type Factor, type RunResult } from '../engine/index.ts';
import { fmt, type NumberStyle } from './number.ts';

/** "do3/do2" -> "do3/do2 = σ'(z3)·w3": what each factor is made of, as the lecture writes it. */
export function factorFormula(f: Factor, act: RunResult['params']['act']): string {
  const s = activation[act].symbol;
  if (f.kind === 'loss') return `${f.label} = 2(yhat − y)`;
  if (f.kind === 'link') return `${f.label} = ${s}(z${f.layer})·w${f.layer}`;
  return `${f.label} = ${s}(z1)·x`;
}

export function boundFormula(f: Factor, act: RunResult['params']['act']): string {
  const peak = activation[act].peak;
  if (f.bound === null) return 'none';
  return f.kind === 'link' ? `${peak}·|w${f.layer}| = ${fmt(f.bound)}` : `${peak}·|x| = ${fmt(f.bound)}`;
}

/** The chain as one line: x -> w1 -> o1 -> o2 -> o3 (yhat) -> loss, shortened when deep. */
export function chainLine(depth: number): string {
  const outs = Array.from({ length: depth }, (_, i) => `o${i + 1}`);
  const shown = depth > 6 ? [...outs.slice(0, 3), '…', ...outs.slice(-2)] : outs;
  shown[shown.length - 1] += ' (yhat)';
  return ['x', 'w1', ...shown, 'loss'].join(' → ');
}

/** The whole breakdown as plain text, for the CLI and for chat fallbacks. */
export function breakdownText(run: RunResult, style: NumberStyle = 'ascii'): string {
  const n = (x: number) => fmt(x, style);
  const p = run.params;
  const s = run.step0;
  const arrow = style === 'ascii' ? '->' : '→';
  const lines: string[] = [];
  lines.push(`chain: ${chainLine(p.depth).replaceAll('→', arrow)}`);
  lines.push(`forward at step 0: yhat = ${n(s.yhat)}, loss = (yhat - y)^2 = ${n(s.loss)}`);
  lines.push('');
  lines.push(`dloss/dw1 = ${s.factors.map((f) => f.label).join(' x ')}`);
  const rows = s.factors.map((f) => [f.label, f.bound === null ? '(none)' : `<= ${n(f.bound)}`, n(f.value), f.dphi === null ? '' : `${activation[p.act].symbol}(z${f.layer}) = ${n(f.dphi)}`]);
  const head = ['factor', 'lecture bound', 'real value', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('   ').trimEnd();
  lines.push(`  ${line(head)}`);
  for (const r of rows) lines.push(`  ${line(r)}`);
  lines.push(`  product: dloss/dw1 = ${n(s.grad_w1)}`);
  const g = p.clip !== null && s.clipScale < 1 ? s.clipped.w[0]! : s.grad_w1;
  if (p.clip !== null && s.clipScale < 1) lines.push(`  clipped: gradient norm ${n(s.gradNorm)} > ${n(p.clip)}, scaled by ${n(s.clipScale)}: g = ${n(g)}`);
  const w1new = run.trajectory.w[1]?.[0];
  const gs = g < 0 ? `(${n(g)})` : n(g);
  lines.push(`update: w1_new = w1 - lr x g = ${n(p.w[0]!)} - ${n(p.lr)} x ${gs} = ${w1new === undefined ? 'n/a (diverged before the update)' : n(w1new)}`);
  return lines.join('\n');
}

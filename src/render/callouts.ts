import { activation, isSaturated, type Factor, type RunResult } from '../engine/index.ts';
import { fmt } from '../format/number.ts';
import { layerList, SATURATED_SHARE_TEXT } from '../format/verdict.ts';
import { primeSymbol, prettyLabel, sub } from './labels.ts';

/** What the run shows that the lecture's bound (phi' at most its peak) hides. */
export type CalloutKind = 'overflow' | 'clipped' | 'dead' | 'saturated' | 'zero';

export interface Callout {
  kind: CalloutKind;
  title: string;
  body: string;
}


function overflow(run: RunResult): Callout | null {
  const t = run.diverged_at;
  if (t === null) return null;
  const loss = run.trajectory.loss[t];
  const row = run.trajectory.w[t] ?? [];
  let what: string;
  let nan: boolean;
  if (loss !== undefined && !Number.isFinite(loss)) {
    what = `the loss is ${fmt(loss)}`;
    nan = Number.isNaN(loss);
  } else {
    const k = row.findIndex((v) => !Number.isFinite(v));
    const bRow = run.trajectory.b[t] ?? [];
    const kb = bRow.findIndex((v) => !Number.isFinite(v));
    what = k >= 0 ? `w${sub(k + 1)} = ${fmt(row[k]!)}` : `b${sub(kb + 1)} = ${fmt(bRow[kb] ?? NaN)}`;
    nan = k >= 0 ? Number.isNaN(row[k]!) : true;
  }
  const when = t === 0 ? 'Already at step 0, before any update' : `At step ${t}`;
  return {
    kind: 'overflow',
    title: nan ? `NaN at step ${t}` : `Overflow to infinity at step ${t}`,
    body: `${when}, ${what}. Doubles top out near 1.8 × 10³⁰⁸; past that the arithmetic gives ∞, and ∞ − ∞ or 0 × ∞ gives NaN, so training stopped. The lecture's bound never says when numbers leave the machine's range.`,
  };
}

function clipped(run: RunResult): Callout | null {
  const s = run.step0;
  const clip = run.params.clip;
  if (clip === null || !(s.clipScale < 1)) return null;
  return {
    kind: 'clipped',
    title: 'Clipping applied',
    body: `The gradient's norm ${fmt(s.gradNorm)} is over clip = ${fmt(clip)}, so every gradient is scaled by ${fmt(s.clipScale)}: dloss/dw₁ = ${fmt(s.grad_w1)} becomes ${fmt(s.clipped.w[0]!)} before the update.`,
  };
}

function flatFactors(run: RunResult): Factor[] {
  return run.step0.factors.filter((f) => f.kind !== 'loss' && isSaturated(run.params.act, run.step0.z[f.layer - 1]!));
}

function dead(run: RunResult): Callout | null {
  if (run.params.act !== 'relu') return null;
  const flat = flatFactors(run).sort((a, b) => a.layer - b.layer);
  if (flat.length === 0) return null;
  const f = flat[0]!;
  const k = f.layer;
  const z = run.step0.z[k - 1]!;
  const many = flat.length > 1;
  return {
    kind: 'dead',
    title: many ? `Dead ReLUs in ${layerList(flat.map((x) => x.layer))}` : `Dead ReLU in layer ${k}`,
    body: `z${sub(k)} = ${fmt(z)} ≤ 0, so relu′(z${sub(k)}) = 0 and ${prettyLabel(f.label)} = 0, not the bound ${fmt(f.bound ?? NaN)}: no gradient flows back through it${many ? ' (nor through the others)' : ''}.`,
  };
}

function saturated(run: RunResult): Callout | null {
  if (run.params.act === 'relu') return null;
  const flat = flatFactors(run);
  if (flat.length === 0) return null;
  // The flattest; on a tie the one nearest w1, as the verdict line names it.
  const f = flat.reduce((a, b) => ((b.dphi ?? 1) < (a.dphi ?? 1) || ((b.dphi ?? 1) === (a.dphi ?? 1) && b.layer < a.layer) ? b : a));
  const k = f.layer;
  const d = f.dphi ?? 0;
  const peak = activation[run.params.act].peak;
  const s = primeSymbol(run.params.act);
  const layers = [...new Set(flat.map((x) => x.layer))].sort((a, b) => a - b);
  const ratio = d > 0 ? `, ${fmt(peak / d)} times smaller` : ', which rounds to 0';
  return {
    kind: 'saturated',
    title: layers.length > 1 ? `Saturated neurons in ${layerList(layers)}` : `Saturated neuron in layer ${k}`,
    body: `${s}(z${sub(k)}) = ${fmt(d)} at z${sub(k)} = ${fmt(run.step0.z[k - 1]!)}. The lecture's bound uses ${s}'s largest value, ${fmt(peak)}: an upper bound, reached only at z = 0. Here it is below ${SATURATED_SHARE_TEXT} of that${ratio}.`,
  };
}

function zero(run: RunResult): Callout | null {
  const s = run.step0;
  if (s.grad_w1 !== 0) return null;
  const loss = s.factors[0]!;
  if (loss.value === 0) {
    return {
      kind: 'zero',
      title: 'Nothing to learn',
      body: `ŷ = ${fmt(s.yhat)} equals y = ${fmt(run.params.y)} in double precision, so ${prettyLabel(loss.label)} = 0 and the whole product is 0: w₁ does not move.`,
    };
  }
  if (s.factors.every((f) => f.value !== 0)) {
    return {
      kind: 'zero',
      title: 'The product underflowed to 0',
      body: 'Every factor is non-zero, but their product is smaller than the smallest double (about 5 × 10⁻³²⁴), so dloss/dw₁ rounds to exactly 0.',
    };
  }
  return null;
}

/** The callouts for a run, most important first, at most max of them. */
export function calloutsOf(run: RunResult, max = 3): Callout[] {
  return [overflow(run), clipped(run), dead(run), saturated(run), zero(run)].filter((c): c is Callout => c !== null).slice(0, max);
}

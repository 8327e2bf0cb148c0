import {
  activation,
  clippedSteps,
  EXPLODING_GAIN,
  rangeOf,
  SATURATED_SHARE,
  VANISHING_GAIN,
  type RunResult,
  type Verdict,
} from '../engine/index.ts';
import { fmt, type NumberStyle } from './number.ts';

/** "layer 2", "layers 1–3", "layers 1, 3 and 5". */
export function layerList(ks: readonly number[], dash = '–'): string {
  if (ks.length === 1) return `layer ${ks[0]}`;
  const consecutive = ks.every((k, i) => i === 0 || k === ks[i - 1]! + 1);
  if (consecutive && ks.length > 2) return `layers ${ks[0]}${dash}${ks[ks.length - 1]}`;
  const shown = ks.length > 4 ? [...ks.slice(0, 3).map(String), `${ks.length - 3} more`] : ks.map(String);
  return `layers ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** The stated share, as people read it: "1/1000". */
export const SATURATED_SHARE_TEXT = `1/${Math.round(1 / SATURATED_SHARE)}`;

interface Words {
  n(x: number): string;
  prime: string;
  minus: string;
  arrow: string;
  dash: string;
}

function words(run: RunResult, style: NumberStyle): Words {
  const ascii = style === 'ascii';
  return {
    n: (x) => fmt(x, style),
    prime: activation[run.params.act].symbol.replace("'", ascii ? "'" : '′'),
    minus: ascii ? '-' : '−',
    arrow: ascii ? '->' : '→',
    dash: ascii ? '-' : '–',
  };
}

function overflowText(run: RunResult, o: { step: number; nan: boolean; what: 'loss' | 'parameter' }, w: Words): string {
  if (o.what === 'loss') return `the loss is ${w.n(run.trajectory.loss[o.step]!)}`;
  return o.nan ? 'a weight or bias is NaN' : `a weight or bias is ±${w.n(Infinity)}`;
}

function paren(x: number, w: Words): string {
  return x < 0 ? `(${w.n(x)})` : w.n(x);
}

/** The activation by the name the lecture uses for it. */
function phiName(run: RunResult): string {
  return run.params.act === 'sigmoid' ? 'σ' : run.params.act;
}

/** What step 0 shows. */
function openingSentence(run: RunResult, v: Verdict, w: Words): string {
  const p = run.params;
  const s = run.step0;
  const g1 = `dloss/dw1 = ${w.n(s.grad_w1)}`;
  const sym = w.prime;
  switch (v.opening) {
    case 'overflow': {
      const e = v.ending;
      const what = e.kind === 'overflow' ? overflowText(run, e, w) : 'a number is not finite';
      return `Overflow at step 0: before any update, ${what}, so training stopped.`;
    }
    case 'exploding': {
      const amplified = `the chain multiplies the gradient by ${w.n(v.gain)} on its way back to layer 1`;
      if (p.x === 0 && s.grad_w1 === 0) {
        return `Exploding at step 0: ${amplified}, but x = 0 makes do1/dw1 = ${sym}(z1)·x = 0, so w1 gets no gradient: the amplified gradient lands on b1 (dloss/db1 = ${w.n(s.grads.b[0]!)}).`;
      }
      return `Exploding at step 0: ${amplified} (${g1}).`;
    }
    case 'saturated': {
      const k = v.flatLayers[0]!;
      const f = activation[p.act];
      const where = v.flatLayers.length > 1 ? `in ${layerList(v.flatLayers, w.dash)} ${sym} is` : `in layer ${k} ${sym} is`;
      const gain = p.depth > 1 ? `the chain's gain is ${w.n(v.gain)} and ` : '';
      return `Saturated at step 0: ${where} below ${SATURATED_SHARE_TEXT} of its peak ${w.n(f.peak)} (${sym}(z${k}) = ${w.n(f.dphi(s.z[k - 1]!))} at z${k} = ${w.n(s.z[k - 1]!)}), so ${gain}${g1}.`;
    }
    case 'dead': {
      const k = v.flatLayers[0]!;
      const many = v.flatLayers.length > 1;
      return `Dead at step 0: the ReLU${many ? 's' : ''} in ${layerList(v.flatLayers, w.dash)} ${many ? 'have' : 'has'} z ≤ 0 (z${k} = ${w.n(s.z[k - 1]!)}), so ${sym} = 0 there and no gradient passes back through ${many ? 'them' : 'it'} to layer 1 (${g1}).`;
    }
    case 'vanishing':
      return `Vanishing at step 0: the chain multiplies the gradient by ${w.n(v.gain)} on its way back to w1 (${g1}).`;
    case 'steady': {
      if (p.depth === 1) {
        const [loss, input] = [s.factors[0]!, s.factors[1]!];
        return `One layer, so no links to multiply: dloss/dw1 = dloss/do1 × do1/dw1 = ${paren(loss.value, w)} × ${paren(input.value, w)} = ${w.n(s.grad_w1)}.`;
      }
      return `Steady at step 0: the chain multiplies the gradient by ${w.n(v.gain)} on its way back to w1 (${g1}), neither exploding (≥ ${EXPLODING_GAIN}) nor vanishing (≤ ${VANISHING_GAIN}).`;
    }
  }
}

function flatClause(run: RunResult, layers: readonly number[], t: number, w: Words): string {
  const act = run.params.act;
  const k = layers[0]!;
  const z = t === 0 ? run.step0.z : run.trajectory.z[t]!;
  if (act === 'relu') return `the ReLU${layers.length > 1 ? 's' : ''} in ${layerList(layers, w.dash)} ${layers.length > 1 ? 'are' : 'is'} dead (z${k} = ${w.n(z[k - 1]!)} ≤ 0, ${w.prime} = 0)`;
  const f = activation[act];
  return `${w.prime} is below ${SATURATED_SHARE_TEXT} of its peak in ${layerList(layers, w.dash)} (${w.prime}(z${k}) = ${w.n(f.dphi(z[k - 1]!))} at z${k} = ${w.n(z[k - 1]!)})`;
}

/** What the rest of the run did, from the trajectory. */
function endingSentence(run: RunResult, v: Verdict, w: Words): string {
  const e = v.ending;
  switch (e.kind) {
    case 'overflow': {
      if (v.opening === 'overflow') return '';
      const what = e.what === 'loss' ? `the loss overflowed to ${w.n(run.trajectory.loss[e.step]!)}` : `a weight or bias ${e.nan ? 'became NaN' : `overflowed to ±${w.n(Infinity)}`}`;
      return `Then at step ${e.step} ${what} and training stopped.`;
    }
    case 'frozen': {
      const still = e.zeroGradient ? 'the gradient is exactly 0' : 'the gradient is too small to change any weight in double precision';
      const stays = `the loss stays at ${w.n(e.loss)} for ever`;
      const asymptote = asymptoteNote(run, v, e.step, e.loss, w);
      if (e.step === 0) return `Nothing ever moves: from step 0 ${still}, and ${stays}.${asymptote}`;
      if (e.saturated.length > 0) {
        const word = run.params.act === 'relu' ? 'dead' : 'saturated';
        return `Then ${word}: from step ${e.step} ${flatClause(run, e.saturated, e.step, w)}, ${still}, and ${stays}.${asymptote}`;
      }
      return `From step ${e.step} ${still}: ${stays}.${asymptote}`;
    }
    case 'moving': {
      const parts = [`over ${run.trajectory.loss.length} steps the loss went from ${w.n(e.lossFirst)} to ${w.n(e.lossLast)}`];
      if (e.saturated.length > 0) parts.push(`by step ${e.lastStep} ${flatClause(run, e.saturated, e.lastStep, w)}`);
      if (v.growth >= 10 && v.kind === 'exploding' && v.opening !== 'exploding') parts.push(`the largest weight grew ×${w.n(v.growth)}`);
      const s = parts.join('; ');
      return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
    }
  }
}

/** A loss of exactly 0 against a target phi only approaches: say why. */
function asymptoteNote(run: RunResult, v: Verdict, t: number, loss: number, w: Words): string {
  if (loss !== 0 || v.target.kind !== 'asymptote') return '';
  const L = run.params.depth;
  const z = run.trajectory.z[t]![L - 1]!;
  const f = activation[run.params.act];
  if (!(f.dphi(z) < SATURATED_SHARE * f.peak)) return '';
  return ` The loss is 0 only because y = ${w.n(run.params.y)} is ${phiName(run)}'s asymptote: with z${L} = ${w.n(z)} the output rounds to exactly ${w.n(run.params.y)} in double precision.`;
}

function targetSentence(run: RunResult, v: Verdict, w: Words): string {
  const t = v.target;
  if (t.kind !== 'unreachable') return '';
  const r = rangeOf(run.params.act);
  const range = r.hi === Infinity ? `${w.n(r.lo)} and up` : `between ${w.n(r.lo)} and ${w.n(r.hi)}`;
  return `y = ${w.n(t.y)} is out of ${phiName(run)}'s reach (its outputs are ${range}): the loss can never fall below (${w.n(t.y)} ${w.minus} ${paren(t.nearest, w)})² = ${w.n(t.minLoss)}.`;
}

function clipSentence(run: RunResult, v: Verdict, w: Words): string {
  const c = run.params.clip;
  if (c === null) return '';
  const steps = clippedSteps(run);
  const total = run.trajectory.loss.length;
  if (steps.length === 0) return `Clipping at ${w.n(c)} never triggered: the gradient's norm stayed at or below ${w.n(c)}.`;
  const when = steps.length === total ? `at every one of the ${total} steps` : `at ${steps.length} of ${total} steps`;
  const gain = run.params.depth > 1 ? ` (still ×${w.n(v.gain)} at step 0)` : '';
  return `Clipping at ${w.n(c)} scaled the gradient down ${when}: it bounds the size of each step, not the chain's gain${gain}.`;
}

/** The verdict as sentences: step 0, what followed, the target, clipping. Each is picked by the run's own numbers. */
export function verdictSentences(run: RunResult, v: Verdict, style: NumberStyle = 'unicode'): string[] {
  const w = words(run, style);
  return [openingSentence(run, v, w), endingSentence(run, v, w), targetSentence(run, v, w), clipSentence(run, v, w)].filter((s) => s !== '');
}

/** The verdict a student reads first: the whole run, in a few sentences. */
export function verdictLine(run: RunResult, v: Verdict, style: NumberStyle = 'unicode'): string {
  return verdictSentences(run, v, style).join(' ');
}

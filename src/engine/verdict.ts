import type { RunResult } from './simulate.ts';
import {
  classifyGain,
  frozenFrom,
  gradientIsZero,
  lossSpan,
  overflowOf,
  saturatedLayers,
  targetReach,
  weightGrowth,
  weightsGrew,
  type Overflow,
  type TargetReach,
} from './story.ts';

export type VerdictKind = 'healthy' | 'exploding' | 'diverged' | 'saturated' | 'vanishing';

/** What step 0 shows: the backward gain by the one rule, or a neuron already flat. */
export type Opening = 'overflow' | 'exploding' | 'saturated' | 'dead' | 'vanishing' | 'steady';

/** What the rest of the run did. */
export type Ending =
  | ({ kind: 'overflow' } & Overflow)
  /** From `step` on no parameter changes (see story.frozenFrom): the loss stays at `loss` for ever. */
  | { kind: 'frozen'; step: number; loss: number; zeroGradient: boolean; saturated: number[] }
  /** Still moving at the last step. */
  | { kind: 'moving'; lossFirst: number; lossLast: number; saturated: number[]; lastStep: number };

export interface Verdict {
  /**
   * The whole run in one word, for colours and quizzes: diverged (overflow),
   * exploding (step-0 gain >= 10, or the weights grew), saturated (a flat
   * neuron at step 0, or the run ends frozen or flat with a neuron saturated
   * and the loss above 0), vanishing (step-0 gain <= 0.1), else healthy.
   */
  kind: VerdictKind;
  opening: Opening;
  ending: Ending;
  target: TargetReach;
  /** The badge: step 0, then what followed, e.g. "EXPLODING → SATURATED". */
  badge: string;
  /** Backward gain through the chain at step 0: the product of |do_k/do_{k-1}|, k = L..2 (1 for depth 1, which has no links). */
  gain: number;
  /** Largest |w_k| reached over the run, over the largest at step 0. */
  growth: number;
  /** Layers (1-based) saturated at step 0 (story.isSaturated), a dead ReLU included. */
  flatLayers: number[];
  divergedAt: number | null;
}

function openingOf(run: RunResult, gain: number, flat: readonly number[]): Opening {
  if (run.diverged_at === 0) return 'overflow';
  const cls = classifyGain(gain);
  if (run.params.depth > 1 && cls === 'exploding') return 'exploding';
  if (flat.length > 0) return run.params.act === 'relu' ? 'dead' : 'saturated';
  if (run.params.depth > 1 && cls === 'vanishing') return 'vanishing';
  return 'steady';
}

function endingOf(run: RunResult): Ending {
  const o = overflowOf(run);
  if (o) return { kind: 'overflow', ...o };
  const f = frozenFrom(run);
  if (f !== null) return { kind: 'frozen', step: f, loss: run.trajectory.loss[f]!, zeroGradient: gradientIsZero(run, f), saturated: saturatedLayers(run, f) };
  const span = lossSpan(run)!;
  return { kind: 'moving', lossFirst: span.first, lossLast: span.last, saturated: saturatedLayers(run, span.lastStep), lastStep: span.lastStep };
}

const OPENING_WORD: Record<Opening, string> = {
  overflow: 'OVERFLOW',
  exploding: 'EXPLODING',
  saturated: 'SATURATED',
  dead: 'DEAD',
  vanishing: 'VANISHING',
  steady: '',
};

function flatWord(run: RunResult): string {
  return run.params.act === 'relu' ? 'DEAD' : 'SATURATED';
}

function endingWord(run: RunResult, opening: Opening, e: Ending): string {
  switch (e.kind) {
    case 'overflow':
      return opening === 'overflow' ? '' : 'OVERFLOW';
    case 'frozen':
      if (e.saturated.length > 0) return flatWord(run);
      if (e.loss === 0) return e.step === 0 ? 'NOTHING TO LEARN' : 'SOLVED';
      return 'FROZEN';
    case 'moving':
      if (e.saturated.length > 0) return flatWord(run);
      return e.lossLast < e.lossFirst / 2 ? 'LEARNING' : '';
  }
}

function unreachable(run: RunResult): boolean {
  return targetReach(run.params.act, run.params.y).kind === 'unreachable';
}

function badgeOf(run: RunResult, opening: Opening, e: Ending): string {
  const first = OPENING_WORD[opening];
  let then = endingWord(run, opening, e);
  if (then === first) then = '';
  if (first === '') {
    if (unreachable(run)) return then === '' || then === 'LEARNING' ? 'TARGET OUT OF REACH' : `${then} · TARGET OUT OF REACH`;
    if (then === 'LEARNING' || (e.kind === 'moving' && then === '' && e.lossLast < e.lossFirst)) return 'HEALTHY';
    return then === '' ? 'STEADY' : then;
  }
  return then === '' ? first : `${first} → ${then}`;
}

function kindOf(run: RunResult, opening: Opening, e: Ending): VerdictKind {
  if (run.diverged_at !== null) return 'diverged';
  if (opening === 'exploding' || weightsGrew(run)) return 'exploding';
  if (opening === 'saturated' || opening === 'dead') return 'saturated';
  const stuck = e.kind === 'frozen' ? e.loss > 0 : e.kind === 'moving' && e.lossLast > 0;
  if (e.kind !== 'overflow' && e.saturated.length > 0 && stuck) return 'saturated';
  if (opening === 'vanishing') return 'vanishing';
  return 'healthy';
}

/** The whole run's verdict: step 0 by the one rule (story.ts), then what the trajectory shows followed. */
export function verdictOf(run: RunResult): Verdict {
  const gain = run.step0.factors.filter((f) => f.kind === 'link').reduce((acc, f) => acc * Math.abs(f.value), 1);
  const flatLayers = saturatedLayers(run, 0);
  const opening = openingOf(run, gain, flatLayers);
  const ending = endingOf(run);
  return {
    kind: kindOf(run, opening, ending),
    opening,
    ending,
    target: targetReach(run.params.act, run.params.y),
    badge: badgeOf(run, opening, ending),
    gain,
    growth: weightGrowth(run),
    flatLayers,
    divergedAt: run.diverged_at,
  };
}

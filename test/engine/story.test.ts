import { describe, expect, it } from 'vitest';
import {
  backwardSignal,
  baselineStatus,
  classifyGain,
  clippedSteps,
  frozenFrom,
  gainAt,
  gradientIsZero,
  isSaturated,
  lectureSpec,
  saturatedLayers,
  simulate,
  targetReach,
  unitGainStart,
  weightsGrew,
} from '../../src/engine/index.ts';

describe('story.ts: what a run shows, from its own trajectory', () => {
  it('the lecture run: 1 -> 125 -> 15,625 at step 0, then every neuron saturated and frozen from step 1', () => {
    const run = simulate(lectureSpec());
    expect(backwardSignal(run, 0)).toEqual([15_625, 125, 1]);
    expect(backwardSignal(simulate(unitGainStart(lectureSpec())), 0)).toEqual([1, 1, 1]);
    expect(gainAt(run, 0)).toBe(15_625);
    expect(saturatedLayers(run, 0)).toEqual([]);
    expect(saturatedLayers(run, 1)).toEqual([1, 2, 3]);
    expect(frozenFrom(run)).toBe(1);
    expect(gradientIsZero(run, 1)).toBe(true);
    expect(weightsGrew(run)).toBe(false);
  });

  it('y=0.9 freezes too, with a gradient that is not 0 but moves no weight', () => {
    const run = simulate(lectureSpec({ y: 0.9 }));
    expect(frozenFrom(run)).toBe(1);
    expect(gradientIsZero(run, 1)).toBe(false);
    expect(run.trajectory.loss.at(-1)).toBeCloseTo(0.01, 12);
  });

  it('one threshold: gains of 10 and 0.1 are the edges; z = 5 is not saturated (σ′ = 0.0066), z = 10 is', () => {
    expect([classifyGain(10), classifyGain(9.99), classifyGain(0.1), classifyGain(0.11), classifyGain(-32)]).toEqual(['exploding', 'steady', 'vanishing', 'steady', 'exploding']);
    expect(isSaturated('sigmoid', 5)).toBe(false);
    expect(isSaturated('sigmoid', 10)).toBe(true);
    expect(isSaturated('relu', 0)).toBe(true);
    expect(isSaturated('relu', 1e-9)).toBe(false);
    expect(isSaturated('linear', 1e300)).toBe(false);
  });

  it('targets: sigmoid reaches (0, 1) only, 1 on its asymptote; tanh (−1, 1); relu 0 and up', () => {
    expect(targetReach('sigmoid', 0.9).kind).toBe('reachable');
    expect(targetReach('sigmoid', 1).kind).toBe('asymptote');
    expect(targetReach('sigmoid', 5)).toEqual({ kind: 'unreachable', y: 5, nearest: 1, minLoss: 16 });
    expect(targetReach('tanh', -3)).toEqual({ kind: 'unreachable', y: -3, nearest: -1, minLoss: 4 });
    expect(targetReach('relu', 0).kind).toBe('reachable');
    expect(targetReach('relu', -1).kind).toBe('unreachable');
    expect(targetReach('linear', -1e6).kind).toBe('reachable');
  });

  it('clipping is counted where it scaled the gradient, and not at an overflowing step', () => {
    expect(clippedSteps(simulate(lectureSpec({ act: 'relu', depth: 8, clip: 1 })))).toHaveLength(30);
    expect(clippedSteps(simulate(lectureSpec({ w: 4, clip: 1000 })))).toEqual([]);
  });
});

describe('the unit-gain start: the same run with only the weights changed', () => {
  it('keeps the run\u2019s biases and recentres only a centred run', () => {
    const centred = simulate(unitGainStart(lectureSpec()));
    expect(centred.params.w).toEqual([4, 4, 4]);
    expect(centred.params.b).toEqual([-4, -2, -2]);
    const b0 = simulate(unitGainStart(lectureSpec({ w: 4, b: 0 })));
    expect(b0.params.b).toEqual([0, 0, 0]);
    const over = simulate(unitGainStart(lectureSpec({ b: 0.3, bLayers: { 2: -1 } })));
    expect(over.params.b).toEqual([0.3, -1, 0.3]);
  });

  it('is never called healthy when it is the run itself, dead, or starts at loss 0', () => {
    const status = (spec: ReturnType<typeof lectureSpec>) => baselineStatus(simulate(spec), simulate(unitGainStart(spec)));
    expect(status(lectureSpec())).toBe('healthy');
    expect(status(lectureSpec({ w: 4, b: 0 }))).toBe('same');
    expect(status(lectureSpec({ act: 'relu', x: -1 }))).toBe('dead');
    expect(status(lectureSpec({ act: 'linear' }))).toBe('nothing-to-learn');
    expect(status(lectureSpec({ y: 5 }))).toBe('stuck');
  });
});

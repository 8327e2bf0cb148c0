import { lectureSpec, simulate, type RunResult } from '../../engine/index.ts';
import { num, paren } from '../choices.ts';
import { claims, numeric, type Template } from './shared.ts';

/** The first step from which every ReLU has z ≤ 0 at every later step (null if never). */
export function deadFrom(run: RunResult): number | null {
  const z = run.trajectory.z;
  let from: number | null = null;
  for (let t = z.length - 1; t >= 0; t--) {
    if (z[t]!.every((v) => v <= 0)) from = t;
    else break;
  }
  return from;
}

const allZero = (rows: readonly (readonly number[])[]) => rows.every((r) => r.every((v) => v === 0));

export const deadRelu: Template[] = [
  (rng) => {
    const z = rng.pick([-0.5, -1, -3, -10]);
    return numeric(
      rng,
      'dead-relu',
      `A ReLU neuron has z = ${num(z)}. What factor does relu'(z) put into the chain rule?`,
      0,
      [
        { value: 1, why: (v) => `${v} is relu'(z) only for z > 0` },
        { value: 0.25, why: (v) => `${v} is the sigmoid's peak slope` },
        { value: z, why: (v) => `${v} is z itself, not the slope` },
        { value: 0.01, why: (v) => `${v} is a leaky ReLU's slope, not a plain ReLU's` },
      ],
      (slips) =>
        `relu(z) = max(0, z) is flat for z ≤ 0, so relu'(${num(z)}) = 0: everything behind this neuron gets no gradient through it, and if its z stays negative for every input, its own weights never move again (a dead ReLU).${slips}`,
    );
  },
  // A negative input: the first ReLU is dead from the start, and everything behind it with it.
  (rng) => {
    const depth = rng.pick([2, 3, 4]);
    const w = rng.pick([0.5, 1, 2, 4]);
    const x = rng.pick([-1, -2]);
    const steps = rng.pick([30, 100]);
    const run = simulate(lectureSpec({ act: 'relu', depth, w, x, steps }));
    const t = run.trajectory;
    const w1s = t.w.map((r) => r[0]!);
    const facts = { run, moved: w1s.some((v) => v !== w1s[0]), zeroGrad: allZero(t.grad_w) && allZero(t.grad_b), last: t.loss[t.loss.length - 1]! };
    type F = typeof facts;
    const z1 = run.step0.z[0]!;
    return claims(
      rng,
      'dead-relu',
      `Run act=relu depth=${depth} w=${w} x=${num(x)} (b = 0, y = 1, lr = 0.01): how much does w1 change over ${steps} steps?`,
      facts,
      [
        { text: "Not at all: relu'(z1) = 0, so every gradient is 0", holds: (f: F) => !f.moved && f.zeroGrad },
        { text: 'A little: the gradient is small but not 0', holds: (f: F) => f.moved && !f.zeroGrad },
        { text: 'It grows each step: a ReLU never saturates', holds: (f: F) => f.moved && Math.abs(f.run.trajectory.w.at(-1)![0]!) > Math.abs(w) },
        { text: 'It moves until ŷ = y and the loss is 0', holds: (f: F) => f.moved && f.last === 0 },
      ],
      `z1 = ${w} × ${paren(x)} + 0 = ${num(z1)} < 0, so o1 = relu(z1) = 0 and relu'(z1) = 0. Every later layer sees 0 too (z = w × 0 + 0 = 0, and relu'(0) = 0), so ŷ = 0, the loss is (0 − 1)² = ${num(run.trajectory.loss[0]!)} at every step, and every gradient the engine computes is 0: w1 stays ${num(w)} for all ${steps} steps. The neurons are dead; a larger learning rate or clipping cannot revive them, a different init or bias can.`,
    );
  },
  // One huge step kills every ReLU: the explosion becomes a dead network.
  (rng) => {
    const w = rng.pick([5, 20, 100, 500]);
    const lr = rng.pick([0.01, 0.1]);
    const depth = 3;
    const run = simulate(lectureSpec({ act: 'relu', w, lr, depth }));
    const t = run.trajectory;
    const dead = deadFrom(run);
    const facts = { run, dead };
    type F = typeof facts;
    const frozen = (f: F) => f.dead !== null && allZero(f.run.trajectory.grad_w.slice(f.dead)) && allZero(f.run.trajectory.grad_b.slice(f.dead));
    const w1 = t.w[1]?.[0];
    const z1 = t.z[1]?.[0];
    if (dead !== 1 || w1 === undefined || z1 === undefined) return null;
    const stuck = t.loss[1]!;
    return claims(
      rng,
      'dead-relu',
      `Run act=relu w=${w} lr=${lr} (3 layers, b = 0, x = y = 1): ŷ = ${num(run.step0.yhat)} and the loss is ${num(t.loss[0]!)} at step 0. What happens after the first update?`,
      facts,
      [
        { text: `Every ReLU dies (z ≤ 0): the loss stays ${num(stuck)} for good`, holds: (f: F) => frozen(f) && f.run.trajectory.loss.slice(1).every((l) => l === stuck) },
        { text: 'It overflows to infinity', holds: (f: F) => f.run.diverged_at !== null },
        { text: 'The loss falls towards 0: a ReLU never saturates', holds: (f: F) => f.run.trajectory.loss.at(-1)! < 0.01 },
        { text: 'The weights keep growing every step', holds: (f: F) => f.run.trajectory.w.every((r, i, all) => i === 0 || Math.abs(r[0]!) > Math.abs(all[i - 1]![0]!)) },
      ],
      `At step 0 dloss/dw1 = ${num(run.step0.grad_w1)}, so the update moves w1 from ${num(w)} to ${num(w1)}, and z1 = ${num(z1)} at step 1. From then on every z is ≤ 0, every relu'(z) = 0, ŷ = 0 and every gradient is exactly 0: the loss stays (0 − 1)² = ${num(stuck)} at all ${t.loss.length - 1} remaining steps. The exploding step produced a dead network, not a trained one.`,
    );
  },
];

import { describe, expect, it } from 'vitest';
import { backward, forward, lectureSpec, runToJson, simulate, type RunResult } from '../../src/engine/index.ts';

/** Re-runs step t's forward and backward pass from the recorded parameters. */
function passAt(run: RunResult, t: number) {
  const net = { act: run.params.act, w: [...run.trajectory.w[t]!], b: [...run.trajectory.b[t]!] };
  const pass = forward(net, run.params.x, run.params.y);
  return { pass, grads: backward(net, run.params.x, run.params.y, pass) };
}

describe('trajectory.z, grad_w, grad_b (engine.md, machine-readable output)', () => {
  it('the lecture run: the step-0 gradient is 15,625 times the healthy one, then every neuron saturates and the gradient is 0', () => {
    const run = simulate(lectureSpec());
    const t = run.trajectory;
    expect(t.z).toHaveLength(t.loss.length);
    expect(t.grad_w).toHaveLength(t.loss.length);
    expect(t.grad_b).toHaveLength(t.loss.length);
    expect(t.z[0]).toEqual([0, 0, 0]);
    expect(t.grad_w[0]![0]).toBe(-3906.25);
    expect(t.grad_w[0]![0]! / simulate(lectureSpec({ w: 4 })).trajectory.grad_w[0]![0]!).toBe(15_625);
    // One update moves w1 and b1 by +39.0625, so z1 = 78.125 at step 1.
    expect(t.z[1]![0]).toBeCloseTo(78.125, 9);
    expect(t.z[1]![1]).toBeGreaterThan(240);
    expect(t.grad_w.slice(1).flat().every((g) => g === 0)).toBe(true);
  });

  it('every row is the unclipped backward pass at that step\u2019s recorded parameters', () => {
    for (const spec of [lectureSpec({ clip: 1, y: 0.9 }), lectureSpec({ act: 'tanh', w: 1.5, depth: 5 }), lectureSpec({ act: 'relu', w: 0.7, b: 0.1 })]) {
      const run = simulate(spec);
      run.trajectory.loss.forEach((loss, step) => {
        const { pass, grads } = passAt(run, step);
        expect(run.trajectory.z[step]).toEqual(pass.z);
        expect(run.trajectory.grad_w[step]).toEqual(grads.w);
        expect(run.trajectory.grad_b[step]).toEqual(grads.b);
        expect(loss).toBe(pass.loss);
      });
    }
  });

  it('a step whose loss is non-finite still records its backward pass, then the loop stops', () => {
    const run = simulate(lectureSpec({ act: 'linear' }));
    expect(run.diverged_at).toBe(2);
    expect(run.trajectory.loss[2]).toBe(Infinity);
    expect(run.trajectory.grad_w).toHaveLength(3);
    // z3 = 4.4e173 is finite but its square is not; the backward pass still runs (5.2e289).
    expect(run.trajectory.grad_w[2]![0]).toBeGreaterThan(1e289);
    const json = runToJson(run);
    expect(json.trajectory.loss[2]).toBe('Infinity');
    expect(json.trajectory.z).toHaveLength(3);
    expect(json.trajectory.grad_b).toHaveLength(3);
  });

  it('non-finite gradients are printed as the spec\u2019s strings', () => {
    const json = runToJson(simulate(lectureSpec({ act: 'linear', w: 1e120 })));
    expect(json.diverged_at).toBe(0);
    expect(json.trajectory.grad_w[0]!.some((g) => typeof g === 'string')).toBe(true);
  });
});

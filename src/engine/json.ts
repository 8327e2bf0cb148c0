import type { RunResult } from './simulate.ts';

/** The spec's JSON: non-finite numbers become "NaN", "Infinity", "-Infinity". */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function jsonNumber(v: number): JsonNumber {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

const arr = (xs: readonly number[]) => xs.map(jsonNumber);

export function runToJson(run: RunResult) {
  const { params: p, step0: s, trajectory: t } = run;
  return {
    params: { depth: p.depth, act: p.act, x: p.x, y: p.y, lr: p.lr, steps: p.steps, clip: p.clip, w: arr(p.w), b: arr(p.b) },
    step0: {
      z: arr(s.z),
      o: arr(s.o),
      yhat: jsonNumber(s.yhat),
      loss: jsonNumber(s.loss),
      factors: s.factors.map((f) => ({ label: f.label, value: jsonNumber(f.value), bound: f.bound === null ? null : jsonNumber(f.bound) })),
      grad_w1: jsonNumber(s.grad_w1),
      grads: { w: arr(s.grads.w), b: arr(s.grads.b) },
    },
    trajectory: {
      w: t.w.map(arr),
      b: t.b.map(arr),
      loss: arr(t.loss),
      z: t.z.map(arr),
      grad_w: t.grad_w.map(arr),
      grad_b: t.grad_b.map(arr),
    },
    diverged_at: run.diverged_at,
  };
}

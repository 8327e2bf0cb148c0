import { describe, expect, it } from 'vitest';
import { gradbot, gradbotInProcess } from './run-bin.ts';
import { ACTIVATIONS, activation } from '../../src/engine/index.ts';

type Json = number | string | null | Json[] | { [k: string]: Json };
const num = (v: Json | undefined): number => {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new Error(`not a spec number: ${JSON.stringify(v)}`);
};

describe('gradbot CLI', () => {
  it('example --json prints the lecture\u2019s product and update', async () => {
    const r = await gradbot('example', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ factors: [150, 100, 125, 50], product: 93750000, w: 500, lr: 0.01, w_new: -937000 });
  });

  it.each(ACTIVATIONS)('explode --json w=500 lr=0.01 act=%s matches the spec field by field', async (act) => {
    const r = await gradbotInProcess('explode', '--json', 'w=500', 'lr=0.01', `act=${act}`);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { [k: string]: { [k: string]: Json } } & { diverged_at: number | null };
    expect(Object.keys(j)).toEqual(['params', 'step0', 'trajectory', 'diverged_at']);
    const p = j.params!;
    expect(Object.keys(p)).toEqual(['depth', 'act', 'x', 'y', 'lr', 'steps', 'clip', 'w', 'b']);
    expect(p).toMatchObject({ depth: 3, act, x: 1, y: 1, lr: 0.01, steps: 30, clip: null, w: [500, 500, 500] });
    const centred = act === 'sigmoid' || act === 'tanh';
    const half = act === 'sigmoid' ? 0.5 : 0;
    expect(p.b).toEqual(centred ? [-500, -500 * half, -500 * half].map((v) => v + 0) : [0, 0, 0]);
    const s = j.step0!;
    expect(Object.keys(s)).toEqual(['z', 'o', 'yhat', 'loss', 'factors', 'grad_w1', 'grads']);
    const factors = s.factors as { label: string; value: Json; bound: Json }[];
    expect(factors.map((f) => f.label)).toEqual(['dloss/do3', 'do3/do2', 'do2/do1', 'do1/dw1']);
    expect(factors[0]!.bound).toBeNull();
    const peak = activation[act].peak;
    expect(factors.slice(1).map((f) => num(f.bound))).toEqual([peak * 500, peak * 500, peak]);
    const product = factors.reduce((a, f) => a * num(f.value), 1);
    const g = num(s.grad_w1);
    if (Number.isFinite(g)) expect(product / g).toBeCloseTo(1, 12);
    expect((s.grads as { w: Json[] }).w[0]).toEqual(s.grad_w1);
    const t = j.trajectory!;
    const rows = t.w as Json[][];
    expect(rows[0]).toEqual([500, 500, 500]);
    if (rows.length > 1 && Number.isFinite(g)) expect(num(rows[1]![0])).toBe(500 - 0.01 * g);
    const losses = t.loss as Json[];
    if (j.diverged_at === null) {
      expect(rows).toHaveLength(31);
      expect(losses).toHaveLength(30);
    } else {
      expect(rows.length).toBe(j.diverged_at + 1);
    }
  });

  it('explode --json writes non-finite numbers as strings', async () => {
    const r = await gradbotInProcess('explode', '--json', 'act=linear', 'steps=5');
    const j = JSON.parse(r.stdout);
    expect(j.diverged_at).toBe(2);
    expect(j.trajectory.loss[2]).toBe('Infinity');
  });

  it('prints a readable breakdown with a verdict without --json', async () => {
    const r = await gradbotInProcess('explode', 'w=500', 'lr=0.01');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('do2/do1');
    expect(r.stdout).toContain('-3,906.25');
    expect(r.stdout).toMatch(/verdict: Exploding/);
  });

  it.each([
    [['explode', 'rl=0.1'], 'rl'],
    [['explode', 'w=abc'], 'w'],
    [['explode', 'lr=0'], 'lr'],
    [['example', 'factors=1,x'], 'factors'],
  ])('bad input %j exits 2 with one line naming %s', async (args, key) => {
    const r = await gradbotInProcess(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(key);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('the real binary: bad input exits with status 2 and one line on stderr, no stack trace', async () => {
    const r = await gradbot('explode', 'w=abc');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('w=abc')]);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

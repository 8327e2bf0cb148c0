import { describe, expect, it } from 'vitest';
import { gradbot, gradbotInProcess } from '../cli/run-bin.ts';


const cli = gradbotInProcess;

describe('gradbot layers', () => {
  it('the real binary: --json prints the object, bad input one line and status 2', async () => {
    const good = await gradbot('layers', '--json', 'depth=2', 'width=4', 'batch=2', 'steps=1');
    expect(good.code).toBe(0);
    expect(Object.keys(JSON.parse(good.stdout))).toEqual(['params', 'step0', 'trajectory', 'ratio_first_last', 'verdict', 'diverged_at']);
    const bad = await gradbot('layers', 'init=xavier', 'std=0.5');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('gradbot layers: init=xavier contradicts std=0.5: std sets the spread of init=normal; drop std, or write init=normal.\n');
  });

  it.each([
    ['small-random', 'vanishing'],
    ['large-random', 'exploding'],
    ['he', 'healthy'],
    ['lecture', 'vanishing'],
  ])('--json preset=%s says %s', async (preset, verdict) => {
    const r = await cli('layers', '--json', `preset=${preset}`);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { verdict: string; ratio_first_last: number; step0: { gain: number[]; grad_norm_h: number[]; grad_norm_input: number }; params: { depth: number } };
    expect(j.verdict).toBe(verdict);
    const s = j.step0;
    expect(s.gain).toHaveLength(j.params.depth);
    expect(j.ratio_first_last).toBeCloseTo(s.grad_norm_input / s.grad_norm_h[j.params.depth - 1]!, 12);
  });

  it('prints a readable summary: a row per layer and the verdict in numbers', async () => {
    const r = await cli('layers', 'depth=3', 'width=8', 'batch=4', 'steps=2', 'init=normal', 'std=0.01');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/layer +act mean +act std +saturated +norm\(D_k\) +gain +norm\(GW_k\)/);
    expect(r.stdout.split('\n').filter((l) => /^[123] /.test(l))).toHaveLength(3);
    expect(r.stdout).toMatch(/verdict: Vanishing: each tanh layer multiplies the gradient by about 0\.0\d+ on its way back: 3 layers leave/);
  });

  it('bad input: one line naming the key, exit status 2', async () => {
    for (const args of [['init=xavier', 'std=0.5'], ['width=128', 'batch=64', 'depth=50', 'steps=200'], ['widht=3']]) {
      const r = await cli('layers', ...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^gradbot layers: /);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_LAYERS_WORK } from '../../src/engine/layers/index.ts';
import { LAYERS_PRESETS, layersKey, parseLayers, usageLines, layersSchema } from '../../src/params/index.ts';

const ok = (text: string) => {
  const r = parseLayers({ text });
  if (!r.ok) throw new Error(r.message);
  return r.params;
};
const refused = (text: string) => {
  const r = parseLayers({ text });
  if (r.ok) throw new Error(`accepted: ${text}`);
  return r;
};

describe('/layers parameters', () => {
  it("defaults are the spec's", () => {
    expect(ok('')).toEqual({ depth: 10, width: 64, act: 'tanh', init: 'xavier', std: null, w: null, gain: 1, batch: 32, seed: 751, lr: 0.01, steps: 20, clip: null });
  });

  it('std= implies init=normal and w= implies init=const', () => {
    expect(ok('std=0.5')).toMatchObject({ init: 'normal', std: 0.5, w: null });
    expect(ok('w=2')).toMatchObject({ init: 'const', w: 2, std: null });
    expect(ok('init=normal')).toMatchObject({ std: 1 });
    expect(ok('init=const')).toMatchObject({ w: 500 });
  });

  it("refuses the spec's contradictions, naming both keys", () => {
    const a = refused('init=xavier std=0.5');
    expect(a.message).toMatch(/init=xavier.*std=0\.5/);
    expect(a.keys).toEqual(['init', 'std']);
    expect(refused('init=he w=3').message).toMatch(/init=he.*w=3/);
    expect(refused('std=1 w=2').keys).toEqual(['std', 'w']);
    expect(refused('init=const gain=2').message).toMatch(/gain=2.*init=const/);
    expect(refused('w=5 gain=2').keys).toEqual(['gain']);
    expect(refused('preset=lecture gain=2').message).toMatch(/preset=lecture/);
  });

  it('refuses a run above the work cap, naming the product and what to lower', () => {
    // 100² × 20 × 50 × 20 is exactly the cap.
    expect(100 * 100 * 20 * 50 * 20).toBe(MAX_LAYERS_WORK);
    expect(ok('width=100 batch=20 depth=50 steps=19').steps).toBe(19);
    const r = refused('width=100 batch=20 depth=50 steps=20');
    expect(r.message).toContain('width² × batch × depth × (steps + 1) = 100² × 20 × 50 × 21 = 210,000,000');
    expect(r.message).toContain('200,000,000');
    expect(r.message).toMatch(/lower steps to at most 19/);
    const big = refused('width=128 batch=64 depth=50 steps=200');
    expect(big.message).toMatch(/lower steps to at most 2\b/);
  });

  it('presets set their keys, explicit keys win, and each is documented', () => {
    expect(ok('preset=small-random')).toMatchObject({ act: 'tanh', init: 'normal', std: 0.01 });
    expect(ok('preset=large-random')).toMatchObject({ act: 'tanh', init: 'normal', std: 1 });
    expect(ok('preset=he')).toMatchObject({ act: 'relu', init: 'he', depth: 20 });
    expect(ok('preset=relu-xavier')).toMatchObject({ act: 'relu', init: 'xavier', depth: 20 });
    expect(ok('preset=lecture')).toMatchObject({ act: 'sigmoid', init: 'const', w: 500 });
    expect(ok('preset=lecture w=4')).toMatchObject({ act: 'sigmoid', init: 'const', w: 4 });
    expect(ok('preset=small-random std=0.1 depth=5')).toMatchObject({ std: 0.1, depth: 5 });
    // An explicit init leaves the preset's std behind rather than contradicting it.
    expect(ok('preset=small-random init=xavier')).toMatchObject({ init: 'xavier', std: null });
    expect(ok('preset=lecture std=0.2')).toMatchObject({ init: 'normal', std: 0.2, w: null });
    for (const name of Object.keys(LAYERS_PRESETS)) expect(usageLines(layersSchema)[0]).toContain(name);
  });

  it('bad values and unknown keys get the shared messages with did-you-mean', () => {
    expect(refused('dpeth=3').message).toMatch(/Did you mean `depth`/);
    expect(refused('width=129').message).toMatch(/width takes a whole number from 1 to 128/);
    expect(refused('steps=-1').message).toMatch(/steps takes a whole number from 0 to 200/);
    expect(refused('preset=hee').message).toMatch(/one of small-random, large-random, relu-xavier, he, lecture/);
    expect(refused('gain=0').message).toMatch(/gain takes a finite number greater than 0/);
    expect(refused('seed=4294967296').keys).toEqual(['seed']);
  });

  it('typed options (Discord) work like the text form and win over it', () => {
    const r = parseLayers({ text: 'depth=4', options: { depth: 6, act: 'relu' } });
    expect(r.ok && r.params).toMatchObject({ depth: 6, act: 'relu' });
    expect(r.ok && r.notes[0]).toMatch(/depth=6.*wins/);
  });

  it('the key names the run, the same for equal runs', () => {
    expect(layersKey(ok('lr=1e-2 depth=10'))).toBe(layersKey(ok('')));
    expect(layersKey(ok('preset=lecture'))).toBe('depth=10 width=64 act=sigmoid init=const w=500 batch=32 seed=751 lr=0.01 steps=20 clip=off');
  });
});

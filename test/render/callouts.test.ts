import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/index.ts';
import { breakdownAlt } from '../../src/render/breakdown.ts';
import { calloutsOf } from '../../src/render/callouts.ts';
import { altNum, compactNum, prettyLabel } from '../../src/render/labels.ts';
import { texFactor, texNum } from '../../src/render/tex.ts';
import { spec } from './helpers.ts';

const kinds = (text: string) => calloutsOf(simulate(spec(text))).map((c) => c.kind);

describe('callouts: what the run shows that the bound hides', () => {
  it('the lecture default needs none', () => {
    expect(kinds('w=500 lr=0.01')).toEqual([]);
  });

  it('saturation, with the tiny derivative and its z', () => {
    const [c] = calloutsOf(simulate(spec('b=0.3')));
    expect(c?.kind).toBe('saturated');
    expect(c?.body).toMatch(/σ′\(z₁\) = 5\.3 × 10⁻²¹⁸ at z₁ = 500\.3/);
  });

  it('dead ReLUs, named by layer', () => {
    const [c] = calloutsOf(simulate(spec('act=relu depth=4 w=2 w3=-1')));
    expect(c?.kind).toBe('dead');
    expect(c?.title).toBe('Dead ReLUs in layers 3 and 4');
  });

  it('overflow and NaN, at the step they happened', () => {
    const lin = calloutsOf(simulate(spec('act=linear')))[0];
    expect(lin?.title).toBe('Overflow to infinity at step 2');
    const nan = calloutsOf(simulate(spec('act=linear x=1e308 w=1e308 w2=0')))[0];
    expect(nan?.title).toBe('NaN at step 0');
  });

  it('clipping, only when it triggered', () => {
    const run = simulate(spec('depth=8 act=relu clip=1'));
    const c = calloutsOf(run).find((x) => x.kind === 'clipped');
    expect(c?.body).toContain(`scaled by ${'5.5 × 10⁻⁴²'}`);
    expect(kinds('w=1 clip=1000')).not.toContain('clipped');
  });

  it('at most three, most important first', () => {
    const many = kinds('act=linear w=1e308 clip=1');
    expect(many[0]).toBe('overflow');
    expect(many.length).toBeLessThanOrEqual(3);
  });
});

describe('numbers and labels for people', () => {
  it('typesets numbers like the lecture: separators, superscript exponents, ∞', () => {
    expect(texNum(93_750_000)).toBe('93{,}750{,}000');
    expect(texNum(-937_000)).toBe('-937{,}000');
    expect(texNum(7.1e-218)).toBe('7.1\\times 10^{-218}');
    expect(texNum(Infinity)).toBe('\\infty');
    expect(texNum(NaN)).toBe('\\text{NaN}');
  });

  it('turns the engine\'s factor labels into fractions and subscripts', () => {
    expect(texFactor('dloss/do3')).toBe('\\frac{d\\,\\mathrm{loss}}{do_{3}}');
    expect(texFactor('do12/do11')).toBe('\\frac{do_{12}}{do_{11}}');
    expect(texFactor('do1/dw1')).toBe('\\frac{do_{1}}{dw_{1}}');
    expect(prettyLabel('do12/do11')).toBe('do₁₂/do₁₁');
  });

  it('writes alt-text numbers without superscripts, and big chain values compactly', () => {
    expect(altNum(7.1e-218)).toBe('7.1 × 10^-218');
    expect(altNum(-3906.25)).toBe('−3,906.25');
    expect(compactNum(124_699_398_798)).toBe('1.2 × 10¹¹');
    expect(compactNum(0.5)).toBe('0.5');
  });

  it('alt text is the one sentence the issue asks for', () => {
    expect(breakdownAlt(simulate(spec('w=500 lr=0.01')))).toBe('Chain-rule breakdown for w=500, lr=0.01, sigmoid, depth 3: dloss/dw1 = −3,906.25, exploding, then saturated.');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { symlogFor } from '../../src/render/symlog.ts';

describe('the symmetric-log axis', () => {
  it('labels decades for people and keeps 0 apart from the smallest value', () => {
    const s = symlogFor([500, 539, 4], 7);
    expect(s.ticks.map(s.label)).toEqual(['1', '10', '100', '1,000']);
    const loss = symlogFor([0.25, 0, 0.18], 4, true);
    expect(loss.ticks.map(loss.label)).toEqual(['0', '0.1', '1']);
    expect(loss.to(0)).toBe(0);
    expect(loss.to(0.1)).toBeGreaterThan(0.5);
  });

  it('shows sign: negative values map below zero with − labels', () => {
    const s = symlogFor([500, -6.25e11, 3.8e57, 1], 7);
    expect(s.to(-6.25e11)).toBeLessThan(0);
    expect(s.ticks.some((t) => t < 0)).toBe(true);
    expect(s.ticks.filter((t) => t < 0).map(s.label).every((l) => l.startsWith('−'))).toBe(true);
    expect(s.ticks.map(s.label)).toContain('10²⁰');
  });

  it('spans the whole double range without overflow', () => {
    const s = symlogFor([1e308, -1e308, 1e-300], 7);
    expect(Number.isFinite(s.min) && Number.isFinite(s.max)).toBe(true);
    expect(s.to(1e308)).toBeLessThanOrEqual(s.max);
    expect(s.to(-1e308)).toBeGreaterThanOrEqual(s.min);
  });

  it('is monotonic, keeps every finite value in range and never crowds its ticks', () => {
    const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1e-300, 5e-324, 1e308));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 40 }), fc.integer({ min: 3, max: 8 }), (values, maxTicks) => {
        const s = symlogFor(values, maxTicks);
        const sorted = [...values].sort((a, b) => a - b);
        for (let i = 1; i < sorted.length; i++) expect(s.to(sorted[i]!)).toBeGreaterThanOrEqual(s.to(sorted[i - 1]!));
        for (const v of values) {
          expect(s.to(v)).toBeGreaterThanOrEqual(s.min - 1e-9);
          expect(s.to(v)).toBeLessThanOrEqual(s.max + 1e-9);
        }
        expect(s.ticks.length).toBeLessThanOrEqual(Math.ceil(maxTicks * 1.25) + 1);
        const gap = (s.max - s.min) / (maxTicks * 1.25);
        for (let i = 1; i < s.ticks.length; i++) expect(s.ticks[i]! - s.ticks[i - 1]!).toBeGreaterThanOrEqual(gap - 1e-9);
        for (const t of s.ticks) expect(s.label(t)).not.toMatch(/e[+-]|NaN|Infinity/);
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, backward, forward, type Activation, type Chain } from '../../src/engine/index.ts';

/** Central finite difference of the loss with respect to one parameter. */
function numericGrad(net: Chain, x: number, y: number, which: 'w' | 'b', k: number): number {
  const h = 1e-6 * Math.max(1, Math.abs(net[which][k]!));
  const plus = structuredClone(net);
  const minus = structuredClone(net);
  plus[which][k]! += h;
  minus[which][k]! -= h;
  return (forward(plus, x, y).loss - forward(minus, x, y).loss) / (2 * h);
}

const param = fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true });

describe('backprop', () => {
  for (const act of ACTIVATIONS) {
    it(`matches central finite differences on random ${act} chains`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 5 }).chain((depth) =>
            fc.record({
              w: fc.array(param, { minLength: depth, maxLength: depth }),
              b: fc.array(param, { minLength: depth, maxLength: depth }),
              x: param,
              y: param,
            }),
          ),
          ({ w, b, x, y }) => {
            const net: Chain = { act: act as Activation, w, b };
            const pass = forward(net, x, y);
            // ReLU has a kink at 0: finite differences across it measure nothing useful.
            fc.pre(act !== 'relu' || pass.z.every((z) => Math.abs(z) > 1e-3));
            const g = backward(net, x, y, pass);
            for (const which of ['w', 'b'] as const) {
              for (let k = 0; k < w.length; k++) {
                const num = numericGrad(net, x, y, which, k);
                const tol = 1e-5 + 1e-4 * Math.max(Math.abs(num), Math.abs(g[which][k]!));
                expect(Math.abs(g[which][k]! - num)).toBeLessThanOrEqual(tol);
              }
            }
          },
        ),
        { numRuns: 300, seed: 42 },
      );
    });
  }
});

import { activation, workedExample } from '../../engine/index.ts';
import { num } from '../choices.ts';
import { chainGain, gainWord, numeric, percent, text, type Template } from './shared.ts';

const sigmoid = activation.sigmoid;

/** What one step of size |step| does to a weight of size |w|, said only as far as the numbers go. */
export function stepWord(w: number, step: number): string {
  const ratio = Math.abs(step) / Math.abs(w);
  if (ratio >= 10) return `The step, ${num(step)}, is ${num(ratio)} times the weight itself: one update flings w far past 0.`;
  if (ratio > 1) return `The step, ${num(step)}, is larger than the weight itself: one update carries w past 0.`;
  if (ratio === 1) return `The step, ${num(step)}, equals the weight: one update moves w exactly to 0.`;
  return `The step, ${num(step)}, is ${percent(ratio)} of the weight: this learning rate keeps the move smaller than w itself, though dloss/dw is large.`;
}

export const exploding: Template[] = [
  (rng) => {
    const w = rng.pick([8, 20, 40, 100, 500]);
    const depth = rng.pick([3, 4, 5, 6]);
    const gain = chainGain(w, depth);
    const link = sigmoid.peak * w;
    return numeric(
      rng,
      'exploding',
      `A chain of ${depth} sigmoid neurons, every w = ${w}, centred so each σ'(z) = 0.25. By what factor do the ${depth - 1} links do_k/do_(k-1) multiply the gradient on its way back?`,
      gain,
      [
        { value: w ** (depth - 1), why: (v) => `forgetting σ' gives ${v}` },
        { value: (depth - 1) * link, why: (v) => `adding the links instead of multiplying them gives ${v}` },
        { value: (0.5 * w) ** (depth - 1), why: (v) => `using σ(0) = 0.5, the output, instead of the slope σ'(0) = 0.25 gives ${v}` },
        { value: link, why: (v) => `${v} is one link, not the product of the ${depth - 1} links` },
      ],
      (slips) =>
        `Each link is σ'(z)·w = 0.25 × ${w} = ${num(link)}, and the chain rule multiplies them: ${num(link)}^${depth - 1} = ${num(gain)}, ${gainWord(gain)}.${slips}`,
    );
  },
  (rng) => {
    const factors = [rng.pick([20, 50, 150]), rng.pick([10, 40, 100]), rng.pick([25, 75, 125]), rng.pick([5, 10, 50])];
    const w = rng.pick([100, 200, 500]);
    const lr = rng.pick([0.1, 0.01, 0.001]);
    const ex = workedExample(factors, w, lr);
    const sum = factors.reduce((a, b) => a + b, 0);
    const step = lr * ex.product;
    return numeric(
      rng,
      'exploding',
      `The lecture's example with other numbers: the chain-rule factors of dloss/dw are ${factors.join(', ')}; w = ${w}, lr = ${lr}. What is w_new?`,
      ex.w_new,
      [
        { value: w + step, why: (v) => `adding the step instead of subtracting it gives ${v}` },
        { value: w - lr * w, why: (v) => `${v} uses lr × w instead of lr × dloss/dw` },
        { value: w - lr * sum, why: (v) => `adding the factors instead of multiplying them gives ${v}` },
        { value: w - ex.product, why: (v) => `forgetting the learning rate gives ${v}` },
      ],
      (slips) =>
        `dloss/dw = ${factors.join(' × ')} = ${num(ex.product)}, so w_new = ${w} − ${lr} × ${num(ex.product)} = ${num(ex.w_new)}. ${stepWord(w, step)}${slips}`,
    );
  },
  text(
    'exploding',
    'Why do large initial weights make the gradient explode in a deep chain?',
    "Links φ'(z)·w multiply; with each z near 0, a large w makes every link > 1",
    [
      'The factors add up, so each extra layer adds a bit more',
      'The learning rate gets multiplied in once per layer',
      'Squared error squares the weights',
      "A sigmoid's output grows without bound for large w",
    ],
    `By the chain rule dloss/dw1 is a product of one factor per layer, each link being φ'(z_k)·w_k. When every neuron sits near z = 0, where φ' peaks (the lecture's bound assumes it; gradbot's centred default biases put it there), a large |w| makes each link large: 0.25 × 500 = 125 per sigmoid link, ${num(125 ** 2)} over two, growing geometrically with depth. With b = 0 instead, the same large w drives z far from 0, where σ' collapses (σ'(500) = ${num(sigmoid.dphi(500))}): the gradient vanishes rather than explodes. The learning rate only scales the final step.`,
  ),
];

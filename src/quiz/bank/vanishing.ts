import { num } from '../choices.ts';
import { activation, VANISHING_GAIN } from '../../engine/index.ts';
import { chainGain, gainWord, numeric, text, type Template } from './shared.ts';

const sigmoid = activation.sigmoid;

/** The first depth at which a centred sigmoid chain of weight w crosses the vanishing line, if it does by depth 50. */
function depthToVanish(w: number): { depth: number; gain: number } | null {
  for (let d = 2; d <= 50; d++) {
    const g = chainGain(w, d);
    if (g <= VANISHING_GAIN) return { depth: d, gain: g };
  }
  return null;
}

export const vanishing: Template[] = [
  (rng) => {
    const w = rng.pick([1, 2]);
    const depth = rng.pick([4, 5, 6, 8, 10]);
    const gain = chainGain(w, depth);
    const link = sigmoid.peak * w;
    const crossing = depthToVanish(w);
    const verdict =
      gain <= VANISHING_GAIN
        ? `The backward signal at o1 is ${num(gain)} times the one at o${depth}: ${gainWord(gain)}.`
        : `That is ${gainWord(gain)}${crossing ? `; at depth ${crossing.depth} the gain is ${num(crossing.gain)}, below the line` : ''}.`;
    return numeric(
      rng,
      'vanishing',
      `${depth} sigmoid neurons in a chain, every w = ${w}, each sitting at σ'(z) = 0.25. What is the product of the ${depth - 1} links do_k/do_(k-1)?`,
      gain,
      [
        { value: w ** (depth - 1), why: (v) => `forgetting σ' gives ${v}` },
        { value: (depth - 1) * link, why: (v) => `adding the links instead of multiplying them gives ${v}` },
        { value: (0.5 * w) ** (depth - 1), why: (v) => `using σ(0) = 0.5, the output, instead of the slope 0.25 gives ${v}` },
        { value: link, why: (v) => `${v} is one link, not the product of the ${depth - 1} links` },
      ],
      (slips) => `Each link is 0.25 × ${w} = ${num(link)} < 1, and ${depth - 1} of them multiply: ${num(link)}^${depth - 1} = ${num(gain)}. ${verdict}${slips}`,
    );
  },
  (rng) => {
    const z = rng.pick([0.5, 1, 2, 3]);
    const d = activation.relu.dphi(z);
    return numeric(
      rng,
      'vanishing',
      `A ReLU neuron has z = ${z}. What is relu'(z), the factor it puts into the chain rule?`,
      d,
      [
        { value: sigmoid.peak, why: (v) => `${v} is the peak of the sigmoid's slope, not ReLU's` },
        { value: 0, why: (v) => `${v} is relu'(z) only for z ≤ 0, a dead ReLU` },
        { value: z, why: (v) => `${v} is relu(z), the output, not the slope` },
        { value: sigmoid.dphi(z), why: (v) => `${v} is σ'(${z}), the sigmoid's slope` },
      ],
      (slips) =>
        `relu'(z) = 1 for every z > 0 (and 0 for z ≤ 0), so an active ReLU passes the gradient back unshrunk: ${num(d)}. A link through it is 1 × w, where a sigmoid's is at most 0.25 × w: that is why ReLU chains vanish far less.${slips}`,
    );
  },
  text(
    'vanishing',
    'Why do deep sigmoid networks suffer from vanishing gradients?',
    "σ' ≤ 0.25, so each layer with |w| < 4 shrinks the gradient",
    [
      "The sigmoid's output is at most 1, so gradients are at most 1",
      'The learning rate is too large',
      'The gradient is divided by the depth',
      'Biases cancel the gradient in each layer',
    ],
    `Each layer contributes σ'(z)·w to the product, and σ' never exceeds 0.25, so with |w| < 4 every link is below 1 in size, and a product of many such links shrinks towards 0 geometrically with depth: 0.25^9 = ${num(0.25 ** 9)} through ten layers at w = 1. Away from z = 0, σ' is smaller still, so saturated neurons shrink it faster.`,
  ),
];

import { num } from '../choices.ts';
import { numeric, text, type Template } from './shared.ts';

export const he: Template[] = [
  (rng) => {
    const n = rng.pick([50, 64, 128, 200, 256, 512, 800]);
    const sd = Math.sqrt(2 / n);
    return numeric(
      rng,
      'he',
      `He (Kaiming) initialisation for a ReLU layer with fan_in = ${n}, normal weights: what standard deviation do they get?`,
      sd,
      [
        { value: 2 / n, why: (v) => `2 / ${n} = ${v} is the variance, not the standard deviation` },
        { value: Math.sqrt(1 / n), why: (v) => `√(1 / ${n}) = ${v} forgets the factor 2` },
        { value: 1 / n, why: (v) => `${v} = 1/fan_in forgets both the 2 and the square root` },
        { value: Math.sqrt(6 / n), why: (v) => `√(6 / ${n}) = ${v} is the bound of He's uniform version, not a standard deviation` },
      ],
      (slips) => `He init uses Var(w) = 2 / fan_in, so sd = √(2 / ${n}) = ${num(sd)}. The 2 makes up for ReLU zeroing about half of its inputs.${slips}`,
    );
  },
  // The variance a ReLU stack keeps per layer: n·Var(w)·E[relu(z)²] = n·Var(w)·Var(z)/2.
  (rng) => {
    const layers = rng.pick([5, 10, 20, 30]);
    const left = 0.5 ** layers;
    return numeric(
      rng,
      'he',
      `A deep ReLU stack, z_(k+1) = W·relu(z_k), no biases, independent zero-mean weights with Var(w) = 1/fan_in (no factor 2). After ${layers} such layers, what share of Var(z) is left?`,
      left,
      [
        { value: 1, why: () => "all of it is what He's Var(w) = 2/fan_in keeps; 1/fan_in keeps half per layer" },
        { value: 0.25 ** layers, why: (v) => `${v} uses 0.25, the sigmoid's peak slope, per layer` },
        { value: 0.5, why: (v) => `${v} is one layer's share, not ${layers} layers'` },
        { value: Math.SQRT1_2 ** layers, why: (v) => `${v} is the share of the standard deviation left, not of the variance` },
      ],
      (slips) =>
        `Var(z_(k+1)) = fan_in × Var(w) × E[relu(z_k)²], and for a zero-mean symmetric z_k, E[relu(z_k)²] = Var(z_k) / 2: ReLU zeroes half of it. With Var(w) = 1/fan_in each layer keeps half, and ${layers} layers keep 0.5^${layers} = ${num(left)}.${slips}`,
    );
  },
  text(
    'he',
    'Why does He initialisation use Var(w) = 2/fan_in rather than 1/fan_in?',
    'ReLU zeroes about half its inputs, halving the variance; the 2 restores it',
    ["ReLU's slope is 0.25, so the weights must be larger", 'To make the gradients explode a little on purpose', 'Because there are two layers of biases', 'It is the same as Xavier for ReLU'],
    "A ReLU outputs 0 for about half of its inputs, so the variance passed on is halved each layer. He init doubles the weight variance to keep the signal steady. ReLU's slope is 1 where it is active, not 0.25 (that is the sigmoid's peak).",
  ),
];

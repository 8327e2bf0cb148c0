import { activation } from '../../engine/index.ts';
import { num } from '../choices.ts';
import { chainGain, gainWord, numeric, text, type Template } from './shared.ts';

const sigmoid = activation.sigmoid;

export const xavier: Template[] = [
  (rng) => {
    const nIn = rng.pick([64, 100, 128, 256, 300, 512]);
    const nOut = rng.pick([10, 32, 64, 100, 200]);
    const v = 2 / (nIn + nOut);
    // Var = 1/fan_in alone is a legitimate "Xavier" in some libraries (Caffe's default), so the question names the compromise.
    return numeric(
      rng,
      'xavier',
      `Glorot and Bengio balance the forward condition Var(w) = 1/fan_in and the backward one Var(w) = 1/fan_out. With fan_in = ${nIn} and fan_out = ${nOut}, what variance does their compromise give?`,
      v,
      [
        { value: 1 / nIn, why: (v) => `${v} = 1/fan_in is the forward condition alone` },
        { value: 2 / nIn, why: (v) => `${v} = 2/fan_in is He's rule for ReLU` },
        { value: Math.sqrt(v), why: (v) => `${v} is the standard deviation, not the variance` },
        { value: 1 / (nIn + nOut), why: (v) => `${v} drops the 2 of the average` },
      ],
      (slips) =>
        `The compromise is the harmonic mean of the two: Var(w) = 2 / (fan_in + fan_out) = 2 / ${nIn + nOut} = ${num(v)}, which keeps the variance of activations and of gradients about the same from layer to layer.${slips}`,
    );
  },
  (rng) => {
    const nIn = rng.pick([64, 100, 128, 256, 300, 512]);
    const nOut = rng.pick([10, 32, 64, 100, 200]);
    const a = Math.sqrt(6 / (nIn + nOut));
    return numeric(
      rng,
      'xavier',
      `Glorot's uniform initialisation draws w from U(−a, a) with Var(w) = 2 / (fan_in + fan_out). With fan_in = ${nIn} and fan_out = ${nOut}, what is a?`,
      a,
      [
        { value: Math.sqrt(2 / (nIn + nOut)), why: (v) => `${v} is the standard deviation; a uniform's bound is √3 times that` },
        { value: 6 / (nIn + nOut), why: (v) => `${v} forgets the square root` },
        { value: Math.sqrt(6 / nIn), why: (v) => `${v} = √(6/fan_in) is He's uniform bound, for ReLU` },
      ],
      (slips) =>
        `U(−a, a) has variance a²/3, so a²/3 = 2 / ${nIn + nOut} gives a = √(6 / ${nIn + nOut}) = ${num(a)}.${slips}`,
    );
  },
  (rng) => {
    const w = 1 / sigmoid.peak;
    const gain = chainGain(w, 3);
    return numeric(
      rng,
      'xavier',
      "In the lecture's chain of centred sigmoid neurons, which weight makes every link do_k/do_(k-1) exactly 1?",
      w,
      [
        { value: 1, why: () => 'w = 1 gives links of 0.25: the gradient shrinks 4× per layer' },
        { value: sigmoid.peak, why: () => 'w = 0.25 gives links of 0.0625' },
        { value: 2, why: () => 'w = 2 gives links of 0.5' },
        { value: 500, why: () => "the lecture's w = 500 gives links of 125" },
      ],
      (slips) =>
        `A centred link is σ'(0)·w = 0.25·w, so w = 1 / 0.25 = ${num(w)} gives 1 (the engine's chain gain at w = ${num(w)} is ${num(gain)}). Xavier's rule for a layer one neuron wide, Var(w) = 2 / (1 + 1) = 1, assumes a slope of 1 at 0; the sigmoid's is 1/4, hence the ×4.${slips}`,
    );
  },
  // Why Xavier still vanishes with sigmoid: its scale assumes slope 1 at 0.
  (rng) => {
    const depth = rng.pick([3, 4, 5, 6, 8]);
    const gain = chainGain(1, depth);
    const tanhGain = chainGain(1, depth, 'tanh');
    const fixed = chainGain(4, depth);
    return numeric(
      rng,
      'xavier',
      `A chain of ${depth} centred sigmoid neurons gets Xavier's scale for layers one neuron wide: w = 1 everywhere. What is the backward gain, the product of the ${depth - 1} links do_k/do_(k-1)?`,
      gain,
      [
        { value: tanhGain, why: (v) => `${v} is what Xavier's scale gives a tanh chain (slope 1 at 0), not a sigmoid one` },
        { value: 0.5 ** (depth - 1), why: (v) => `${v} uses σ(0) = 0.5, the output, instead of the slope 0.25` },
        { value: 4 ** (depth - 1), why: (v) => `${v} inverts the slope` },
        { value: sigmoid.peak, why: (v) => `${v} is one link, not the product` },
      ],
      (slips) =>
        `Each link is σ'(0) × 1 = 0.25, so the gain is 0.25^${depth - 1} = ${num(gain)}, ${gainWord(gain)}. Xavier's scale assumes the activation's slope is 1 at 0, as tanh's is (the same chain with tanh has gain ${num(tanhGain)}); the sigmoid needs w = 4, which gives ${num(fixed)}.${slips}`,
    );
  },
  text(
    'xavier',
    'What is Xavier initialisation trying to keep constant from layer to layer?',
    'The variance of activations (forward) and of gradients (backward)',
    ['The weights themselves, all equal to 1', 'The learning rate', 'The loss at step 0', 'The number of neurons'],
    "Xavier/Glorot picks Var(w) = 2 / (fan_in + fan_out) so that, for an activation with slope 1 around 0 (tanh), the signal neither grows nor shrinks layer after layer, forward or backward. A centred sigmoid's slope there is 1/4, so plain Xavier shrinks its signal 4× per layer; the weights need ×4 to keep it steady.",
  ),
];

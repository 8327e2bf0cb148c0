import { activation, lectureSpec, simulate } from '../../engine/index.ts';
import { num } from '../choices.ts';
import { nearOne, numeric, slopeWord, text, type Template } from './shared.ts';

const sigmoid = activation.sigmoid;
const tanh = activation.tanh;

export const saturation: Template[] = [
  (rng) => {
    const z = rng.pick([5, 10, 20, 40, 100, 500]);
    const d = sigmoid.dphi(z);
    const s = sigmoid.phi(z);
    const naiveZero = s * (1 - s) === 0;
    return numeric(
      rng,
      'saturation',
      `A sigmoid neuron has z = ${z}. What is σ'(z)?`,
      d,
      [
        { value: s, why: (v) => `σ(z) = ${v} is the output, not the slope` },
        { value: sigmoid.peak, why: (v) => `${v} is the slope only at z = 0` },
        {
          value: 0,
          why: () =>
            naiveZero
              ? 'σ(z)(1 − σ(z)) computed in floating point gives 0 here, because σ(z) rounds to 1, but the true slope is positive'
              : 'the slope is never exactly 0: e^-|z| > 0 for every z',
        },
      ],
      (slips) => `σ'(z) = e^-|z| / (1 + e^-|z|)² = ${num(d)}, ${slopeWord('sigmoid', d).text}.${slips}`,
    );
  },
  (rng) => {
    const z = rng.pick([2, 3, 5, 10]);
    const d = tanh.dphi(z);
    return numeric(
      rng,
      'saturation',
      `A tanh neuron has z = ${z}. What is tanh'(z) = 1 − tanh²(z)?`,
      d,
      [
        { value: Math.tanh(z), why: (v) => `tanh(${z}) = ${v} is the output, not the slope` },
        { value: tanh.peak, why: (v) => `${v} is the slope only at z = 0` },
        { value: sigmoid.peak, why: (v) => `${v} is the sigmoid's peak slope` },
        { value: sigmoid.dphi(z), why: (v) => `${v} is σ'(${z}), the sigmoid's slope` },
      ],
      (slips) => `tanh'(${z}) = 1 − tanh²(${z}) = ${num(d)}, ${slopeWord('tanh', d).text}.${slips}`,
    );
  },
  text(
    'saturation',
    'A sigmoid neuron sits at z = 30. What happens to the gradient through it?',
    `It almost vanishes: σ'(30) = ${num(sigmoid.dphi(30))}`,
    ["It is multiplied by 0.25, the slope's peak", 'It is unchanged, since σ(30) ≈ 1', 'It explodes, since z is large', 'It flips sign'],
    `Far from 0 the sigmoid is flat: σ'(30) = ${num(sigmoid.dphi(30))}, ${slopeWord('sigmoid', sigmoid.dphi(30)).text}. Whatever comes back through this neuron is multiplied by that, so the layers before it barely learn. 0.25 is the slope only at z = 0.`,
  ),
  // The lecture's large weight without centred biases: saturation, not explosion.
  (rng) => {
    const w = rng.pick([10, 20, 50, 100, 500]);
    const run = simulate(lectureSpec({ w, b: 0, steps: 1 }));
    const link = run.step0.factors.find((f) => f.label === 'do2/do1')!;
    const [z1, z2] = run.step0.z as [number, number];
    const o1 = run.step0.o[0]!;
    const d = link.dphi!;
    return numeric(
      rng,
      'saturation',
      `The lecture's chain (3 sigmoid neurons, x = 1) with every w = ${w} but b = 0 instead of centred biases: what is the link do2/do1 at step 0?`,
      link.value,
      [
        { value: link.bound!, why: (v) => `${v} = 0.25 × ${w} is the lecture's bound, reached only when z2 = 0` },
        { value: w, why: (v) => `forgetting σ' gives ${v}` },
        { value: sigmoid.phi(z2) * w, why: (v) => `${v} uses the output σ(z2) instead of the slope` },
        { value: 0, why: () => 'the link is tiny but not 0: σ\' is positive everywhere' },
      ],
      (slips) =>
        `With b = 0, z1 = ${w} × 1 = ${num(z1)}, o1 = σ(z1) ${nearOne(o1)}, and z2 = ${w} × o1 = ${num(z2)}. So σ'(z2) = ${num(d)}, ${slopeWord('sigmoid', d).text}, and do2/do1 = σ'(z2) × ${w} = ${num(link.value)}. A large w explodes the gradient only while z stays near 0; here it ${slopeWord('sigmoid', d).saturated ? 'all but kills it' : 'shrinks it'}.${slips}`,
    );
  },
];

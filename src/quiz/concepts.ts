import {
  activation,
  clipGradients,
  healthyBaseline,
  lectureSpec,
  simulate,
  verdictOf,
  workedExample,
} from '../engine/index.ts';
import { arrange, arrangeNumbers, num, paren } from './choices.ts';
import type { Rng } from './prng.ts';
import type { Question, Topic } from './types.ts';

/**
 * The concept bank: exploding and vanishing gradients, saturation, Xavier and
 * He initialisation, clipping. Numbers are drawn from the seed and every
 * numeric answer is computed (by the engine where it has the quantity); text
 * questions name the misconception in each wrong choice.
 */
export type ConceptTopic = Exclude<Topic, 'lecture'>;
type Template = (rng: Rng) => Question | null;

const sigmoid = activation.sigmoid;

/** The backward gain of a centred sigmoid chain, from the engine: (0.25 w)^(L-1). */
const chainGain = (w: number, depth: number) => verdictOf(simulate(lectureSpec({ w, depth, steps: 1 }))).gain;

const text = (topic: ConceptTopic, question: string, right: string, wrong: string[], explanation: string): Template => (rng) => {
  const c = arrange(rng, right, wrong);
  return c && { kind: `concept-${topic}`, topic, question, ...c, explanation };
};

const exploding: Template[] = [
  (rng) => {
    const w = rng.pick([8, 20, 40, 100, 500]);
    const depth = rng.pick([3, 4, 5, 6]);
    const gain = chainGain(w, depth);
    const link = sigmoid.peak * w;
    const c = arrangeNumbers(rng, gain, [w ** (depth - 1), (depth - 1) * link, (0.5 * w) ** (depth - 1), link]);
    return (
      c && {
        kind: 'concept-exploding',
        topic: 'exploding',
        question: `A chain of ${depth} sigmoid neurons, every w = ${w}, centred so each σ'(z) = 0.25. By what factor do the ${depth - 1} links do_k/do_(k-1) multiply the gradient on its way back?`,
        ...c,
        explanation: `Each link is σ'(z)·w = 0.25 × ${w} = ${num(link)}, and the chain rule multiplies them: ${num(link)}^${depth - 1} = ${num(gain)}. Forgetting σ' gives ${num(w ** (depth - 1))}; adding the links gives ${num((depth - 1) * link)}.`,
      }
    );
  },
  (rng) => {
    const factors = [rng.pick([20, 50, 150]), rng.pick([10, 40, 100]), rng.pick([25, 75, 125]), rng.pick([5, 10, 50])];
    const w = rng.pick([100, 200, 500]);
    const lr = rng.pick([0.1, 0.01, 0.001]);
    const ex = workedExample(factors, w, lr);
    const sum = factors.reduce((a, b) => a + b, 0);
    const c = arrangeNumbers(rng, ex.w_new, [w + lr * ex.product, w - lr * w, w - lr * sum, w - ex.product]);
    return (
      c && {
        kind: 'concept-exploding',
        topic: 'exploding',
        question: `The lecture's example with other numbers: the chain-rule factors of dloss/dw are ${factors.join(', ')}; w = ${w}, lr = ${lr}. What is w_new?`,
        ...c,
        explanation: `dloss/dw = ${factors.join(' × ')} = ${num(ex.product)}, so w_new = ${w} − ${lr} × ${num(ex.product)} = ${num(ex.w_new)}. One step flings the weight far past any sensible value: that is the exploding gradient.`,
      }
    );
  },
  text(
    'exploding',
    'Why do large initial weights make the gradient explode in a deep chain?',
    'Each link φ\'(z)·w multiplies the gradient; large w makes the product grow',
    [
      'The factors add up, so each extra layer adds a bit more',
      'The learning rate gets multiplied in once per layer',
      'Squared error squares the weights',
      'A sigmoid\'s output grows without bound for large w',
    ],
    'By the chain rule dloss/dw1 is a product of one factor per layer, each link being φ\'(z_k)·w_k. With |w| large the links are large, and a product of large numbers grows geometrically with depth. The learning rate only scales the final step.',
  ),
];

const vanishing: Template[] = [
  (rng) => {
    const w = rng.pick([1, 2]);
    const depth = rng.pick([4, 5, 6, 8, 10]);
    const gain = chainGain(w, depth);
    const link = sigmoid.peak * w;
    const c = arrangeNumbers(rng, gain, [w ** (depth - 1), (depth - 1) * link, (0.5 * w) ** (depth - 1), link]);
    return (
      c && {
        kind: 'concept-vanishing',
        topic: 'vanishing',
        question: `${depth} sigmoid neurons in a chain, every w = ${w}, each sitting at σ'(z) = 0.25. What is the product of the ${depth - 1} links do_k/do_(k-1)?`,
        ...c,
        explanation: `Each link is 0.25 × ${w} = ${num(link)} < 1, and ${depth - 1} of them multiply: ${num(link)}^${depth - 1} = ${num(gain)}. The gradient reaching layer 1 all but vanishes. Forgetting σ' would give ${num(w ** (depth - 1))}.`,
      }
    );
  },
  (rng) => {
    const z = rng.pick([0.5, 1, 2, 3]);
    const d = activation.relu.dphi(z);
    const c = arrangeNumbers(rng, d, [sigmoid.peak, 0, z, sigmoid.dphi(z)]);
    return (
      c && {
        kind: 'concept-vanishing',
        topic: 'vanishing',
        question: `A ReLU neuron has z = ${z}. What is relu'(z), the factor it puts into the chain rule?`,
        ...c,
        explanation: `relu'(z) = 1 for every z > 0 (and 0 for z ≤ 0), so an active ReLU passes the gradient back unshrunk: ${num(d)}. 0.25 is the peak of the sigmoid's slope, not ReLU's; that is why ReLU chains vanish far less.`,
      }
    );
  },
  text(
    'vanishing',
    'Why do deep sigmoid networks suffer from vanishing gradients?',
    'σ\' ≤ 0.25, so each layer with small w shrinks the gradient',
    [
      'The sigmoid\'s output is at most 1, so gradients are at most 1',
      'The learning rate is too large',
      'The gradient is divided by the depth',
      'Biases cancel the gradient in each layer',
    ],
    'Each layer contributes σ\'(z)·w to the product, and σ\' never exceeds 0.25. With moderate weights every link is below 1, and a product of many numbers below 1 shrinks towards 0 geometrically with depth.',
  ),
];

const saturation: Template[] = [
  (rng) => {
    const z = rng.pick([5, 10, 20, 40, 100, 500]);
    const d = sigmoid.dphi(z);
    const s = sigmoid.phi(z);
    const naive = s * (1 - s);
    const c = arrangeNumbers(rng, d, [s, sigmoid.peak, naive, 1 - s, 0]);
    return (
      c && {
        kind: 'concept-saturation',
        topic: 'saturation',
        question: `A sigmoid neuron has z = ${z}. What is σ'(z)?`,
        ...c,
        explanation: `σ'(z) = e^-|z| / (1 + e^-|z|)² = ${num(d)}: the neuron is saturated and passes back almost nothing. σ(z) = ${num(s)} is the output, not the slope; 0.25 is the slope only at z = 0${naive === 0 ? '; and σ(z)(1 − σ(z)) computed in floating point rounds to 0, hiding the true value' : ''}.`,
      }
    );
  },
  (rng) => {
    const z = rng.pick([2, 3, 5, 10]);
    const fns = activation.tanh;
    const d = fns.dphi(z);
    const c = arrangeNumbers(rng, d, [Math.tanh(z), fns.peak, sigmoid.peak, sigmoid.dphi(z)]);
    return (
      c && {
        kind: 'concept-saturation',
        topic: 'saturation',
        question: `A tanh neuron has z = ${z}. What is tanh'(z) = 1 − tanh²(z)?`,
        ...c,
        explanation: `tanh'(${z}) = 1 − tanh²(${z}) = ${num(d)}. tanh(${z}) = ${num(Math.tanh(z))} is the output, not the slope; the slope is 1 only at z = 0 and falls off fast as the neuron saturates.`,
      }
    );
  },
  text(
    'saturation',
    'A sigmoid neuron sits at z = 30. What happens to the gradient through it?',
    'It almost vanishes: σ\'(30) is about 10⁻¹³',
    ['It is multiplied by 0.25, the slope\'s peak', 'It is unchanged, since σ(30) ≈ 1', 'It explodes, since z is large', 'It flips sign'],
    `Far from 0 the sigmoid is flat: σ'(30) = ${num(sigmoid.dphi(30))}. Whatever comes back through this neuron is multiplied by that, so the layers before it barely learn. 0.25 is the slope only at z = 0.`,
  ),
];

const xavier: Template[] = [
  (rng) => {
    const nIn = rng.pick([64, 100, 128, 256, 300, 512]);
    const nOut = rng.pick([10, 32, 64, 100, 200]);
    const v = 2 / (nIn + nOut);
    const c = arrangeNumbers(rng, v, [2 / nIn, 1 / nIn, Math.sqrt(v), 1 / (nIn + nOut)]);
    return (
      c && {
        kind: 'concept-xavier',
        topic: 'xavier',
        question: `Xavier (Glorot) initialisation, layer with fan_in = ${nIn} and fan_out = ${nOut}: what variance do the weights get?`,
        ...c,
        explanation: `Var(w) = 2 / (fan_in + fan_out) = 2 / ${nIn + nOut} = ${num(v)}, which keeps the variance of activations and of gradients about the same from layer to layer. 2 / fan_in = ${num(2 / nIn)} is He's rule for ReLU; ${num(Math.sqrt(v))} is the standard deviation, not the variance.`,
      }
    );
  },
  (rng) => {
    const spec = healthyBaseline(lectureSpec());
    const w = spec.w;
    const gain = chainGain(w, 3);
    const c = arrangeNumbers(rng, w, [1, sigmoid.peak, 2, 500]);
    return (
      c && {
        kind: 'concept-xavier',
        topic: 'xavier',
        question: "In the lecture's chain of centred sigmoid neurons, which weight makes every link do_k/do_(k-1) exactly 1?",
        ...c,
        explanation: `A centred link is σ'(0)·w = 0.25·w, so w = 1 / 0.25 = ${num(w)} gives 1 (the engine's chain gain at w = ${num(w)} is ${num(gain)}). That is Xavier's idea for a chain one neuron wide, corrected for the sigmoid's slope of 1/4; w = 1 would shrink the gradient 4× per layer.`,
      }
    );
  },
  text(
    'xavier',
    'What is Xavier initialisation trying to keep constant from layer to layer?',
    'The variance of activations (forward) and of gradients (backward)',
    ['The weights themselves, all equal to 1', 'The learning rate', 'The loss at step 0', 'The number of neurons'],
    'Xavier/Glorot picks Var(w) = 2 / (fan_in + fan_out) so that, for activations near-linear around 0 (tanh, centred sigmoid), the signal neither grows nor shrinks layer after layer, forward or backward.',
  ),
];

const he: Template[] = [
  (rng) => {
    const n = rng.pick([50, 64, 128, 200, 256, 512, 800]);
    const sd = Math.sqrt(2 / n);
    const c = arrangeNumbers(rng, sd, [2 / n, Math.sqrt(1 / n), 1 / n, Math.sqrt(2 / (n + n))]);
    return (
      c && {
        kind: 'concept-he',
        topic: 'he',
        question: `He (Kaiming) initialisation for a ReLU layer with fan_in = ${n}: what standard deviation do the weights get?`,
        ...c,
        explanation: `He init uses Var(w) = 2 / fan_in, so sd = √(2 / ${n}) = ${num(sd)}. The 2 makes up for ReLU zeroing about half of its inputs. 2 / ${n} = ${num(2 / n)} is the variance, not the standard deviation; √(1 / ${n}) = ${num(Math.sqrt(1 / n))} forgets the factor 2.`,
      }
    );
  },
  text(
    'he',
    'Why does He initialisation use Var(w) = 2/fan_in rather than 1/fan_in?',
    'ReLU zeroes about half its inputs, halving the variance; the 2 restores it',
    [
      'ReLU\'s slope is 0.25, so the weights must be larger',
      'To make the gradients explode a little on purpose',
      'Because there are two layers of biases',
      'It is the same as Xavier for ReLU',
    ],
    'A ReLU outputs 0 for about half of its inputs, so the variance passed on is halved each layer. He init doubles the weight variance to keep the signal steady. ReLU\'s slope is 1 where it is active, not 0.25 (that is the sigmoid\'s peak).',
  ),
];

const clipping: Template[] = [
  (rng) => {
    const [a, b] = rng.pick([
      [3, 4],
      [6, 8],
      [5, 12],
      [8, 15],
      [-3, 4],
      [9, -12],
    ] as const);
    const clip = rng.pick([1, 2, 5]);
    const { grads, scale, norm } = clipGradients({ w: [a, b], b: [] }, clip);
    const pair = (x: number, y: number) => `(${num(x)}, ${num(y)})`;
    const clamp = (v: number) => Math.max(-clip, Math.min(clip, v));
    const right = pair(grads.w[0]!, grads.w[1]!);
    const c = arrange(rng, right, [
      pair(clamp(a), clamp(b)), // clipping each value instead of the norm
      pair(a, b), // thinking clipping leaves it alone
      pair(a / clip, b / clip), // dividing by clip
      pair((a * norm) / clip, (b * norm) / clip), // the inverse scale
    ]);
    return (
      c && {
        kind: 'concept-clipping',
        topic: 'clipping',
        question: `The gradient is (${a}, ${b}). With global-norm clipping at clip = ${clip}, what gradient is used for the update?`,
        ...c,
        explanation: `The norm is √(${a}² + ${b}²) = ${num(norm)} > ${clip}, so every component is scaled by ${clip} / ${num(norm)} = ${num(scale)}: ${right}. The direction is kept; only the length is capped. Clipping each value separately to ±${clip} would give ${pair(clamp(a), clamp(b))} and turn the direction.`,
      }
    );
  },
  (rng) => {
    const spec = lectureSpec({ clip: rng.pick([1, 5, 10]) });
    const run = simulate(spec);
    const s = run.step0;
    const w1 = run.params.w[0]!;
    const g = s.clipped.w[0]!;
    const next = run.trajectory.w[1]![0]!;
    const lr = run.params.lr;
    const c = arrangeNumbers(rng, next, [w1 - lr * s.grad_w1, w1 + lr * g, w1 - lr * spec.clip!, w1 - g]);
    return (
      c && {
        kind: 'concept-clipping',
        topic: 'clipping',
        question: `The lecture's run (w=500, lr=0.01, 3 sigmoid layers) with clip=${spec.clip}: what is w1 after one step?`,
        ...c,
        explanation: `Unclipped, dloss/dw1 = ${num(s.grad_w1)} and the gradient norm is ${num(s.gradNorm)}. Clipping scales every gradient by ${spec.clip} / ${num(s.gradNorm)}, so g = ${num(g)} and w1_new = ${num(w1)} − ${num(lr)} × ${paren(g)} = ${num(next)}.`,
      }
    );
  },
  text(
    'clipping',
    'What does global-norm gradient clipping change?',
    'The length of the step when the gradient is too long, not its direction',
    ['The direction of the gradient', 'The initial weights', 'The loss function', 'Which layers get updated'],
    'When the norm of all gradients together exceeds clip, every gradient is multiplied by clip / norm: the step points the same way but is no longer huge. It treats the symptom of an exploding gradient, not the chain that causes it.',
  ),
];

export const conceptBank: Record<ConceptTopic, readonly Template[]> = { exploding, vanishing, saturation, xavier, he, clipping };

export function conceptQuestion(topic: ConceptTopic, rng: Rng): Question {
  const templates = conceptBank[topic];
  const first = rng.int(templates.length);
  for (let i = 0; i < templates.length; i++) {
    const q = templates[(first + i) % templates.length]!(rng);
    if (q) return q;
  }
  throw new Error(`no ${topic} question could be built`);
}

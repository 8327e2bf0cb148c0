import { clipGradients, lectureSpec, simulate, verdictOf, type RunSpec } from '../../engine/index.ts';
import { arrange, num, paren } from '../choices.ts';
import { claims, gainOf, listOf, numeric, text, type Template } from './shared.ts';

const pair = (x: number, y: number) => `(${num(x)}, ${num(y)})`;

export const clipping: Template[] = [
  (rng) => {
    const [a, b] = rng.pick([
      [3, 4],
      [6, 8],
      [5, 12],
      [8, 15],
      [-3, 4],
      [9, -12],
    ] as const);
    // Only clips below the norm, so clipping really acts: at or above it the gradient is used as it is.
    const clip = rng.pick([1, 2, 5].filter((c) => c < Math.hypot(a, b)));
    const { grads, scale, norm } = clipGradients({ w: [a, b], b: [] }, clip);
    const clamp = (v: number) => Math.max(-clip, Math.min(clip, v));
    const right = pair(grads.w[0]!, grads.w[1]!);
    const clamped = pair(clamp(a), clamp(b));
    const c = arrange(rng, right, [
      clamped, // clipping each value instead of the norm
      pair(a, b), // thinking clipping leaves it alone
      pair(a / clip, b / clip), // dividing by clip
      pair((a * norm) / clip, (b * norm) / clip), // the inverse scale
    ]);
    const clampNote = c?.choices.includes(clamped)
      ? ` Clipping each value separately to ±${clip} would give ${clamped}, which points another way.`
      : '';
    return (
      c && {
        kind: 'concept-clipping',
        topic: 'clipping',
        question: `The gradient is (${num(a)}, ${num(b)}). With global-norm clipping at clip = ${clip}, what gradient is used for the update?`,
        ...c,
        explanation: `The norm is √(${paren(a)}² + ${paren(b)}²) = ${num(norm)} > ${clip}, so every component is scaled by ${clip} / ${num(norm)} = ${num(scale)}: ${right}. The direction is kept; only the length is capped.${clampNote}`,
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
    const gain = verdictOf(run).gain;
    return numeric(
      rng,
      'clipping',
      `The lecture's run (w=500, lr=0.01, 3 sigmoid layers) with clip=${spec.clip}: what is w1 after one step?`,
      next,
      [
        { value: w1 - lr * s.grad_w1, why: (v) => `${v} ignores the clip` },
        { value: w1 + lr * g, why: (v) => `${v} adds the step instead of subtracting it` },
        { value: w1 - lr * spec.clip!, why: (v) => `${v} treats clip as the gradient of w1 itself; it caps the norm of all ${2 * run.params.depth} gradients together` },
        { value: w1 - g, why: (v) => `${v} forgets the learning rate` },
      ],
      (slips) =>
        `Unclipped, dloss/dw1 = ${num(s.grad_w1)} and the norm of all the gradients is ${num(s.gradNorm)}. Clipping scales every gradient by ${spec.clip} / ${num(s.gradNorm)}, so the clipped g = ${num(g)} and w1_new = ${num(w1)} − ${num(lr)} × ${paren(g)} = ${num(next)}. The chain still multiplies the gradient by ${num(gain)} on its way back: clipping shortens the step, it does not change the gain.${slips}`,
    );
  },
  text(
    'clipping',
    'What does global-norm gradient clipping change?',
    'The length of the step when the gradient is too long, not its direction',
    ['The direction of the gradient', 'The initial weights', 'The loss function', 'Which layers get updated'],
    'When the norm of all gradients together exceeds clip, every gradient is multiplied by clip / norm: the step points the same way but is no longer huge. It treats the symptom of an exploding gradient, not the chain that causes it: the links φ\'(z)·w, and so the gain, are untouched.',
  ),
  // Clipping versus initialisation: only the init changes the chain's gain.
  (rng) => {
    const depth = rng.pick([3, 4, 5]);
    const w = rng.pick([100, 500]);
    const base = lectureSpec({ w, depth });
    const changes: { label: string; spec: RunSpec }[] = [
      { label: 'Set w=4 in every layer', spec: { ...base, w: 4 } },
      { label: 'Clip the gradient norm at 1 (clip=1)', spec: { ...base, clip: 1 } },
      { label: `Lower the learning rate to lr=${base.lr / 100}`, spec: { ...base, lr: base.lr / 100 } },
      { label: "Set w=1 in every layer (Xavier's scale, no ×4)", spec: { ...base, w: 1 } },
      { label: 'Train longer (steps=1000)', spec: { ...base, steps: 1000 } },
    ];
    const tried = changes.map((c) => ({ ...c, gain: gainOf(c.spec) }));
    const facts = { tried };
    const unit = (g: number) => Math.abs(g - 1) < 1e-9;
    const q = claims(
      rng,
      'clipping',
      `The lecture's chain, ${depth} centred sigmoid neurons with w = ${w}: its gain (the product of the links do_k/do_(k-1)) is ${num(gainOf(base))}. Which one change makes it exactly 1?`,
      facts,
      tried.map((t) => ({ text: t.label, holds: (f: typeof facts) => unit(f.tried.find((x) => x.label === t.label)!.gain) })),
      `Re-running each change in the engine: ${listOf(tried.map((t) => `${t.label.replace(/^(.)/, (m) => m.toLowerCase())} → gain ${num(t.gain)}`))}. Clipping, the learning rate and the number of steps act after backprop, on the step; only the weights change the links σ'(0)·w = 0.25·w, and w = 4 makes each exactly 1.`,
    );
    return q;
  },
  // A deep ReLU chain with clipping on: the step is capped, the explosion is not cured.
  (rng) => {
    const depth = rng.pick([6, 8, 10]);
    const w = rng.pick([5, 20, 500]);
    const clip = rng.pick([1, 5]);
    const spec = lectureSpec({ act: 'relu', depth, w, clip });
    const run = simulate(spec);
    const t = run.trajectory;
    const losses = t.loss;
    const first = losses[0]!;
    const last = losses[losses.length - 1]!;
    const gain = verdictOf(run).gain;
    // The explanation says every link is w: true while every ReLU is active at step 0.
    if (!run.step0.factors.every((f) => f.kind !== 'link' || f.value === w) || !(run.step0.gradNorm > clip)) return null;
    const facts = { run, first, last, gain };
    type F = typeof facts;
    const lr = spec.lr;
    return claims(
      rng,
      'clipping',
      `Run act=relu depth=${depth} w=${w} clip=${clip} (b = 0, x = y = 1, lr = ${lr}, ${spec.steps} steps): the loss at step 0 is ${num(first)}. Does clipping rescue it?`,
      facts,
      [
        {
          text: `No: after ${spec.steps} steps the loss is still ${num(last)}`,
          holds: (f: F) => f.run.diverged_at === null && f.last >= 0.5 * f.first,
        },
        { text: `Yes: the loss falls below 1 within ${spec.steps} steps`, holds: (f: F) => f.run.trajectory.loss.some((l) => l < 1) },
        { text: 'It overflows to infinity instead', holds: (f: F) => f.run.diverged_at !== null },
        { text: `Yes: clipping caps the chain's gain at ${clip}`, holds: (f: F) => f.gain <= clip },
      ],
      `At step 0 the chain multiplies the gradient by ${num(gain)} on its way back (${w} per ReLU link), and the norm of all the gradients is ${num(run.step0.gradNorm)}. Clipping scales that norm down to ${clip}, so each update moves the parameters by at most lr × clip = ${num(lr * clip)}, and ${spec.steps} updates by at most ${num(spec.steps * lr * clip)} in all: too little to undo weights of ${w}. The loss goes from ${num(first)} to ${num(last)}. Clipping bounds the step, not the gain: the cause is the initialisation.`,
    );
  },
];

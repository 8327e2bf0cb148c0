import type { Rng } from './prng.ts';
import { clipping } from './bank/clipping.ts';
import { deadRelu } from './bank/dead-relu.ts';
import { exploding } from './bank/exploding.ts';
import { he } from './bank/he.ts';
import { saturation } from './bank/saturation.ts';
import type { ConceptTopic, Template } from './bank/shared.ts';
import { vanishing } from './bank/vanishing.ts';
import { xavier } from './bank/xavier.ts';
import type { Question } from './types.ts';

/**
 * The concept bank: exploding and vanishing gradients, saturation, dead ReLUs,
 * Xavier and He initialisation, clipping versus initialisation. Numbers are
 * drawn from the seed and every numeric answer is computed (by the engine where
 * it has the quantity); each wrong choice is a named misconception, and an
 * explanation names only the misconceptions that are on the buttons.
 */
export type { ConceptTopic } from './bank/shared.ts';

export const conceptBank: Record<ConceptTopic, readonly Template[]> = {
  exploding,
  vanishing,
  saturation,
  'dead-relu': deadRelu,
  xavier,
  he,
  clipping,
};

export function conceptQuestion(topic: ConceptTopic, rng: Rng): Question {
  const templates = conceptBank[topic];
  const first = rng.int(templates.length);
  for (let i = 0; i < templates.length; i++) {
    const q = templates[(first + i) % templates.length]!(rng);
    if (q) return q;
  }
  throw new Error(`no ${topic} question could be built`);
}

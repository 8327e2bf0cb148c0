/**
 * The lines gradbot draws between words, shared by the quiz and /explode so a
 * question never calls "vanishing" what the verdict calls healthy.
 * Mirrors src/engine/verdict.ts until the engine exports them.
 */
/** A neuron is saturated (or a ReLU dead) when phi' is below this share of its peak. */
export const FLAT_SHARE = 1e-3;
/** A backward gain at or above this is exploding. */
export const EXPLODE_GAIN = 10;
/** A backward gain at or below this is vanishing. */
export const VANISH_GAIN = 0.1;

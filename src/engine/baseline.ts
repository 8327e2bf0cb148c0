import { activation } from './activations.ts';
import { defaultBias, type RunSpec } from './init.ts';

/**
 * The same run from a sane start: every w_k = 1 / peak(phi'), so each centred
 * link do_k/do_{k-1} = phi'(0) * w_k = 1 and the gradient neither grows nor
 * shrinks on its way back (w = 4 for sigmoid, 1 for the others: Xavier's
 * scale for a chain one neuron wide, corrected for sigmoid's 1/4 slope).
 */
export function healthyBaseline(spec: RunSpec): RunSpec {
  return { ...spec, w: 1 / activation[spec.act].peak, wLayers: {}, b: defaultBias(spec.act), bLayers: {} };
}

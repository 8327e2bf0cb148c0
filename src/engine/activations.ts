/** The four activations of the spec, each with phi, phi' and the peak of phi'. */
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export interface ActivationFns {
  phi(z: number): number;
  /** Written in the spec's exact form so that saturation shows as a tiny number, not 0. */
  dphi(z: number): number;
  peak: number;
  /** The symbol the lecture uses for phi' in a bound, e.g. "σ'". */
  symbol: string;
}

const sigmoid: ActivationFns = {
  phi: (z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))),
  dphi: (z) => {
    const e = Math.exp(-Math.abs(z));
    return e / ((1 + e) * (1 + e));
  },
  peak: 0.25,
  symbol: "σ'",
};

const tanh: ActivationFns = {
  phi: (z) => Math.tanh(z),
  dphi: (z) => {
    const e = Math.exp(-2 * Math.abs(z));
    return (4 * e) / ((1 + e) * (1 + e));
  },
  peak: 1,
  symbol: "tanh'",
};

const relu: ActivationFns = {
  phi: (z) => Math.max(0, z),
  dphi: (z) => (z > 0 ? 1 : 0),
  peak: 1,
  symbol: "relu'",
};

const linear: ActivationFns = {
  phi: (z) => z,
  dphi: () => 1,
  peak: 1,
  symbol: "id'",
};

export const activation: Record<Activation, ActivationFns> = { sigmoid, tanh, relu, linear };

export function isActivation(s: string): s is Activation {
  return (ACTIVATIONS as readonly string[]).includes(s);
}

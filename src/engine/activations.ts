/** The four activations of the spec, each with phi, phi' and the peak of phi'. */
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export interface ActivationFns {
  phi(z: number): number;
  /** Written in the spec's exact form so that saturation shows as a tiny number, not 0. */
  dphi(z: number): number;
  /** out[i] = phi(z[i]) for every i: the same numbers, in a loop of its own per activation. */
  phiInto(z: Float64Array, out: Float64Array): void;
  /** out[i] = d[i] * dphi(z[i]) for every i. */
  timesDphi(d: Float64Array, z: Float64Array, out: Float64Array): void;
  peak: number;
  /** The symbol the lecture uses for phi' in a bound, e.g. "σ'". */
  symbol: string;
}

const sigmoidPhi = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const sigmoidDphi = (z: number): number => {
  const e = Math.exp(-Math.abs(z));
  return e / ((1 + e) * (1 + e));
};
const tanhPhi = (z: number): number => Math.tanh(z);
const tanhDphi = (z: number): number => {
  const e = Math.exp(-2 * Math.abs(z));
  return (4 * e) / ((1 + e) * (1 + e));
};
const reluPhi = (z: number): number => Math.max(0, z);
const reluDphi = (z: number): number => (z > 0 ? 1 : 0);
const linearPhi = (z: number): number => z;
const linearDphi = (): number => 1;

/*
 * Why each activation has loops of its own: the /layers engine applies phi
 * and phi' to every unit of every layer at every step, and a worker serves all
 * four activations, so one shared loop calling fns.phi sees four functions and
 * V8 cannot inline any of them (twice the time: 46 against 21 ms per default
 * run). Each loop below only ever calls its own scalar function, the very one
 * phi and dphi are, so the numbers are the same.
 */
const sigmoid: ActivationFns = {
  phi: sigmoidPhi,
  dphi: sigmoidDphi,
  phiInto: (z, out) => {
    for (let i = 0; i < z.length; i++) out[i] = sigmoidPhi(z[i]!);
  },
  timesDphi: (d, z, out) => {
    for (let i = 0; i < z.length; i++) out[i] = d[i]! * sigmoidDphi(z[i]!);
  },
  peak: 0.25,
  symbol: "σ'",
};

const tanh: ActivationFns = {
  phi: tanhPhi,
  dphi: tanhDphi,
  phiInto: (z, out) => {
    for (let i = 0; i < z.length; i++) out[i] = tanhPhi(z[i]!);
  },
  timesDphi: (d, z, out) => {
    for (let i = 0; i < z.length; i++) out[i] = d[i]! * tanhDphi(z[i]!);
  },
  peak: 1,
  symbol: "tanh'",
};

const relu: ActivationFns = {
  phi: reluPhi,
  dphi: reluDphi,
  phiInto: (z, out) => {
    for (let i = 0; i < z.length; i++) out[i] = reluPhi(z[i]!);
  },
  timesDphi: (d, z, out) => {
    for (let i = 0; i < z.length; i++) out[i] = d[i]! * reluDphi(z[i]!);
  },
  peak: 1,
  symbol: "relu'",
};

const linear: ActivationFns = {
  phi: linearPhi,
  dphi: linearDphi,
  phiInto: (z, out) => {
    for (let i = 0; i < z.length; i++) out[i] = linearPhi(z[i]!);
  },
  timesDphi: (d, z, out) => {
    for (let i = 0; i < z.length; i++) out[i] = d[i]! * linearDphi();
  },
  peak: 1,
  symbol: "id'",
};

export const activation: Record<Activation, ActivationFns> = { sigmoid, tanh, relu, linear };

export function isActivation(s: string): s is Activation {
  return (ACTIVATIONS as readonly string[]).includes(s);
}

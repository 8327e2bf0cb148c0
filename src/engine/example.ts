/** The lecture's worked example: plain arithmetic on given chain-rule factors. */
export interface WorkedExample {
  factors: number[];
  product: number;
  w: number;
  lr: number;
  w_new: number;
}

export const LECTURE_EXAMPLE = { factors: [150, 100, 125, 50], w: 500, lr: 0.01 } as const;

export function workedExample(factors: readonly number[], w: number, lr: number): WorkedExample {
  const product = factors.reduce((acc, f) => acc * f, 1);
  return { factors: [...factors], product, w, lr, w_new: w - lr * product };
}

/**
 * The spec's one random stream: mulberry32 over unsigned 32-bit integers and
 * the cosine half of Box-Muller. Every draw of a /layers run comes from one
 * stream in the spec's order, so an independent implementation gets the same network.
 */
export interface RandomStream {
  /** The next unsigned 32-bit integer. */
  next(): number;
  /** One standard normal from two draws. */
  normal(): number;
}

const TWO_32 = 4294967296;

export function mulberry32(seed: number): RandomStream {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const normal = (): number => {
    const u1 = (next() + 0.5) / TWO_32;
    const u2 = (next() + 0.5) / TWO_32;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  return { next, normal };
}

/** Per-layer overrides as `w2=-3` pairs, in layer order. */
export function layerPairs(name: string, m: Readonly<Record<number, number>>): string[] {
  return Object.keys(m)
    .map(Number)
    .sort((a, b) => a - b)
    .map((k) => `${name}${k}=${m[k]}`);
}

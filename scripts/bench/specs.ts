/**
 * What the class types: variations of the lecture's example, every one a run
 * no earlier phase has drawn (so the cache cannot answer it). Both sides of
 * the bench walk the same sequence, so they draw the same pictures.
 */
export class Texts {
  private i = 0;

  /** The next n distinct /explode texts: w = 100..690 step 10, then the same with a slightly larger lr, and so on. */
  fresh(n: number): string[] {
    return Array.from({ length: n }, () => Texts.nth(this.i++));
  }

  static nth(i: number): string {
    const w = 100 + 10 * (i % 60);
    const lr = Number((0.01 + 0.0001 * Math.floor(i / 60)).toFixed(6));
    return `w=${w} lr=${lr}`;
  }
}

/** Inputs for the acknowledgement path: valid ones, a refused one now and then, as a class types them. */
export function ackTexts(n: number): string[] {
  const shapes = [
    (i: number) => `w=${500 + (i % 50)} lr=0.01`,
    (i: number) => `lr=${(0.001 * (1 + (i % 9))).toFixed(3)} w=${100 + (i % 90)} depth=${3 + (i % 5)}`,
    (i: number) => `act=tanh w=${1 + (i % 7)} steps=${20 + (i % 30)}`,
    (i: number) => `w=${i % 40} b=0.3 x=2 y=0.5 clip=${1 + (i % 4)}`,
    (i: number) => `w=abc${i}`,
  ];
  return Array.from({ length: n }, (_, i) => shapes[i % shapes.length]!(i));
}

import type { RunSpec, WorkedExample } from '../engine/index.ts';
import type { LayersParams } from '../engine/layers/index.ts';

/** What the CLI needs from the outside world; tests pass their own. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Renders the breakdown and chart PNGs into dir; returns the paths written. */
  renderExplode(spec: RunSpec, dir: string): Promise<string[]>;
  renderExample(ex: WorkedExample, dir: string): Promise<string[]>;
  /** Writes gradient.png, activations.png and training.png of a /layers run into dir. */
  renderLayers(params: LayersParams, dir: string): Promise<string[]>;
}

import type { RunSpec, WorkedExample } from '../engine/index.ts';

/** What the CLI needs from the outside world; tests pass their own. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Renders the breakdown and chart PNGs into dir; returns the paths written. */
  renderExplode(spec: RunSpec, dir: string): Promise<string[]>;
  renderExample(ex: WorkedExample, dir: string): Promise<string[]>;
}

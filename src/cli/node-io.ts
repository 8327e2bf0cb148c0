import type { CliIO } from './io.ts';

/** The real terminal. Rendering is loaded lazily so plain text runs never start the canvas stack. */
export const nodeIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  async renderExplode() {
    throw new Error('rendering is not available yet');
  },
  async renderExample() {
    throw new Error('rendering is not available yet');
  },
};

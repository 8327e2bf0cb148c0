import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { CliIO } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/main.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/gradbot.mjs', import.meta.url).pathname;

/** Runs bin/gradbot.mjs in a child process; a non-zero exit comes back as its code, not a throw. */
export async function gradbot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/**
 * The same CLI in this process, as bin/gradbot.mjs runs it, without a process
 * start per case (each costs about half a second of CPU, mostly tsx's own
 * start). Pictures are not drawn: the render hooks write nothing.
 */
export async function gradbotInProcess(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), renderExplode: async () => [], renderExample: async () => [], renderLayers: async () => [] };
  const code = await runCli(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

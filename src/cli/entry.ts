import { runCli } from './main.ts';
import { nodeIO } from './node-io.ts';

export async function main(argv: readonly string[]): Promise<void> {
  try {
    process.exitCode = await runCli(argv, nodeIO);
  } catch (e) {
    // An internal failure still gets one line, never a stack trace, unless asked for.
    process.stderr.write(`gradbot: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.GRADBOT_DEBUG) console.error(e);
    process.exitCode = 1;
  }
}

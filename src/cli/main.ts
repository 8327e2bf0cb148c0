import { doctorCli } from './doctor.ts';
import { exampleCli } from './example.ts';
import { explodeCli } from './explode.ts';
import { layersCli } from './layers.ts';
import { migrateStoreCli } from './migrate-store.ts';
import { quizCli } from './quiz.ts';
import { cliHelp } from './help.ts';
import { UsageError } from './args.ts';
import type { CliIO } from './io.ts';

export type Subcommand = (argv: readonly string[], io: CliIO) => Promise<number>;

export const subcommands: Record<string, Subcommand> = {
  explode: explodeCli,
  layers: layersCli,
  example: exampleCli,
  quiz: quizCli,
  doctor: doctorCli,
  'migrate-store': migrateStoreCli,
  help: async (_argv, io) => {
    io.out(cliHelp());
    return 0;
  },
};

/** Runs one CLI invocation; returns the exit status. Bad input is 2, with one line on stderr. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.out(cliHelp());
    return name === undefined ? 2 : 0;
  }
  const sub = subcommands[name];
  if (!sub) {
    io.err(`gradbot: unknown command "${name}"; try: ${Object.keys(subcommands).join(', ')}`);
    return 2;
  }
  try {
    return await sub(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`gradbot ${name}: ${e.message.replaceAll('`', '').replaceAll('\n', '; ')}`);
      return 2;
    }
    throw e;
  }
}

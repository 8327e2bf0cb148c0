import { cliHelp } from './help.ts';
import { UsageError } from './args.ts';
import type { CliIO } from './io.ts';

export type Subcommand = (argv: readonly string[], io: CliIO) => Promise<number>;

/**
 * Each subcommand loads only what it uses when it runs: `explode --json` has
 * no need of the store drivers, MathJax or the doctor's checks, and every
 * module loaded is start-up time for a student's one-line command.
 */
export const subcommands: Record<string, Subcommand> = {
  explode: async (argv, io) => (await import('./explode.ts')).explodeCli(argv, io),
  layers: async (argv, io) => (await import('./layers.ts')).layersCli(argv, io),
  example: async (argv, io) => (await import('./example.ts')).exampleCli(argv, io),
  quiz: async (argv, io) => (await import('./quiz.ts')).quizCli(argv, io),
  doctor: async (argv, io) => (await import('./doctor.ts')).doctorCli(argv, io),
  'migrate-store': async (argv, io) => (await import('./migrate-store.ts')).migrateStoreCli(argv, io),
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

/** Splits argv into --flags and the parameter text (everything else, joined by spaces). */
export interface CliArgs {
  flags: Map<string, string | true>;
  text: string;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], valued: readonly string[], bare: readonly string[]): CliArgs {
  const flags = new Map<string, string | true>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      rest.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s) as [string, string | undefined];
    if (bare.includes(name) && inline === undefined) flags.set(name, true);
    else if (valued.includes(name)) {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`--${name} needs a value, like --${name} ${name === 'out' ? 'out/' : '1'}`);
      flags.set(name, v);
    } else {
      const all = [...bare.map((b) => `--${b}`), ...valued.map((v) => `--${v} …`)];
      throw new UsageError(`unknown flag --${name}; allowed: ${all.join(', ') || 'none'}`);
    }
  }
  return { flags, text: rest.join(' ') };
}

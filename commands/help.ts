import { z } from 'zod';
import { describeOptions, usageLines } from '../src/params/index.ts';
import { privateText } from '../src/reply.ts';
import type { Command } from './types.ts';
import { clipText, parseOptions } from './shared/reply-text.ts';

/** Discord's hard limit is 2,000; help is private and may use most of it. */
const HELP_MAX = 1900;

function summaryLine(c: Command): string {
  const keys = describeOptions(c.schema).map((o) => o.name);
  return `/${c.name}${keys.length ? ` [${keys.join(' ')}]` : ''}: ${c.description}`;
}

function detail(c: Command): string {
  const lines = usageLines(c.schema);
  return [
    `**/${c.name}**${c.taOnly ? ' (TAs only)' : ''}: ${c.description}`,
    ...(lines.length ? ['Parameters, as options or as key=value text:', ...lines.map((l) => `• ${l}`)] : ['No parameters.']),
  ].join('\n');
}

/**
 * /help, generated from the command list and the schemas, so it cannot drift
 * from what the commands accept. Built from the names so its own schema can
 * offer them as choices.
 */
export function createHelp(names: readonly [string, ...string[]], all: () => readonly Command[]) {
  const schema = z.object({
    command: z.enum(names).optional().describe('a command to explain in detail').meta({ example: 'explode' }),
  });
  const help: Command<typeof schema> = {
    name: 'help',
    description: 'The commands and their parameters',
    schema,
    visibility: 'private',
    taOnly: false,
    prepare(input, { caller }) {
      const parsed = parseOptions(schema, input);
      if (!parsed.ok) return parsed;
      const { command } = parsed.values;
      return {
        ok: true,
        async execute() {
          const list = all();
          const one = list.find((c) => c.name === command);
          if (one) return privateText(clipText(detail(one), HELP_MAX));
          const everyone = list.filter((c) => !c.taOnly);
          const ta = list.filter((c) => c.taOnly);
          const text = [
            '**gradbot**: see why gradients explode and vanish.',
            ...everyone.map(summaryLine),
            ...(caller.isTA ? ['', '**For TAs:**', ...ta.map(summaryLine)] : ['', `TAs also have: ${ta.map((c) => `/${c.name}`).join(', ')}.`]),
            '',
            'Give parameters as options or as text, like `/explode w=500 lr=0.01`. `/help command=explode` explains one command.',
          ].join('\n');
          return privateText(clipText(text, HELP_MAX));
        },
      };
    },
  };
  return help;
}

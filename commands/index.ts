import { answersExport } from './answers-export.ts';
import { example } from './example.ts';
import { explode } from './explode.ts';
import { layers } from './layers.ts';
import { createHelp } from './help.ts';
import { leaderboard } from './leaderboard.ts';
import { quizClose } from './quiz-close.ts';
import { quizSettings } from './quiz-settings.ts';
import { quiz } from './quiz.ts';
import { scoresReset } from './scores-reset.ts';
import { ta } from './ta.ts';
import type { Command } from './types.ts';

export type { Caller, Command, CommandContext, CommandPrepared, Platform } from './types.ts';

const rest: readonly Command[] = [explode, layers, example, quiz, leaderboard, quizClose, quizSettings, scoresReset, answersExport, ta];
const names: [string, ...string[]] = ['help', ...rest.map((c) => c.name)];

export const help = createHelp(names, () => commands);

/**
 * Every command, in the order help lists them. Adapters register exactly
 * these (Discord options come from describeOptions(command.schema)).
 */
export const commands: readonly Command[] = [explode, layers, quiz, leaderboard, help, example, quizClose, quizSettings, scoresReset, answersExport, ta];

export function findCommand(name: string, list: readonly Command[] = commands): Command | undefined {
  const key = name.trim().replace(/^\//, '').toLowerCase();
  return list.find((c) => c.name === key);
}

export { answersExport, example, explode, layers, leaderboard, quiz, quizClose, quizSettings, scoresReset, ta };

import { z } from 'zod';
import { MAX_QUIZ_MINUTES, MIN_QUIZ_MINUTES } from '../src/quiz/desk.ts';
import { privateText } from '../src/reply.ts';
import type { Command } from './types.ts';
import { minutesText, parseOptions } from './shared/reply-text.ts';

export const quizSettingsSchema = z.object({
  minutes: z
    .number()
    .int()
    .min(MIN_QUIZ_MINUTES)
    .max(MAX_QUIZ_MINUTES)
    .optional()
    .describe('how long new quizzes in this class stay open (omit to see the current setting)')
    .meta({ example: '10' }),
});

export const quizSettings: Command<typeof quizSettingsSchema> = {
  name: 'quiz-settings',
  description: 'See or set how long quizzes stay open in this class',
  schema: quizSettingsSchema,
  visibility: 'private',
  taOnly: true,
  prepare(input, { caller, quizzes }) {
    const parsed = parseOptions(quizSettingsSchema, input);
    if (!parsed.ok) return parsed;
    const { minutes } = parsed.values;
    return {
      ok: true,
      async execute() {
        if (minutes === undefined) return privateText(`Quizzes in this class stay open for ${minutesText(await quizzes.minutesFor(caller.classId))}.`);
        await quizzes.setMinutes(caller.classId, minutes);
        return privateText(`New quizzes in this class now stay open for ${minutesText(minutes)}; open ones keep their closing time.`);
      },
    };
  },
};

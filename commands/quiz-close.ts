import { z } from 'zod';
import { privateText } from '../src/reply.ts';
import type { Command } from './types.ts';
import { clipText, parseOptions } from './shared/reply-text.ts';

export const quizCloseSchema = z.object({
  quiz: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,16}$/)
    .optional()
    .describe("the quiz id (default: this class's latest open quiz)")
    .meta({ example: 'Ab3dE_9xYz12' }),
});

export const quizClose: Command<typeof quizCloseSchema> = {
  name: 'quiz-close',
  description: 'Close a quiz now and post its summary (default: the latest open quiz in this class)',
  schema: quizCloseSchema,
  visibility: 'private',
  taOnly: true,
  prepare(input, { caller, quizzes }) {
    const parsed = parseOptions(quizCloseSchema, input);
    if (!parsed.ok) return parsed;
    const { quiz: id } = parsed.values;
    return {
      ok: true,
      async execute() {
        const target = await (id === undefined ? quizzes.store.latestOpenQuiz(caller.classId) : quizzes.store.getQuiz(id));
        if (!target || target.classId !== caller.classId) {
          return privateText(id === undefined ? 'There is no open quiz in this class.' : `There is no quiz \`${id}\` in this class.`);
        }
        if (target.closedAt !== null) return privateText(`Quiz \`${target.id}\` is already closed.`);
        const closed = await quizzes.close(target.id);
        if (!closed) return privateText(`Quiz \`${target.id}\` is already closed.`);
        const answered = (await quizzes.store.answersOf(target.id)).length;
        return privateText(clipText(`Closed quiz \`${target.id}\` (${answered} answered): "${clipText(target.question, 120)}". The summary goes to its thread.`));
      },
    };
  },
};

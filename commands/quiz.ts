import { z } from 'zod';
import { QuizDesk } from '../src/quiz/desk.ts';
import { makeQuestion } from '../src/quiz/generate.ts';
import { hashSeed } from '../src/quiz/prng.ts';
import { TOPICS } from '../src/quiz/types.ts';
import { threadName } from '../src/reply.ts';
import type { Command } from './types.ts';
import { minutesText, parseOptions, safeName } from './shared/reply-text.ts';

export const quizSchema = z.object({
  topic: z.enum(TOPICS).optional().describe('what to ask about (default: any topic)').meta({ example: 'xavier' }),
  seed: z.number().int().min(0).max(2_147_483_647).optional().describe('pick a question by number, to repeat one exactly').meta({ example: '7' }),
});

/**
 * A fresh question for the class. A question the caller missed earlier and
 * that is due for review comes first (unless a topic or seed is asked for).
 */
export const quiz: Command<typeof quizSchema> = {
  name: 'quiz',
  description: 'A fresh quiz question (a question you missed earlier comes back first)',
  schema: quizSchema,
  visibility: 'public',
  taOnly: false,
  prepare(input, { caller, quizzes }) {
    const parsed = parseOptions(quizSchema, input);
    if (!parsed.ok) return parsed;
    const { topic, seed: askedSeed } = parsed.values;
    return {
      ok: true,
      async execute() {
        const review = topic === undefined && askedSeed === undefined ? await quizzes.takeReview(caller) : null;
        const seed = review?.seed ?? askedSeed ?? hashSeed('quiz', caller.classId, await quizzes.store.quizCount(caller.classId));
        const question = review?.question ?? makeQuestion({ seed, topic });
        const record = await quizzes.open({ question, by: caller, seed, reviewOf: review?.rootQuizId ?? null });
        const minutes = minutesText(await quizzes.minutesFor(caller.classId));
        const intro = review
          ? `**Review for ${safeName(caller.userName)}:** a question missed earlier, back again (anyone may answer). Closes in ${minutes}.`
          : `**Quiz** (${question.topic === 'run' ? "the lecture's run" : question.topic}): one answer each, closes in ${minutes}.`;
        return {
          text: intro,
          quiz: QuizDesk.replyQuiz(record),
          visibility: 'public',
          thread: { name: threadName(`quiz ${review ? 'review' : question.topic}: ${question.question}`) },
        };
      },
    };
  },
};

import { z } from 'zod';
import { answersCsv } from '../src/quiz/csv.ts';
import type { Command } from './types.ts';
import { parseOptions } from './shared/reply-text.ts';

export const answersExportSchema = z.object({});

/** A file name from a class id like "discord:123:456": only safe characters. */
export const exportFileName = (classId: string): string => `answers-${classId.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60)}.csv`;

export const answersExport: Command<typeof answersExportSchema> = {
  name: 'answers-export',
  description: "Download this class's quiz answers as CSV (quiz, user, choice, correct, time)",
  schema: answersExportSchema,
  visibility: 'private',
  taOnly: true,
  prepare(input, { caller, services }) {
    const parsed = parseOptions(answersExportSchema, input);
    if (!parsed.ok) return parsed;
    return {
      ok: true,
      async execute() {
        const rows = await services.store.exportAnswers(caller.classId);
        const quizzes = new Set(rows.map((r) => r.quizId)).size;
        const csv = answersCsv(rows);
        return {
          text: `${rows.length} ${rows.length === 1 ? 'answer' : 'answers'} to ${quizzes} ${quizzes === 1 ? 'quiz' : 'quizzes'} in this class.`,
          files: [{ name: exportFileName(caller.classId), content: Buffer.from(csv, 'utf8'), mime: 'text/csv' }],
          visibility: 'private',
        };
      },
    };
  },
};

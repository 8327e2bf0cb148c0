import { z } from 'zod';
import { privateText } from '../src/reply.ts';
import type { Command } from './types.ts';
import { parseOptions } from './shared/reply-text.ts';

export const scoresResetSchema = z.object({
  confirm: z.enum(['yes']).optional().describe("yes: really delete this class's scores, streaks and reviews").meta({ example: 'yes' }),
});

export const scoresReset: Command<typeof scoresResetSchema> = {
  name: 'scores-reset',
  description: "Reset this class's scores, streaks and review queue (answers stay for the export)",
  schema: scoresResetSchema,
  visibility: 'private',
  taOnly: true,
  prepare(input, { caller, services }) {
    const parsed = parseOptions(scoresResetSchema, input);
    if (!parsed.ok) return parsed;
    if (parsed.values.confirm !== 'yes') {
      return { ok: false, reply: privateText("This deletes every score, streak and review in this class. To go ahead, run `/scores-reset confirm=yes`.") };
    }
    return {
      ok: true,
      async execute() {
        const removed = await services.store.resetScores(caller.classId);
        return privateText(`Reset the scores of ${removed} ${removed === 1 ? 'student' : 'students'} in this class. Their answers are kept for /answers-export.`);
      },
    };
  },
};

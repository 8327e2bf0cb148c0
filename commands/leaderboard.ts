import { z } from 'zod';
import type { RankedScore } from '../src/store/types.ts';
import type { Command } from './types.ts';
import { clipText, parseOptions, safeName } from './shared/reply-text.ts';

export const leaderboardSchema = z.object({});

export const LEADERBOARD_SIZE = 10;

const points = (p: number) => (p === 1 ? '1 point' : `${p} points`);

function line(s: RankedScore): string {
  const streak = s.streak > 1 ? `, streak ${s.streak}` : '';
  return `${s.rank}. ${safeName(s.userName)}: ${points(s.points)} (${s.correct}/${s.answered} right${streak}, best streak ${s.bestStreak})`;
}

export const leaderboard: Command<typeof leaderboardSchema> = {
  name: 'leaderboard',
  description: "This class's top 10 and your own rank",
  schema: leaderboardSchema,
  visibility: 'public',
  taOnly: false,
  prepare(input, { caller, services }) {
    const parsed = parseOptions(leaderboardSchema, input);
    if (!parsed.ok) return parsed;
    return {
      ok: true,
      async execute() {
        const top = await services.store.leaderboard(caller.classId, LEADERBOARD_SIZE);
        if (top.length === 0) return { text: 'No scores in this class yet: answer a quiz (/quiz or /explode) to get on the board.', visibility: 'public' };
        const mine = await services.store.rankOf(caller.classId, caller.userId);
        const me = safeName(caller.userName);
        const own = !mine
          ? `${me}: no answers yet in this class.`
          : mine.rank <= LEADERBOARD_SIZE
            ? `${me}: #${mine.rank} of the board above.`
            : `${me}: #${mine.rank}, ${points(mine.points)} (${mine.correct}/${mine.answered} right).`;
        const text = ['**Leaderboard** (points; ties go to whoever got there first)', ...top.map(line), '', own].join('\n');
        return { text: clipText(text), visibility: 'public' };
      },
    };
  },
};

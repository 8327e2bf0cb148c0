import type { types } from '@slack/bolt';
import { quizButtonId, type ReplyQuiz } from '../../reply.ts';
import { clip, escapeSlack, splitMrkdwn, toMrkdwn } from './mrkdwn.ts';

export type Block = types.KnownBlock;

/** Slack's limits: 50 blocks a message, 3000 characters a section, 75 a button label, 2000 a button value. */
const MAX_BLOCKS = 50;
const BUTTON_LABEL = 75;

/** The Reply text as mrkdwn sections, at most `room` of them (the rest is cut with a note). */
export function textBlocks(text: string, room = MAX_BLOCKS): Block[] {
  const pieces = splitMrkdwn(toMrkdwn(text));
  const kept = pieces.length > room ? [...pieces.slice(0, room - 1), '_(cut: the rest did not fit in one Slack message)_'] : pieces;
  return kept.map((t) => ({ type: 'section', text: { type: 'mrkdwn', text: t } }));
}

/** Who ran what, as Slack shows nothing of a slash command that was only acknowledged. */
export function invokedBlock(userId: string, command: string, text: string): Block {
  const args = text.trim() === '' ? '' : ` ${clip(text.replace(/\s+/g, ' ').trim(), 200)}`;
  return { type: 'context', elements: [{ type: 'mrkdwn', text: `<@${userId}> used \`${escapeSlack(`/${command}${args}`).replace(/`/g, "'")}\`` }] };
}

export const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'] as const;

export function letter(i: number): string {
  return LETTERS[i] ?? String(i + 1);
}

/** Slack renders <!date^…> in each reader's own time zone. */
function closesText(closesAt: number): string {
  const sec = Math.floor(closesAt / 1000);
  const fallback = new Date(closesAt).toISOString().replace('T', ' ').slice(0, 16);
  return `Answers close <!date^${sec}^{date_short_pretty} at {time}|${fallback} UTC>. Your answer is private; the tally comes when the quiz closes.`;
}

/**
 * The question, every choice in full (button labels are clipped at 75
 * characters), and one button per choice. Ids carry only the quiz id and the
 * choice index; everything else is looked up in the store.
 */
function quizBody(quiz: ReplyQuiz): Block[] {
  const choiceLines = quiz.choices.map((c, i) => `*${letter(i)}.* ${toMrkdwn(c)}`).join('\n');
  return splitMrkdwn(`${toMrkdwn(quiz.question)}\n\n${choiceLines}`).map((t): Block => ({ type: 'section', text: { type: 'mrkdwn', text: t } }));
}

export function quizBlocks(quiz: ReplyQuiz): Block[] {
  return [
    ...quizBody(quiz),
    {
      type: 'actions',
      block_id: clip(`quiz:${quiz.quizId}`, 255),
      elements: quiz.choices.map((c, i) => ({
        type: 'button' as const,
        action_id: quizButtonId(quiz.quizId, i),
        value: quizButtonId(quiz.quizId, i),
        text: { type: 'plain_text' as const, text: clip(`${letter(i)}. ${c.replace(/\s+/g, ' ')}`, BUTTON_LABEL), emoji: false },
      })),
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: closesText(quiz.closesAt) }] },
  ];
}

/** The quiz message once answers stop: the buttons are gone so nobody clicks into a closed quiz. */
export function closedQuizBlocks(quiz: ReplyQuiz): Block[] {
  return [...quizBody(quiz), { type: 'context', elements: [{ type: 'mrkdwn', text: 'This quiz is closed; the tally is in the thread.' }] }];
}

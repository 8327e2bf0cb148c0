import { clipText } from '../../format/clip.ts';
import { ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, type MessageActionRowComponentBuilder } from 'discord.js';
import type { Reply, ReplyQuiz } from '../../reply.ts';
import { quizButtonId } from '../../reply.ts';

/** Discord's limits on one message. */
export const MAX_CONTENT = 2000;
const MAX_LABEL = 80;
const BUTTONS_PER_ROW = 5;
const MAX_ROWS = 5;
/** Attachment descriptions (alt text) are at most 1024 characters. */
const MAX_ALT = 1024;

/** Nothing a reply echoes may ping anyone: user text can carry @everyone or <@id>. */
export const NO_MENTIONS = { parse: [] as [] };

/** Clips on a code point (never inside a surrogate pair), the ellipsis included in `max`. */
export function clip(s: string, max: number): string {
  return clipText(s, max);
}

export function content(text: string, note?: string): string {
  const body = note ? `${text}\n-# ${note}` : text;
  return clip(body.trim() === '' ? '​' : body, MAX_CONTENT);
}

export function attachmentsOf(reply: Reply): AttachmentBuilder[] {
  const images = (reply.images ?? []).map((img) => new AttachmentBuilder(img.png, { name: img.name }).setDescription(clip(img.alt, MAX_ALT)));
  const files = (reply.files ?? []).map((f) => new AttachmentBuilder(f.content, { name: f.name }));
  return [...images, ...files];
}

export const letter = (i: number): string => String.fromCharCode(65 + i);

export function quizRows(quiz: ReplyQuiz, disabled = false): ActionRowBuilder<MessageActionRowComponentBuilder>[] {
  const buttons = quiz.choices.slice(0, BUTTONS_PER_ROW * MAX_ROWS).map((choice, i) =>
    new ButtonBuilder()
      .setCustomId(quizButtonId(quiz.quizId, i))
      .setLabel(clip(`${letter(i)}. ${choice}`, MAX_LABEL))
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(disabled),
  );
  const rows: ActionRowBuilder<MessageActionRowComponentBuilder>[] = [];
  for (let i = 0; i < buttons.length; i += BUTTONS_PER_ROW) {
    rows.push(new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(buttons.slice(i, i + BUTTONS_PER_ROW)));
  }
  return rows;
}

/** The quiz post: the question, every choice in full (labels may be clipped), and when it closes. */
export function quizContent(quiz: ReplyQuiz, note?: string): string {
  const choices = quiz.choices.map((c, i) => `**${letter(i)}.** ${c}`).join('\n');
  const closes = `Closes <t:${Math.floor(quiz.closesAt / 1000)}:R>; your answer is private.`;
  return content(`**Quiz:** ${quiz.question}\n${choices}\n${closes}`, note);
}

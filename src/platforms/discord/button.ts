import { MessageFlags, type ButtonInteraction } from 'discord.js';
import { parseQuizButtonId } from '../../reply.ts';
import type { AdapterContext } from './context.ts';
import { NO_MENTIONS, content } from './message.ts';
import { callerOf } from './translate.ts';

export const UNKNOWN_BUTTON = "That button isn't one I know any more (it may be from an old message). Try the newest quiz, or /quiz for a fresh one.";

/**
 * A quiz button: the answer is a store write, no rendering, so we reply
 * directly instead of deferring, well inside Discord's 3 seconds.
 */
export async function handleButton(interaction: ButtonInteraction, ctx: AdapterContext): Promise<void> {
  const parsed = parseQuizButtonId(interaction.customId);
  if (!parsed) {
    await interaction.reply({ content: UNKNOWN_BUTTON, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    return;
  }
  const reply = await ctx.bot.answer(parsed.quizId, parsed.choice, callerOf(interaction));
  await interaction.reply({ content: content(reply.text), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

import { ActionRowBuilder, ButtonBuilder, ComponentType, type Client, type MessageActionRowComponentBuilder } from 'discord.js';
import { classChannelOf, type QuizClosedEvent } from '../../bot.ts';
import type { Logger } from '../../log.ts';
import { decodeLocation } from './context.ts';
import { describeError } from './errors.ts';
import { NO_MENTIONS, attachmentsOf, content } from './message.ts';

/**
 * When a quiz closes, the summary goes where the quiz was (its thread, or
 * the channel) and the buttons are greyed out so nobody clicks into a void.
 */
export async function postQuizSummary(client: Client, event: QuizClosedEvent, log: Logger): Promise<void> {
  if (event.platform !== 'discord') return;
  const loc = decodeLocation(event.location);
  // No location (the process died before storing it): the class channel, rather than no summary at all.
  const channelId = loc?.channelId ?? classChannelOf(event.classId);
  if (!channelId) {
    log.warn({ quizId: event.quizId }, 'discord: quiz has no location and no class channel; no summary posted');
    return;
  }
  let channel;
  try {
    // The quiz may live on a server another shard (another process) holds: its guild is not in this cache.
    channel = await client.channels.fetch(channelId, { allowUnknownGuild: true });
  } catch (e) {
    log.warn({ quizId: event.quizId, ...describeError(e) }, 'discord: quiz channel is gone; no summary posted');
    return;
  }
  if (!channel?.isTextBased() || !channel.isSendable()) return;
  try {
    await channel.send({ content: content(event.summary.text), files: attachmentsOf(event.summary), allowedMentions: NO_MENTIONS });
  } catch (e) {
    log.warn({ quizId: event.quizId, ...describeError(e) }, 'discord: could not post the quiz summary');
  }
  if (!loc) return;
  try {
    const message = await channel.messages.fetch(loc.messageId);
    const rows = message.components.flatMap((row) => {
      if (row.type !== ComponentType.ActionRow) return [];
      const buttons = row.components.flatMap((c) => (c.type === ComponentType.Button ? [ButtonBuilder.from(c).setDisabled(true)] : []));
      return buttons.length > 0 ? [new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(buttons)] : [];
    });
    if (rows.length > 0) await message.edit({ components: rows, allowedMentions: NO_MENTIONS });
  } catch (e) {
    log.info({ quizId: event.quizId, ...describeError(e) }, 'discord: could not disable the quiz buttons');
  }
}

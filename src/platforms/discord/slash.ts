import { MessageFlags, PermissionFlagsBits, ThreadAutoArchiveDuration, type ChatInputCommandInteraction, type Message } from 'discord.js';
import type { Reply } from '../../reply.ts';
import { privateText, threadName } from '../../reply.ts';
import { SORRY, encodeLocation, type AdapterContext } from './context.ts';
import { describeError, isMissingPermission, threadRefusal } from './errors.ts';
import { NO_MENTIONS, attachmentsOf, content, quizContent, quizRows } from './message.ts';
import { callerOf, isThreadChannel, paramInputOf } from './translate.ts';
import { needsRoles } from '../roles.ts';
import { discordRoles } from './roles.ts';

const NO_FILES_NOTE = "I may not attach files in this channel, so the pictures are missing; ask a moderator to give me Attach Files.";

/**
 * A slash command: answer at once (an error privately, or "thinking…"),
 * then do the slow work and edit the reply; a quiz goes into a thread on it.
 */
export async function handleSlash(interaction: ChatInputCommandInteraction, ctx: AdapterContext): Promise<void> {
  let caller = callerOf(interaction);
  if (needsRoles(interaction.commandName)) caller = await discordRoles(caller, interaction, interaction.commandName, ctx.tenancy);
  const prepared = ctx.bot.prepare(interaction.commandName, paramInputOf(interaction.options.data), caller);
  if (!prepared.ok) {
    await interaction.reply({ content: content(prepared.reply.text), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    return;
  }
  const ephemeral = prepared.visibility === 'private';
  await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});

  let reply: Reply;
  try {
    reply = await prepared.execute();
  } catch (e) {
    ctx.log.error({ command: interaction.commandName, ...describeError(e) }, 'discord: command failed');
    reply = privateText(SORRY);
  }

  if (reply.visibility === 'private' && !ephemeral) {
    // A public "thinking…" cannot turn private: remove it and answer the caller alone.
    await interaction.deleteReply().catch((e: unknown) => ctx.log.warn(describeError(e), 'discord: could not delete the deferred reply'));
    await interaction.followUp({ content: content(reply.text), files: attachmentsOf(reply), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    return;
  }

  const message = await editWithReply(interaction, reply, ctx);
  if (reply.quiz) await postQuiz(interaction, reply, ephemeral ? null : message, ctx);
}

async function editWithReply(interaction: ChatInputCommandInteraction, reply: Reply, ctx: AdapterContext): Promise<Message> {
  const files = attachmentsOf(reply);
  const canAttach = !interaction.inGuild() || interaction.appPermissions.has(PermissionFlagsBits.AttachFiles);
  if (files.length > 0 && !canAttach) {
    return interaction.editReply({ content: content(reply.text, NO_FILES_NOTE), files: [], allowedMentions: NO_MENTIONS });
  }
  try {
    return await interaction.editReply({ content: content(reply.text), files, allowedMentions: NO_MENTIONS });
  } catch (e) {
    if (files.length === 0 || !isMissingPermission(e)) throw e;
    ctx.log.warn(describeError(e), 'discord: files refused, sending text only');
    return interaction.editReply({ content: content(reply.text, NO_FILES_NOTE), files: [], allowedMentions: NO_MENTIONS });
  }
}

/** Why no thread can start here, before asking Discord; null when it is worth a try. */
function threadBlocker(interaction: ChatInputCommandInteraction): string | null {
  if (!interaction.inGuild()) return 'threads cannot be started in direct messages';
  if (isThreadChannel(interaction)) return 'we are already in a thread';
  const perms = interaction.appPermissions;
  if (!perms.has(PermissionFlagsBits.CreatePublicThreads) || !perms.has(PermissionFlagsBits.SendMessagesInThreads)) {
    return 'I may not start threads in this channel (I need Create Public Threads and Send Messages in Threads)';
  }
  return null;
}

/** Null when the channel can start a thread now (and takes that slot); else why the quiz goes inline. */
function threadBusy(interaction: ChatInputCommandInteraction, ctx: AdapterContext): string | null {
  if (!ctx.threads) return null;
  const bucket = ctx.threads.get(interaction.channelId);
  if (bucket.waitMs() > 0) return 'the channel is busy, so your quiz is right here instead';
  bucket.take();
  return null;
}

/** The quiz goes into a thread on the reply; where that can't be, right below it, saying why in one line. */
async function postQuiz(interaction: ChatInputCommandInteraction, reply: Reply, message: Message | null, ctx: AdapterContext): Promise<void> {
  const quiz = reply.quiz;
  if (!quiz) return;
  const components = quizRows(quiz);
  let reason: string | null = null;
  if (reply.thread && message) {
    reason = threadBlocker(interaction) ?? threadBusy(interaction, ctx);
    if (reason === null) {
      try {
        const thread = await message.startThread({ name: threadName(reply.thread.name), autoArchiveDuration: ThreadAutoArchiveDuration.OneDay });
        const posted = await thread.send({ content: quizContent(quiz), components, allowedMentions: NO_MENTIONS });
        ctx.bot.setQuizLocation(quiz.quizId, encodeLocation({ channelId: posted.channelId, messageId: posted.id }));
        return;
      } catch (e) {
        reason = threadRefusal(e);
        if (reason === null) throw e;
        ctx.log.info(describeError(e), 'discord: no thread, posting the quiz inline');
      }
    }
  }
  const note = reason ? `No thread: ${reason}.` : undefined;
  const posted = await interaction.followUp({
    content: quizContent(quiz, note),
    components,
    allowedMentions: NO_MENTIONS,
    ...(message ? {} : { flags: MessageFlags.Ephemeral }),
  });
  // A private quiz has no public place for the closing summary.
  if (message) ctx.bot.setQuizLocation(quiz.quizId, encodeLocation({ channelId: posted.channelId, messageId: posted.id }));
}

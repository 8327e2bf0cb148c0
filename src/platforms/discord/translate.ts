import { ChannelType, PermissionFlagsBits, type CommandInteractionOption, type Interaction } from 'discord.js';
import type { Caller } from '../../../commands/types.ts';
import type { ParamInput } from '../../params/index.ts';
import { PARAMS_OPTION } from './command-json.ts';

/** Slash-command options as the parameter language reads them: the `params` text plus the typed values. */
export function paramInputOf(options: readonly CommandInteractionOption[]): ParamInput {
  let text: string | undefined;
  const typed: Record<string, string | number | boolean> = {};
  for (const o of options) {
    if (o.value === undefined || o.value === null) continue;
    if (o.name === PARAMS_OPTION) text = String(o.value);
    else typed[o.name] = o.value;
  }
  return { text, options: typed };
}

const THREAD_TYPES: ReadonlySet<ChannelType> = new Set([ChannelType.PublicThread, ChannelType.PrivateThread, ChannelType.AnnouncementThread]);

/**
 * The channel a class lives in: the parent for anything said inside a
 * thread, so a quiz thread's clicks count for the channel it hangs off.
 */
export function classChannelId(interaction: Interaction): string {
  const ch = interaction.channel;
  if (ch && THREAD_TYPES.has(ch.type) && 'parentId' in ch && ch.parentId) return ch.parentId;
  return interaction.channelId ?? 'unknown';
}

export function isThreadChannel(interaction: Interaction): boolean {
  const ch = interaction.channel;
  return ch !== null && THREAD_TYPES.has(ch.type);
}

/** Manage Messages in this channel: Discord hides TA commands from others, and we check again here. */
export function hasTaRights(interaction: Interaction): boolean {
  return interaction.inGuild() && (interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages) ?? false);
}

export function callerOf(interaction: Interaction): Caller {
  const member = interaction.member;
  const nick = member && 'displayName' in member ? member.displayName : member && 'nick' in member ? member.nick : null;
  return {
    platform: 'discord',
    userId: interaction.user.id,
    userName: nick ?? interaction.user.globalName ?? interaction.user.username,
    classId: `discord:${interaction.guildId ?? 'dm'}:${classChannelId(interaction)}`,
    isTA: hasTaRights(interaction),
  };
}

import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';

/**
 * What the bot needs in a class channel, and nothing more: it never reads
 * messages (no privileged intents), it posts, threads and attaches.
 */
export const INVITE_PERMISSIONS = [
  ['View Channels', PermissionFlagsBits.ViewChannel],
  ['Send Messages', PermissionFlagsBits.SendMessages],
  ['Send Messages in Threads', PermissionFlagsBits.SendMessagesInThreads],
  ['Create Public Threads', PermissionFlagsBits.CreatePublicThreads],
  ['Attach Files', PermissionFlagsBits.AttachFiles],
  ['Embed Links', PermissionFlagsBits.EmbedLinks],
  ['Read Message History', PermissionFlagsBits.ReadMessageHistory],
] as const;

export const INVITE_PERMISSION_BITS: bigint = new PermissionsBitField(INVITE_PERMISSIONS.map(([, bit]) => bit)).bitfield;

/** The link a TA opens to add the bot to a server: both scopes, the permissions above. */
export function inviteUrl(applicationId: string): string {
  const q = new URLSearchParams({ client_id: applicationId, scope: 'bot applications.commands', permissions: INVITE_PERMISSION_BITS.toString() });
  return `https://discord.com/oauth2/authorize?${q.toString()}`;
}

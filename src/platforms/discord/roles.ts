import { PermissionFlagsBits, type Interaction } from 'discord.js';
import type { Caller } from '../../../commands/types.ts';
import type { TenancyStore } from '../../store/tenancy.ts';
import { TA_COMMAND, withClassTa } from '../roles.ts';

/** Who may name and remove a server's TAs (/ta): Discord hides the command from everyone else, and we check again. */
export const MANAGE_TAS_PERMISSION = PermissionFlagsBits.ManageGuild;

/**
 * A Discord caller's roles for the commands that need them: a TA by
 * Manage Messages or because /ta named them in this class; may manage TAs
 * with Manage Server. A student has neither, so cannot name themself.
 */
export async function discordRoles(caller: Caller, interaction: Interaction, commandName: string, tenancy: TenancyStore | undefined): Promise<Caller> {
  const withTa = await withClassTa(caller, tenancy);
  if (commandName !== TA_COMMAND) return withTa;
  const canManageTas = interaction.inGuild() && (interaction.memberPermissions?.has(MANAGE_TAS_PERMISSION) ?? false);
  return { ...withTa, canManageTas };
}

import { REST, Routes, type APIApplication } from 'discord.js';
import type { CommandJson } from './command-json.ts';

/**
 * The application id is the token's first part, base64-encoded; when that
 * does not decode to a snowflake we ask Discord.
 */
export function applicationIdFromToken(token: string): string | null {
  const first = token.replace(/^Bot\s+/i, '').split('.')[0] ?? '';
  const id = Buffer.from(first, 'base64').toString('utf8');
  return /^\d{15,25}$/.test(id) ? id : null;
}

export interface RegisterResult {
  applicationId: string;
  scope: 'guild' | 'global';
  names: string[];
}

/**
 * Replaces the application's commands with these (PUT overwrites, so a
 * command removed from commands/ disappears from Discord too). A guild's
 * commands appear at once; global ones can take up to an hour.
 */
export async function registerCommands(opts: { token: string; apiUrl: string; guildId: string | null; commands: CommandJson[]; retries?: number }): Promise<RegisterResult> {
  const rest = new REST({ api: opts.apiUrl, retries: opts.retries ?? 3 }).setToken(opts.token);
  const applicationId = applicationIdFromToken(opts.token) ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  const route = opts.guildId ? Routes.applicationGuildCommands(applicationId, opts.guildId) : Routes.applicationCommands(applicationId);
  const saved = (await rest.put(route, { body: opts.commands })) as { name: string }[];
  return { applicationId, scope: opts.guildId ? 'guild' : 'global', names: saved.map((c) => c.name) };
}

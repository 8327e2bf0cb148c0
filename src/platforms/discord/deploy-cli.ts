/** The body of scripts/deploy-commands.ts, importable so tests need not start a process per case. */
import { commands } from '../../../commands/index.ts';
import { configProblemMessage, loadConfig } from '../../config.ts';
import { commandsJson } from './command-json.ts';
import { inviteUrl } from './invite.ts';
import { applicationIdFromToken, registerCommands } from './register.ts';

const USAGE = 'usage: npm run deploy-commands [-- --dry-run]';

/** Where the script writes: the process's streams when run, arrays in tests. */
export interface DeployIO {
  out(text: string): void;
  err(text: string): void;
}

/** `npm run deploy-commands`: the exit status; everything said goes through io. */
export async function deployCommandsCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: DeployIO): Promise<number> {
  const unknown = argv.filter((a) => a !== '--dry-run');
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  if (unknown.length > 0) {
    io.err(`unknown argument ${unknown[0]}\n${USAGE}\n`);
    return 2;
  }
  const json = commandsJson(commands);
  if (argv.includes('--dry-run')) {
    io.out(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }

  const loaded = loadConfig(env);
  if (!loaded.ok) {
    io.err(`${configProblemMessage(loaded.problems)}\n`);
    return 1;
  }
  const discord = loaded.config.discord;
  if (!discord) {
    io.err('DISCORD_TOKEN is not set: copy the bot token from the Developer Portal (your application > Bot > Reset Token), or pass --dry-run to print the JSON.\n');
    return 1;
  }
  try {
    const result = await registerCommands({ token: discord.token, apiUrl: discord.apiUrl, guildId: discord.guildId, commands: json });
    const where = result.scope === 'guild' ? `server ${discord.guildId} (visible now)` : 'every server the bot is in (may take up to an hour to appear)';
    io.out(`Registered ${result.names.length} commands for application ${result.applicationId} in ${where}: ${result.names.map((n) => `/${n}`).join(', ')}\n`);
    io.out(`Invite link, if the bot is not in the server yet: ${inviteUrl(result.applicationId)}\n`);
    return 0;
  } catch (e) {
    const status = typeof e === 'object' && e !== null && 'status' in e ? Number(e.status) : 0;
    const appId = applicationIdFromToken(discord.token);
    const invite = appId ? ` Invite it with ${inviteUrl(appId)}` : '';
    const hint =
      status === 401
        ? ' DISCORD_TOKEN was refused; reset it in the Developer Portal (Bot tab) and try again.'
        : status === 403 || status === 404
          ? ` Is the bot in that server (invited with the applications.commands scope), and is DISCORD_GUILD_ID right?${invite}`
          : '';
    io.err(`Registering the commands failed: ${e instanceof Error ? e.message : String(e)}.${hint}\n`);
    return 1;
  }
}


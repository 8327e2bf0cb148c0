/**
 * Registers gradbot's slash commands with Discord, generated from commands/.
 *
 *   npm run deploy-commands -- --dry-run      print the command JSON, no token needed
 *   DISCORD_TOKEN=… DISCORD_GUILD_ID=… npm run deploy-commands
 *                                             one server, visible at once (for a course)
 *   DISCORD_TOKEN=… npm run deploy-commands   every server the bot is in (can take up to an hour)
 */
import { commands } from '../commands/index.ts';
import { configProblemMessage, loadConfig } from '../src/config.ts';
import { commandsJson } from '../src/platforms/discord/command-json.ts';
import { inviteUrl } from '../src/platforms/discord/invite.ts';
import { applicationIdFromToken, registerCommands } from '../src/platforms/discord/register.ts';

const USAGE = 'usage: npm run deploy-commands [-- --dry-run]';

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--dry-run');
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument ${unknown[0]}\n${USAGE}\n`);
    return 2;
  }
  const json = commandsJson(commands);
  if (argv.includes('--dry-run')) {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }

  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(`${configProblemMessage(loaded.problems)}\n`);
    return 1;
  }
  const discord = loaded.config.discord;
  if (!discord) {
    process.stderr.write('DISCORD_TOKEN is not set: copy the bot token from the Developer Portal (your application > Bot > Reset Token), or pass --dry-run to print the JSON.\n');
    return 1;
  }
  try {
    const result = await registerCommands({ token: discord.token, apiUrl: discord.apiUrl, guildId: discord.guildId, commands: json });
    const where = result.scope === 'guild' ? `server ${discord.guildId} (visible now)` : 'every server the bot is in (may take up to an hour to appear)';
    process.stdout.write(`Registered ${result.names.length} commands for application ${result.applicationId} in ${where}: ${result.names.map((n) => `/${n}`).join(', ')}\n`);
    process.stdout.write(`Invite link, if the bot is not in the server yet: ${inviteUrl(result.applicationId)}\n`);
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
    process.stderr.write(`Registering the commands failed: ${e instanceof Error ? e.message : String(e)}.${hint}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

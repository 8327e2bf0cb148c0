/**
 * Registers gradbot's slash commands with Discord, generated from commands/.
 *
 *   npm run deploy-commands -- --dry-run      print the command JSON, no token needed
 *   DISCORD_TOKEN=… DISCORD_GUILD_ID=… npm run deploy-commands
 *                                             one server, visible at once (for a course)
 *   DISCORD_TOKEN=… npm run deploy-commands   every server the bot is in (can take up to an hour)
 */
import { deployCommandsCli } from '../src/platforms/discord/deploy-cli.ts';

process.exitCode = await deployCommandsCli(process.argv.slice(2), process.env, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });

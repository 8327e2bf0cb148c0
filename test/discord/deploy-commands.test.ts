import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { commandsJson } from '../../src/platforms/discord/command-json.ts';
import { deployCommandsCli } from '../../src/platforms/discord/deploy-cli.ts';
import { INVITE_PERMISSION_BITS, inviteUrl } from '../../src/platforms/discord/invite.ts';
import { APP_ID, BOT_TOKEN, GUILD_ID } from './standin/ids.ts';
import { DiscordStandin } from './standin/server.ts';

const run = promisify(execFile);

/** The script as a TA runs it, in its own process, with only the environment we give it. */
async function deployProcess(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/deploy-commands.ts', ...args], { env: clean, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The same script's body in this process (a process start costs more than a second of CPU, discord.js loading). */
async function deploy(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await deployCommandsCli(args, env, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

let standin: DiscordStandin;
beforeAll(async () => {
  standin = new DiscordStandin();
  await standin.start();
});
afterAll(async () => standin?.close());

describe('npm run deploy-commands', () => {
  it('--dry-run prints the JSON for every command in commands/, without a token (the script itself, in a process)', async () => {
    const r = await deployProcess(['--dry-run'], {});
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as { name: string }[];
    expect(printed).toEqual(JSON.parse(JSON.stringify(commandsJson(commands))));
    expect(printed.map((c) => c.name)).toEqual(expect.arrayContaining(['explode', 'example', 'quiz', 'leaderboard', 'help']));
  });

  it('registers to one guild with PUT when DISCORD_GUILD_ID is set', async () => {
    const from = standin.requests.length;
    const r = await deploy([], { DISCORD_TOKEN: BOT_TOKEN, DISCORD_API_URL: standin.apiUrl, DISCORD_GUILD_ID: GUILD_ID });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const put = standin.requests.slice(from).find((q) => q.method === 'PUT');
    expect(put?.path).toBe(`/applications/${APP_ID}/guilds/${GUILD_ID}/commands`);
    expect(put?.json).toEqual(JSON.parse(JSON.stringify(commandsJson(commands))));
    expect(r.stdout).toContain(`Registered ${commands.length} commands`);
    expect(r.stdout).toContain(inviteUrl(APP_ID));
  });

  it('registers globally without DISCORD_GUILD_ID', async () => {
    const from = standin.requests.length;
    const r = await deploy([], { DISCORD_TOKEN: BOT_TOKEN, DISCORD_API_URL: standin.apiUrl });
    expect(r.code).toBe(0);
    expect(standin.requests.slice(from).find((q) => q.method === 'PUT')?.path).toBe(`/applications/${APP_ID}/commands`);
  });

  it('names the missing or malformed variable and stops', async () => {
    const [none, bad] = await Promise.all([deploy([], {}), deploy([], { DISCORD_TOKEN: BOT_TOKEN, DISCORD_GUILD_ID: 'my-server' })]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/DISCORD_TOKEN is not set/);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/DISCORD_GUILD_ID/);
  });
});

describe('the TA walkthrough', () => {
  it('gives the permission integer the code asks for, with both scopes', async () => {
    const doc = await readFile('docs/discord.md', 'utf8');
    expect(INVITE_PERMISSION_BITS & PermissionFlagsBits.ManageMessages).toBe(0n);
    expect(doc).toContain(`permissions=${INVITE_PERMISSION_BITS.toString()}`);
    expect(doc).toContain('scope=bot+applications.commands');
    expect(doc).toMatch(/npm run deploy-commands/);
  });
});

import { clipText } from '../../format/clip.ts';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type APIApplicationCommandBasicOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Command } from '../../../commands/types.ts';
import { describeOptions, MAX_TEXT, type OptionInfo } from '../../params/index.ts';
import { TA_COMMAND } from '../roles.ts';
import { MANAGE_TAS_PERMISSION } from './roles.ts';

/**
 * Discord's application-command JSON, generated from each command's zod
 * schema so the slash-command options, /help and the text form never drift.
 */

/** The option that takes the lecture's text form (`w=500 lr=0.01`) on every command with parameters. */
export const PARAMS_OPTION = 'params';

/** Discord's limits: https://discord.com/developers/docs/interactions/application-commands */
const MAX_OPTIONS = 25;
const MAX_CHOICES = 25;
const MAX_DESCRIPTION = 100;
const MAX_NAME = 32;
/** Discord refuses min_value/max_value beyond ±2^53. */
const MAX_SAFE = 2 ** 53;

/** TA commands are hidden from members without this by default, and checked again on use. */
export const TA_PERMISSION = PermissionFlagsBits.ManageMessages;

export type CommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody;

export function clipDescription(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  if (t === '') return '-';
  return clipText(t, MAX_DESCRIPTION);
}

/** Names are lower-case [a-z0-9_-]{1,32} (Discord allows more scripts; we keep to what every client types easily). */
export function commandName(s: string): string {
  const t = s
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .slice(0, MAX_NAME);
  return t === '' ? '_' : t;
}

function describe(o: OptionInfo): string {
  const def = o.default === undefined ? '' : `; default ${Array.isArray(o.default) ? o.default.join(',') : String(o.default)}`;
  const words = o.words && o.words.length > 0 ? ` (a number or ${o.words.join('/')})` : '';
  return clipDescription(`${o.description}${words}${def}`);
}

function range(o: OptionInfo): { min_value?: number; max_value?: number } {
  const out: { min_value?: number; max_value?: number } = {};
  // Discord's min_value is inclusive; an exclusive bound (lr > 0) is left to our own check, which names it.
  if (o.min !== undefined && !o.minExclusive && Math.abs(o.min) <= MAX_SAFE) out.min_value = o.min;
  if (o.max !== undefined && Math.abs(o.max) <= MAX_SAFE) out.max_value = o.max;
  return out;
}

export function optionJson(o: OptionInfo): APIApplicationCommandBasicOption {
  const base = { name: commandName(o.name), description: describe(o), required: o.required };
  if (o.choices) {
    return {
      ...base,
      type: ApplicationCommandOptionType.String,
      choices: o.choices.slice(0, MAX_CHOICES).map((c) => ({ name: c, value: c })),
    };
  }
  // A number that also takes a word (b=centered) must arrive as text; the parser reads both.
  if (o.type === 'number-list' || o.type === 'string' || (o.words && o.words.length > 0)) {
    return { ...base, type: ApplicationCommandOptionType.String, max_length: MAX_TEXT };
  }
  if (o.type === 'integer') return { ...base, type: ApplicationCommandOptionType.Integer, ...range(o) };
  return { ...base, type: ApplicationCommandOptionType.Number, ...range(o) };
}

function paramsOption(infos: OptionInfo[]): APIApplicationCommandBasicOption {
  const example = infos
    .filter((o) => o.example !== '')
    .slice(0, 2)
    .map((o) => `${o.name}=${o.example}`)
    .join(' ');
  return {
    name: PARAMS_OPTION,
    description: clipDescription(`all parameters as text, like ${example}; typed options win on conflict`),
    type: ApplicationCommandOptionType.String,
    required: false,
    max_length: MAX_TEXT,
  };
}

export function commandJson(cmd: Command): CommandJson {
  const infos = describeOptions(cmd.schema).filter((o) => o.name !== PARAMS_OPTION);
  const typed = infos.map(optionJson);
  // Discord wants required options first; stable sort keeps the schema's order otherwise.
  typed.sort((a, b) => Number(b.required ?? false) - Number(a.required ?? false));
  const options = infos.length > 0 ? [...typed.slice(0, MAX_OPTIONS - 1), paramsOption(infos)] : [];
  const json: CommandJson = {
    type: ApplicationCommandType.ChatInput,
    name: commandName(cmd.name),
    description: clipDescription(cmd.description),
    options,
    // dm_permission is deprecated: contexts say where a command can be used, integration_types how the app is installed.
    // gradbot is installed to a server; TA commands only make sense there, the others also answer in a DM with the bot.
    integration_types: [ApplicationIntegrationType.GuildInstall],
    contexts: cmd.taOnly ? [InteractionContextType.Guild] : [InteractionContextType.Guild, InteractionContextType.BotDM],
  };
  if (cmd.taOnly) json.default_member_permissions = TA_PERMISSION.toString();
  if (cmd.name === TA_COMMAND) {
    // Naming TAs is the server's managers' call: Discord shows /ta to them only, in servers (checked again on use).
    json.default_member_permissions = MANAGE_TAS_PERMISSION.toString();
    json.contexts = [InteractionContextType.Guild];
  }
  return json;
}

export function commandsJson(commands: readonly Command[]): CommandJson[] {
  const out = commands.map(commandJson);
  const seen = new Set<string>();
  for (const c of out) {
    if (seen.has(c.name)) throw new Error(`two commands are both named /${c.name} on Discord`);
    seen.add(c.name);
  }
  return out;
}

import { randomBytes } from 'node:crypto';
import { APP_ID, CHANNEL_ID, GUILD_ID, STUDENT_ID, TA_ID, snowflake } from './ids.ts';
import { EVERYONE_PERMISSIONS, type DiscordStandin, type StandinMessage } from './server.ts';

/** INTERACTION_CREATE payloads as Discord sends them (API v10). */

export interface Person {
  id: string;
  username: string;
  /** Member permissions in the channel, as Discord computes them. */
  permissions: string;
}

/** Without Manage Messages (8192). */
export const STUDENT: Person = { id: STUDENT_ID, username: 'ada', permissions: '2248473465835073' };
let people = 0;
/** A fresh student, so tests never share one user's answers. */
export function newStudent(): Person {
  people += 1;
  return { ...STUDENT, id: `44444444444444${String(people).padStart(5, '0')}`, username: `student${people}` };
}

/** With Manage Messages. */
export const TA: Person = { id: TA_ID, username: 'grace', permissions: (2248473465835073n | 8192n).toString() };

export interface Where {
  /** Channel id; a thread id for clicks inside the quiz thread. */
  channelId?: string;
  /** A direct message: no guild, no member. */
  dm?: boolean;
  /** The app's permissions in that channel. */
  appPermissions?: string;
}

export type OptionValue = string | number;

const OPTION_TYPE = { string: 3, integer: 4, number: 10 } as const;

/** What the caller typed: option name -> value, with the Discord option type. */
export type TypedOptions = Record<string, { type: keyof typeof OPTION_TYPE; value: OptionValue }>;

function userOf(p: Person) {
  return { id: p.id, username: p.username, discriminator: '0', global_name: null, avatar: null, public_flags: 0 };
}

function base(standin: DiscordStandin, who: Person, where: Where) {
  const token = `itok_${randomBytes(12).toString('hex')}`;
  const channelId = where.channelId ?? (where.dm ? snowflake() : CHANNEL_ID);
  standin.noteInteraction(token, channelId);
  const known = standin.channels.get(channelId);
  const guildId = typeof known?.guild_id === 'string' ? known.guild_id : GUILD_ID;
  const channel = where.dm
    ? { id: channelId, type: 1, flags: 0, last_message_id: null, recipients: [userOf(who)] }
    : { ...(known ?? { id: channelId, type: 0, name: 'lecture', parent_id: null }), guild_id: guildId, permissions: where.appPermissions ?? EVERYONE_PERMISSIONS };
  return {
    id: snowflake(),
    application_id: APP_ID,
    token,
    version: 1,
    channel,
    channel_id: channelId,
    app_permissions: where.appPermissions ?? EVERYONE_PERMISSIONS,
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: where.dm ? { '1': who.id } : { '0': guildId },
    context: where.dm ? 1 : 0,
    attachment_size_limit: 10 * 1024 * 1024,
    ...(where.dm
      ? { user: userOf(who) }
      : { guild_id: guildId, guild_locale: 'en-US', guild: { id: guildId, locale: 'en-US', features: [] }, member: { user: userOf(who), roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0, nick: null, avatar: null, pending: false, permissions: who.permissions } }),
  };
}

export function slashCommand(standin: DiscordStandin, name: string, options: TypedOptions, who: Person = STUDENT, where: Where = {}) {
  const payload = base(standin, who, where);
  return {
    ...payload,
    type: 2,
    data: {
      id: snowflake(),
      name,
      type: 1,
      ...('guild_id' in payload ? { guild_id: payload.guild_id } : {}),
      options: Object.entries(options).map(([n, o]) => ({ name: n, type: OPTION_TYPE[o.type], value: o.value })),
    },
  };
}

export function buttonClick(standin: DiscordStandin, message: StandinMessage, customId: string, who: Person = STUDENT, where: Where = {}) {
  return {
    ...base(standin, who, { ...where, channelId: where.channelId ?? message.channel_id }),
    type: 3,
    message,
    data: { custom_id: customId, component_type: 2 },
  };
}

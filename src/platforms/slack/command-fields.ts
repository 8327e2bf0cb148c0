import type { SlashCommand } from '@slack/bolt';

/**
 * The fields of a slash command gradbot relies on, checked: Bolt hands the
 * form body over as it came, so a signed request may lack `text` (Slack always
 * sends it, empty or not), repeat a field (the form parser turns it into an
 * array) or lack `user_id`. Each problem is said in a sentence the user can
 * act on, before anything runs, so no cooldown starts for a request that fails.
 */
export interface CommandFields {
  name: string;
  text: string;
  userId: string;
  userName: string;
  channelId: string;
  teamId: string;
  /** Unique per invocation; a redelivery carries the same one. */
  triggerId: string | null;
}

export type ReadCommand = { ok: true; fields: CommandFields } | { ok: false; problem: string };

const AGAIN = 'Please run the command again; if it keeps happening, tell a TA.';

function field(body: Record<string, unknown>, key: string): { value: string } | { repeated: true } | { missing: true } {
  const v = body[key];
  if (typeof v === 'string') return { value: v };
  if (Array.isArray(v)) return { repeated: true };
  return { missing: true };
}

export function readCommand(command: SlashCommand): ReadCommand {
  const body = command as unknown as Record<string, unknown>;
  const name = field(body, 'command');
  if (!('value' in name)) return { ok: false, problem: `Slack sent this command without a single command name. ${AGAIN}` };
  const text = field(body, 'text');
  if ('repeated' in text) return { ok: false, problem: `Slack sent the command's text more than once, so I can't tell which to use. ${AGAIN}` };
  const user = field(body, 'user_id');
  if (!('value' in user) || user.value === '') return { ok: false, problem: `Slack didn't say who ran this command, and scores and cooldowns are per student, so nothing ran. ${AGAIN}` };
  const channel = field(body, 'channel_id');
  if (!('value' in channel) || channel.value === '') return { ok: false, problem: `Slack didn't say which channel this command came from, so I don't know where to answer. ${AGAIN}` };
  const team = field(body, 'team_id');
  if (!('value' in team) || team.value === '') return { ok: false, problem: `Slack didn't say which workspace this command came from, so nothing ran. ${AGAIN}` };
  const userName = field(body, 'user_name');
  const trigger = field(body, 'trigger_id');
  return {
    ok: true,
    fields: {
      name: name.value.replace(/^\//, '').toLowerCase(),
      // A missing text is an empty one: the command runs with its defaults, as a bare "/explode" does.
      text: 'value' in text ? text.value : '',
      userId: user.value,
      userName: 'value' in userName && userName.value !== '' ? userName.value : user.value,
      channelId: channel.value,
      teamId: team.value,
      triggerId: 'value' in trigger && trigger.value !== '' ? trigger.value : null,
    },
  };
}

import { z } from 'zod';
import { privateText, type Reply } from '../src/reply.ts';
import type { Caller, Command } from './types.ts';
import { clipEcho } from '../src/params/index.ts';

export const taSchema = z.object({
  action: z.enum(['add', 'remove', 'list']).optional().describe('add or remove a TA, or list them (default: list)').meta({ example: 'add' }),
  user: z.string().max(100).optional().describe('the member to add or remove, as a mention').meta({ example: '@grace' }),
});

type Action = 'add' | 'remove' | 'list';

/** A mentioned member: Slack's escaped `<@U123|ana>`, Discord's `<@123>` or `<@!123>`, or a bare id. */
export interface Mentioned {
  id: string;
  name: string | null;
}

const MENTION = /^<@!?([A-Z0-9]{2,40}|\d{15,25})(?:\|([^>]{1,80}))?>$/;
const BARE_ID = /^(?:[UW][A-Z0-9]{2,40}|\d{15,25})$/;

export function parseMention(raw: string): Mentioned | null {
  const s = raw.trim();
  const m = MENTION.exec(s);
  if (m) return { id: m[1]!, name: m[2] ?? null };
  return BARE_ID.test(s) ? { id: s, name: null } : null;
}

const USAGE = 'Use `/ta add @member`, `/ta remove @member` or `/ta list`.';

/** The text form (`add @grace`) or the typed options (Discord's action and user). */
function parseInput(text: string | undefined, options: Readonly<Record<string, unknown>> | undefined): { ok: true; action: Action; user: string | null } | { ok: false; message: string } {
  const typedAction = options?.action;
  const typedUser = options?.user;
  const words = (text ?? '').trim().split(/\s+/).filter((w) => w !== '');
  const action = String(typedAction ?? words[0] ?? 'list').toLowerCase();
  if (action !== 'add' && action !== 'remove' && action !== 'list') return { ok: false, message: `\`${clipEcho(action)}\` is not something /ta does. ${USAGE}` };
  const rest = typedAction === undefined ? words.slice(1) : words;
  const user = typeof typedUser === 'string' ? typedUser : rest.length > 0 ? rest.join(' ') : null;
  if (action === 'list' && user !== null) return { ok: false, message: `/ta list takes no member. ${USAGE}` };
  if (action !== 'list' && user === null) return { ok: false, message: `Name the member to ${action === 'add' ? 'add' : 'remove'}: \`/ta ${action} @member\`.` };
  return { ok: true, action, user };
}

/** How a member is shown back: Discord renders `<@id>` as the name (gradbot never pings); Slack shows the name it sent. */
function who(caller: Caller, m: Mentioned): string {
  if (caller.platform === 'discord') return `<@${m.id}>`;
  return m.name ? `${m.name} (\`${m.id}\`)` : `\`${m.id}\``;
}

export function manageRefusal(caller: Caller): string {
  const list = ' Anyone can see them with `/ta list`.';
  if (caller.platform === 'discord') return `Only members with the Manage Server permission can name or remove TAs.${list}`;
  if (caller.platform === 'slack') return `Only this workspace's admins and owners, and whoever installed gradbot here, can name or remove TAs.${list}`;
  return `Only an admin can name or remove TAs.${list}`;
}

/**
 * TAs per class, managed in chat. Who may manage them is the platform's
 * call (the adapter sets caller.canManageTas); a student can neither name
 * themself nor anyone else, but may list them.
 */
export const ta: Command<typeof taSchema> = {
  name: 'ta',
  description: "Add or remove this class's TAs, or list them (workspace admins; Manage Server on Discord)",
  schema: taSchema,
  visibility: 'private',
  // Not TA-only: TAs may not appoint TAs. The check is canManageTas, below.
  taOnly: false,
  mentions: { usage: 'add @member | remove @member | list' },
  prepare(input, { caller, services }) {
    const parsed = parseInput(input.text, input.options);
    // Anyone may see who the TAs are; only those the platform trusts may change them.
    if (caller.canManageTas !== true && (!parsed.ok || parsed.action !== 'list')) return { ok: false, reply: privateText(manageRefusal(caller)) };
    if (!parsed.ok) return { ok: false, reply: privateText(parsed.message) };
    const { action } = parsed;
    const member = parsed.user === null ? null : parseMention(parsed.user);
    if (parsed.user !== null && member === null) return { ok: false, reply: privateText(`\`${clipEcho(parsed.user)}\` is not a member mention; type @ and pick the member. ${USAGE}`) };
    const store = services.store;
    return {
      ok: true,
      async execute(): Promise<Reply> {
        if (action === 'list' || member === null) {
          const tas = await store.listTas(caller.classId);
          if (tas.length === 0) return privateText('This class has no TAs named with /ta yet. Add one with `/ta add @member`.');
          return privateText(`**TAs of this class** (${tas.length}): ${tas.map((t) => who(caller, { id: t.userId, name: null })).join(', ')}`);
        }
        if (action === 'add') {
          const added = await store.addTa({ classId: caller.classId, userId: member.id, addedBy: caller.userId, addedAt: services.now() });
          return privateText(added ? `${who(caller, member)} is now a TA of this class: they can use /example, /quiz-close, /quiz-settings, /scores-reset and /answers-export here.` : `${who(caller, member)} is already a TA of this class.`);
        }
        const removed = await store.removeTa(caller.classId, member.id);
        return privateText(removed ? `${who(caller, member)} is no longer a TA of this class.` : `${who(caller, member)} was not a TA of this class named with /ta.`);
      },
    };
  },
};

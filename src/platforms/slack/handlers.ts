import type { AckFn, App, BlockButtonAction, RespondArguments, webApi } from '@slack/bolt';
import type { Caller } from '../../../commands/types.ts';
import type { Gradbot, Prepared } from '../../bot.ts';
import type { Logger } from '../../log.ts';
import { parseQuizButtonId, privateText, type Reply } from '../../reply.ts';
import { invokedBlock, textBlocks } from './blocks.ts';
import type { SlackDelivery } from './deliver.ts';
import { internalFailureText } from './errors.ts';
import { toPlainFallback } from './mrkdwn.ts';
import { readCommand } from './command-fields.ts';
import { RecentKeys } from '../dedupe.ts';
import { needsRoles } from '../roles.ts';
import type { WithRoles } from './roles.ts';
import { waitNotice } from '../pacing/lanes.ts';

export interface HandlerDeps {
  bot: Gradbot;
  /** The delivery for a request's workspace, posting with the client Bolt authorized for it. */
  deliveryFor: (client: webApi.WebClient, teamId: string) => SlackDelivery;
  /** Adds the class's roles (a TA named with /ta, who may manage TAs) for the commands that need them. */
  withRoles: WithRoles;
  log: Logger;
  taUserIds: readonly string[];
  /** True once stop() was called: new commands are turned away politely. */
  stopping: () => boolean;
  /** Runs the slow part of a request so stop() can wait for it. */
  track: (work: Promise<void>) => void;
}

const STOPPING = "I'm restarting; please try again in a minute.";

/** A wait this long or longer is announced to the student when their command is acknowledged. */
const NOTICE_MS = 3000;

export function classIdOf(teamId: string, channelId: string): string {
  return `slack:${teamId}:${channelId}`;
}

export function callerFromCommand(c: { userId: string; userName: string; teamId: string; channelId: string }, taUserIds: readonly string[]): Caller {
  return { platform: 'slack', userId: c.userId, userName: c.userName, classId: classIdOf(c.teamId, c.channelId), isTA: taUserIds.includes(c.userId) };
}

export function callerFromAction(body: BlockButtonAction, taUserIds: readonly string[]): Caller {
  const team = body.user.team_id ?? body.team?.id ?? 'unknown';
  const channel = body.channel?.id ?? 'unknown';
  return { platform: 'slack', userId: body.user.id, userName: body.user.username ?? body.user.name ?? body.user.id, classId: classIdOf(team, channel), isTA: taUserIds.includes(body.user.id) };
}

/** An error Reply as the slash command's immediate, private answer. */
function ephemeralAck(reply: Reply): RespondArguments {
  return { response_type: 'ephemeral', text: toPlainFallback(reply.text), blocks: textBlocks(reply.text) };
}

async function safeAck(ack: AckFn<string | RespondArguments>, log: Logger, body?: RespondArguments): Promise<void> {
  try {
    await ack(body);
  } catch (err) {
    log.warn({ message: err instanceof Error ? err.message : String(err) }, 'slack: ack failed');
  }
}

/**
 * Every slash command (the manifest lists one per gradbot command, named the
 * same) goes to the core: refusals are the immediate private answer; anything
 * else is acknowledged at once and answered when the work is done.
 */
export function registerCommands(app: App, d: HandlerDeps): void {
  // Slack redelivers a slash command it thinks timed out; the trigger id says it is the same one.
  const recent = new RecentKeys();
  app.command(/^\/[a-z0-9_-]+$/i, async ({ command, ack, respond, client, context }) => {
    const read = readCommand(command);
    if (!read.ok) {
      d.log.warn({ problem: read.problem }, 'slack: malformed slash command');
      await safeAck(ack, d.log, ephemeralAck(privateText(read.problem)));
      return;
    }
    const f = read.fields;
    if (f.triggerId && recent.repeat(`cmd:${f.triggerId}`)) {
      await safeAck(ack, d.log);
      return;
    }
    const name = f.name;
    let caller = callerFromCommand(f, d.taUserIds);
    if (d.stopping()) {
      await safeAck(ack, d.log, ephemeralAck(privateText(STOPPING)));
      return;
    }
    if (needsRoles(name)) {
      try {
        caller = await d.withRoles(caller, { client, teamId: f.teamId, enterpriseId: context.enterpriseId ?? null, commandName: name });
      } catch (err) {
        d.log.warn({ command: name, message: err instanceof Error ? err.message : String(err) }, 'slack: role lookup failed');
      }
    }
    let prepared: Prepared;
    try {
      prepared = d.bot.prepare(name, { text: f.text }, caller);
    } catch (err) {
      d.log.error({ command: name, message: err instanceof Error ? err.message : String(err) }, 'slack: prepare threw');
      prepared = { ok: false, reply: privateText(internalFailureText(err)) };
    }
    if (!prepared.ok) {
      await safeAck(ack, d.log, ephemeralAck(prepared.reply));
      return;
    }
    const expected = prepared.visibility === 'public';
    const delivery = d.deliveryFor(client, f.teamId);
    // A busy channel: the student hears at once, privately, how long their answer will take.
    const wait = expected ? delivery.expect(f.channelId) : null;
    await safeAck(ack, d.log, wait && wait.waitMs >= NOTICE_MS ? ephemeralAck(privateText(waitNotice(wait.ahead, wait.waitMs))) : undefined);
    const { execute } = prepared;
    const target = { channel: f.channelId, userId: f.userId, respond, footer: invokedBlock(f.userId, name, f.text) };
    d.track(
      (async () => {
        let reply: Reply;
        try {
          reply = await execute();
        } catch (err) {
          d.log.error({ command: name, message: err instanceof Error ? err.message : String(err) }, 'slack: command failed');
          reply = privateText(internalFailureText(err));
        }
        await delivery.deliver(reply, target, expected);
      })(),
    );
  });
}

/** Quiz buttons: acknowledged at once, scored by the core, answered privately in the quiz's thread. */
export function registerQuizButtons(app: App, d: HandlerDeps): void {
  // A click redelivered (same trigger id) is answered once: the store already refuses a second answer, the reply must not come twice either.
  const recent = new RecentKeys();
  app.action<BlockButtonAction>({ type: 'block_actions', action_id: /^quiz:/ }, async ({ ack, body, action, respond, client }) => {
    try {
      await ack();
    } catch (err) {
      d.log.warn({ message: err instanceof Error ? err.message : String(err) }, 'slack: ack failed');
    }
    const user = (body as { user?: { id?: unknown } }).user;
    if (typeof user?.id !== 'string' || user.id === '' || typeof action.action_id !== 'string') {
      d.log.warn('slack: a click without a user or an action id; ignored');
      return;
    }
    const clickKey = typeof body.trigger_id === 'string' && body.trigger_id !== '' ? body.trigger_id : `${user.id}:${String(action.action_ts)}:${action.action_id}`;
    if (recent.repeat(`click:${clickKey}`)) return;
    const channel = body.channel?.id ?? '';
    const message = body.message as { ts?: string; thread_ts?: string } | undefined;
    // chat.postEphemeral can aim at the quiz's thread; a click in an ephemeral message (a private quiz) has no channel, only its response_url.
    const target = { channel, userId: body.user.id, threadTs: message?.thread_ts ?? message?.ts, respond: channel ? undefined : respond };
    const parsed = parseQuizButtonId(action.action_id);
    d.track(
      (async () => {
        let reply: Reply;
        if (!parsed) {
          reply = privateText("That button isn't one gradbot understands; it may be from an older version.");
        } else {
          try {
            reply = await d.bot.answer(parsed.quizId, parsed.choice, callerFromAction(body, d.taUserIds));
          } catch (err) {
            d.log.error({ message: err instanceof Error ? err.message : String(err) }, 'slack: answer failed');
            reply = privateText(internalFailureText(err));
          }
        }
        // Feedback is private whatever the reply says: other students must not see who picked what.
        await d.deliveryFor(client, body.team?.id ?? body.user.team_id ?? '').whisper(reply, target);
      })(),
    );
  });
}

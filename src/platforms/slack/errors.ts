import { RenderBusyError } from '../../render/types.ts';

/** The Web API's error code ("not_in_channel") from a rejected call, or null for network and other failures. */
export function slackErrorCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const data = (err as { data?: { error?: unknown } }).data;
  if (typeof data?.error === 'string') return data.error;
  const code = (err as { code?: unknown }).code;
  if (code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  return null;
}

/** For the log: the code and message, never the request (which carries the token). */
export function describeError(err: unknown): { code: string | null; message: string } {
  return { code: slackErrorCode(err), message: err instanceof Error ? err.message : String(err) };
}

/** What to tell the user, privately, when Slack refused to post the reply in the channel. */
export function postFailureText(code: string | null, botName: string): string {
  switch (code) {
    case 'not_in_channel':
      return `I'm not in this channel, so I can't post the answer here. Invite me with \`/invite @${botName}\` and run the command again.`;
    case 'channel_not_found':
      return `I can't post here: this is a private channel or a direct message that I'm not in. Invite me with \`/invite @${botName}\` (private channels), or use a channel I'm in.`;
    case 'is_archived':
      return 'This channel is archived, so nothing can be posted in it.';
    case 'restricted_action':
    case 'restricted_action_read_only_channel':
    case 'restricted_action_thread_only_channel':
    case 'restricted_action_non_threadable_channel':
      return "This workspace doesn't let apps post in this channel. Ask an admin, or use another channel.";
    case 'missing_scope':
    case 'not_allowed_token_type':
      return "The gradbot Slack app is missing a permission. Ask whoever installed it to reinstall it from slack-manifest.yml (see the README's Slack section).";
    case 'ratelimited':
    case 'rate_limited':
      return 'Slack is asking me to slow down. Try again in a minute.';
    default:
      return `Slack refused the message${code ? ` (${code})` : ''}, so nothing was posted. Try again in a moment.`;
  }
}

/** When the main message went out but its pictures or files did not. */
export function uploadFailureText(code: string | null): string {
  if (code === 'missing_scope') return "I posted the answer but couldn't attach the pictures: the Slack app is missing the files:write permission. Ask whoever installed gradbot to reinstall it from slack-manifest.yml.";
  return `I posted the answer but couldn't attach the pictures${code ? ` (${code})` : ''}.`;
}

/** A failure inside gradbot, said without a stack trace. */
export function internalFailureText(err: unknown): string {
  if (err instanceof RenderBusyError) return err.message;
  return 'Something went wrong on my side, so nothing was posted. Try again; if it keeps happening, tell a TA.';
}

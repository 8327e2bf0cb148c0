import { createHmac } from 'node:crypto';

/**
 * Slack's request signing (v0): HMAC-SHA256 with the app's signing secret
 * over `v0:<timestamp>:<raw body>`, sent as x-slack-signature with the
 * timestamp in x-slack-request-timestamp.
 */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignOptions {
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Sign with this secret instead (a forged request). */
  secret?: string;
  /** application/json for a JSON body; form-encoded otherwise. */
  contentType?: string;
  /** A redelivery: Slack's X-Slack-Retry-Num header. */
  retryNum?: number;
}

/** POSTs a form body to the app the way Slack does, signed for real. */
export async function postSigned(url: string, secret: string, body: string, opts: SignOptions = {}): Promise<{ status: number; text: string; ms: number }> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
      ...(opts.retryNum !== undefined ? { 'x-slack-retry-num': String(opts.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {}),
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(opts.secret ?? secret, timestamp, body),
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - started };
}

let triggers = 0;
/** Slack's trigger ids are unique per invocation (a redelivery repeats one); tests keep them so. */
export function nextTrigger(): string {
  triggers += 1;
  return `trig.${Date.now()}.${triggers}`;
}

export interface SlashCommandFields {
  command: string;
  text: string;
  userId: string;
  userName?: string;
  teamId: string;
  channelId: string;
  responseUrl: string;
}

/** The form body of a slash command, with the fields Slack sends. */
export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'verification-token-unused',
    team_id: f.teamId,
    team_domain: 'standin',
    channel_id: f.channelId,
    channel_name: 'class',
    user_id: f.userId,
    user_name: f.userName ?? f.userId.toLowerCase(),
    command: f.command,
    text: f.text,
    api_app_id: 'A0001',
    is_enterprise_install: 'false',
    response_url: f.responseUrl,
    trigger_id: nextTrigger(),
  }).toString();
}

export interface ButtonClickFields {
  actionId: string;
  userId: string;
  userName?: string;
  teamId: string;
  channelId: string;
  /** The message holding the button: its ts, and the thread it sits in. */
  messageTs: string;
  threadTs?: string;
  responseUrl: string;
}

/** A block_actions payload for one button click. */
export function blockActionsPayload(f: ButtonClickFields): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: f.userId, username: f.userName ?? f.userId.toLowerCase(), name: f.userName ?? f.userId.toLowerCase(), team_id: f.teamId },
    api_app_id: 'A0001',
    token: 'verification-token-unused',
    container: { type: 'message', message_ts: f.messageTs, channel_id: f.channelId, is_ephemeral: false, ...(f.threadTs ? { thread_ts: f.threadTs } : {}) },
    trigger_id: nextTrigger(),
    team: { id: f.teamId, domain: 'standin' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: f.channelId, name: 'class' },
    message: { type: 'message', user: 'UBOT', ts: f.messageTs, ...(f.threadTs ? { thread_ts: f.threadTs } : {}), text: 'quiz' },
    state: { values: {} },
    response_url: f.responseUrl,
    actions: [{ type: 'button', action_id: f.actionId, block_id: 'quiz', value: f.actionId, text: { type: 'plain_text', text: 'A' }, action_ts: `${Date.now() / 1000}` }],
  };
}

/** Interactive payloads arrive form-encoded as payload=<json>. */
export function blockActionsBody(f: ButtonClickFields): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(f)) }).toString();
}

/** POSTs a JSON body (the Events API's event_callback) the way Slack does, signed for real. */
export async function postSignedJson(url: string, secret: string, payload: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const body = JSON.stringify(payload);
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': slackSignature(secret, timestamp, body) },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** An Events API delivery of one event to the app, from a workspace. */
export function eventCallback(teamId: string, event: Record<string, unknown>): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    token: 'verification-token-unused',
    team_id: teamId,
    api_app_id: 'A0GRADBOT',
    event: { ...event, event_ts: `${now}.000100` },
    type: 'event_callback',
    event_id: `Ev${now}${Math.floor(Math.random() * 1e6)}`,
    event_time: now,
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

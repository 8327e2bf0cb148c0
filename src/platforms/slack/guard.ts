import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, defaultBodyLimit } from '@slack/bolt';

/**
 * Bolt's HTTP receiver reads and parses the body itself, then reads fields of
 * the result (`body.ssl_check`) in a promise nobody awaits: a signed body that
 * parses to null, a number, a string or an array (`payload=null`, an
 * application/json `null`) throws there and takes the process down. We buffer
 * and parse first, exactly as Bolt will, refuse what can never be a Slack
 * request with a plain 400, and hand Bolt the buffered request (it reuses
 * req.rawBody instead of reading the stream again).
 */
export type GuardVerdict = 'pass' | 'refused';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function refuse(res: ServerResponse, status: number, why: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(why);
}

export async function guardSlackBody(req: IncomingMessage, res: ServerResponse, bodyLimit = defaultBodyLimit): Promise<GuardVerdict> {
  let buffered;
  try {
    buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, bodyLimit);
  } catch (err) {
    const tooLarge = HTTPModuleFunctions.isRawBodyError(err) && (err.type === 'entity.too.large' || err.statusCode === 413);
    refuse(res, tooLarge ? 413 : 400, tooLarge ? 'body too large' : 'unreadable body');
    return 'refused';
  }
  let parsed: unknown;
  try {
    parsed = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
  } catch {
    // Bolt answers unparseable bodies itself (401 unsigned, 400 signed): no crash there.
    return 'pass';
  }
  if (!isPlainObject(parsed) || !wellShaped(parsed)) {
    refuse(res, 400, 'the body is not a Slack request');
    return 'refused';
  }
  return 'pass';
}

/**
 * The fields Bolt reads before any listener runs, by payload type: a null
 * there throws inside Bolt, which answers 500 (found by the fuzz suite); the
 * request is malformed, so 400 says so.
 */
const NEEDS: Record<string, (b: Record<string, unknown>) => boolean> = {
  block_actions: (b) => Array.isArray(b.actions) && b.actions.every(isPlainObject) && isPlainObject(b.user),
  event_callback: (b) => isPlainObject(b.event),
  view_submission: (b) => isPlainObject(b.view) && isPlainObject(b.user),
  view_closed: (b) => isPlainObject(b.view) && isPlainObject(b.user),
  shortcut: (b) => isPlainObject(b.user),
  message_action: (b) => isPlainObject(b.user),
  block_suggestion: (b) => isPlainObject(b.user),
};

function wellShaped(b: Record<string, unknown>): boolean {
  const check = typeof b.type === 'string' ? NEEDS[b.type] : undefined;
  return check ? check(b) : true;
}

import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../log.ts';

/** pino's levels as Bolt's four; "silent" maps to the quietest Bolt has (pino drops the rest). */
function boltLevel(level: string): LogLevel {
  if (level === 'trace' || level === 'debug') return LogLevel.DEBUG;
  if (level === 'info') return LogLevel.INFO;
  if (level === 'warn') return LogLevel.WARN;
  return LogLevel.ERROR;
}

/**
 * Fields of Slack payloads that must not reach a log, in plain JSON or JSON
 * quoted inside a string: response_url lets whoever holds it post to the
 * channel for half an hour, token is the app's verification token, and text
 * is what a student typed (their business, and never needed to debug the bot).
 */
const FIELD_PLAIN = /"(response_url|token|text|trigger_id)"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;
// Quoted once more: the value's own quotes are \\\" and its backslashes \\\\.
const FIELD_QUOTED = /\\"(response_url|token|text|trigger_id)\\"(\s*:\s*)\\"(?:[^"\\]|\\\\\\"|\\\\\\\\|\\\\[^"\\])*\\"/g;
/** Slack tokens by their prefixes, and the one-time ticket in a Socket Mode URL. */
const TOKEN = /\b(xox[a-z]|xapp)-[A-Za-z0-9-]+/g;
const TICKET = /([?&]ticket=)[^&\s"\\]+/g;

/** The line without the fields and tokens above; everything else Bolt said stays. */
export function scrubSlackLine(s: string): string {
  return s
    .replace(FIELD_PLAIN, '"$1"$2"[redacted]"')
    .replace(FIELD_QUOTED, '\\"$1\\"$2\\"[redacted]\\"')
    .replace(TOKEN, '$1-[redacted]')
    .replace(TICKET, '$1[redacted]');
}

/** Bolt logs strings, errors and objects; one line of text is enough, and keeps objects with headers out of the log. */
function line(parts: unknown[]): string {
  return scrubSlackLine(parts
    .map((p) => {
      if (typeof p === 'string') return p;
      if (p instanceof Error) return `${p.name}: ${p.message}`;
      try {
        return JSON.stringify(p);
      } catch {
        return String(p);
      }
    })
    .join(' '),
  ).slice(0, 2000);
}

/** Bolt's and the Web API client's logs go to our pino logger, tagged with the component. */
export function slackLogger(log: Logger): SlackLogger {
  let level = boltLevel(log.level);
  return {
    debug: (...m: unknown[]) => log.debug(line(m)),
    info: (...m: unknown[]) => log.info(line(m)),
    warn: (...m: unknown[]) => log.warn(line(m)),
    error: (...m: unknown[]) => log.error(line(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

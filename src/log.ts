import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Field names that may hold a secret anywhere in a log object; pino replaces their values. */
const SECRET_PATHS = ['token', 'botToken', 'appToken', 'signingSecret', 'authorization', 'headers.authorization', '*.token', '*.botToken', '*.appToken', '*.signingSecret', '*.authorization'];

/**
 * Structured JSON logs, one line per event. Secrets are redacted by field name;
 * the code also never passes a config object or raw request headers to a log call.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { app: 'gradbot' }, redact: { paths: SECRET_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything, for tests and one-shot CLI runs. */
export const silentLogger: Logger = pino({ level: 'silent' });

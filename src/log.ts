import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Field names that may hold a secret anywhere in a log object; pino replaces their values. */
const SECRET_KEYS = ['token', 'botToken', 'appToken', 'signingSecret', 'authorization', 'clientSecret', 'stateSecret', 'secretKey', 'sealedSecrets'];
/** Each secret key at the top level and up to two objects deep (log.info({ config }) included). */
const SECRET_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

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

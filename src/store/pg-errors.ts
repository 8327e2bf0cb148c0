import { StoreUnavailableError } from './types.ts';

/** Socket-level failures: the server is down, restarting, or the network dropped. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/**
 * PostgreSQL SQLSTATEs that mean "not now" rather than "wrong": class 08
 * (connection exceptions), 57P01-57P03 (shutting down, crash recovery,
 * cannot connect now) and 53300 (too many connections).
 */
function transientSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** Whether an error from pg means the database could not be reached (worth a "try again"), not a bug or a refused statement. */
export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || transientSqlState(code))) return true;
  // pg's own wording for a socket that died or a pool that could not connect in time.
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i.test(e.message);
}

/** The error a caller sees: connection trouble as StoreUnavailableError (the cause kept), anything else unchanged. */
export function classify(e: unknown): unknown {
  if (e instanceof StoreUnavailableError || !isConnectionError(e)) return e;
  return new StoreUnavailableError(`database unavailable: ${(e as Error).message}`, { cause: e });
}

/** A postgres:// URL with its password replaced, fit for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    // Not parseable: drop everything between "://" and "@", where a password would be.
    return url.replace(/\/\/[^/@]*@/, '//***@');
  }
}

import pg from 'pg';
import type { Finding } from './checks.ts';

export interface PostgresTarget {
  url: string;
  redacted: string;
  host: string;
  port: number;
  database: string;
  user: string;
}

/** SQLSTATEs and errnos a person can act on, by the part of the chain that failed. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);
const AUTH = new Set(['28P01', '28000']);

/**
 * `gradbot doctor` on a postgres:// DATABASE_URL: reachable (host and port),
 * authenticated (user and password), the database exists, it takes writes,
 * and gradbot's migrations are applied. It changes nothing. The password
 * never appears: not in the URL shown, not in a driver message echoed.
 */
export async function checkPostgres(t: PostgresTarget, migrationsKnown: readonly number[], timeoutMs = 5000): Promise<Finding> {
  const password = (() => {
    try {
      return decodeURIComponent(new URL(t.url).password);
    } catch {
      return '';
    }
  })();
  const scrub = (s: string) => (password.length > 0 ? s.split(password).join('***') : s);
  const where = `PostgreSQL at ${t.host}:${t.port}`;
  const client = new pg.Client({ connectionString: t.url, connectionTimeoutMillis: timeoutMs, application_name: 'gradbot doctor' });
  // A socket error after connect would otherwise be an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    const code = String((e as { code?: unknown }).code ?? '');
    const msg = scrub((e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200));
    if (UNREACHABLE.has(code) || /timeout/i.test(msg)) {
      return { status: 'fail', title: `database: ${where} is not reachable (${code || msg})`, fix: `start PostgreSQL there, or correct the host and port in DATABASE_URL (${t.redacted})` };
    }
    if (AUTH.has(code)) {
      return { status: 'fail', title: `database: ${where} is reachable but refused user "${t.user}" (${code === '28P01' ? 'wrong password' : 'not allowed to connect'}: ${msg})`, fix: 'check the user and password in DATABASE_URL (the password is never shown), and pg_hba.conf on the server' };
    }
    if (code === '3D000') {
      return { status: 'fail', title: `database: ${where} accepted user "${t.user}", but database "${t.database}" does not exist`, fix: `create it (createdb -h ${t.host} -p ${t.port} -U ${t.user} ${t.database}) or name an existing one in DATABASE_URL` };
    }
    return { status: 'fail', title: `database: ${where}: ${msg}${code ? ` (${code})` : ''}`, fix: `check DATABASE_URL (${t.redacted})` };
  }
  try {
    const [state] = (await client.query<{ standby: boolean; can_create: boolean; version: string }>(
      "SELECT pg_is_in_recovery() AS standby, has_database_privilege(current_database(), 'CREATE') AS can_create, current_setting('server_version') AS version",
    )).rows;
    if (state?.standby) return { status: 'fail', title: `database: ${where} is a read-only standby`, fix: 'point DATABASE_URL at the primary server' };
    const applied = await appliedVersions(client);
    const latest = Math.max(...migrationsKnown);
    const missing = migrationsKnown.filter((v) => !applied.includes(v));
    const head = `database: ${where}/${t.database} as "${t.user}" (PostgreSQL ${state?.version.split(' ')[0] ?? '?'}): reachable, authenticated`;
    if (applied.some((v) => v > latest)) return { status: 'warn', title: `${head}; its schema (version ${Math.max(...applied)}) is newer than this gradbot's (${latest})`, fix: 'run the newest gradbot against this database' };
    if (missing.length === 0) return { status: 'ok', title: `${head}, migrations applied (schema version ${latest})` };
    if (!state?.can_create && applied.length === 0) return { status: 'fail', title: `${head}, but "${t.user}" may not create gradbot's tables in "${t.database}"`, fix: `GRANT CREATE ON DATABASE ${t.database} TO ${t.user} (and on schema public), or create the tables as the owner by starting gradbot once with that user` };
    return { status: 'warn', title: `${head}; migrations ${missing.join(', ')} not applied yet (schema version ${applied.length ? Math.max(...applied) : 0} of ${latest})`, fix: 'npm start applies them (one instance at a time, under a lock); nothing else is needed' };
  } catch (e) {
    return { status: 'fail', title: `database: ${where}: ${scrub(e instanceof Error ? e.message : String(e)).slice(0, 200)}`, fix: `check DATABASE_URL (${t.redacted})` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function appliedVersions(client: pg.Client): Promise<number[]> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations') AS t");
  if (!exists.rows[0]?.t) return [];
  return (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => Number(r.version));
}

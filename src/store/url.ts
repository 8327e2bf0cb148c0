import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { makeDirs } from '../ops/make-dirs.ts';
import { redactUrl } from './pg-errors.ts';
import { openPostgresStore, type PostgresOptions } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import { StoreUnavailableError, type Store } from './types.ts';

export const DEFAULT_DATABASE_URL = 'sqlite:./data/gradbot.db';

/** A DATABASE_URL that cannot be used, with a message fit for a person starting the bot. */
export class StoreConfigError extends Error {}

export type DatabaseTarget =
  | { driver: 'sqlite'; path: string; memory: boolean }
  /** redacted: the URL with its password replaced, for every message and log line. */
  | { driver: 'postgres'; url: string; redacted: string; host: string; port: number; database: string; user: string };

const POSTGRES = /^postgres(?:ql)?:\/\//i;

/**
 * `sqlite:PATH` (relative to the working directory), `sqlite:///abs/path`,
 * `sqlite::memory:` for tests, or `postgres://user:pass@host:port/db`
 * (`postgresql://` too, with libpq's query options such as `?sslmode=require`).
 */
export function parseDatabaseUrl(url: string = DEFAULT_DATABASE_URL): DatabaseTarget {
  const trimmed = url.trim();
  if (POSTGRES.test(trimmed)) return parsePostgres(trimmed);
  const m = /^sqlite:(.*)$/s.exec(trimmed);
  if (!m) throw new StoreConfigError(`DATABASE_URL must look like sqlite:PATH (e.g. ${DEFAULT_DATABASE_URL}) or postgres://user:password@host:5432/db; got "${redactUrl(url).slice(0, 60)}".`);
  let path = m[1]!;
  if (path === ':memory:') return { driver: 'sqlite', path, memory: true };
  if (path.startsWith('//')) path = path.slice(2);
  if (path === '') throw new StoreConfigError(`DATABASE_URL "${url}" names no file; try ${DEFAULT_DATABASE_URL}.`);
  return { driver: 'sqlite', path: resolve(path), memory: false };
}

function parsePostgres(url: string): DatabaseTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StoreConfigError(`DATABASE_URL "${redactUrl(url).slice(0, 80)}" is not a valid URL; use postgres://user:password@host:5432/db (percent-encode special characters in the password).`);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!u.hostname && !u.searchParams.get('host')) throw new StoreConfigError(`DATABASE_URL "${redactUrl(url)}" names no host; use postgres://user:password@host:5432/db.`);
  return {
    driver: 'postgres',
    url,
    redacted: redactUrl(url),
    host: u.hostname || (u.searchParams.get('host') ?? ''),
    port: u.port ? Number(u.port) : 5432,
    database: database || decodeURIComponent(u.username) || 'postgres',
    user: decodeURIComponent(u.username),
  };
}

/** What to call the database in a log line or a message: the file, or the URL without its password. */
export function describeDatabase(url: string = DEFAULT_DATABASE_URL): string {
  try {
    const t = parseDatabaseUrl(url);
    return t.driver === 'postgres' ? t.redacted : t.path;
  } catch {
    return redactUrl(url);
  }
}

/**
 * Opens the store DATABASE_URL names, creating the parent directory. A path
 * that cannot be written fails here, at start, with the path in the message,
 * rather than at the first click; a path the kernel refuses (under /proc)
 * fails at once instead of looping.
 */
export async function openStore(url: string | undefined = DEFAULT_DATABASE_URL, pgOptions: PostgresOptions = {}): Promise<Store> {
  const target = parseDatabaseUrl(url || DEFAULT_DATABASE_URL);
  if (target.driver === 'postgres') {
    try {
      return await openPostgresStore(target.url, pgOptions);
    } catch (e) {
      const why = e instanceof StoreUnavailableError ? `cannot reach ${target.host}:${target.port}` : 'cannot use the database';
      throw new StoreConfigError(`DATABASE_URL=${target.redacted}: ${why} (${e instanceof Error ? e.message : String(e)}).`, { cause: e });
    }
  }
  if (!target.memory) {
    const dir = dirname(target.path);
    try {
      makeDirs(dir);
      accessSync(dir, constants.W_OK);
      if (existsSync(target.path)) accessSync(target.path, constants.R_OK | constants.W_OK);
    } catch (e) {
      throw new StoreConfigError(`DATABASE_URL=${url}: cannot write ${target.path} (${(e as NodeJS.ErrnoException).code ?? String(e)}); point DATABASE_URL at a writable path.`);
    }
  }
  try {
    return openSqliteStore(target.path);
  } catch (e) {
    throw new StoreConfigError(`DATABASE_URL=${url}: cannot open ${target.path} as SQLite (${e instanceof Error ? e.message : String(e)}).`);
  }
}

import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { makeDirs } from '../ops/make-dirs.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

export const DEFAULT_DATABASE_URL = 'sqlite:./data/gradbot.db';

/** A DATABASE_URL that cannot be used, with a message fit for a person starting the bot. */
export class StoreConfigError extends Error {}

export type DatabaseTarget = { driver: 'sqlite'; path: string; memory: boolean };

/** `sqlite:PATH` (relative to the working directory), `sqlite:///abs/path`, or `sqlite::memory:` for tests. */
export function parseDatabaseUrl(url: string = DEFAULT_DATABASE_URL): DatabaseTarget {
  const m = /^sqlite:(.*)$/s.exec(url.trim());
  if (!m) throw new StoreConfigError(`DATABASE_URL must look like sqlite:PATH (e.g. ${DEFAULT_DATABASE_URL}); got "${url.slice(0, 60)}".`);
  let path = m[1]!;
  if (path === ':memory:') return { driver: 'sqlite', path, memory: true };
  if (path.startsWith('//')) path = path.slice(2);
  if (path === '') throw new StoreConfigError(`DATABASE_URL "${url}" names no file; try ${DEFAULT_DATABASE_URL}.`);
  return { driver: 'sqlite', path: resolve(path), memory: false };
}

/**
 * Opens the store DATABASE_URL names, creating the parent directory. A path
 * that cannot be written fails here, at start, with the path in the message,
 * rather than at the first click; a path the kernel refuses (under /proc)
 * fails at once instead of looping.
 */
export async function openStore(url: string | undefined = DEFAULT_DATABASE_URL): Promise<Store> {
  const target = parseDatabaseUrl(url || DEFAULT_DATABASE_URL);
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

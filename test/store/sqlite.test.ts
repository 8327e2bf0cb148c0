import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations, openSqliteStore, openStore, parseDatabaseUrl, StoreConfigError, type Store } from '../../src/store/index.ts';
import { storeContract } from './contract.ts';

// Two handles on one file: what two gradbot processes sharing a SQLite file hold.
storeContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradbot-contract-'));
  const path = join(dir, 'gradbot.db');
  const a = await openStore(`sqlite:${path}`);
  const b = openSqliteStore(path);
  return {
    a,
    b,
    async dispose() {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite store', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gradbot-store-'));
    store = await openStore(`sqlite:${join(dir, 'nested', 'gradbot.db')}`);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the parent directory, uses WAL and records each migration once (a second handle on a new file applies nothing twice)', async () => {
    const path = join(dir, 'nested', 'gradbot.db');
    await store.close();
    store = await openStore(`sqlite:${path}`); // reopening must not re-run migration 1 (CREATE TABLE would fail)
    const fresh = join(dir, 'fresh.db');
    const both = [openSqliteStore(fresh), openSqliteStore(fresh)];
    await Promise.all(both.map((s) => s.close()));
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[];
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
    db.close();
  });

});

describe('DATABASE_URL', () => {
  it('reads sqlite:PATH, sqlite:///abs and sqlite::memory:', async () => {
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ driver: 'sqlite', path: ':memory:', memory: true });
    expect(parseDatabaseUrl('sqlite:///var/x.db')).toMatchObject({ path: '/var/x.db' });
    expect(parseDatabaseUrl('sqlite:./data/gradbot.db')).toMatchObject({ path: join(process.cwd(), 'data', 'gradbot.db') });
    expect(parseDatabaseUrl()).toMatchObject({ path: join(process.cwd(), 'data', 'gradbot.db') });
  });

  it('refuses other schemes and unusable paths with a message naming them', async () => {
    expect(() => parseDatabaseUrl('mysql://x')).toThrow(/sqlite:PATH/);
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(StoreConfigError);
    const dir = mkdtempSync(join(tmpdir(), 'gradbot-url-'));
    try {
      const file = join(dir, 'not-a-dir');
      writeFileSync(file, 'x');
      // A path "inside" a regular file cannot be created, even by root.
      await expect(openStore(`sqlite:${join(file, 'sub', 'g.db')}`)).rejects.toThrow(/cannot write .*not-a-dir/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails at once, naming the path, under /proc (where a recursive mkdir never ends)', async () => {
    const started = performance.now();
    await expect(openStore('sqlite:/proc/gradbot-nowhere/data/g.db')).rejects.toThrow(/cannot write \/proc\/gradbot-nowhere\/data\/g\.db \(ENOENT\)/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

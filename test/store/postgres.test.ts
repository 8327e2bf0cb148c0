import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { appliedPostgresVersions, describeDatabase, migrations, openPostgresStore, openStore, parseDatabaseUrl, redactUrl, StoreConfigError, StoreUnavailableError, type Store } from '../../src/store/index.ts';
import { freshDatabase, pgAdminUrl } from '../pg.ts';
import { pgProxy } from '../pg-proxy.ts';
import { answer, quiz, storeContract, T0 } from './contract.ts';

// Two pools on one database: what two gradbot instances hold. One database and one pair of pools serve the whole
// contract, emptied between tests, as two long-running instances hold theirs: a new database and new pools for each
// test cost about 0.3 s of CPU each (CREATE DATABASE, the migrations, a server process per connection). Creating a
// database and migrating it, alone and raced, is tested below.
if (pgAdminUrl) {
  let db: { url: string; tables: string; admin: pg.Client } | null = null;
  type Pair = { a: Store; b: Store };
  let pair: Pair | null = null;
  const openPair = async (url: string): Promise<Pair> => {
    const [a, b] = await Promise.all([openStore(url), openStore(url)]);
    return { a, b };
  };
  storeContract('PostgreSQL', async () => {
    if (!db) {
      const url = await freshDatabase();
      pair = await openPair(url);
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const { rows } = await admin.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'");
      db = { url, tables: rows.map((r) => `"${r.t}"`).join(', '), admin };
    }
    const { url, tables, admin } = db;
    const current: Pair = pair ?? (await openPair(url));
    pair = current;
    const { a, b } = current;
    return {
      a,
      b,
      async dispose() {
        // A test that closed a handle gets new ones for the next test; the data goes either way.
        if (!(await a.writable()) || !(await b.writable())) {
          pair = null;
          await Promise.all([a.close(), b.close()]);
        }
        await admin.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
      },
    };
  });
  afterAll(async () => {
    await Promise.all([pair?.a.close(), pair?.b.close(), db?.admin.end()]);
  });
}

describe.skipIf(!pgAdminUrl)('PostgreSQL store', () => {
  it('applies the migrations once when several instances start at the same moment (advisory lock)', async () => {
    const url = await freshDatabase();
    const stores = await Promise.all(Array.from({ length: 6 }, () => openPostgresStore(url)));
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      expect(await appliedPostgresVersions(c)).toEqual(migrations.map((m) => m.version));
    } finally {
      await c.end();
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('keeps epoch milliseconds and large seeds as numbers', async () => {
    const url = await freshDatabase();
    const s = await openPostgresStore(url);
    try {
      await s.createQuiz(quiz({ createdAt: 8_000_000_000_000, closesAt: 8_000_000_600_000, seed: 4_294_967_295 }));
      const q = await s.getQuiz('q1');
      expect(q).toMatchObject({ createdAt: 8_000_000_000_000, closesAt: 8_000_000_600_000, seed: 4_294_967_295 });
      expect(typeof q?.createdAt).toBe('number');
      expect(await s.quizCount('c1')).toBe(1);
      expect(await s.recordAnswer(answer({ answeredAt: 8_000_000_000_001 }))).toMatchObject({ status: 'recorded', score: { lastCorrectAt: 8_000_000_000_001 } });
    } finally {
      await s.close();
    }
  });

  it('an answer waits for nothing but a close waits for answers in flight, so the summary counts them all', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
    try {
      await a.createQuiz(quiz());
      const clicks = Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).recordAnswer(answer({ userId: `s${i}`, userName: `S${i}`, answeredAt: T0 + 2000 })));
      const closing = a.closeQuiz('q1', T0 + 2000, 'desk-a.1');
      const results = await Promise.all(clicks);
      expect(await closing).toBe(true);
      const recorded = results.filter((r) => r.status === 'recorded').length;
      // Whatever the interleaving: every answer recorded is in the quiz, and none arrives after the close.
      expect((await a.answersOf('q1')).length).toBe(recorded);
      expect(results.every((r) => r.status === 'recorded' || r.status === 'closed')).toBe(true);
      expect(await b.recordAnswer(answer({ userId: 'late' }))).toEqual({ status: 'closed' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a database that goes away: calls wait with backoff and go through when it is back, else StoreUnavailableError; start-up says so without the password', async () => {
    const url = await freshDatabase();
    const target = new URL(url);
    const proxy = await pgProxy(Number(target.port));
    const via = new URL(url);
    via.port = String(proxy.port);
    const s = await openPostgresStore(via.toString(), { backoffMs: [100, 200, 400, 800], connectTimeoutMs: 1000 });
    try {
      await s.createQuiz(quiz());
      // Down for about 0.5 s: the pool's connections die, new ones are refused, the backoff rides it out.
      await proxy.down();
      const during = s.getQuiz('q1');
      setTimeout(() => void proxy.up(), 500);
      expect((await during)?.id).toBe('q1');
      // Down for good: the caller hears StoreUnavailableError (a "try again" for the student), not a hang.
      await proxy.down();
      await expect(s.getQuiz('q1')).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await s.writable()).toBe(false);
      const failed = await openStore(via.toString(), { backoffMs: [], connectTimeoutMs: 1000 }).catch((e: Error) => e);
      expect(failed).toBeInstanceOf(StoreConfigError);
      expect((failed as Error).message).toMatch(new RegExp(`cannot reach 127\\.0\\.0\\.1:${proxy.port}`));
      expect((failed as Error).message).not.toContain(target.password);
      expect((failed as Error).message).toContain('***');
    } finally {
      await s.close();
      await proxy.close();
    }
  });
});

describe('PostgreSQL URLs', () => {
  it('describes a postgres URL without its password', () => {
    const url = 'postgres://teacher:s3cr%40t@db.example:6543/gradbot?sslmode=require';
    expect(parseDatabaseUrl(url)).toMatchObject({ driver: 'postgres', host: 'db.example', port: 6543, database: 'gradbot', user: 'teacher' });
    expect(describeDatabase(url)).toBe('postgres://teacher:***@db.example:6543/gradbot?sslmode=require');
    expect(redactUrl('postgres://u:p@@h/db')).not.toContain('p@');
    expect(() => parseDatabaseUrl('postgres://')).toThrow(StoreConfigError);
  });
});

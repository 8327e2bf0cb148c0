import { describe, expect, it } from 'vitest';
import { checkDatabase } from '../../src/ops/checks.ts';
import { migrations, openStore, SCHEMA_VERSION } from '../../src/store/index.ts';
import { freshDatabase, pgAdminUrl } from '../pg.ts';
import { cleanEnv, watch } from './process.ts';

/** The doctor's database line for each way a DATABASE_URL can be wrong: the failing part named, the password never shown. */
describe('gradbot doctor: the database', () => {
  it('a path under /proc (where a recursive mkdir never ends): npx gradbot doctor fails at once, naming the path', async () => {
    const started = Date.now();
    const run = watch(['bin/gradbot.mjs', 'doctor'], cleanEnv({ DATABASE_URL: 'sqlite:/proc/gradbot-nowhere/data/gradbot.db' }));
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.stdout.find((l) => l.startsWith('  ✗ database'))).toMatch(/cannot write \/proc\/gradbot-nowhere\/data\/gradbot\.db/);
    // The render pool check alone takes seconds on a busy machine; the point is that it ends.
    expect(Date.now() - started).toBeLessThan(120_000);
  });

  describe.skipIf(!pgAdminUrl)('a postgres:// URL', () => {
    const check = (url: string) => checkDatabase({ DATABASE_URL: url });
    const password = () => decodeURIComponent(new URL(pgAdminUrl!).password);
    const shown = (f: { title: string; fix?: string }) => `${f.title}\n${f.fix ?? ''}`;

    it('reachable, authenticated, migrations applied: ok; a new database: npm start will apply them', async () => {
      const url = await freshDatabase();
      const fresh = await check(url);
      expect(fresh.status).toBe('warn');
      expect(fresh.title).toContain(`reachable, authenticated; migrations ${migrations.map((m) => m.version).join(', ')} not applied yet`);
      const store = await openStore(url);
      await store.close();
      const ready = await check(url);
      expect(ready).toMatchObject({ status: 'ok' });
      expect(ready.title).toMatch(/^database: PostgreSQL at 127\.0\.0\.1:\d+\/t_\w+ as "gradbot" \(PostgreSQL 1\d[.\d]*\): reachable, authenticated, migrations applied \(schema version \d+\)$/);
      expect(ready.title).toContain(`(schema version ${SCHEMA_VERSION})`);
      for (const f of [fresh, ready]) expect(shown(f)).not.toContain(password());
    });

    it('names the failing part: the server, the password, the database', async () => {
      const good = new URL(await freshDatabase());
      const unreachable = new URL(good);
      unreachable.port = '1';
      const wrongPassword = new URL(good);
      wrongPassword.password = 'not-the-password';
      const noDatabase = new URL(good);
      noDatabase.pathname = '/no_such_db';
      const [down, refused, missing] = await Promise.all([check(unreachable.toString()), check(wrongPassword.toString()), check(noDatabase.toString())]);
      expect(down).toMatchObject({ status: 'fail', title: expect.stringMatching(/PostgreSQL at 127\.0\.0\.1:1 is not reachable \(ECONNREFUSED\)/) });
      expect(refused).toMatchObject({ status: 'fail', title: expect.stringMatching(/is reachable but refused user "gradbot" \(wrong password/) });
      expect(refused.fix).toMatch(/check the user and password in DATABASE_URL/);
      expect(missing).toMatchObject({ status: 'fail', title: expect.stringMatching(/accepted user "gradbot", but database "no_such_db" does not exist/) });
      for (const f of [down, refused, missing]) {
        expect(shown(f)).not.toContain(password());
        expect(shown(f)).not.toContain('not-the-password');
      }
    });
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { SealError, SecretBox } from '../../src/crypto/secret-box.ts';
import { applyMigrations, installationContext, migrations, openStore, type InstallationKey } from '../../src/store/index.ts';
import { installation } from './contract.ts';
import { caller, Clock, rig, run, ta, type Rig } from '../commands/fixtures.ts';
import { freshDatabase, pgAdminUrl } from '../pg.ts';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), renderExplode: async () => [], renderExample: async () => [], renderLayers: async () => [] };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** What a class sees: the leaderboard for one student and the TA's CSV export. */
async function classView(r: Rig): Promise<{ board: string; csv: string; settings: string }> {
  const board = (await run(r.bot, 'leaderboard', '', caller({ userId: 's3', userName: 'Student 3' }))).text;
  const exported = await run(r.bot, 'answers-export', '', ta());
  const settings = (await run(r.bot, 'quiz-settings', '', ta())).text;
  return { board, csv: exported.files![0]!.content.toString('utf8'), settings };
}

describe('gradbot migrate-store', () => {
  it('refuses bad arguments with status 2 and the usage', async () => {
    expect(await cli('migrate-store')).toMatchObject({ code: 2, err: expect.stringMatching(/usage: gradbot migrate-store --from sqlite:PATH --to postgres:/) });
    expect(await cli('migrate-store', '--from', 'postgres://u:hunter2@h/db', '--to', 'postgres://u:p@h/db')).toMatchObject({ code: 2, err: expect.stringMatching(/--from must be a SQLite file/) });
    const bad = await cli('migrate-store', '--from', 'sqlite:/x.db', '--to', 'mysql://u:hunter2@h/db');
    expect(bad.code).toBe(2);
    expect(bad.err).not.toContain('hunter2');
  });

  it.skipIf(!pgAdminUrl)('copies a class to PostgreSQL: the same leaderboard and CSV export; a second run copies nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradbot-migrate-'));
    const path = join(dir, 'class.db');
    const clock = new Clock();
    const source = rig({ url: `sqlite:${path}`, now: clock.now });
    let target: Rig | null = null;
    try {
      // A small course: a TA setting, three quizzes, eight students, right and wrong answers (so reviews), two in the same millisecond.
      await run(source.bot, 'quiz-settings', 'minutes=15', ta());
      for (let q = 0; q < 3; q++) {
        const quizId = (await run(source.bot, 'quiz', `seed=${q + 1}`, ta())).quiz!.quizId;
        const right = (await source.store.getQuiz(quizId))!.answer;
        for (let s = 0; s < 8; s++) {
          if ((s + q) % 3 !== 0) clock.advance(700);
          await source.bot.answer(quizId, (s * q) % 2 === 0 ? right : (right + 1) % 3, caller({ userId: `s${s}`, userName: `Student ${s}` }));
        }
      }
      // One quiz closed by a TA: its closer token moves with it.
      expect((await run(source.bot, 'quiz-close', '', ta())).text).toMatch(/^Closed quiz/);
      // The workspace's tenancy (issue 16): a workspace and an org installation with sealed tokens, two TAs, spent states.
      const box = new SecretBox(randomBytes(32));
      const workspace: InstallationKey = { enterpriseId: null, teamId: 'T1', isEnterpriseInstall: false };
      const org: InstallationKey = { enterpriseId: 'E1', teamId: null, isEnterpriseInstall: true };
      for (const k of [workspace, org]) {
        await source.store.saveSlackInstallation(installation({ ...k, sealedSecrets: box.seal(`xoxb-${k.teamId ?? k.enterpriseId}`, installationContext(k)) }));
      }
      await source.store.addTa({ classId: caller().classId, userId: 'ta2', addedBy: 'U1', addedAt: clock.now() });
      await source.store.addTa({ classId: 'slack:T1:C9', userId: 'ta3', addedBy: 'U1', addedAt: clock.now() });
      // The copy reads the real clock: one state spent a minute ago and still valid, one long expired.
      const wall = Date.now();
      await source.store.spendOAuthState('expired-state', wall - 60_000, wall - 120_000);
      await source.store.spendOAuthState('live-state', wall + 600_000, wall - 120_000);
      const before = await classView(source);
      expect(before.csv.split('\n').length).toBe(3 * 8 + 2);
      const url = await freshDatabase();

      const first = await cli('migrate-store', '--from', `sqlite:${path}`, '--to', url);
      expect(first.err).toBe('');
      expect(first.code).toBe(0);
      expect(first.out).toMatch(/quizzes\s+3 copied/);
      expect(first.out).toMatch(/answers\s+24 copied/);
      expect(first.out).toMatch(/scores\s+8 copied/);
      expect(first.out).toMatch(/slack_installations\s+2 copied\n/);
      expect(first.out).toMatch(/class_tas\s+2 copied\n/);
      expect(first.out).toMatch(/oauth_states\s+1 copied, 1 expired left behind\n/);
      expect(first.out).toMatch(/copied sealed: run every instance with the same GRADBOT_SECRET_KEY/);
      expect(first.out).not.toContain(new URL(url).password);

      target = rig({ store: await openStore(url), now: clock.now });
      expect(await classView(target)).toEqual(before);
      expect(await target.store.reviewsOf(caller().classId, 's1')).toEqual(await source.store.reviewsOf(caller().classId, 's1'));
      expect(await closers(url)).toEqual(closersOf(path));
      expect(Object.keys(closersOf(path))).toHaveLength(1);
      // The tokens open on the server with the same key, and only with it.
      for (const k of [workspace, org]) {
        const moved = await target.store.findSlackInstallation(k);
        expect(moved).toEqual(await source.store.findSlackInstallation(k));
        expect(box.open(moved!.sealedSecrets, installationContext(k))).toBe(`xoxb-${k.teamId ?? k.enterpriseId}`);
        expect(() => new SecretBox(randomBytes(32)).open(moved!.sealedSecrets, installationContext(k))).toThrow(SealError);
      }
      for (const classId of [caller().classId, 'slack:T1:C9']) expect(await target.store.listTas(classId)).toEqual(await source.store.listTas(classId));
      // A state spent before the move cannot be replayed after it; a new one can be spent.
      expect(await target.store.spendOAuthState('live-state', Date.now() + 600_000, Date.now())).toBe(false);
      expect(await target.store.spendOAuthState('new-state', Date.now() + 600_000, Date.now())).toBe(true);

      const second = await cli('migrate-store', '--from', `sqlite:${path}`, '--to', url);
      expect(second.code).toBe(0);
      expect(second.out).toMatch(/answers\s+0 copied, 24 already there/);
      expect(second.out).toMatch(/slack_installations\s+0 copied, 2 already there/);
      expect(second.out).toMatch(/class_tas\s+0 copied, 2 already there/);
      expect(second.out).toMatch(/oauth_states\s+0 copied, 1 already there, 1 expired left behind/);
      expect(second.out).toMatch(/Nothing new to copy/);
      expect(await classView(target)).toEqual(before);
    } finally {
      await source.close();
      await target?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!pgAdminUrl)('a file from an older gradbot (before installations, TAs and closer tokens): those tables are skipped, the class moves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradbot-migrate-'));
    const path = join(dir, 'old.db');
    try {
      const db = new Database(path);
      applyMigrations(db, migrations.filter((m) => m.version <= 2));
      db.prepare(
        `INSERT INTO quizzes (id, class_id, platform, kind, topic, question, choices, answer, explanation, seed, created_by, created_at, closes_at, closed_at)
         VALUES ('q1', 'web:c1', 'web', 'concept-xavier', 'xavier', 'Why?', '["a","b"]', 1, 'Because.', 5, 'ta', 1000, 2000, 2000)`,
      ).run();
      db.prepare(`INSERT INTO answers (quiz_id, user_id, user_name, choice, correct, answered_at) VALUES ('q1', 'u1', 'Ada', 1, 1, 1500)`).run();
      db.close();
      const url = await freshDatabase();
      const r = await cli('migrate-store', '--from', `sqlite:${path}`, '--to', url);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/quizzes\s+1 copied\n/);
      expect(r.out).toMatch(/answers\s+1 copied\n/);
      for (const t of ['slack_installations', 'class_tas', 'oauth_states']) expect(r.out).toMatch(new RegExp(`${t}\\s+0 copied \\(not in this database: it predates that table\\)`));
      expect(r.out).not.toMatch(/GRADBOT_SECRET_KEY/);
      const s = await openStore(url);
      try {
        expect(await s.getQuiz('q1')).toMatchObject({ closedAt: 2000, question: 'Why?', choices: ['a', 'b'] });
        expect(await s.answersOf('q1')).toHaveLength(1);
      } finally {
        await s.close();
      }
      expect(await closers(url)).toEqual({ q1: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!pgAdminUrl)('a file that is not a gradbot database: status 1, naming the missing tables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradbot-migrate-'));
    const path = join(dir, 'other.db');
    try {
      const db = new Database(path);
      db.exec('CREATE TABLE quizzes (id TEXT PRIMARY KEY)');
      db.close();
      const r = await cli('migrate-store', '--from', `sqlite:${path}`, '--to', await freshDatabase());
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/is not a gradbot database \(no answers, scores, class_settings, reviews table\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!pgAdminUrl)('an unreachable target: status 1, nothing copied, the password never shown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradbot-migrate-'));
    const path = join(dir, 'class.db');
    const source = rig({ url: `sqlite:${path}` });
    await source.close();
    try {
      const r = await cli('migrate-store', '--from', `sqlite:${path}`, '--to', 'postgres://teacher:hunter2@127.0.0.1:1/gradbot');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/nothing was copied/);
      expect(`${r.out}\n${r.err}`).not.toContain('hunter2');
      expect(r.out).toContain('teacher:***@127.0.0.1:1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Each closed quiz's closer token, by quiz id, in the SQLite source. */
function closersOf(path: string): Record<string, string | null> {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT id, closed_by FROM quizzes WHERE closed_at IS NOT NULL ORDER BY id').all() as { id: string; closed_by: string | null }[];
    return Object.fromEntries(rows.map((r) => [r.id, r.closed_by]));
  } finally {
    db.close();
  }
}

/** The same, read from PostgreSQL. */
async function closers(url: string): Promise<Record<string, string | null>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const rows = (await c.query<{ id: string; closed_by: string | null }>('SELECT id, closed_by FROM quizzes WHERE closed_at IS NOT NULL ORDER BY id')).rows;
    return Object.fromEntries(rows.map((r) => [r.id, r.closed_by]));
  } finally {
    await c.end();
  }
}

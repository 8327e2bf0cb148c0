import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { openStore } from '../../src/store/index.ts';
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
      const before = await classView(source);
      expect(before.csv.split('\n').length).toBe(3 * 8 + 2);
      const url = await freshDatabase();

      const first = await cli('migrate-store', '--from', `sqlite:${path}`, '--to', url);
      expect(first.err).toBe('');
      expect(first.code).toBe(0);
      expect(first.out).toMatch(/quizzes\s+3 copied/);
      expect(first.out).toMatch(/answers\s+24 copied/);
      expect(first.out).toMatch(/scores\s+8 copied/);
      expect(first.out).not.toContain(new URL(url).password);

      target = rig({ store: await openStore(url), now: clock.now });
      expect(await classView(target)).toEqual(before);
      expect(await target.store.reviewsOf(caller().classId, 's1')).toEqual(await source.store.reviewsOf(caller().classId, 's1'));

      const second = await cli('migrate-store', '--from', `sqlite:${path}`, '--to', url);
      expect(second.code).toBe(0);
      expect(second.out).toMatch(/answers\s+0 copied, 24 already there/);
      expect(second.out).toMatch(/Nothing new to copy/);
      expect(await classView(target)).toEqual(before);
    } finally {
      await source.close();
      await target?.close();
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

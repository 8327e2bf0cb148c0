import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations, openSqliteStore, openStore, parseDatabaseUrl, StoreConfigError, type NewAnswer, type NewQuiz, type Store } from '../../src/store/index.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

function quiz(over: Partial<NewQuiz> = {}): NewQuiz {
  return {
    id: 'q1',
    classId: 'c1',
    platform: 'web',
    kind: 'run-update',
    topic: 'run',
    question: 'What is w1 after one step?',
    choices: ['539.0625', '460.9375', '495'],
    answer: 0,
    explanation: 'w1 − lr × g',
    seed: 1,
    reviewOf: null,
    createdBy: 'ta',
    createdAt: T0,
    closesAt: T0 + 600_000,
    ...over,
  };
}

function answer(over: Partial<NewAnswer> = {}): NewAnswer {
  return { quizId: 'q1', classId: 'c1', userId: 'u1', userName: 'Ada', choice: 0, correct: true, answeredAt: T0 + 1000, points: 1, review: null, ...over };
}

describe('SQLite store', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gradbot-store-'));
    store = openStore(`sqlite:${join(dir, 'nested', 'gradbot.db')}`);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the parent directory, uses WAL and records each migration once', () => {
    const path = join(dir, 'nested', 'gradbot.db');
    store.close();
    store = openStore(`sqlite:${path}`); // reopening must not re-run migration 1 (CREATE TABLE would fail)
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[];
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
    db.close();
  });

  it('round-trips a quiz and closes it exactly once', () => {
    store.createQuiz(quiz());
    const q = store.getQuiz('q1');
    expect(q).toMatchObject({ id: 'q1', choices: ['539.0625', '460.9375', '495'], answer: 0, closedAt: null, location: null });
    store.setQuizLocation('q1', 'thread-9');
    expect(store.openQuizzes().map((x) => x.id)).toEqual(['q1']);
    expect(store.closeQuiz('q1', T0 + 5)).toBe(true);
    expect(store.closeQuiz('q1', T0 + 6)).toBe(false);
    expect(store.getQuiz('q1')).toMatchObject({ closedAt: T0 + 5, location: 'thread-9' });
    expect(store.openQuizzes()).toEqual([]);
    expect(store.getQuiz('nope')).toBeNull();
  });

  it('records one answer per user per quiz and reports the first on a second try', () => {
    store.createQuiz(quiz());
    expect(store.recordAnswer(answer({ choice: 1, correct: false }))).toEqual({ status: 'recorded' });
    const again = store.recordAnswer(answer({ choice: 0, correct: true }));
    expect(again).toMatchObject({ status: 'duplicate', existing: { choice: 1, correct: false } });
    expect(store.answersOf('q1')).toHaveLength(1);
    expect(store.rankOf('c1', 'u1')).toMatchObject({ answered: 1, correct: 0, points: 0 });
  });

  it('refuses answers to unknown, closed and timed-out quizzes', () => {
    store.createQuiz(quiz());
    store.createQuiz(quiz({ id: 'q2' }));
    store.closeQuiz('q2', T0 + 10);
    expect(store.recordAnswer(answer({ quizId: 'zz' }))).toEqual({ status: 'closed' });
    expect(store.recordAnswer(answer({ quizId: 'q2' }))).toEqual({ status: 'closed' });
    expect(store.recordAnswer(answer({ answeredAt: T0 + 600_000 }))).toEqual({ status: 'closed' });
    expect(store.rankOf('c1', 'u1')).toBeNull();
  });

  it('counts two processes clicking at the same millisecond once (UNIQUE, not check-then-insert)', () => {
    const path = join(dir, 'nested', 'gradbot.db');
    const other = openSqliteStore(path);
    try {
      store.createQuiz(quiz());
      const results = [store.recordAnswer(answer({ choice: 0, correct: true })), other.recordAnswer(answer({ choice: 2, correct: false }))];
      expect(results.map((r) => r.status).sort()).toEqual(['duplicate', 'recorded']);
      expect(other.answersOf('q1')).toHaveLength(1);
      expect(store.rankOf('c1', 'u1')).toMatchObject({ answered: 1, correct: 1, points: 1 });
    } finally {
      other.close();
    }
  });

  it('keeps points, streaks and best streaks', () => {
    const pattern = [true, true, true, false, true];
    pattern.forEach((ok, i) => {
      store.createQuiz(quiz({ id: `q${i}` }));
      store.recordAnswer(answer({ quizId: `q${i}`, correct: ok, choice: ok ? 0 : 1, answeredAt: T0 + i }));
    });
    expect(store.rankOf('c1', 'u1')).toMatchObject({ points: 4, answered: 5, correct: 4, streak: 1, bestStreak: 3, lastCorrectAt: T0 + 4 });
  });

  it('orders the leaderboard by points, then who got there first, then name; ranks beyond the top', () => {
    // 12 students; score = number of correct answers, given at distinct times.
    const plan: [string, string, number[]][] = [
      ['a', 'Zed', [1, 2, 3]], // 3 points, last correct at 3
      ['b', 'Yan', [4, 5, 6]], // 3 points, last correct at 6
      ['c', 'Abe', [1, 2]], // 2 points, last at 2
      ['d', 'Bea', [2, 1]], // 2 points, last at 2 too: name breaks the tie (Abe before Bea)
    ];
    for (let i = 0; i < 8; i++) plan.push([`z${i}`, `Late${i}`, [100 + i]]);
    let n = 0;
    for (const [id, name, times] of plan) {
      for (const t of times) {
        const qid = `q${n++}`;
        store.createQuiz(quiz({ id: qid }));
        store.recordAnswer(answer({ quizId: qid, userId: id, userName: name, answeredAt: T0 + t }));
      }
    }
    // A wrong answer scores nothing and does not change last-correct time.
    store.createQuiz(quiz({ id: 'wrong' }));
    store.recordAnswer(answer({ quizId: 'wrong', userId: 'a', userName: 'Zed', correct: false, choice: 1, answeredAt: T0 + 500 }));

    const top = store.leaderboard('c1', 10);
    expect(top.map((r) => r.userId)).toEqual(['a', 'b', 'c', 'd', 'z0', 'z1', 'z2', 'z3', 'z4', 'z5']);
    expect(top.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(store.rankOf('c1', 'z7')).toMatchObject({ rank: 12, points: 1 });
    expect(store.rankOf('c1', 'a')).toMatchObject({ rank: 1, streak: 0, bestStreak: 3 });
    expect(store.leaderboard('other-class', 10)).toEqual([]);
  });

  it('resets one class only and keeps its answers', () => {
    for (const c of ['c1', 'c2']) {
      store.createQuiz(quiz({ id: `q-${c}`, classId: c }));
      store.recordAnswer(answer({ quizId: `q-${c}`, classId: c }));
    }
    expect(store.resetScores('c1')).toBe(1);
    expect(store.rankOf('c1', 'u1')).toBeNull();
    expect(store.rankOf('c2', 'u1')).not.toBeNull();
    expect(store.exportAnswers('c1')).toHaveLength(1);
  });

  it('serves a review when its time has come or after enough other answers', () => {
    store.createQuiz(quiz({ id: 'missed' }));
    store.recordAnswer(answer({ quizId: 'missed', correct: false, choice: 2, review: { op: 'add', rootQuizId: 'missed', dueAt: T0 + 60_000, afterAnswers: 3 } }));
    expect(store.dueReview('c1', 'u1', T0 + 59_999)).toBeNull();
    expect(store.dueReview('c1', 'u1', T0 + 60_000)).toMatchObject({ rootQuizId: 'missed' });
    // By count: two more answers (3 in all) make it due before its time.
    store.createQuiz(quiz({ id: 'x1' }));
    store.createQuiz(quiz({ id: 'x2' }));
    store.recordAnswer(answer({ quizId: 'x1' }));
    expect(store.dueReview('c1', 'u1', T0 + 2000)).toBeNull();
    store.recordAnswer(answer({ quizId: 'x2' }));
    expect(store.dueReview('c1', 'u1', T0 + 2000)).toMatchObject({ rootQuizId: 'missed' });
    store.snoozeReview('c1', 'u1', 'missed', T0 + 999_999, 10);
    expect(store.dueReview('c1', 'u1', T0 + 2000)).toBeNull();
    store.createQuiz(quiz({ id: 'again', reviewOf: 'missed' }));
    store.recordAnswer(answer({ quizId: 'again', review: { op: 'clear', rootQuizId: 'missed' } }));
    expect(store.reviewsOf('c1', 'u1')).toEqual([]);
  });

  it('stores class settings', () => {
    expect(store.getClassSettings('c1')).toEqual({ quizMinutes: null });
    store.setClassSettings('c1', { quizMinutes: 3 });
    expect(store.getClassSettings('c1')).toEqual({ quizMinutes: 3 });
    expect(store.getClassSettings('c2')).toEqual({ quizMinutes: null });
  });
});

describe('DATABASE_URL', () => {
  it('reads sqlite:PATH, sqlite:///abs and sqlite::memory:', () => {
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ driver: 'sqlite', path: ':memory:', memory: true });
    expect(parseDatabaseUrl('sqlite:///var/x.db').path).toBe('/var/x.db');
    expect(parseDatabaseUrl('sqlite:./data/gradbot.db').path).toBe(join(process.cwd(), 'data', 'gradbot.db'));
    expect(parseDatabaseUrl().path).toBe(join(process.cwd(), 'data', 'gradbot.db'));
  });

  it('refuses other schemes and unusable paths with a message naming them', () => {
    expect(() => parseDatabaseUrl('postgres://x')).toThrow(/sqlite:PATH/);
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(StoreConfigError);
    const dir = mkdtempSync(join(tmpdir(), 'gradbot-url-'));
    try {
      const file = join(dir, 'not-a-dir');
      writeFileSync(file, 'x');
      // A path "inside" a regular file cannot be created, even by root.
      expect(() => openStore(`sqlite:${join(file, 'sub', 'g.db')}`)).toThrow(/cannot write .*not-a-dir/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

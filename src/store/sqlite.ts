import Database from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations.ts';
import type {
  AnswerRecord,
  ClassSettings,
  DueReview,
  ExportRow,
  NewAnswer,
  NewQuiz,
  QuizRecord,
  RankedScore,
  RecordResult,
  ScoreRow,
  Store,
} from './types.ts';

interface QuizRow {
  id: string;
  class_id: string;
  platform: string;
  kind: string;
  topic: string;
  question: string;
  choices: string;
  answer: number;
  explanation: string;
  seed: number;
  review_of: string | null;
  created_by: string;
  created_at: number;
  closes_at: number;
  closed_at: number | null;
  location: string | null;
}

interface AnswerRow {
  quiz_id: string;
  user_id: string;
  user_name: string;
  choice: number;
  correct: number;
  answered_at: number;
}

interface ScoreDbRow {
  class_id: string;
  user_id: string;
  user_name: string;
  points: number;
  answered: number;
  correct: number;
  streak: number;
  best_streak: number;
  last_correct_at: number | null;
}

interface ReviewRow {
  root_quiz_id: string;
  due_at: number;
  after_answers: number;
}

const quizOf = (r: QuizRow): QuizRecord => ({
  id: r.id,
  classId: r.class_id,
  platform: r.platform,
  kind: r.kind,
  topic: r.topic,
  question: r.question,
  choices: JSON.parse(r.choices) as string[],
  answer: r.answer,
  explanation: r.explanation,
  seed: r.seed,
  reviewOf: r.review_of,
  createdBy: r.created_by,
  createdAt: r.created_at,
  closesAt: r.closes_at,
  closedAt: r.closed_at,
  location: r.location,
});

const answerOf = (r: AnswerRow): AnswerRecord => ({
  quizId: r.quiz_id,
  userId: r.user_id,
  userName: r.user_name,
  choice: r.choice,
  correct: r.correct === 1,
  answeredAt: r.answered_at,
});

const scoreOf = (r: ScoreDbRow): ScoreRow => ({
  classId: r.class_id,
  userId: r.user_id,
  userName: r.user_name,
  points: r.points,
  answered: r.answered,
  correct: r.correct,
  streak: r.streak,
  bestStreak: r.best_streak,
  lastCorrectAt: r.last_correct_at,
});

const reviewOf = (r: ReviewRow): DueReview => ({ rootQuizId: r.root_quiz_id, dueAt: r.due_at, afterAnswers: r.after_answers });

/**
 * The leaderboard order, in one place so the top 10 and a caller's rank agree:
 * more points first; on equal points whoever reached them first (earliest
 * latest-correct answer); then name, then id, so the order is total.
 */
const ORDER = `points DESC, COALESCE(last_correct_at, 9007199254740991) ASC, user_name ASC, user_id ASC`;

export function applyMigrations(db: Database.Database, migrations: readonly Migration[] = allMigrations): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    }).immediate();
    applied.push(m.version);
  }
  return applied;
}

/** Opens (creating if needed) a SQLite database; ":memory:" for tests. */
export function openSqliteStore(path: string): Store {
  const db = new Database(path);
  try {
    // WAL lets the export read while clicks write; busy_timeout rides out a second process's write.
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    applyMigrations(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return new SqliteStore(db);
}

function statements(db: Database.Database) {
  return {
    insertQuiz: db.prepare(
      `INSERT INTO quizzes (id, class_id, platform, kind, topic, question, choices, answer, explanation, seed, review_of, created_by, created_at, closes_at)
       VALUES (@id, @classId, @platform, @kind, @topic, @question, @choices, @answer, @explanation, @seed, @reviewOf, @createdBy, @createdAt, @closesAt)`,
    ),
    getQuiz: db.prepare('SELECT * FROM quizzes WHERE id = ?'),
    openQuizzes: db.prepare('SELECT * FROM quizzes WHERE closed_at IS NULL ORDER BY closes_at, created_at'),
    latestOpen: db.prepare('SELECT * FROM quizzes WHERE class_id = ? AND closed_at IS NULL ORDER BY created_at DESC, rowid DESC LIMIT 1'),
    quizCount: db.prepare('SELECT COUNT(*) AS n FROM quizzes WHERE class_id = ?'),
    setLocation: db.prepare('UPDATE quizzes SET location = ? WHERE id = ?'),
    closeQuiz: db.prepare('UPDATE quizzes SET closed_at = ? WHERE id = ? AND closed_at IS NULL'),
    // The answer goes in only while its quiz is open, decided inside the same statement.
    insertAnswer: db.prepare(
      `INSERT INTO answers (quiz_id, user_id, user_name, choice, correct, answered_at)
       SELECT @quizId, @userId, @userName, @choice, @correct, @answeredAt
       WHERE EXISTS (SELECT 1 FROM quizzes WHERE id = @quizId AND closed_at IS NULL AND closes_at > @answeredAt)
       ON CONFLICT (quiz_id, user_id) DO NOTHING`,
    ),
    upsertScore: db.prepare(
      `INSERT INTO scores (class_id, user_id, user_name, points, answered, correct, streak, best_streak, last_correct_at)
       VALUES (@classId, @userId, @userName, @points, 1, @correct, @correct, @correct, CASE WHEN @correct = 1 THEN @answeredAt END)
       ON CONFLICT (class_id, user_id) DO UPDATE SET
         user_name = excluded.user_name,
         points = points + excluded.points,
         answered = answered + 1,
         correct = correct + excluded.correct,
         streak = CASE WHEN excluded.correct = 1 THEN streak + 1 ELSE 0 END,
         best_streak = MAX(best_streak, CASE WHEN excluded.correct = 1 THEN streak + 1 ELSE 0 END),
         last_correct_at = CASE WHEN excluded.correct = 1 THEN MAX(COALESCE(last_correct_at, 0), excluded.last_correct_at) ELSE last_correct_at END`,
    ),
    addReview: db.prepare(
      `INSERT INTO reviews (class_id, user_id, root_quiz_id, due_at, after_answers) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (class_id, user_id, root_quiz_id) DO UPDATE SET due_at = excluded.due_at, after_answers = excluded.after_answers`,
    ),
    clearReview: db.prepare('DELETE FROM reviews WHERE class_id = ? AND user_id = ? AND root_quiz_id = ?'),
    getAnswer: db.prepare('SELECT * FROM answers WHERE quiz_id = ? AND user_id = ?'),
    answersOf: db.prepare('SELECT * FROM answers WHERE quiz_id = ? ORDER BY answered_at, rowid'),
    exportAnswers: db.prepare(
      `SELECT a.*, q.question, q.choices FROM answers a JOIN quizzes q ON q.id = a.quiz_id
       WHERE q.class_id = ? ORDER BY a.answered_at, a.rowid`,
    ),
    top: db.prepare(`SELECT * FROM scores WHERE class_id = ? ORDER BY ${ORDER} LIMIT ?`),
    rank: db.prepare(
      `SELECT * FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY ${ORDER}) AS rank FROM scores WHERE class_id = ?) WHERE user_id = ?`,
    ),
    deleteScores: db.prepare('DELETE FROM scores WHERE class_id = ?'),
    deleteReviews: db.prepare('DELETE FROM reviews WHERE class_id = ?'),
    getSettings: db.prepare('SELECT quiz_minutes FROM class_settings WHERE class_id = ?'),
    setSettings: db.prepare(
      'INSERT INTO class_settings (class_id, quiz_minutes) VALUES (?, ?) ON CONFLICT (class_id) DO UPDATE SET quiz_minutes = excluded.quiz_minutes',
    ),
    dueReview: db.prepare(
      `SELECT r.root_quiz_id, r.due_at, r.after_answers FROM reviews r
       LEFT JOIN scores s ON s.class_id = r.class_id AND s.user_id = r.user_id
       WHERE r.class_id = ? AND r.user_id = ? AND (r.due_at <= ? OR COALESCE(s.answered, 0) >= r.after_answers)
       ORDER BY r.due_at, r.root_quiz_id LIMIT 1`,
    ),
    snooze: db.prepare('UPDATE reviews SET due_at = ?, after_answers = ? WHERE class_id = ? AND user_id = ? AND root_quiz_id = ?'),
    reviewsOf: db.prepare('SELECT root_quiz_id, due_at, after_answers FROM reviews WHERE class_id = ? AND user_id = ? ORDER BY due_at, root_quiz_id'),
  };
}

class SqliteStore implements Store {
  private readonly s: ReturnType<typeof statements>;

  constructor(private readonly db: Database.Database) {
    this.s = statements(db);
  }

  createQuiz(q: NewQuiz): void {
    this.s.insertQuiz.run({ ...q, choices: JSON.stringify(q.choices) });
  }

  getQuiz(id: string): QuizRecord | null {
    const r = this.s.getQuiz.get(id) as QuizRow | undefined;
    return r ? quizOf(r) : null;
  }

  openQuizzes(): QuizRecord[] {
    return (this.s.openQuizzes.all() as QuizRow[]).map(quizOf);
  }

  latestOpenQuiz(classId: string): QuizRecord | null {
    const r = this.s.latestOpen.get(classId) as QuizRow | undefined;
    return r ? quizOf(r) : null;
  }

  quizCount(classId: string): number {
    return (this.s.quizCount.get(classId) as { n: number }).n;
  }

  setQuizLocation(id: string, location: string): void {
    this.s.setLocation.run(location, id);
  }

  closeQuiz(id: string, at: number): boolean {
    return this.s.closeQuiz.run(at, id).changes === 1;
  }

  recordAnswer(a: NewAnswer): RecordResult {
    // IMMEDIATE takes the write lock up front, so a second process cannot slip between insert and score.
    return this.db
      .transaction((): RecordResult => {
        const ins = this.s.insertAnswer.run({
          quizId: a.quizId,
          userId: a.userId,
          userName: a.userName,
          choice: a.choice,
          correct: a.correct ? 1 : 0,
          answeredAt: a.answeredAt,
        });
        if (ins.changes !== 1) {
          const existing = this.getAnswer(a.quizId, a.userId);
          return existing ? { status: 'duplicate', existing } : { status: 'closed' };
        }
        this.s.upsertScore.run({
          classId: a.classId,
          userId: a.userId,
          userName: a.userName,
          points: a.correct ? a.points : 0,
          correct: a.correct ? 1 : 0,
          answeredAt: a.answeredAt,
        });
        const r = a.review;
        if (r?.op === 'add') this.s.addReview.run(a.classId, a.userId, r.rootQuizId, r.dueAt, r.afterAnswers);
        else if (r?.op === 'clear') this.s.clearReview.run(a.classId, a.userId, r.rootQuizId);
        return { status: 'recorded' };
      })
      .immediate();
  }

  getAnswer(quizId: string, userId: string): AnswerRecord | null {
    const r = this.s.getAnswer.get(quizId, userId) as AnswerRow | undefined;
    return r ? answerOf(r) : null;
  }

  answersOf(quizId: string): AnswerRecord[] {
    return (this.s.answersOf.all(quizId) as AnswerRow[]).map(answerOf);
  }

  exportAnswers(classId: string): ExportRow[] {
    return (this.s.exportAnswers.all(classId) as (AnswerRow & { question: string; choices: string })[]).map((r) => ({
      ...answerOf(r),
      question: r.question,
      choices: JSON.parse(r.choices) as string[],
    }));
  }

  leaderboard(classId: string, limit: number): RankedScore[] {
    return (this.s.top.all(classId, limit) as ScoreDbRow[]).map((r, i) => ({ ...scoreOf(r), rank: i + 1 }));
  }

  rankOf(classId: string, userId: string): RankedScore | null {
    const r = this.s.rank.get(classId, userId) as (ScoreDbRow & { rank: number }) | undefined;
    return r ? { ...scoreOf(r), rank: r.rank } : null;
  }

  resetScores(classId: string): number {
    return this.db
      .transaction(() => {
        this.s.deleteReviews.run(classId);
        return this.s.deleteScores.run(classId).changes;
      })
      .immediate();
  }

  getClassSettings(classId: string): ClassSettings {
    const r = this.s.getSettings.get(classId) as { quiz_minutes: number | null } | undefined;
    return { quizMinutes: r?.quiz_minutes ?? null };
  }

  setClassSettings(classId: string, s: ClassSettings): void {
    this.s.setSettings.run(classId, s.quizMinutes);
  }

  dueReview(classId: string, userId: string, now: number): DueReview | null {
    const r = this.s.dueReview.get(classId, userId, now) as ReviewRow | undefined;
    return r ? reviewOf(r) : null;
  }

  snoozeReview(classId: string, userId: string, rootQuizId: string, dueAt: number, afterAnswers: number): void {
    this.s.snooze.run(dueAt, afterAnswers, classId, userId, rootQuizId);
  }

  reviewsOf(classId: string, userId: string): DueReview[] {
    return (this.s.reviewsOf.all(classId, userId) as ReviewRow[]).map(reviewOf);
  }

  writable(): boolean {
    try {
      // An immediate transaction takes the write lock without changing anything.
      this.db.exec('BEGIN IMMEDIATE; ROLLBACK');
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

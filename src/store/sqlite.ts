import Database from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations.ts';
import { SqliteTenancy } from './sqlite-tenancy.ts';
import type { InstallationKey, SlackInstallationRecord, TaRecord } from './tenancy.ts';
import { answerOf, ORDER, quizOf, reviewOf, scoreOf, type AnswerRow, type QuizRow, type ReviewRow, type ScoreDbRow } from './rows.ts';
import type { AnswerRecord, ClassSettings, DueReview, ExportRow, NewAnswer, NewQuiz, QuizRecord, RankedScore, RecordResult, Store, TakenReview } from './types.ts';

export function applyMigrations(db: Database.Database, migrations: readonly Migration[] = allMigrations): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const isDone = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    // Checked again under the write lock: a second process starting at the same moment may have just applied it.
    const ran = db
      .transaction(() => {
        if (isDone.get(m.version)) return false;
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
        return true;
      })
      .immediate();
    if (ran) applied.push(m.version);
  }
  return applied;
}

/** Opens (creating if needed) a SQLite database; ":memory:" for tests. Synchronous: the driver is. */
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
    // One statement: the first token closes it; the same token again (a retry) matches; any other matches nothing.
    closeQuiz: db.prepare(
      `UPDATE quizzes SET closed_at = COALESCE(closed_at, @at), closed_by = COALESCE(closed_by, @token)
       WHERE id = @id AND (closed_at IS NULL OR closed_by = @token)`,
    ),
    // The answer goes in only while its quiz is open, decided inside the same statement.
    insertAnswer: db.prepare(
      `INSERT INTO answers (quiz_id, user_id, user_name, choice, correct, answered_at)
       SELECT @quizId, @userId, @userName, @choice, @correct, @answeredAt
       WHERE EXISTS (SELECT 1 FROM quizzes WHERE id = @quizId AND closed_at IS NULL AND closes_at > @answeredAt)
       ON CONFLICT (quiz_id, user_id) DO NOTHING`,
    ),
    // RETURNING hands back the row as this answer left it, inside the same transaction.
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
         last_correct_at = CASE WHEN excluded.correct = 1 THEN MAX(COALESCE(last_correct_at, 0), excluded.last_correct_at) ELSE last_correct_at END
       RETURNING *`,
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
    answeredBy: db.prepare('SELECT answered FROM scores WHERE class_id = ? AND user_id = ?'),
    claimCooldown: db.prepare(
      `INSERT INTO cooldowns (key, until) VALUES (@key, @until)
       ON CONFLICT (key) DO UPDATE SET until = excluded.until WHERE cooldowns.until <= @now
       RETURNING until`,
    ),
    cooldownUntil: db.prepare('SELECT until FROM cooldowns WHERE key = ?'),
    pruneCooldowns: db.prepare('DELETE FROM cooldowns WHERE until <= ?'),
    reviewsOf: db.prepare('SELECT root_quiz_id, due_at, after_answers FROM reviews WHERE class_id = ? AND user_id = ? ORDER BY due_at, root_quiz_id'),
  };
}

/** Claims between sweeps of expired cooldown rows, so the table cannot grow without bound. */
const PRUNE_EVERY = 1000;

/**
 * better-sqlite3 answers synchronously; the async methods only fit the
 * contract. Each write that must be atomic runs in an IMMEDIATE transaction,
 * which takes the write lock up front, so a second process on the same file
 * cannot slip between its statements.
 */
class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  private readonly s: ReturnType<typeof statements>;
  private claims = 0;
  private readonly tenancy: SqliteTenancy;

  constructor(private readonly db: Database.Database) {
    this.s = statements(db);
    this.tenancy = new SqliteTenancy(db);
  }

  saveSlackInstallation(r: SlackInstallationRecord): Promise<void> {
    return this.tenancy.saveSlackInstallation(r);
  }

  findSlackInstallation(k: InstallationKey): Promise<SlackInstallationRecord | null> {
    return this.tenancy.findSlackInstallation(k);
  }

  deleteSlackInstallation(k: InstallationKey): Promise<number> {
    return this.tenancy.deleteSlackInstallation(k);
  }

  spendOAuthState(id: string, expiresAt: number, now: number): Promise<boolean> {
    return this.tenancy.spendOAuthState(id, expiresAt, now);
  }

  addTa(r: TaRecord): Promise<boolean> {
    return this.tenancy.addTa(r);
  }

  removeTa(classId: string, userId: string): Promise<boolean> {
    return this.tenancy.removeTa(classId, userId);
  }

  listTas(classId: string): Promise<TaRecord[]> {
    return this.tenancy.listTas(classId);
  }

  isTa(classId: string, userId: string): Promise<boolean> {
    return this.tenancy.isTa(classId, userId);
  }

  async createQuiz(q: NewQuiz): Promise<void> {
    this.s.insertQuiz.run({ ...q, choices: JSON.stringify(q.choices) });
  }

  async getQuiz(id: string): Promise<QuizRecord | null> {
    const r = this.s.getQuiz.get(id) as QuizRow | undefined;
    return r ? quizOf(r) : null;
  }

  async openQuizzes(): Promise<QuizRecord[]> {
    return (this.s.openQuizzes.all() as QuizRow[]).map(quizOf);
  }

  async latestOpenQuiz(classId: string): Promise<QuizRecord | null> {
    const r = this.s.latestOpen.get(classId) as QuizRow | undefined;
    return r ? quizOf(r) : null;
  }

  async quizCount(classId: string): Promise<number> {
    return (this.s.quizCount.get(classId) as { n: number }).n;
  }

  async setQuizLocation(id: string, location: string): Promise<void> {
    this.s.setLocation.run(location, id);
  }

  async closeQuiz(id: string, at: number, token: string): Promise<boolean> {
    return this.s.closeQuiz.run({ at, id, token }).changes === 1;
  }

  async recordAnswer(a: NewAnswer): Promise<RecordResult> {
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
          const existing = this.s.getAnswer.get(a.quizId, a.userId) as AnswerRow | undefined;
          return existing ? { status: 'duplicate', existing: answerOf(existing) } : { status: 'closed' };
        }
        const score = this.s.upsertScore.get({
          classId: a.classId,
          userId: a.userId,
          userName: a.userName,
          points: a.correct ? a.points : 0,
          correct: a.correct ? 1 : 0,
          answeredAt: a.answeredAt,
        }) as ScoreDbRow;
        const r = a.review;
        if (r?.op === 'add') this.s.addReview.run(a.classId, a.userId, r.rootQuizId, r.dueAt, score.answered + r.afterMore);
        else if (r?.op === 'clear') this.s.clearReview.run(a.classId, a.userId, r.rootQuizId);
        return { status: 'recorded', score: scoreOf(score) };
      })
      .immediate();
  }

  async getAnswer(quizId: string, userId: string): Promise<AnswerRecord | null> {
    const r = this.s.getAnswer.get(quizId, userId) as AnswerRow | undefined;
    return r ? answerOf(r) : null;
  }

  async answersOf(quizId: string): Promise<AnswerRecord[]> {
    return (this.s.answersOf.all(quizId) as AnswerRow[]).map(answerOf);
  }

  async exportAnswers(classId: string): Promise<ExportRow[]> {
    return (this.s.exportAnswers.all(classId) as (AnswerRow & { question: string; choices: string })[]).map((r) => ({
      ...answerOf(r),
      question: r.question,
      choices: JSON.parse(r.choices) as string[],
    }));
  }

  async leaderboard(classId: string, limit: number): Promise<RankedScore[]> {
    return (this.s.top.all(classId, limit) as ScoreDbRow[]).map((r, i) => ({ ...scoreOf(r), rank: i + 1 }));
  }

  async rankOf(classId: string, userId: string): Promise<RankedScore | null> {
    const r = this.s.rank.get(classId, userId) as (ScoreDbRow & { rank: number }) | undefined;
    return r ? { ...scoreOf(r), rank: r.rank } : null;
  }

  async resetScores(classId: string): Promise<number> {
    return this.db
      .transaction(() => {
        this.s.deleteReviews.run(classId);
        return this.s.deleteScores.run(classId).changes;
      })
      .immediate();
  }

  async getClassSettings(classId: string): Promise<ClassSettings> {
    const r = this.s.getSettings.get(classId) as { quiz_minutes: number | null } | undefined;
    return { quizMinutes: r?.quiz_minutes ?? null };
  }

  async setClassSettings(classId: string, s: ClassSettings): Promise<void> {
    this.s.setSettings.run(classId, s.quizMinutes);
  }

  async dueReview(classId: string, userId: string, now: number): Promise<DueReview | null> {
    const r = this.s.dueReview.get(classId, userId, now) as ReviewRow | undefined;
    return r ? reviewOf(r) : null;
  }

  async takeReview(classId: string, userId: string, now: number, snoozeUntil: number, afterMore: number): Promise<TakenReview | null> {
    return this.db
      .transaction((): TakenReview | null => {
        const due = this.s.dueReview.get(classId, userId, now) as ReviewRow | undefined;
        if (!due) return null;
        const answered = (this.s.answeredBy.get(classId, userId) as { answered: number } | undefined)?.answered ?? 0;
        this.s.snooze.run(snoozeUntil, answered + afterMore, classId, userId, due.root_quiz_id);
        return { rootQuizId: due.root_quiz_id, answered };
      })
      .immediate();
  }

  async reviewsOf(classId: string, userId: string): Promise<DueReview[]> {
    return (this.s.reviewsOf.all(classId, userId) as ReviewRow[]).map(reviewOf);
  }

  async claimCooldown(key: string, now: number, ms: number): Promise<number> {
    if (ms <= 0) return 0;
    return this.db
      .transaction((): number => {
        if (++this.claims % PRUNE_EVERY === 0) this.s.pruneCooldowns.run(now);
        if (this.s.claimCooldown.get({ key, until: now + ms, now })) return 0;
        const until = (this.s.cooldownUntil.get(key) as { until: number } | undefined)?.until ?? now;
        return Math.max(1, until - now);
      })
      .immediate();
  }

  async writable(): Promise<boolean> {
    try {
      // An immediate transaction takes the write lock without changing anything.
      this.db.exec('BEGIN IMMEDIATE; ROLLBACK');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

import pg from 'pg';
import { migrations as allMigrations, type Migration } from './migrations.ts';
import { classify, isConnectionError } from './pg-errors.ts';
import { answerOf, ORDER, quizOf, reviewOf, scoreOf, type AnswerRow, type QuizRow, type ReviewRow, type ScoreDbRow } from './rows.ts';
import type { InstallationKey, SlackInstallationRecord, TaRecord } from './tenancy.ts';
import { installationOf, installKey, taOf, type InstallationRow, type TaRow } from './tenancy-rows.ts';
import type { AnswerRecord, ClassSettings, DueReview, ExportRow, NewAnswer, NewQuiz, QuizRecord, RankedScore, RecordResult, Store, TakenReview } from './types.ts';

export interface PostgresOptions {
  /** Connections in this instance's pool (default 10). Every instance has its own. */
  max?: number;
  /** Milliseconds to wait for a connection before that attempt fails (default 5000). */
  connectTimeoutMs?: number;
  /**
   * Waits (ms) before each further attempt to get a connection when the
   * server cannot be reached: the backoff. Default 200, 400, 800, 1600: a
   * restarting server gets about 3 s before a student is told to try again.
   */
  backoffMs?: readonly number[];
  /** Errors on idle connections (the server restarted): the pool drops them and reconnects on next use. */
  onIdleError?: (err: Error) => void;
}

/** int8 (BIGINT, COUNT) as a JS number: every value gradbot stores (epoch ms, counts) is far below 2^53. */
const INT8 = 20;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8 ? (v: string) => Number(v) : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** One key for gradbot's migrations: instances starting together take turns (pg_advisory_xact_lock). */
const MIGRATION_LOCK = 0x67726164; // "grad"

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * Applies the missing migrations in one transaction under an advisory lock:
 * a second instance starting at the same moment waits, then finds them applied.
 */
export async function applyPostgresMigrations(client: pg.PoolClient, migrations: readonly Migration[] = allMigrations): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.postgres);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** The schema versions a database has applied; [] when gradbot never ran there. */
export async function appliedPostgresVersions(client: Queryable): Promise<number[]> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations') AS t");
  if (!exists.rows[0]?.t) return [];
  return (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
}

export function postgresPool(url: string, opts: PostgresOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'gradbot',
    types,
  });
  // Without a listener, an idle connection dropped by a server restart is an uncaught 'error' that ends the process.
  pool.on('error', (err) => opts.onIdleError?.(err));
  return pool;
}

/** Connects, migrates and returns the store; throws (a StoreUnavailableError when unreachable) if the database cannot be used. */
export async function openPostgresStore(url: string, opts: PostgresOptions = {}): Promise<Store> {
  const pool = postgresPool(url, opts);
  try {
    const client = await pool.connect();
    try {
      await applyPostgresMigrations(client);
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw classify(e);
  }
  return new PostgresStore(pool, opts.backoffMs ?? [200, 400, 800, 1600]);
}

const QUIZ_COLUMNS = 'id, class_id, platform, kind, topic, question, choices, answer, explanation, seed, review_of, created_by, created_at, closes_at, closed_at, location';
const ANSWER_COLUMNS = 'quiz_id, user_id, user_name, choice, correct, answered_at';
const SCORE_COLUMNS = 'class_id, user_id, user_name, points, answered, correct, streak, best_streak, last_correct_at';
const PRUNE_EVERY = 1000;
const CLOSE_QUIZ_SQL = `UPDATE quizzes SET closed_at = COALESCE(closed_at, $1), closed_by = COALESCE(closed_by, $3)
  WHERE id = $2 AND (closed_at IS NULL OR closed_by = $3) RETURNING id`;

/**
 * The store on PostgreSQL, for several gradbot instances on one database.
 * Each guarantee is one statement or one transaction, decided by the server:
 * the UNIQUE (quiz_id, user_id) constraint with ON CONFLICT DO NOTHING, an
 * UPDATE ... WHERE closed_at IS NULL RETURNING for closing, score arithmetic
 * inside the upsert (row-locked, never read-modify-write in JS), and an
 * answer holding a share lock on its quiz so a close waits for answers in
 * flight and the summary counts all of them.
 */
class PostgresStore implements Store {
  readonly engine = 'postgres' as const;
  private ended = false;
  private claims = 0;
  private readonly guarded = new WeakSet<pg.PoolClient>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly backoffMs: readonly number[],
  ) {}

  /**
   * Runs work on a pooled connection, retrying with backoff while the server
   * cannot be reached. A retry is safe when nothing can have been applied:
   * a read, or a transaction that failed before its COMMIT was sent (the
   * server rolls back a transaction whose connection dies). A connection lost
   * during COMMIT may or may not have applied it, so the caller hears
   * StoreUnavailableError (the student: "try again") rather than a guess.
   */
  private async use<T>(work: (c: pg.PoolClient, committing: () => void) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let c: pg.PoolClient | null = null;
      let atCommit = false;
      try {
        c = await this.pool.connect();
        if (!this.guarded.has(c)) {
          // A connection dropped while checked out emits 'error' on the client; unheard, it would end the process.
          c.on('error', () => undefined);
          this.guarded.add(c);
        }
        const out = await work(c, () => (atCommit = true));
        c.release();
        return out;
      } catch (e) {
        const lost = isConnectionError(e);
        // A broken connection is destroyed rather than handed to the next caller.
        c?.release(lost ? (e as Error) : undefined);
        const wait = this.backoffMs[attempt];
        if (!lost || atCommit || this.ended || wait === undefined) throw classify(e);
        await sleep(wait);
      }
    }
  }

  private rows<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.use(async (c) => (await c.query<R>(sql, params)).rows);
  }

  /** Every write is a transaction, even of one statement, so a connection lost before COMMIT is safe to retry. */
  private tx<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.use(async (c, committing) => {
      await c.query('BEGIN');
      try {
        const out = await work(c);
        committing();
        await c.query('COMMIT');
        return out;
      } catch (e) {
        if (!isConnectionError(e)) await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  private write<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.tx(async (c) => (await c.query<R>(sql, params)).rows);
  }

  // --- tenancy: Slack installations, spent OAuth states, TAs per class (src/store/tenancy.ts) ---

  async saveSlackInstallation(r: SlackInstallationRecord): Promise<void> {
    await this.write(
      `INSERT INTO slack_installations (install_key, enterprise_id, team_id, is_enterprise_install, team_name, enterprise_name, app_id, bot_id, bot_user_id, bot_scopes, installer_user_id, sealed_secrets, installed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (install_key) DO UPDATE SET enterprise_id = EXCLUDED.enterprise_id, team_id = EXCLUDED.team_id, team_name = EXCLUDED.team_name,
         enterprise_name = EXCLUDED.enterprise_name, app_id = EXCLUDED.app_id, bot_id = EXCLUDED.bot_id, bot_user_id = EXCLUDED.bot_user_id,
         bot_scopes = EXCLUDED.bot_scopes, installer_user_id = EXCLUDED.installer_user_id, sealed_secrets = EXCLUDED.sealed_secrets, installed_at = EXCLUDED.installed_at`,
      [installKey(r), r.enterpriseId, r.teamId, r.isEnterpriseInstall ? 1 : 0, r.teamName, r.enterpriseName, r.appId, r.botId, r.botUserId, JSON.stringify(r.botScopes), r.installerUserId, r.sealedSecrets, r.installedAt],
    );
  }

  async findSlackInstallation(k: InstallationKey): Promise<SlackInstallationRecord | null> {
    // The workspace's own installation first, else its org's.
    const keys = [...(k.isEnterpriseInstall ? [] : [installKey(k)]), ...(k.enterpriseId ? [installKey({ ...k, isEnterpriseInstall: true })] : [])];
    if (keys.length === 0) return null;
    const found = await this.rows<InstallationRow & { install_key: string }>('SELECT * FROM slack_installations WHERE install_key = ANY($1)', [keys]);
    const hit = keys.map((key) => found.find((r) => r.install_key === key)).find((r) => r !== undefined);
    return hit ? installationOf(hit) : null;
  }

  async deleteSlackInstallation(k: InstallationKey): Promise<number> {
    return (await this.write('DELETE FROM slack_installations WHERE install_key = $1 RETURNING 1', [installKey(k)])).length;
  }

  async spendOAuthState(id: string, expiresAt: number, now: number): Promise<boolean> {
    return this.tx(async (c) => {
      await c.query('DELETE FROM oauth_states WHERE expires_at < $1', [now]);
      return ((await c.query('INSERT INTO oauth_states (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING 1', [id, expiresAt])).rowCount ?? 0) === 1;
    });
  }

  async addTa(r: TaRecord): Promise<boolean> {
    return (await this.write('INSERT INTO class_tas (class_id, user_id, added_by, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT (class_id, user_id) DO NOTHING RETURNING 1', [r.classId, r.userId, r.addedBy, r.addedAt])).length === 1;
  }

  async removeTa(classId: string, userId: string): Promise<boolean> {
    return (await this.write('DELETE FROM class_tas WHERE class_id = $1 AND user_id = $2 RETURNING 1', [classId, userId])).length > 0;
  }

  async listTas(classId: string): Promise<TaRecord[]> {
    return (await this.rows<TaRow>('SELECT * FROM class_tas WHERE class_id = $1 ORDER BY added_at, user_id', [classId])).map(taOf);
  }

  async isTa(classId: string, userId: string): Promise<boolean> {
    return (await this.rows('SELECT 1 FROM class_tas WHERE class_id = $1 AND user_id = $2', [classId, userId])).length > 0;
  }

  async createQuiz(q: NewQuiz): Promise<void> {
    await this.write(
      `INSERT INTO quizzes (id, class_id, platform, kind, topic, question, choices, answer, explanation, seed, review_of, created_by, created_at, closes_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [q.id, q.classId, q.platform, q.kind, q.topic, q.question, JSON.stringify(q.choices), q.answer, q.explanation, q.seed, q.reviewOf, q.createdBy, q.createdAt, q.closesAt],
    );
  }

  async getQuiz(id: string): Promise<QuizRecord | null> {
    const [r] = await this.rows<QuizRow>(`SELECT ${QUIZ_COLUMNS} FROM quizzes WHERE id = $1`, [id]);
    return r ? quizOf(r) : null;
  }

  async openQuizzes(): Promise<QuizRecord[]> {
    return (await this.rows<QuizRow>(`SELECT ${QUIZ_COLUMNS} FROM quizzes WHERE closed_at IS NULL ORDER BY closes_at, created_at, seq`)).map(quizOf);
  }

  async latestOpenQuiz(classId: string): Promise<QuizRecord | null> {
    const [r] = await this.rows<QuizRow>(`SELECT ${QUIZ_COLUMNS} FROM quizzes WHERE class_id = $1 AND closed_at IS NULL ORDER BY created_at DESC, seq DESC LIMIT 1`, [classId]);
    return r ? quizOf(r) : null;
  }

  async quizCount(classId: string): Promise<number> {
    const [r] = await this.rows<{ n: number }>('SELECT COUNT(*) AS n FROM quizzes WHERE class_id = $1', [classId]);
    return r?.n ?? 0;
  }

  async setQuizLocation(id: string, location: string): Promise<void> {
    await this.write('UPDATE quizzes SET location = $1 WHERE id = $2', [location, id]);
  }

  async closeQuiz(id: string, at: number, token: string): Promise<boolean> {
    // A second instance's UPDATE waits for this one's row lock, then re-checks the row: closed, by another token, so it
    // matches nothing. Exactly one token wins; the same token matching again is a retry of that win (COALESCE keeps
    // the first close's time).
    return (await this.write(CLOSE_QUIZ_SQL, [at, id, token])).length === 1;
  }

  async recordAnswer(a: NewAnswer): Promise<RecordResult> {
    return this.tx(async (c): Promise<RecordResult> => {
      // FOR SHARE: answers run side by side, but a close waits until they commit, so the summary counts them.
      const open = await c.query('SELECT 1 FROM quizzes WHERE id = $1 AND closed_at IS NULL AND closes_at > $2 FOR SHARE', [a.quizId, a.answeredAt]);
      const ins =
        open.rowCount === 1
          ? await c.query(
              `INSERT INTO answers (quiz_id, user_id, user_name, choice, correct, answered_at) VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (quiz_id, user_id) DO NOTHING RETURNING quiz_id`,
              [a.quizId, a.userId, a.userName, a.choice, a.correct ? 1 : 0, a.answeredAt],
            )
          : null;
      if (ins?.rowCount !== 1) {
        const existing = (await c.query<AnswerRow>(`SELECT ${ANSWER_COLUMNS} FROM answers WHERE quiz_id = $1 AND user_id = $2`, [a.quizId, a.userId])).rows[0];
        return existing ? { status: 'duplicate', existing: answerOf(existing) } : { status: 'closed' };
      }
      const correct = a.correct ? 1 : 0;
      const score = (
        await c.query<ScoreDbRow>(
          `INSERT INTO scores AS s (class_id, user_id, user_name, points, answered, correct, streak, best_streak, last_correct_at)
           VALUES ($1, $2, $3, $4, 1, $5, $5, $5, CASE WHEN $5 = 1 THEN $6::bigint END)
           ON CONFLICT (class_id, user_id) DO UPDATE SET
             user_name = EXCLUDED.user_name,
             points = s.points + EXCLUDED.points,
             answered = s.answered + 1,
             correct = s.correct + EXCLUDED.correct,
             streak = CASE WHEN EXCLUDED.correct = 1 THEN s.streak + 1 ELSE 0 END,
             best_streak = GREATEST(s.best_streak, CASE WHEN EXCLUDED.correct = 1 THEN s.streak + 1 ELSE 0 END),
             last_correct_at = CASE WHEN EXCLUDED.correct = 1 THEN GREATEST(COALESCE(s.last_correct_at, 0), EXCLUDED.last_correct_at) ELSE s.last_correct_at END
           RETURNING ${SCORE_COLUMNS}`,
          [a.classId, a.userId, a.userName, a.correct ? a.points : 0, correct, a.answeredAt],
        )
      ).rows[0]!;
      const r = a.review;
      if (r?.op === 'add') {
        await c.query(
          `INSERT INTO reviews (class_id, user_id, root_quiz_id, due_at, after_answers) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (class_id, user_id, root_quiz_id) DO UPDATE SET due_at = EXCLUDED.due_at, after_answers = EXCLUDED.after_answers`,
          [a.classId, a.userId, r.rootQuizId, r.dueAt, score.answered + r.afterMore],
        );
      } else if (r?.op === 'clear') {
        await c.query('DELETE FROM reviews WHERE class_id = $1 AND user_id = $2 AND root_quiz_id = $3', [a.classId, a.userId, r.rootQuizId]);
      }
      return { status: 'recorded', score: scoreOf(score) };
    });
  }

  async getAnswer(quizId: string, userId: string): Promise<AnswerRecord | null> {
    const [r] = await this.rows<AnswerRow>(`SELECT ${ANSWER_COLUMNS} FROM answers WHERE quiz_id = $1 AND user_id = $2`, [quizId, userId]);
    return r ? answerOf(r) : null;
  }

  async answersOf(quizId: string): Promise<AnswerRecord[]> {
    return (await this.rows<AnswerRow>(`SELECT ${ANSWER_COLUMNS} FROM answers WHERE quiz_id = $1 ORDER BY answered_at, seq`, [quizId])).map(answerOf);
  }

  async exportAnswers(classId: string): Promise<ExportRow[]> {
    const rows = await this.rows<AnswerRow & { question: string; choices: string }>(
      `SELECT a.quiz_id, a.user_id, a.user_name, a.choice, a.correct, a.answered_at, q.question, q.choices
       FROM answers a JOIN quizzes q ON q.id = a.quiz_id WHERE q.class_id = $1 ORDER BY a.answered_at, a.seq`,
      [classId],
    );
    return rows.map((r) => ({ ...answerOf(r), question: r.question, choices: JSON.parse(r.choices) as string[] }));
  }

  async leaderboard(classId: string, limit: number): Promise<RankedScore[]> {
    return (await this.rows<ScoreDbRow>(`SELECT ${SCORE_COLUMNS} FROM scores WHERE class_id = $1 ORDER BY ${ORDER} LIMIT $2`, [classId, limit])).map((r, i) => ({ ...scoreOf(r), rank: i + 1 }));
  }

  async rankOf(classId: string, userId: string): Promise<RankedScore | null> {
    const [r] = await this.rows<ScoreDbRow & { rank: number }>(
      `SELECT * FROM (SELECT ${SCORE_COLUMNS}, ROW_NUMBER() OVER (ORDER BY ${ORDER}) AS rank FROM scores WHERE class_id = $1) ranked WHERE user_id = $2`,
      [classId, userId],
    );
    return r ? { ...scoreOf(r), rank: r.rank } : null;
  }

  async resetScores(classId: string): Promise<number> {
    return this.tx(async (c) => {
      await c.query('DELETE FROM reviews WHERE class_id = $1', [classId]);
      return (await c.query('DELETE FROM scores WHERE class_id = $1', [classId])).rowCount ?? 0;
    });
  }

  async getClassSettings(classId: string): Promise<ClassSettings> {
    const [r] = await this.rows<{ quiz_minutes: number | null }>('SELECT quiz_minutes FROM class_settings WHERE class_id = $1', [classId]);
    return { quizMinutes: r?.quiz_minutes ?? null };
  }

  async setClassSettings(classId: string, s: ClassSettings): Promise<void> {
    await this.write('INSERT INTO class_settings (class_id, quiz_minutes) VALUES ($1, $2) ON CONFLICT (class_id) DO UPDATE SET quiz_minutes = EXCLUDED.quiz_minutes', [classId, s.quizMinutes]);
  }

  private static readonly DUE = `
    SELECT r.root_quiz_id, r.due_at, r.after_answers FROM reviews r
    LEFT JOIN scores s ON s.class_id = r.class_id AND s.user_id = r.user_id
    WHERE r.class_id = $1 AND r.user_id = $2 AND (r.due_at <= $3 OR COALESCE(s.answered, 0) >= r.after_answers)
    ORDER BY r.due_at, r.root_quiz_id LIMIT 1`;

  async dueReview(classId: string, userId: string, now: number): Promise<DueReview | null> {
    const [r] = await this.rows<ReviewRow>(PostgresStore.DUE, [classId, userId, now]);
    return r ? reviewOf(r) : null;
  }

  async takeReview(classId: string, userId: string, now: number, snoozeUntil: number, afterMore: number): Promise<TakenReview | null> {
    return this.tx(async (c) => {
      // SKIP LOCKED: a second instance taking the same review at once finds none rather than serving it twice.
      const due = (await c.query<ReviewRow>(`${PostgresStore.DUE} FOR UPDATE OF r SKIP LOCKED`, [classId, userId, now])).rows[0];
      if (!due) return null;
      const answered = (await c.query<{ answered: number }>('SELECT answered FROM scores WHERE class_id = $1 AND user_id = $2', [classId, userId])).rows[0]?.answered ?? 0;
      await c.query('UPDATE reviews SET due_at = $1, after_answers = $2 WHERE class_id = $3 AND user_id = $4 AND root_quiz_id = $5', [snoozeUntil, answered + afterMore, classId, userId, due.root_quiz_id]);
      return { rootQuizId: due.root_quiz_id, answered };
    });
  }

  async reviewsOf(classId: string, userId: string): Promise<DueReview[]> {
    return (await this.rows<ReviewRow>('SELECT root_quiz_id, due_at, after_answers FROM reviews WHERE class_id = $1 AND user_id = $2 ORDER BY due_at, root_quiz_id', [classId, userId])).map(reviewOf);
  }

  async claimCooldown(key: string, now: number, ms: number): Promise<number> {
    if (ms <= 0) return 0;
    if (++this.claims % PRUNE_EVERY === 0) await this.write('DELETE FROM cooldowns WHERE until <= $1', [now]);
    // The conflict branch re-checks the latest row version: of two instances claiming at once, one inserts, the other finds it running.
    const claimed = await this.write(
      `INSERT INTO cooldowns AS c (key, until) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET until = EXCLUDED.until WHERE c.until <= $3
       RETURNING until`,
      [key, now + ms, now],
    );
    if (claimed.length === 1) return 0;
    const [r] = await this.rows<{ until: number }>('SELECT until FROM cooldowns WHERE key = $1', [key]);
    return Math.max(1, (r?.until ?? now) - now);
  }

  async writable(): Promise<boolean> {
    if (this.ended) return false;
    let c: pg.PoolClient | null = null;
    try {
      // One try, no backoff: /readyz must answer quickly. Reachable, not a read-only standby, and this user may write.
      c = await this.pool.connect();
      const [r] = (await c.query<{ ok: boolean }>("SELECT NOT pg_is_in_recovery() AND has_table_privilege('answers', 'INSERT') AS ok")).rows;
      c.release();
      return r?.ok === true;
    } catch (e) {
      c?.release(e as Error);
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.pool.end();
  }
}

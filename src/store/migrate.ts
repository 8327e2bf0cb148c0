import Database from 'better-sqlite3';
import type pg from 'pg';
import { applyPostgresMigrations, postgresPool } from './postgres.ts';
import { classify } from './pg-errors.ts';

/** One table's copy: rows written, and rows already in the target (skipped, so a second run changes nothing). */
export interface TableCopy {
  table: string;
  copied: number;
  alreadyThere: number;
  /** Rows the copy leaves behind on purpose (expired OAuth states), with why. */
  left?: { rows: number; why: string };
  /** The source predates this table (an older gradbot): nothing to copy, not an error. */
  absent?: boolean;
}

interface TableSpec {
  table: string;
  columns: readonly string[];
  key: readonly string[];
  /** Absent from an older source: the table is skipped (copied 0). Tables without it must be there. */
  optional?: boolean;
  /** Columns a later migration added: read when the source has them, NULL in the target otherwise. */
  laterColumns?: readonly string[];
  /** Rows to copy; the rest are counted as left behind, for the reason given. */
  only?: { where: string; params: (now: number) => unknown[]; why: string };
}

/**
 * What moves, in dependency order, with each table's natural key. The
 * cooldowns are not copied: they last seconds. Rows go in the source's
 * insertion order (rowid), so PostgreSQL's sequence keeps the same order
 * for answers given in the same millisecond, and the CSV export matches.
 * Issue 16's tables (migration 3) are optional: a file from before them
 * has no installations, TAs or states to move.
 */
const TABLES: readonly TableSpec[] = [
  {
    table: 'quizzes',
    columns: ['id', 'class_id', 'platform', 'kind', 'topic', 'question', 'choices', 'answer', 'explanation', 'seed', 'review_of', 'created_by', 'created_at', 'closes_at', 'closed_at', 'location', 'closed_by'],
    key: ['id'],
    // Migration 4. A quiz closed before it has no token, so no retry can claim it: right, its summary went out then.
    laterColumns: ['closed_by'],
  },
  { table: 'answers', columns: ['quiz_id', 'user_id', 'user_name', 'choice', 'correct', 'answered_at'], key: ['quiz_id', 'user_id'] },
  { table: 'scores', columns: ['class_id', 'user_id', 'user_name', 'points', 'answered', 'correct', 'streak', 'best_streak', 'last_correct_at'], key: ['class_id', 'user_id'] },
  { table: 'class_settings', columns: ['class_id', 'quiz_minutes'], key: ['class_id'] },
  { table: 'reviews', columns: ['class_id', 'user_id', 'root_quiz_id', 'due_at', 'after_answers'], key: ['class_id', 'user_id', 'root_quiz_id'] },
  {
    table: 'slack_installations',
    // sealed_secrets is copied as it is: sealed under GRADBOT_SECRET_KEY and bound to install_key, not to the database,
    // so it opens on the server with the same key (the CLI says so), and the tokens are never in the clear here.
    columns: ['install_key', 'enterprise_id', 'team_id', 'is_enterprise_install', 'team_name', 'enterprise_name', 'app_id', 'bot_id', 'bot_user_id', 'bot_scopes', 'installer_user_id', 'sealed_secrets', 'installed_at'],
    key: ['install_key'],
    optional: true,
  },
  { table: 'class_tas', columns: ['class_id', 'user_id', 'added_by', 'added_at'], key: ['class_id', 'user_id'], optional: true },
  {
    table: 'oauth_states',
    columns: ['id', 'expires_at'],
    key: ['id'],
    optional: true,
    // A spent state still unexpired moves, so a redirect replayed after the move is refused there too. An expired one
    // cannot be replayed anyway (its signed expiry fails before the store is asked) and the server prunes it on the
    // next install, so copying it would only make a second run copy it again.
    only: { where: 'expires_at >= ?', params: (now) => [now], why: 'expired' },
  },
];

const BATCH = 500;

/**
 * Copies a SQLite store's history (quizzes, answers, scores, reviews, class
 * settings) and its tenancy (Slack installations, TAs, spent OAuth states)
 * into a PostgreSQL database, migrating it first. One transaction:
 * all or nothing. Rows whose key is already there are left alone
 * (ON CONFLICT DO NOTHING), so running it twice copies nothing the second time.
 */
export async function migrateSqliteToPostgres(sqlitePath: string, postgresUrl: string, now = Date.now()): Promise<TableCopy[]> {
  const src = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  const pool = postgresPool(postgresUrl, { max: 1 });
  try {
    const have = new Set((src.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    const missing = TABLES.filter((t) => !t.optional && !have.has(t.table)).map((t) => t.table);
    if (missing.length > 0) throw new Error(`${sqlitePath} is not a gradbot database (no ${missing.join(', ')} table)`);
    const client = await pool.connect().catch((e: unknown) => {
      throw classify(e);
    });
    try {
      await applyPostgresMigrations(client);
      await client.query('BEGIN');
      try {
        const out: TableCopy[] = [];
        for (const t of TABLES) out.push(have.has(t.table) ? await copyTable(src, client, t, now) : { table: t.table, copied: 0, alreadyThere: 0, absent: true });
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } finally {
      client.release();
    }
  } finally {
    src.close();
    await pool.end();
  }
}

async function copyTable(src: Database.Database, dst: pg.PoolClient, t: TableSpec, now: number): Promise<TableCopy> {
  const present = new Set((src.prepare(`PRAGMA table_info(${t.table})`).all() as { name: string }[]).map((c) => c.name));
  const columns = t.columns.filter((c) => present.has(c) || !t.laterColumns?.includes(c));
  const cols = columns.join(', ');
  const where = t.only ? ` WHERE ${t.only.where}` : '';
  const rows = src.prepare(`SELECT ${cols} FROM ${t.table}${where} ORDER BY rowid`).all(...(t.only?.params(now) ?? [])) as Record<string, unknown>[];
  let copied = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const params: unknown[] = [];
    const tuples = batch.map((r) => `(${columns.map((c) => `$${params.push(r[c])}`).join(', ')})`);
    const res = await dst.query(`INSERT INTO ${t.table} (${cols}) VALUES ${tuples.join(', ')} ON CONFLICT (${t.key.join(', ')}) DO NOTHING`, params);
    copied += res.rowCount ?? 0;
  }
  const out: TableCopy = { table: t.table, copied, alreadyThere: rows.length - copied };
  if (t.only) {
    const all = (src.prepare(`SELECT COUNT(*) AS n FROM ${t.table}`).get() as { n: number }).n;
    if (all > rows.length) out.left = { rows: all - rows.length, why: t.only.why };
  }
  return out;
}

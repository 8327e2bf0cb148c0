import Database from 'better-sqlite3';
import type pg from 'pg';
import { applyPostgresMigrations, postgresPool } from './postgres.ts';
import { classify } from './pg-errors.ts';

/** One table's copy: rows written, and rows already in the target (skipped, so a second run changes nothing). */
export interface TableCopy {
  table: string;
  copied: number;
  alreadyThere: number;
}

/**
 * What moves, in dependency order, with each table's natural key. The
 * cooldowns are not copied: they last seconds. Rows go in the source's
 * insertion order (rowid), so PostgreSQL's sequence keeps the same order
 * for answers given in the same millisecond, and the CSV export matches.
 */
const TABLES: readonly { table: string; columns: readonly string[]; key: readonly string[] }[] = [
  {
    table: 'quizzes',
    columns: ['id', 'class_id', 'platform', 'kind', 'topic', 'question', 'choices', 'answer', 'explanation', 'seed', 'review_of', 'created_by', 'created_at', 'closes_at', 'closed_at', 'location'],
    key: ['id'],
  },
  { table: 'answers', columns: ['quiz_id', 'user_id', 'user_name', 'choice', 'correct', 'answered_at'], key: ['quiz_id', 'user_id'] },
  { table: 'scores', columns: ['class_id', 'user_id', 'user_name', 'points', 'answered', 'correct', 'streak', 'best_streak', 'last_correct_at'], key: ['class_id', 'user_id'] },
  { table: 'class_settings', columns: ['class_id', 'quiz_minutes'], key: ['class_id'] },
  { table: 'reviews', columns: ['class_id', 'user_id', 'root_quiz_id', 'due_at', 'after_answers'], key: ['class_id', 'user_id', 'root_quiz_id'] },
];

const BATCH = 500;

/**
 * Copies a SQLite store's history (quizzes, answers, scores, reviews, class
 * settings) into a PostgreSQL database, migrating it first. One transaction:
 * all or nothing. Rows whose key is already there are left alone
 * (ON CONFLICT DO NOTHING), so running it twice copies nothing the second time.
 */
export async function migrateSqliteToPostgres(sqlitePath: string, postgresUrl: string): Promise<TableCopy[]> {
  const src = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  const pool = postgresPool(postgresUrl, { max: 1 });
  try {
    const have = new Set((src.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    const missing = TABLES.filter((t) => !have.has(t.table)).map((t) => t.table);
    if (missing.length > 0) throw new Error(`${sqlitePath} is not a gradbot database (no ${missing.join(', ')} table)`);
    const client = await pool.connect().catch((e: unknown) => {
      throw classify(e);
    });
    try {
      await applyPostgresMigrations(client);
      await client.query('BEGIN');
      try {
        const out: TableCopy[] = [];
        for (const t of TABLES) out.push(await copyTable(src, client, t));
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

async function copyTable(src: Database.Database, dst: pg.PoolClient, t: (typeof TABLES)[number]): Promise<TableCopy> {
  const cols = t.columns.join(', ');
  const rows = src.prepare(`SELECT ${cols} FROM ${t.table} ORDER BY rowid`).all() as Record<string, unknown>[];
  let copied = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const params: unknown[] = [];
    const tuples = batch.map((r) => `(${t.columns.map((c) => `$${params.push(r[c])}`).join(', ')})`);
    const res = await dst.query(`INSERT INTO ${t.table} (${cols}) VALUES ${tuples.join(', ')} ON CONFLICT (${t.key.join(', ')}) DO NOTHING`, params);
    copied += res.rowCount ?? 0;
  }
  return { table: t.table, copied, alreadyThere: rows.length - copied };
}

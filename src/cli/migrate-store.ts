import { UsageError } from './args.ts';
import type { CliIO } from './io.ts';
import type { TableCopy } from '../store/migrate.ts';

const USAGE = 'usage: gradbot migrate-store --from sqlite:PATH --to postgres://user:password@host:5432/db';

/**
 * `gradbot migrate-store --from sqlite:PATH --to postgres://…`: moves a
 * class's history from the embedded store to the server, so a course that
 * started small keeps its scores. Safe to run twice. Exit 0 when copied, 1
 * when the copy failed (nothing is half-copied), 2 for bad arguments.
 */
export async function migrateStoreCli(argv: readonly string[], io: CliIO): Promise<number> {
  const { parseDatabaseUrl, redactUrl } = await import('../store/index.ts');
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--(from|to)(?:=(.*))?$/s.exec(a);
    if (!m) throw new UsageError(`unknown argument "${redactUrl(a).slice(0, 40)}"; ${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${m[1]} needs a value; ${USAGE}`);
    args.set(m[1]!, value);
  }
  const from = args.get('from');
  const to = args.get('to');
  if (!from || !to) throw new UsageError(USAGE);
  const source = parseOr(parseDatabaseUrl, from);
  const target = parseOr(parseDatabaseUrl, to);
  if (source.driver !== 'sqlite' || source.memory) throw new UsageError(`--from must be a SQLite file (sqlite:PATH); ${USAGE}`);
  if (target.driver !== 'postgres') throw new UsageError(`--to must be a PostgreSQL URL (postgres://…); ${USAGE}`);

  const { migrateSqliteToPostgres } = await import('../store/migrate.ts');
  io.out(`gradbot migrate-store: ${source.path} -> ${target.redacted}`);
  try {
    const tables = await migrateSqliteToPostgres(source.path, target.url);
    for (const t of tables) io.out(`  ${t.table.padEnd(19)} ${String(t.copied).padStart(7)} copied${tableNote(t)}`);
    const copied = tables.reduce((n, t) => n + t.copied, 0);
    io.out(copied === 0 ? 'Nothing new to copy: the target already holds all of it.' : `Done: point DATABASE_URL at ${target.redacted} and restart gradbot.`);
    const installs = tables.find((t) => t.table === 'slack_installations');
    if (installs && installs.copied + installs.alreadyThere > 0) {
      // Sealed under GRADBOT_SECRET_KEY and bound to the workspace, not to the database: another key cannot open them.
      io.out('Slack installations were copied sealed: run every instance with the same GRADBOT_SECRET_KEY as this gradbot, or their tokens will not open.');
    }
    return 0;
  } catch (e) {
    const password = (() => {
      try {
        return decodeURIComponent(new URL(target.url).password);
      } catch {
        return '';
      }
    })();
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    io.err(`gradbot migrate-store: nothing was copied: ${password ? msg.split(password).join('***') : msg}`);
    return 1;
  }
}

function tableNote(t: TableCopy): string {
  if (t.absent) return ' (not in this database: it predates that table)';
  const notes = [...(t.alreadyThere > 0 ? [`${t.alreadyThere} already there`] : []), ...(t.left ? [`${t.left.rows} ${t.left.why} left behind`] : [])];
  return notes.length > 0 ? `, ${notes.join(', ')}` : '';
}

function parseOr<T>(parse: (s: string) => T, value: string): T {
  try {
    return parse(value);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

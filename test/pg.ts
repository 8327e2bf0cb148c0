import { inject } from 'vitest';
import pg from 'pg';

/** The cluster test/pg-setup.ts started, or null (PostgreSQL tests skip; the setup said why). */
export const pgAdminUrl: string | null = inject('pgAdminUrl');

let n = 0;

/** A new, empty database on the test cluster; its URL. */
export async function freshDatabase(): Promise<string> {
  if (!pgAdminUrl) throw new Error('no PostgreSQL test cluster');
  const name = `t_${process.pid}_${Date.now().toString(36)}_${n++}`;
  const c = new pg.Client({ connectionString: pgAdminUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(pgAdminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { whenThisProcessIsGone } from '../watchdog.ts';

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a
 * temporary folder, the server on a free port on 127.0.0.1 only, password
 * (scram) authentication over TCP, and everything removed by stop().
 * PostgreSQL refuses to run as root, so as root the server runs as the
 * `postgres` user Debian's package creates (runuser), in a folder it owns.
 */
export interface Cluster {
  /** postgres://gradbot:PASSWORD@127.0.0.1:PORT/postgres: a superuser, for creating databases. */
  adminUrl: string;
  port: number;
  password: string;
  /** A new, empty database on the cluster; its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

export const INSTALL_HINT = 'install PostgreSQL (Debian: apt-get install -y postgresql, or scripts/setup.sh) to run them';

/** The newest PostgreSQL server binaries Debian installed, or null. */
export function findPgBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (process.env.GRADBOT_PG_BIN) return existsSync(join(process.env.GRADBOT_PG_BIN, 'initdb')) ? process.env.GRADBOT_PG_BIN : null;
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL binary as the user allowed to run it. */
async function pgRun(bin: string, tool: string, args: string[]): Promise<void> {
  const exe = join(bin, tool);
  if (isRoot()) await run('runuser', ['-u', 'postgres', '--', exe, ...args], { timeout: 120_000 });
  else await run(exe, args, { timeout: 120_000 });
}

async function uidOf(user: string): Promise<{ uid: number; gid: number }> {
  const [{ stdout: u }, { stdout: g }] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(u.trim()), gid: Number(g.trim()) };
}

export async function startCluster(opts: { bin?: string } = {}): Promise<Cluster> {
  const bin = opts.bin ?? findPgBin();
  if (!bin) throw new Error(`no PostgreSQL server binaries found under /usr/lib/postgresql: ${INSTALL_HINT}`);
  const dir = mkdtempSync(join(tmpdir(), 'gradbot-pg-'));
  const data = join(dir, 'data');
  const password = `pw-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`);
  if (isRoot()) {
    const { uid, gid } = await uidOf('postgres');
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  chmodSync(dir, 0o700);
  let started = false;
  const port = await freePort();
  try {
    await pgRun(bin, 'initdb', ['-D', data, '-U', 'gradbot', `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // fsync off: a test cluster trades durability for speed; it is thrown away anyway.
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    await pgRun(bin, 'pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    started = true;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  // If this process dies without stop() (a test run killed, a crash), the cluster goes with it rather than lingering.
  const pgCtl = `${isRoot() ? 'runuser -u postgres -- ' : ''}${join(bin, 'pg_ctl')} -D ${data} -m immediate stop`;
  const watchdog = whenThisProcessIsGone(`${pgCtl} >/dev/null 2>&1; rm -rf ${dir}`, { everySeconds: 2 });
  const adminUrl = `postgres://gradbot:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  let n = 0;
  return {
    adminUrl,
    port,
    password,
    async createDatabase(name = `t_${process.pid}_${Date.now().toString(36)}_${n++}`) {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await c.end();
      }
      return `postgres://gradbot:${encodeURIComponent(password)}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (watchdog.pid) process.kill(watchdog.pid);
      try {
        if (started) await pgRun(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

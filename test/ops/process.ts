import { spawn, type ChildProcess } from 'node:child_process';
import { whenThisProcessIsGone } from '../../scripts/watchdog.ts';

/** The checkout's root: child processes run from here, as `npm start` and `npx gradbot` do. */
export const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * The environment a fresh setup has: PATH and HOME, none of the variables the
 * test runner may carry (a real token in the developer's shell must not leak in).
 */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return { ...env, ...extra };
}

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** A child process whose stdout is read line by line; JSON lines are parsed as pino records. */
export interface Watched {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** The pino records seen so far, in order. */
  logs: LogLine[];
  /** Resolves with the first record (already seen or still to come) that matches. */
  waitForLog(pred: (l: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function watch(args: string[], env: NodeJS.ProcessEnv): Watched {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // If this test process dies without stopping the child (vitest tearing a worker down, a crash), the child goes too
  // instead of running on as an orphan: two shard processes and two instances once did, for an hour, after a run.
  if (child.pid) whenThisProcessIsGone(`kill -9 ${child.pid} 2>/dev/null`, { everySeconds: 1, watching: child.pid });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  const split = (into: string[], onLine?: (l: string) => void) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        into.push(l);
        onLine?.(l);
      }
    };
  };
  child.stdout!.on(
    'data',
    split(stdout, (l) => {
      if (!l.startsWith('{')) return;
      try {
        logs.push(JSON.parse(l) as LogLine);
      } catch {
        return;
      }
      for (const w of [...waiters]) w();
    }),
  );
  child.stderr!.on('data', split(stderr));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const w of [...waiters]) w();
      resolve({ code, signal });
    });
  });

  const waitForLog = (pred: (l: LogLine) => boolean, what: string, timeoutMs = 20_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const hit = logs.find(pred);
        if (hit) {
          finish();
          resolve(hit);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          finish();
          reject(new Error(`the process exited before ${what}; stderr: ${stderr.join('\n').slice(-2000)}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${what} within ${timeoutMs} ms; stdout: ${stdout.join('\n').slice(-2000)}; stderr: ${stderr.join('\n').slice(-2000)}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return { child, stdout, stderr, logs, waitForLog, exited };
}

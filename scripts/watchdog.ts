import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Runs the shell `command` once this process is gone, from a detached bash
 * that outlives it: what this process started (a database cluster, a child
 * process) is cleaned up even if it dies without doing so itself (killed, a
 * crash, a test runner tearing its worker down). With `watching`, the watch
 * also ends, without running the command, when that process is gone first.
 * Kill the returned process to call the watch off.
 */
export function whenThisProcessIsGone(command: string, opts: { everySeconds: number; watching?: number }): ChildProcess {
  const alive = `kill -0 ${process.pid} 2>/dev/null`;
  const loop = opts.watching === undefined ? alive : `${alive} && kill -0 ${opts.watching} 2>/dev/null`;
  const watchdog = spawn('bash', ['-c', `while ${loop}; do sleep ${opts.everySeconds}; done; ${alive} || { ${command}; }`], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return watchdog;
}

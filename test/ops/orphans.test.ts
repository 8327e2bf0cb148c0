import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './process.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('watch(), the helper that starts gradbot processes for the tests', () => {
  it('takes its child down with it when the test process dies without stopping it', async () => {
    // A test process (here a stand-in for a vitest worker) that starts a long-running child through watch(), then is killed.
    const script = `import { watch, cleanEnv } from './test/ops/process.ts'; const w = watch(['-e', 'setInterval(() => {}, 1000)'], cleanEnv({})); console.log(w.child.pid);`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const childPid = await new Promise<number>((resolve, reject) => {
      parent.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      parent.once('exit', (code) => reject(new Error(`the parent exited first (${code})`)));
    });
    expect(alive(childPid)).toBe(true);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (alive(childPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive(childPid), `child ${childPid} outlived its killed parent`).toBe(false);
  });
});

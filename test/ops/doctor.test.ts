import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, watch } from './process.ts';

/**
 * `npx gradbot doctor`, run as a person would (node bin/gradbot.mjs doctor,
 * in a clean environment): all green on a fresh setup; on a broken one, each
 * problem named with its fix, exit status 1, and never a token printed.
 */
const dir = mkdtempSync(join(tmpdir(), 'gradbot-doctor-'));
const isRoot = process.getuid?.() === 0;

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function doctor(env: Record<string, string>): Promise<{ code: number | null; out: string[]; err: string }> {
  const run = watch(['bin/gradbot.mjs', 'doctor'], cleanEnv(env));
  const { code } = await run.exited;
  return { code, out: run.stdout, err: run.stderr.join('\n') };
}

const marks = (out: string[]) => out.map((l) => /^ {2}(\S) /.exec(l)?.[1]).filter((m): m is string => m !== undefined);
const lineWith = (out: string[], mark: string, text: string) => out.find((l) => l.startsWith(`  ${mark} `) && l.includes(text));

describe('gradbot doctor', () => {
  it.concurrent('a fresh setup: every check green, exit 0, the database created', async () => {
    const db = join(dir, 'fresh', 'data', 'gradbot.db');
    const { code, out, err } = await doctor({ DATABASE_URL: `sqlite:${db}` });
    expect(err).toBe('');
    expect(code).toBe(0);
    // Only ✓ and the neutral "not set" lines; not a terminal, so no colour codes.
    expect(new Set(marks(out))).toEqual(new Set(['✓', '-']));
    expect(out.join('\n')).not.toContain('\x1b[');
    for (const what of ['Node.js', 'canvas', 'fonts', 'MathJax', 'render pool', `database ${db}`, 'configuration']) expect(lineWith(out, '✓', what), what).toBeDefined();
    expect(out.at(-1)).toMatch(/^All green/);
    expect(existsSync(db)).toBe(true);
  });

  it.concurrent('a database path that cannot be written (a file where a folder should be), a quoted token: named, fixed, exit 1, no secret shown', async () => {
    // Root ignores permission bits, so the unwritable folder is one that cannot exist: a path through a regular file.
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'not a folder\n');
    const db = join(file, 'gradbot.db');
    const secrets = {
      DISCORD_TOKEN: `${Buffer.from('1234567890123456789').toString('base64').replace(/=+$/, '')}.GabcDe.${randomBytes(20).toString('base64url')}`,
      SLACK_BOT_TOKEN: `xoxb-1234567890123-1234567890123-${randomBytes(12).toString('hex')}`,
      SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
      SLACK_APP_TOKEN: `xapp-1-A0123456789-1234567890123-${randomBytes(32).toString('hex')}`,
    };
    const { code, out, err } = await doctor({ ...secrets, DISCORD_TOKEN: `"${secrets.DISCORD_TOKEN}"`, DATABASE_URL: `sqlite:${db}`, GRADBOT_QUIZ_MINUTE: '5' });
    expect(code).toBe(1);

    const dbLine = lineWith(out, '✗', 'database');
    expect(dbLine).toContain(db);
    expect(dbLine).toMatch(/part of the path is a file, not a folder/);
    expect(out[out.indexOf(dbLine!) + 1]).toMatch(/^ {6}fix: point DATABASE_URL at a folder/);
    expect(lineWith(out, '✗', 'DISCORD_TOKEN is wrapped in quotes')).toBeDefined();
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN']) expect(lineWith(out, '✓', `${name} has the right shape`), name).toBeDefined();
    expect(lineWith(out, '!', 'unknown variable GRADBOT_QUIZ_MINUTE is ignored')).toBeDefined();
    expect(out.at(-1)).toMatch(/^2 problems/);

    const printed = out.join('\n') + err;
    for (const [name, value] of Object.entries(secrets)) expect(printed.includes(value), `${name} was printed`).toBe(false);
    expect(printed).not.toContain(secrets.DISCORD_TOKEN.split('.')[2]!);
  });

  it.skipIf(isRoot)('a folder without write permission (as a non-root user): named with the reason', async () => {
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const { code, out } = await doctor({ DATABASE_URL: `sqlite:${join(ro, 'gradbot.db')}` });
    expect(code).toBe(1);
    expect(lineWith(out, '✗', 'database')).toMatch(/this user may not write in that folder \(EACCES\)/);
    chmodSync(ro, 0o755);
  });

  it('takes no arguments (exit 2, as for any usage error)', async () => {
    const run = watch(['bin/gradbot.mjs', 'doctor', '--fix'], cleanEnv({}));
    expect((await run.exited).code).toBe(2);
    expect(run.stderr.join('\n')).toMatch(/doctor takes no arguments/);
  });
});

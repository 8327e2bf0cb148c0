import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands, findCommand, help } from '../../commands/index.ts';
import { describeOptions } from '../../src/params/index.ts';
import { caller, rig, run, ta } from './fixtures.ts';

const DISCORD_NAME = /^[a-z0-9_-]{1,32}$/;

describe('the command list', () => {
  it('has the issue commands, each with a Discord-valid name, description and options', () => {
    expect(commands.map((c) => c.name).sort()).toEqual(
      ['answers-export', 'example', 'explode', 'help', 'layers', 'leaderboard', 'quiz', 'quiz-close', 'quiz-settings', 'scores-reset', 'ta'].sort(),
    );
    for (const c of commands) {
      expect(c.name).toMatch(DISCORD_NAME);
      expect(c.description.length, c.name).toBeLessThanOrEqual(100);
      const options = describeOptions(c.schema);
      expect(options.length).toBeLessThanOrEqual(25);
      for (const o of options) {
        expect(o.name, `${c.name}.${o.name}`).toMatch(DISCORD_NAME);
        expect((o.choices ?? []).length).toBeLessThanOrEqual(25);
      }
    }
    // Options this work defines (explode/example come from src/params) fit Discord's 100 as written.
    for (const c of commands.filter((x) => !['explode', 'example'].includes(x.name))) {
      for (const o of describeOptions(c.schema)) expect(o.description.length, `${c.name}.${o.name}`).toBeLessThanOrEqual(100);
    }
    expect(findCommand('/Quiz-Close')?.name).toBe('quiz-close');
    expect(describeOptions(help.schema)[0]!.choices!.sort()).toEqual(commands.map((c) => c.name).sort());
  });

  it('keeps commands platform-neutral: no discord.js or Bolt', () => {
    const dir = join(import.meta.dirname, '../../commands');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(9);
    for (const f of files) expect(readFileSync(join(dir, f), 'utf8'), f).not.toMatch(/from ['"](discord\.js|@slack\/bolt)['"]/);
  });

  it('generates /help from the schemas, within Discord limits', async () => {
    const r = rig();
    try {
      const all = await run(r.bot, 'help', '', caller());
      expect(all.visibility).toBe('private');
      for (const c of commands.filter((x) => !x.taOnly)) expect(all.text).toContain(`/${c.name}`);
      expect(all.text).toContain('TAs also have: /example');
      expect((await run(r.bot, 'help', '', ta())).text).toContain('**For TAs:**');
      for (const c of commands) {
        const one = await run(r.bot, 'help', `command=${c.name}`, caller());
        expect(one.text.length, c.name).toBeLessThanOrEqual(2000);
        for (const o of describeOptions(c.schema)) expect(one.text, `${c.name} ${o.name}`).toContain(`${o.name}=`);
      }
    } finally {
      await r.close();
    }
  });
});

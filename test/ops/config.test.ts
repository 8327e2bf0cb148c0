import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envSchema, loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('with nothing set runs the playground on port 3000 with the embedded SQLite store', () => {
    const r = loadConfig({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: 'sqlite:./data/gradbot.db', discord: null, slack: null, playground: true, quizSweepSeconds: 10 });
  });

  it('takes the quiz sweep in whole seconds from 1 to 3600, naming the variable otherwise', () => {
    const r = loadConfig({ GRADBOT_QUIZ_SWEEP_SECONDS: '2' });
    expect(r.ok && r.config.quizSweepSeconds).toBe(2);
    for (const bad of ['0', '1.5', 'often']) {
      const b = loadConfig({ GRADBOT_QUIZ_SWEEP_SECONDS: bad });
      expect(b.ok).toBe(false);
      expect(!b.ok && b.problems.join('\n')).toMatch(/GRADBOT_QUIZ_SWEEP_SECONDS/);
    }
  });

  it('warms the render threads at start unless GRADBOT_RENDER_PREWARM is 0 or false, naming the variable for anything else', () => {
    const d = loadConfig({});
    expect(d.ok && d.config.render.prewarm).toBe(true);
    for (const [value, prewarm] of [['1', true], ['true', true], ['', true], ['0', false], ['false', false]] as const) {
      const r = loadConfig({ GRADBOT_RENDER_PREWARM: value });
      expect(r.ok && r.config.render.prewarm, value).toBe(prewarm);
    }
    const b = loadConfig({ GRADBOT_RENDER_PREWARM: 'later' });
    expect(!b.ok && b.problems.join('\n')).toMatch(/GRADBOT_RENDER_PREWARM must be 1 or true \(the default\), 0 or false/);
  });

  it('names every problem in one result, never echoing a token', () => {
    const r = loadConfig({ PORT: 'eighty', DISCORD_TOKEN: 'not-a-token', SLACK_BOT_TOKEN: 'xoxb-secret-value', LOG_LEVEL: 'loud' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.problems.join('\n');
    expect(text).toMatch(/PORT/);
    expect(text).toMatch(/DISCORD_TOKEN/);
    expect(text).toMatch(/SLACK_SIGNING_SECRET is required/);
    expect(text).toMatch(/LOG_LEVEL must be one of/);
    expect(text).not.toContain('not-a-token');
    expect(text).not.toContain('xoxb-secret-value');
  });

  it('turns on the platforms whose tokens are set, and the playground only on request', () => {
    const r = loadConfig({ DISCORD_TOKEN: 'a.b.c', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
    expect(r.ok && r.config.discord?.apiUrl).toBe('https://discord.com/api');
    expect(r.ok && r.config.slack?.apiUrl).toBe('https://slack.com/api/');
    expect(r.ok && r.config.playground).toBe(false);
    expect(r.ok && r.config.host).toBe('0.0.0.0');
    const withPlayground = loadConfig({ DISCORD_TOKEN: 'a.b.c', PLAYGROUND: '1' });
    expect(withPlayground.ok && withPlayground.config.playground).toBe(true);
  });

  it('warns about unknown GRADBOT_* variables', () => {
    const r = loadConfig({ GRADBOT_QUIZ_MINUTE: '5' });
    expect(r.ok && r.warnings.join()).toMatch(/GRADBOT_QUIZ_MINUTE.*GRADBOT_QUIZ_MINUTES/);
  });

  it('.env.example documents every variable, and loads as it is', () => {
    const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    for (const name of Object.keys(envSchema.shape)) expect(text).toMatch(new RegExp(`^${name}=`, 'm'));
    const env = Object.fromEntries(text.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
    expect(loadConfig(env).ok).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

const TOKEN = 'a.b.c';

describe('configuration for running past one machine', () => {
  it('DISCORD_SHARDS takes auto or a count, DISCORD_SHARD_IDS the shards this process runs', () => {
    const auto = loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_SHARDS: 'auto' });
    expect(auto.ok && auto.config.discord?.shards).toEqual({ count: 'auto', ids: null });
    const split = loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '3, 1,1' });
    expect(split.ok && split.config.discord?.shards).toEqual({ count: 4, ids: [1, 3] });
    const none = loadConfig({ DISCORD_TOKEN: TOKEN });
    expect(none.ok && none.config.discord?.shards).toBeNull();
  });

  it('refuses shard settings that cannot work, saying what would', () => {
    const problems = (env: Record<string, string>) => {
      const r = loadConfig({ DISCORD_TOKEN: TOKEN, ...env });
      return r.ok ? '' : r.problems.join('\n');
    };
    expect(problems({ DISCORD_SHARDS: 'many' })).toMatch(/DISCORD_SHARDS must be auto .* or a whole number/);
    expect(problems({ DISCORD_SHARDS: '0' })).toMatch(/DISCORD_SHARDS/);
    expect(problems({ DISCORD_SHARD_IDS: '0,1' })).toMatch(/DISCORD_SHARD_IDS also needs DISCORD_SHARDS/);
    expect(problems({ DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '0,2' })).toMatch(/names shard 2, but DISCORD_SHARDS=2 numbers shards 0 to 1/);
    expect(problems({ DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: 'zero' })).toMatch(/comma-separated shard ids/);
  });
});

describe('configuration for installing in many Slack workspaces', () => {
  const KEY = Buffer.alloc(32, 7).toString('base64');
  const OAUTH = { SLACK_CLIENT_ID: '111.222', SLACK_CLIENT_SECRET: 'cs', SLACK_STATE_SECRET: 'ss', SLACK_SIGNING_SECRET: 'sig', GRADBOT_SECRET_KEY: KEY };

  it('turns OAuth on with the client id, secret, state secret, signing secret and a secret key', () => {
    const r = loadConfig(OAUTH);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.slack).toMatchObject({ botToken: null, signingSecret: 'sig', oauth: { clientId: '111.222', clientSecret: 'cs', stateSecret: 'ss' } });
    expect(r.config.slack?.oauth?.secretKey.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(r.config.playground).toBe(false);
  });

  it('refuses a missing or malformed GRADBOT_SECRET_KEY with OAuth on, saying how to make one, never echoing it', () => {
    for (const key of [undefined, 'too-short-key']) {
      const r = loadConfig({ ...OAUTH, GRADBOT_SECRET_KEY: key });
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.problems.join('\n')).toMatch(/GRADBOT_SECRET_KEY .*openssl rand -base64 32/);
      expect(r.problems.join('\n')).not.toContain('too-short-key');
    }
  });

  it('names what is missing or contradictory', () => {
    const problems = (env: Record<string, string | undefined>) => {
      const r = loadConfig(env);
      return r.ok ? '' : r.problems.join('\n');
    };
    expect(problems({ ...OAUTH, SLACK_STATE_SECRET: undefined })).toMatch(/SLACK_STATE_SECRET is also needed/);
    expect(problems({ ...OAUTH, SLACK_SIGNING_SECRET: undefined })).toMatch(/SLACK_SIGNING_SECRET is required with SLACK_CLIENT_ID/);
    expect(problems({ ...OAUTH, SLACK_BOT_TOKEN: 'xoxb-1' })).toMatch(/set one of them/);
    expect(problems({ ...OAUTH, SLACK_APP_TOKEN: 'xapp-1' })).toMatch(/needs the HTTP mode/);
  });

  it('leaves single-workspace mode as it was: no key needed', () => {
    const r = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_TA_USER_IDS: 'U1,U2' });
    expect(r.ok && r.config.slack).toMatchObject({ botToken: 'xoxb-1', oauth: null, taUserIds: ['U1', 'U2'] });
  });
});

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

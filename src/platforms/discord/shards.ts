import { Routes, Status, type Client, type REST, type RESTGetAPIGatewayBotResult } from 'discord.js';
import type { ShardPlanConfig } from '../../config.ts';

/** The shards this process runs out of how many the bot has: what discord.js's `shards` and `shardCount` options take. */
export interface ShardPlan {
  count: number;
  ids: number[];
}

/**
 * Settles DISCORD_SHARDS and DISCORD_SHARD_IDS into numbers before the client
 * is built. discord.js resolves `shards: 'auto'` itself only when one process
 * runs every shard; several processes sharing the recommended count each need
 * that count and their own ids, so 'auto' is asked of GET /gateway/bot here.
 */
export async function resolveShardPlan(cfg: ShardPlanConfig, rest: REST): Promise<ShardPlan> {
  let count: number;
  if (cfg.count === 'auto') {
    const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
    count = gateway.shards;
    if (!Number.isInteger(count) || count < 1) throw new Error(`GET /gateway/bot recommended ${String(count)} shards; set DISCORD_SHARDS to a number instead`);
  } else {
    count = cfg.count;
  }
  const ids = cfg.ids ?? Array.from({ length: count }, (_, i) => i);
  const beyond = ids.filter((id) => id >= count);
  if (beyond.length > 0) {
    throw new Error(`DISCORD_SHARD_IDS names shard ${beyond.join(', ')}, but the bot has ${count} shard${count === 1 ? '' : 's'} (0 to ${count - 1})${cfg.count === 'auto' ? ' as Discord recommends' : ''}`);
  }
  return { count, ids };
}

/** Which shard carries a guild's events (Discord's rule: (guild_id >> 22) % shard count). */
export function shardOfGuild(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** One readiness check per shard this process runs, named for /readyz (discord-shard-0, …). */
export function shardChecks(client: Client, ids: readonly number[], stopping: () => boolean): { name: string; check: () => boolean }[] {
  return ids.map((id) => ({
    name: `discord-shard-${id}`,
    check: () => !stopping() && client.ws.shards.get(id)?.status === Status.Ready,
  }));
}

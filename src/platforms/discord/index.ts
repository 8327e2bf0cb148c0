import { Client, Events, GatewayIntentBits, MessageFlags, Partials, REST, RESTEvents, type Interaction } from 'discord.js';
import type { DiscordConfig } from '../../config.ts';
import type { PlatformDeps, PlatformHandle } from '../types.ts';
import { handleButton } from './button.ts';
import { SORRY, type AdapterContext } from './context.ts';
import { describeError, isDeadInteraction } from './errors.ts';
import { NO_MENTIONS } from './message.ts';
import { postQuizSummary } from './quiz-closed.ts';
import { resolveShardPlan, shardChecks, type ShardPlan } from './shards.ts';
import { handleSlash } from './slash.ts';
import { withBackoff } from './backoff.ts';
import { RecentKeys } from '../dedupe.ts';
import { KeyedBuckets, type BucketRule } from '../pacing/bucket.ts';

/** Thread creation a channel allows: about 5 per 5 s (docs/platform-limits.md). */
export const DISCORD_THREAD_RULE: BucketRule = { ratePerSec: 1, burst: 5 };
import { within } from '../../ops/deadline.ts';

export { commandJson, commandsJson, PARAMS_OPTION, TA_PERMISSION, type CommandJson } from './command-json.ts';
export { registerCommands, applicationIdFromToken } from './register.ts';

export interface DiscordStartConfig extends DiscordConfig {
  /** REST retries on 5xx and network errors, with backoff and jitter (429s are always waited out). Default 3. */
  restRetries?: number;
  /** The first 5xx retry waits between half this and this many milliseconds, doubling after. Default 250. */
  restBackoffMs?: number;
  /**
   * Thread creation per channel (default Discord's about 5 per 5 s): a channel
   * out of threads gets the quiz on a follow-up instead. false: always a thread.
   */
  threadPacing?: false | BucketRule;
  /** Milliseconds before one REST request is abandoned. Default 15 000. */
  restTimeoutMs?: number;
  /** Milliseconds to wait for the gateway's READY and the guilds. Default 60 000. */
  loginTimeoutMs?: number;
}

const STOPPING = "I'm restarting; please try again in a minute.";

const LOGIN_TIMEOUT_MS = 60_000;

/** How long stop() waits for commands already running before it hangs up, unless told. */
const DRAIN_MS = 10_000;

/**
 * Connects gradbot to Discord (Guilds intent only: slash commands and
 * buttons arrive as interactions, no message content is read) and
 * translates interactions to the core and Replies back.
 */
export async function startDiscord(cfg: DiscordStartConfig, deps: PlatformDeps): Promise<PlatformHandle> {
  const { bot, log } = deps;
  // Retries are withBackoff's (spaced, jittered); the library's own would come at once.
  const restOptions = { api: cfg.apiUrl, retries: 0, timeout: cfg.restTimeoutMs ?? 15_000, makeRequest: withBackoff({ retries: cfg.restRetries ?? 3, baseMs: cfg.restBackoffMs ?? 250 }) };
  let plan: ShardPlan | null = null;
  if (cfg.shards) {
    try {
      plan = await resolveShardPlan(cfg.shards, new REST(restOptions).setToken(cfg.token));
    } catch (e) {
      throw new Error(`Discord sharding: ${describeError(e).err}`);
    }
  }
  const client = new Client({
    // Each process runs its own shards of the bot's count; Discord routes every guild's interactions to one of them.
    ...(plan ? { shards: plan.ids, shardCount: plan.count } : {}),
    intents: [GatewayIntentBits.Guilds],
    // Interactions in channels we have not seen (DMs, new threads) still carry enough to answer.
    partials: [Partials.Channel],
    allowedMentions: NO_MENTIONS,
    rest: restOptions,
  });
  const ctx: AdapterContext = { bot, log, tenancy: deps.tenancy, threads: cfg.threadPacing === false ? null : new KeyedBuckets(cfg.threadPacing ?? DISCORD_THREAD_RULE) };
  const inflight = new Set<Promise<void>>();
  let stopping = false;

  const apologise = async (interaction: Interaction): Promise<void> => {
    if (!interaction.isRepliable()) return;
    const text = stopping ? STOPPING : SORRY;
    if (!interaction.deferred && !interaction.replied) {
      await interaction.reply({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    } else if (interaction.deferred && !interaction.replied && interaction.ephemeral) {
      await interaction.editReply({ content: text, allowedMentions: NO_MENTIONS });
    } else {
      // A public "thinking…" must not end in an apology for all to see.
      if (interaction.deferred && !interaction.replied) await interaction.deleteReply().catch(() => undefined);
      await interaction.followUp({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    }
  };

  const handle = async (interaction: Interaction): Promise<void> => {
    try {
      if (stopping) {
        if (interaction.isRepliable()) await apologise(interaction);
        return;
      }
      if (interaction.isChatInputCommand()) await handleSlash(interaction, ctx);
      else if (interaction.isButton()) await handleButton(interaction, ctx);
    } catch (e) {
      log.error({ interaction: interaction.id, ...describeError(e) }, 'discord: interaction failed');
      if (isDeadInteraction(e)) return;
      await apologise(interaction).catch((e2: unknown) => log.warn(describeError(e2), 'discord: could not even apologise'));
    }
  };

  // A gateway that replays after RESUME may deliver an interaction twice; each is answered once.
  const recent = new RecentKeys();
  client.on(Events.InteractionCreate, (interaction) => {
    if (recent.repeat(interaction.id)) {
      log.info({ interaction: interaction.id }, 'discord: interaction delivered twice; answered once');
      return;
    }
    const p = handle(interaction).finally(() => inflight.delete(p));
    inflight.add(p);
  });
  client.on(Events.Error, (e) => log.error(describeError(e), 'discord: client error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'discord: warning'));
  // discord.js reconnects and resumes by itself; these are for the operator reading the log.
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ code: event.code, shard }, 'discord: gateway disconnected'));
  client.on(Events.ShardReady, (shard) => log.info({ shard, shards: plan?.count ?? 1 }, 'discord: shard ready'));
  client.on(Events.ShardReconnecting, (shard) => {
    if (!stopping) log.info({ shard }, 'discord: gateway reconnecting');
  });
  client.rest.on(RESTEvents.RateLimited, (info) => log.warn({ route: info.route, retryAfterMs: info.retryAfter, global: info.global }, 'discord: rate limited; waiting'));

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  // A gateway that refuses the session after the REST check (close 4004) would otherwise leave login waiting forever.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no READY from the gateway within ${LOGIN_TIMEOUT_MS / 1000} s`)), cfg.loginTimeoutMs ?? LOGIN_TIMEOUT_MS);
  });
  try {
    await Promise.race([client.login(cfg.token).then(() => ready), timeout]);
  } catch (e) {
    await client.destroy().catch(() => undefined);
    const why = describeError(e);
    throw new Error(`Discord login failed (check DISCORD_TOKEN and DISCORD_API_URL): ${why.err}`);
  } finally {
    clearTimeout(timer);
  }
  log.info({ user: client.user?.tag, guilds: client.guilds.cache.size, ...(plan ? { shards: plan.ids, shardCount: plan.count } : {}) }, 'discord: connected');
  // Only a connected client listens: the core replays closings it held back meanwhile.
  bot.onQuizClosed(async (event) => {
    if (stopping) return;
    await postQuizSummary(client, event, log);
  });

  return {
    name: 'discord',
    ready: () => !stopping && client.isReady(),
    ...(plan ? { checks: shardChecks(client, plan.ids, () => stopping) } : {}),
    async stop(drainMs = DRAIN_MS) {
      if (stopping) return;
      stopping = true;
      if (!(await within(Promise.allSettled([...inflight]), drainMs))) log.warn({ commands: inflight.size }, 'discord: replies still running at the shutdown bound');
      await client.destroy();
    },
  };
}

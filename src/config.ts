import { z } from 'zod';
import { parseSecretKey } from './crypto/secret-box.ts';

/**
 * Configuration comes only from the environment and is validated once at
 * start; every problem is named in one message. Secrets never leave this
 * object except to the SDK that needs them.
 */
const DEFAULT_DATABASE_URL = 'sqlite:./data/gradbot.db';

const optionalString = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s === '' ? undefined : s));

const url = (what: string) =>
  z
    .string()
    .trim()
    .refine((s) => /^https?:\/\/[^\s]+$/.test(s), { message: `${what} must be an http(s) URL` });

const count = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { message: `${name} must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `${name} must be a whole number from ${min} to ${max}` });

export const envSchema = z.object({
  DISCORD_TOKEN: optionalString.refine((s) => s === undefined || /^[\w-]+\.[\w-]+\.[\w-]+$/.test(s), {
    message: 'DISCORD_TOKEN does not look like a bot token (three dot-separated parts); copy it from the Developer Portal, Bot tab',
  }),
  DISCORD_API_URL: url('DISCORD_API_URL').default('https://discord.com/api'),
  DISCORD_GUILD_ID: optionalString.refine((s) => s === undefined || /^\d{15,25}$/.test(s), { message: 'DISCORD_GUILD_ID must be a numeric server id' }),
  DISCORD_SHARDS: optionalString.refine((s) => s === undefined || s === 'auto' || (/^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 65535), {
    message: 'DISCORD_SHARDS must be auto (the count Discord recommends) or a whole number of shards from 1',
  }),
  DISCORD_SHARD_IDS: optionalString.refine((s) => s === undefined || /^\d+(\s*,\s*\d+)*$/.test(s), {
    message: 'DISCORD_SHARD_IDS must be comma-separated shard ids counted from 0 (e.g. 0,1)',
  }),
  SLACK_BOT_TOKEN: optionalString.refine((s) => s === undefined || s.startsWith('xoxb-'), { message: 'SLACK_BOT_TOKEN must start with xoxb-' }),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.refine((s) => s === undefined || s.startsWith('xapp-'), { message: 'SLACK_APP_TOKEN must start with xapp-' }),
  SLACK_API_URL: url('SLACK_API_URL').default('https://slack.com/api/'),
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString,
  // Checked by crossChecks (only needed with OAuth on), where the message can say how to make one.
  GRADBOT_SECRET_KEY: optionalString,
  SLACK_TA_USER_IDS: z
    .string()
    .optional()
    .transform((s) => (s ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '')),
  PORT: count('PORT', 0, 65535).default(3000),
  HOST: z.string().trim().optional(),
  DATABASE_URL: z
    .string()
    .trim()
    .default(DEFAULT_DATABASE_URL)
    .refine((s) => /^(sqlite:.+|postgres(ql)?:\/\/.+)$/is.test(s), {
      message: 'DATABASE_URL must look like sqlite:PATH (e.g. sqlite:./data/gradbot.db), sqlite::memory: or postgres://user:password@host:5432/db',
    }),
  PLAYGROUND: z.enum(['0', '1', 'true', 'false', '']).default('').transform((s) => s === '1' || s === 'true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GRADBOT_QUIZ_MINUTES: count('GRADBOT_QUIZ_MINUTES', 1, 1440).default(10),
  GRADBOT_COOLDOWN_SECONDS: count('GRADBOT_COOLDOWN_SECONDS', 0, 3600).default(5),
  GRADBOT_RENDER_WORKERS: count('GRADBOT_RENDER_WORKERS', 0, 64).default(0),
  GRADBOT_RENDER_QUEUE: count('GRADBOT_RENDER_QUEUE', 1, 10000).default(120),
  GRADBOT_RENDER_CACHE_MB: count('GRADBOT_RENDER_CACHE_MB', 0, 4096).default(64),
  GRADBOT_RENDER_PREWARM: z
    .enum(['0', '1', 'true', 'false', ''], { message: 'GRADBOT_RENDER_PREWARM must be 1 or true (the default), 0 or false' })
    .default('')
    .transform((s) => s !== '0' && s !== 'false'),
  GRADBOT_SHUTDOWN_SECONDS: count('GRADBOT_SHUTDOWN_SECONDS', 1, 600).default(20),
  GRADBOT_QUIZ_SWEEP_SECONDS: count('GRADBOT_QUIZ_SWEEP_SECONDS', 1, 3600).default(10),
  // Read directly by the CLI and the entry point (stack traces on internal errors); listed so it is not warned about.
  GRADBOT_DEBUG: z.string().optional(),
});

/** Every GRADBOT_* variable we read; others are warned about as likely typos. */
export const KNOWN_GRADBOT_VARS = Object.keys(envSchema.shape).filter((k) => k.startsWith('GRADBOT_'));

/** How this process splits the bot's gateway sessions: null runs one shard, as bots under 2,500 servers do. */
export interface ShardPlanConfig {
  /** Shards across every process of the bot; 'auto' asks GET /gateway/bot. */
  count: number | 'auto';
  /** The shards this process runs; null runs them all. */
  ids: number[] | null;
}

export interface DiscordConfig {
  token: string;
  apiUrl: string;
  guildId: string | null;
  shards?: ShardPlanConfig | null;
}

/** Distribution to many workspaces: Bolt's OAuth flow at /slack/install, each workspace's token sealed in the store. */
export interface SlackOAuthConfig {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  /** GRADBOT_SECRET_KEY: 32 bytes for AES-256-GCM. */
  secretKey: Buffer;
}

export interface SlackConfig {
  /** One workspace's token (SLACK_BOT_TOKEN); null when OAuth installs bring one token per workspace. */
  botToken: string | null;
  signingSecret: string;
  appToken: string | null;
  apiUrl: string;
  /** TAs in every class (single-workspace mode); /ta names more per class. */
  taUserIds: string[];
  oauth?: SlackOAuthConfig | null;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  discord: DiscordConfig | null;
  slack: SlackConfig | null;
  /** The local playground: on when no platform is configured, or with PLAYGROUND=1. */
  playground: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  quizMinutes: number;
  cooldownSeconds: number;
  render: { workers: number; queue: number; cacheMb: number; prewarm: boolean };
  shutdownSeconds: number;
  /** How often each instance looks for open quizzes another instance opened, to arm a timer of its own. */
  quizSweepSeconds: number;
}

export type ConfigResult = { ok: true; config: Config; warnings: string[] } | { ok: false; problems: string[] };

function crossChecks(env: NodeJS.ProcessEnv): string[] {
  const has = (k: string) => (env[k] ?? '').trim() !== '';
  const problems: string[] = [];
  const oauthVars = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'];
  if (oauthVars.some(has)) {
    const missing = oauthVars.filter((k) => !has(k));
    if (missing.length > 0) problems.push(`${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} also needed to install gradbot in many workspaces (Slack app > Basic Information: Client ID, Client Secret; the state secret is any long random string)`);
    if (!has('SLACK_SIGNING_SECRET')) problems.push('SLACK_SIGNING_SECRET is required with SLACK_CLIENT_ID (Slack app > Basic Information > Signing Secret)');
    if (has('SLACK_BOT_TOKEN')) problems.push('SLACK_BOT_TOKEN serves one workspace and SLACK_CLIENT_ID many, with a token per workspace from /slack/install: set one of them');
    if (has('SLACK_APP_TOKEN')) problems.push('installing in many workspaces (SLACK_CLIENT_ID) needs the HTTP mode, where Slack reaches /slack/install and /slack/oauth_redirect: unset SLACK_APP_TOKEN');
    const key = parseSecretKey(env.GRADBOT_SECRET_KEY);
    if (!key.ok) problems.push(key.problem);
    return problems;
  }
  if (has('SLACK_BOT_TOKEN') && !has('SLACK_SIGNING_SECRET')) problems.push('SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set (Slack app > Basic Information > Signing Secret)');
  if (has('SLACK_SIGNING_SECRET') && !has('SLACK_BOT_TOKEN')) problems.push('SLACK_BOT_TOKEN is required when SLACK_SIGNING_SECRET is set (Slack app > OAuth & Permissions)');
  if (has('DISCORD_SHARD_IDS') && !has('DISCORD_SHARDS')) problems.push('DISCORD_SHARD_IDS also needs DISCORD_SHARDS, the shard count across every process (a number, or auto)');
  const shards = (env.DISCORD_SHARDS ?? '').trim();
  if (/^\d+$/.test(shards) && has('DISCORD_SHARD_IDS')) {
    const beyond = (env.DISCORD_SHARD_IDS ?? '').split(',').map((x) => Number(x.trim())).filter((id) => id >= Number(shards));
    if (beyond.length > 0) problems.push(`DISCORD_SHARD_IDS names shard ${beyond.join(', ')}, but DISCORD_SHARDS=${shards} numbers shards 0 to ${Number(shards) - 1}`);
  }
  if (has('SLACK_APP_TOKEN') && !has('SLACK_BOT_TOKEN')) problems.push('SLACK_APP_TOKEN (Socket Mode) also needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET');
  return problems;
}

export function loadConfig(rawEnv: NodeJS.ProcessEnv): ConfigResult {
  // An empty value (as a copied .env.example leaves them) means "not set".
  const env = Object.fromEntries(Object.entries(rawEnv).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'environment');
      const choices = issue.code === 'invalid_value' ? ` must be one of ${issue.values.map(String).join(', ')}` : `: ${issue.message}`;
      problems.push(issue.message.includes(name) ? issue.message : `${name}${choices} (got "${String(env[name] ?? '').slice(0, 40)}")`);
    }
  }
  problems.push(...crossChecks(env));
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  const e = parsed.data;

  const warnings = Object.keys(env)
    .filter((k) => k.startsWith('GRADBOT_') && !KNOWN_GRADBOT_VARS.includes(k))
    .map((k) => `unknown variable ${k} is ignored (known: ${KNOWN_GRADBOT_VARS.join(', ')})`);
  const shardPlan: ShardPlanConfig | null = e.DISCORD_SHARDS
    ? { count: e.DISCORD_SHARDS === 'auto' ? 'auto' : Number(e.DISCORD_SHARDS), ids: e.DISCORD_SHARD_IDS ? [...new Set(e.DISCORD_SHARD_IDS.split(',').map((x) => Number(x.trim())))].sort((a, b) => a - b) : null }
    : null;
  const discord = e.DISCORD_TOKEN ? { token: e.DISCORD_TOKEN, apiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''), guildId: e.DISCORD_GUILD_ID ?? null, shards: shardPlan } : null;
  const slackApiUrl = e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`;
  const secretKey = parseSecretKey(e.GRADBOT_SECRET_KEY);
  const oauth: SlackOAuthConfig | null =
    e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET && secretKey.ok
      ? { clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET, stateSecret: e.SLACK_STATE_SECRET, secretKey: secretKey.key }
      : null;
  const slack: SlackConfig | null =
    e.SLACK_SIGNING_SECRET && (e.SLACK_BOT_TOKEN || oauth)
      ? { botToken: oauth ? null : (e.SLACK_BOT_TOKEN ?? null), signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN ?? null, apiUrl: slackApiUrl, taUserIds: e.SLACK_TA_USER_IDS, oauth }
      : null;
  const config: Config = {
    port: e.PORT,
    // The playground has no login (anyone may pick the TA), so alone it listens on loopback only.
    host: e.HOST ?? (discord || slack ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: e.DATABASE_URL,
    discord,
    slack,
    playground: e.PLAYGROUND || (!discord && !slack),
    logLevel: e.LOG_LEVEL,
    quizMinutes: e.GRADBOT_QUIZ_MINUTES,
    cooldownSeconds: e.GRADBOT_COOLDOWN_SECONDS,
    render: { workers: e.GRADBOT_RENDER_WORKERS, queue: e.GRADBOT_RENDER_QUEUE, cacheMb: e.GRADBOT_RENDER_CACHE_MB, prewarm: e.GRADBOT_RENDER_PREWARM },
    shutdownSeconds: e.GRADBOT_SHUTDOWN_SECONDS,
    quizSweepSeconds: e.GRADBOT_QUIZ_SWEEP_SECONDS,
  };
  return { ok: true, config, warnings };
}

/** One message naming every problem, for the start-up error. */
export function configProblemMessage(problems: string[]): string {
  return `gradbot cannot start; fix the environment (see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`;
}

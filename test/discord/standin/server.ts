import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Windows, type Window } from '../../limits/windows.ts';
import { APP_ID, BOT_TOKEN, BOT_USER, CHANNEL_ID, GUILD_ID, OWNER_ID, snowflake } from './ids.ts';

/**
 * A local stand-in for Discord, enough for the real discord.js client: a
 * REST server under /api/v10 and a gateway WebSocket speaking the JSON,
 * uncompressed protocol. Every request is recorded so tests can assert
 * what the bot sent, byte for byte where it matters (the PNGs).
 */

export interface RecordedFile {
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface RecordedRequest {
  method: string;
  /** Path below /api/v10, e.g. /interactions/1/tok/callback; the token stays in it (it's a test token). */
  path: string;
  query: URLSearchParams;
  /** The JSON body, or payload_json of a multipart body. */
  json: Record<string, unknown> | null;
  files: RecordedFile[];
  /** The status the stand-in answered with. */
  status: number;
  at: number;
}

export interface Injection {
  method: string;
  path: RegExp;
  status: number;
  /** Discord's JSON error code, for 4xx refusals. */
  code?: number;
  /** Seconds, for a 429. */
  retryAfter?: number;
}

type Json = Record<string, unknown>;

export interface StandinMessage extends Json {
  id: string;
  channel_id: string;
  content: string;
  flags: number;
  components: unknown[];
  attachments: Json[];
}

export interface GuildChannel extends Json {
  id: string;
  type: number;
  name: string;
  parent_id: string | null;
}

const PNG_TYPES = new Map([
  ['png', 'image/png'],
  ['csv', 'text/csv'],
]);

/** Everything the bot needs to post, thread and attach in the test channel. */
export const EVERYONE_PERMISSIONS = '311385246720';

function guildChannel(id: string, name: string, guildId: string = GUILD_ID): GuildChannel {
  return {
    id,
    type: 0,
    guild_id: guildId,
    name,
    position: 0,
    permission_overwrites: [],
    parent_id: null,
    topic: null,
    nsfw: false,
    rate_limit_per_user: 0,
    last_message_id: null,
    flags: 0,
  };
}

/**
 * Discord's per-route limits as the stand-in enforces them (opt-in; numbers
 * and which are documented in docs/platform-limits.md). `speed` scales every
 * window so tests stay fast.
 */
export interface DiscordLimits {
  /** Message creation per channel: 5 per 5 s. */
  messages?: Window;
  /** Thread creation per channel: 5 per 5 s. */
  threads?: Window;
  /** Interaction callbacks and webhook calls, per interaction token. */
  perToken?: Window;
  /** Anything else, per route and major parameter. */
  other?: Window;
  speed?: number;
}

const DISCORD_DEFAULTS = {
  messages: { burst: 5, perSec: 1 },
  threads: { burst: 5, perSec: 1 },
  perToken: { burst: 5, perSec: 5 },
  other: { burst: 50, perSec: 50 },
} satisfies Record<string, Window>;

/** The bucket a request counts against: its name (the X-RateLimit-Bucket) and its key (bucket + major parameter). */
function bucketOf(method: string, path: string): { bucket: keyof typeof DISCORD_DEFAULTS; key: string } {
  let m: RegExpExecArray | null;
  if (method === 'POST' && (m = /^\/channels\/(\d+)\/messages\/\d+\/threads$/.exec(path))) return { bucket: 'threads', key: `threads:${m[1]}` };
  if (method === 'POST' && (m = /^\/channels\/(\d+)\/messages$/.exec(path))) return { bucket: 'messages', key: `messages:${m[1]}` };
  if ((m = /^\/interactions\/\d+\/([^/]+)\/callback$/.exec(path)) || (m = /^\/webhooks\/\d+\/([^/]+)/.exec(path))) return { bucket: 'perToken', key: `token:${m[1]}` };
  return { bucket: 'other', key: `other:${method}:${path.replace(/\d{5,}/g, ':id')}` };
}

export class DiscordStandin extends EventEmitter {
  /** Set to enforce Discord's rate limits (429 + retry_after, X-RateLimit-* headers on every answer). */
  limits: DiscordLimits | null = null;
  /** Refusals, Retry-After violations and requests counted when limits are on. */
  readonly windows = new Windows();
  readonly requests: RecordedRequest[] = [];
  readonly identifies: Json[] = [];
  /** The gateway URL query the client connected with (v, encoding, compress). */
  readonly gatewayQueries: URLSearchParams[] = [];
  readonly messages = new Map<string, StandinMessage>();
  readonly channels = new Map<string, GuildChannel>();
  /** Interaction token -> the id of its original response message. */
  private readonly originals = new Map<string, string>();
  /** Interaction token -> the channel the interaction came from. */
  private readonly interactionChannels = new Map<string, string>();
  private readonly injections: Injection[] = [];
  /** Close the gateway session with 4004 (authentication failed) after IDENTIFY, as Discord does for a revoked token. */
  refuseIdentify = false;
  private readonly sockets = new Set<WebSocket>();
  /** The shard each gateway session identified as ([id, count]); a session that has not identified yet counts as shard 0. */
  private readonly socketShards = new Map<WebSocket, [number, number]>();
  /** The servers the bot is in: id -> name. Each one's GUILD_CREATE goes to the shard Discord's rule assigns it. */
  readonly guilds = new Map<string, string>([[GUILD_ID, 'Deep Learning 101']]);
  /** What GET /gateway/bot recommends. */
  shardCount = 1;
  private seq = 0;
  private rest: Server | null = null;
  private gateway: WebSocketServer | null = null;
  apiUrl = '';
  gatewayUrl = '';

  constructor() {
    super();
    this.channels.set(CHANNEL_ID, guildChannel(CHANNEL_ID, 'lecture'));
  }

  async start(): Promise<void> {
    this.gateway = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.gateway!.once('listening', () => resolve()));
    this.gatewayUrl = `ws://127.0.0.1:${(this.gateway.address() as AddressInfo).port}`;
    this.gateway.on('connection', (ws, req) => this.onGatewayConnection(ws, req));

    this.rest = createServer((req, res) => {
      void this.onRest(req, res).catch((e: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `stand-in failure: ${String(e)}`, code: 0 }));
      });
    });
    await new Promise<void>((resolve) => this.rest!.listen(0, '127.0.0.1', () => resolve()));
    this.apiUrl = `http://127.0.0.1:${(this.rest.address() as AddressInfo).port}/api`;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => (this.gateway ? this.gateway.close(() => resolve()) : resolve()));
    if (this.rest) {
      this.rest.closeAllConnections();
      await new Promise<void>((resolve) => this.rest!.close(() => resolve()));
    }
  }

  /** The next request matching method and path gets this status instead of its answer. */
  inject(injection: Injection): void {
    this.injections.push(injection);
  }

  /** Puts the bot in one more server, with one text channel. */
  addGuild(id: string, name: string, channelId: string, channelName = 'lecture'): void {
    this.guilds.set(id, name);
    this.channels.set(channelId, guildChannel(channelId, channelName, id));
  }

  /**
   * Sends one gateway dispatch as Discord would: an event of a server goes
   * only to the session of the shard that server rides ((id >> 22) % count);
   * anything else (a DM) to shard 0. Unsharded, every session is shard 0.
   */
  dispatch(t: string, d: unknown): void {
    const s = ++this.seq;
    const frame = JSON.stringify({ op: 0, t, s, d });
    if (t === 'INTERACTION_CREATE') this.history.push({ s, frame });
    const guildId = typeof d === 'object' && d !== null && 'guild_id' in d && typeof d.guild_id === 'string' ? d.guild_id : null;
    for (const ws of this.sockets) {
      const [id, count] = this.socketShards.get(ws) ?? [0, 1];
      if ((guildId ? Number((BigInt(guildId) >> 22n) % BigInt(count)) : 0) === id) ws.send(frame);
    }
  }

  /** The shard ids of the sessions connected now, e.g. [0, 1]. */
  connectedShards(): number[] {
    return [...this.sockets].map((ws) => (this.socketShards.get(ws) ?? [0, 1])[0]).sort((a, b) => a - b);
  }

  /** Dispatches sent, by sequence number, so a RESUME can replay what a dropped client missed. */
  private readonly history: { s: number; frame: string }[] = [];
  /** On RESUME, also replay this many dispatches the client had already seen (a duplicate delivery). */
  replayDuplicates = 0;
  /** RESUMEs received, with the sequence each resumed from. */
  readonly resumes: number[] = [];

  /** Drops every gateway connection abruptly (no close frame), as a network cut does; the client resumes. */
  dropGateway(): void {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
  }

  get connected(): number {
    return this.sockets.size;
  }

  /** Resolves with the first recorded request (from index `from`) that matches, waiting for it if need be. */
  waitFor(pred: (r: RecordedRequest) => boolean, opts: { from?: number; timeoutMs?: number } = {}): Promise<RecordedRequest> {
    const from = opts.from ?? 0;
    const hit = this.requests.slice(from).find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const onRequest = (r: RecordedRequest) => {
        if (this.requests.indexOf(r) < from || !pred(r)) return;
        clearTimeout(timer);
        this.off('request', onRequest);
        resolve(r);
      };
      const timer = setTimeout(() => {
        this.off('request', onRequest);
        const seen = this.requests.slice(from).map((r) => `${r.method} ${r.path} -> ${r.status}`);
        reject(new Error(`stand-in: no matching request within ${opts.timeoutMs ?? 10_000} ms; saw:\n  ${seen.join('\n  ')}`));
      }, opts.timeoutMs ?? 10_000);
      this.on('request', onRequest);
    });
  }

  // --- gateway ----------------------------------------------------------------

  private onGatewayConnection(ws: WebSocket, req: IncomingMessage): void {
    this.gatewayQueries.push(new URL(req.url ?? '/', 'ws://127.0.0.1').searchParams);
    this.sockets.add(ws);
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.socketShards.delete(ws);
    });
    ws.on('message', (raw) => this.onGatewayFrame(ws, raw.toString()));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
  }

  private onGatewayFrame(ws: WebSocket, raw: string): void {
    const frame = JSON.parse(raw) as { op: number; d: Json | null };
    const send = (t: string, d: unknown) => ws.send(JSON.stringify({ op: 0, t, s: ++this.seq, d }));
    if (frame.op === 1) {
      ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
    } else if (frame.op === 2 && frame.d) {
      this.identifies.push(frame.d);
      if (frame.d.token !== BOT_TOKEN || this.refuseIdentify) {
        ws.close(4004, 'Authentication failed.');
        return;
      }
      const shard: [number, number] = Array.isArray(frame.d.shard) ? [Number(frame.d.shard[0]), Number(frame.d.shard[1])] : [0, 1];
      if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1])) {
        ws.close(4010, 'Invalid shard.');
        return;
      }
      this.socketShards.set(ws, shard);
      const mine = [...this.guilds.keys()].filter((g) => Number((BigInt(g) >> 22n) % BigInt(shard[1])) === shard[0]);
      send('READY', {
        v: 10,
        user: { ...BOT_USER, verified: true, mfa_enabled: false },
        guilds: mine.map((id) => ({ id, unavailable: true })),
        session_id: 'standin-session',
        resume_gateway_url: this.gatewayUrl,
        shard,
        application: { id: APP_ID, flags: 0 },
        private_channels: [],
        relationships: [],
        presences: [],
        guild_join_requests: [],
        user_settings: {},
      });
      for (const id of mine) send('GUILD_CREATE', this.guildCreate(id));
    } else if (frame.op === 6) {
      const from = Number((frame.d as { seq?: unknown } | null)?.seq ?? 0);
      this.resumes.push(from);
      this.sockets.add(ws);
      const missed = this.history.filter((h) => h.s > from);
      const again = this.replayDuplicates > 0 ? this.history.filter((h) => h.s <= from).slice(-this.replayDuplicates) : [];
      for (const h of [...again, ...missed]) ws.send(h.frame);
      send('RESUMED', {});
    }
  }

  private guildCreate(guildId: string): Json {
    const now = new Date().toISOString();
    return {
      id: guildId,
      name: this.guilds.get(guildId) ?? 'Deep Learning 101',
      icon: null,
      owner_id: OWNER_ID,
      unavailable: false,
      large: false,
      member_count: 3,
      joined_at: now,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      mfa_level: 0,
      premium_tier: 0,
      preferred_locale: 'en-US',
      system_channel_id: null,
      system_channel_flags: 0,
      features: [],
      nsfw_level: 0,
      roles: [
        { id: guildId, name: '@everyone', permissions: EVERYONE_PERMISSIONS, position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
      ],
      emojis: [],
      stickers: [],
      channels: [...this.channels.values()].filter((c) => c.type === 0 && (c.guild_id ?? GUILD_ID) === guildId),
      threads: [],
      members: [{ user: BOT_USER, roles: [], joined_at: now, deaf: false, mute: false, flags: 0, nick: null }],
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  // --- REST -------------------------------------------------------------------

  private async onRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const { json, files } = await parseBody(req.headers['content-type'] ?? '', body);
    const record: RecordedRequest = { method, path, query: url.searchParams, json, files, status: 0, at: Date.now() };

    const reply = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      this.requests.push(record);
      if (status === 204 || data === undefined) {
        res.writeHead(status, headers);
        res.end();
      } else {
        const text = JSON.stringify(data);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
        res.end(text);
      }
      this.emit('request', record);
    };

    let limitHeaders: Record<string, string> = {};
    if (this.limits) {
      const { bucket, key } = bucketOf(method, path);
      const w = this.limits[bucket] ?? DISCORD_DEFAULTS[bucket];
      const speed = this.limits.speed ?? 1;
      const v = this.windows.take(key, { burst: w.burst, perSec: w.perSec * speed });
      limitHeaders = {
        'x-ratelimit-limit': String(w.burst),
        'x-ratelimit-remaining': String(v.remaining),
        // Until the next request is allowed when none remains: what a client must wait.
        'x-ratelimit-reset-after': (v.remaining > 0 ? v.resetAfter : v.ok ? 1 / (w.perSec * speed) : v.retryAfter).toFixed(3),
        'x-ratelimit-bucket': bucket,
      };
      if (!v.ok) {
        return reply(429, { message: 'You are being rate limited.', retry_after: v.retryAfter, global: false }, { ...limitHeaders, 'retry-after': String(Math.ceil(v.retryAfter)), 'x-ratelimit-scope': 'user' });
      }
    }
    const injected = this.takeInjection(method, path);
    if (injected) {
      if (injected.status === 429) {
        const after = injected.retryAfter ?? 0.2;
        return reply(
          429,
          { message: 'You are being rate limited.', retry_after: after, global: false },
          {
            'retry-after': String(after),
            'x-ratelimit-limit': '5',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset-after': String(after),
            'x-ratelimit-bucket': 'standin-bucket',
            'x-ratelimit-scope': 'user',
          },
        );
      }
      if (injected.status >= 500) return reply(injected.status, { message: `${injected.status}: Internal Server Error`, code: 0 });
      return reply(injected.status, { message: 'Missing Permissions', code: injected.code ?? 0 });
    }

    const auth = req.headers.authorization;
    if (auth !== undefined && auth !== `Bot ${BOT_TOKEN}`) return reply(401, { message: '401: Unauthorized', code: 0 });

    const route = this.route(method, path, url.searchParams, json, files);
    if (!route) return reply(404, { message: '404: Not Found', code: 0 }, limitHeaders);
    return reply(route.status, route.data, limitHeaders);
  }

  private takeInjection(method: string, path: string): Injection | null {
    const i = this.injections.findIndex((x) => x.method === method && x.path.test(path));
    if (i < 0) return null;
    return this.injections.splice(i, 1)[0] ?? null;
  }

  private route(method: string, path: string, query: URLSearchParams, json: Json | null, files: RecordedFile[]): { status: number; data: unknown } | null {
    let m: RegExpExecArray | null;
    const body = json ?? {};
    if (method === 'GET' && path === '/gateway/bot') {
      return { status: 200, data: { url: this.gatewayUrl, shards: this.shardCount, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } } };
    }
    if (method === 'GET' && path === '/gateway') return { status: 200, data: { url: this.gatewayUrl } };
    if (method === 'GET' && (path === '/oauth2/applications/@me' || path === '/applications/@me')) {
      return { status: 200, data: { id: APP_ID, name: 'gradbot', icon: null, description: '', bot_public: true, bot_require_code_grant: false, flags: 0, verify_key: 'x' } };
    }
    if (method === 'GET' && path === '/users/@me') return { status: 200, data: BOT_USER };

    if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path)) && method === 'PUT') {
      const list = Array.isArray(json) ? (json as Json[]) : [];
      return { status: 200, data: list.map((c) => ({ ...c, id: snowflake(), application_id: m![1], version: snowflake(), ...(m![2] ? { guild_id: m![2] } : {}) })) };
    }

    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path)) && method === 'POST') {
      const [, interactionId, token] = m as unknown as [string, string, string];
      const type = Number(body.type);
      const data = (body.data ?? {}) as Json;
      const channelId = this.interactionChannels.get(token) ?? CHANNEL_ID;
      let message: StandinMessage | null = null;
      if (type === 4 || type === 5) {
        // 5 is "thinking…": the original exists, with the Loading flag, until it is edited.
        const flags = Number(data.flags ?? 0) | (type === 5 ? 128 : 0);
        message = this.saveMessage({ channel_id: channelId, content: type === 4 ? String(data.content ?? '') : '', flags, components: (data.components as unknown[]) ?? [], attachments: attachmentsOf(data, files), interaction: true });
        this.originals.set(token, message.id);
      }
      if (query.get('with_response') === 'true') {
        return { status: 200, data: { interaction: { id: interactionId, type: 2, activity_instance_id: null, response_message_id: message?.id ?? null, response_message_loading: type === 5, response_message_ephemeral: (Number(data.flags ?? 0) & 64) !== 0 }, resource: { type, ...(message ? { message } : {}) } } };
      }
      return { status: 204, data: undefined };
    }

    if ((m = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/.exec(path))) {
      const [, , token, which] = m as unknown as [string, string, string, string];
      const id = which === '@original' ? this.originals.get(token) : which;
      const msg = id ? this.messages.get(id) : undefined;
      if (!msg) return { status: 404, data: { message: 'Unknown Message', code: 10008 } };
      if (method === 'GET') return { status: 200, data: msg };
      if (method === 'DELETE') {
        this.messages.delete(msg.id);
        return { status: 204, data: undefined };
      }
      if (method === 'PATCH') return { status: 200, data: this.edit(msg, body, files) };
    }

    if ((m = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path)) && method === 'POST') {
      const token = m[2]!;
      const msg = this.saveMessage({ channel_id: this.interactionChannels.get(token) ?? CHANNEL_ID, content: String(body.content ?? ''), flags: Number(body.flags ?? 0), components: (body.components as unknown[]) ?? [], attachments: attachmentsOf(body, files), interaction: true });
      return { status: 200, data: msg };
    }

    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path)) && method === 'POST') {
      const [, parentId, messageId] = m as unknown as [string, string, string];
      const start = this.messages.get(messageId);
      if (!start) return { status: 404, data: { message: 'Unknown Message', code: 10008 } };
      if (start.thread) return { status: 400, data: { message: 'A thread has already been created for this message', code: 160004 } };
      // Discord gives a thread started on a message that message's id.
      const thread: GuildChannel = {
        id: messageId,
        type: 11,
        guild_id: this.channels.get(parentId)?.guild_id ?? GUILD_ID,
        parent_id: parentId,
        name: String(body.name ?? ''),
        owner_id: APP_ID,
        last_message_id: null,
        rate_limit_per_user: 0,
        message_count: 0,
        member_count: 1,
        flags: 0,
        thread_metadata: { archived: false, auto_archive_duration: Number(body.auto_archive_duration ?? 1440), archive_timestamp: new Date().toISOString(), locked: false },
      };
      this.channels.set(thread.id, thread);
      start.thread = thread;
      start.flags |= 32;
      return { status: 201, data: thread };
    }

    if ((m = /^\/channels\/(\d+)$/.exec(path)) && method === 'GET') {
      const ch = this.channels.get(m[1]!);
      return ch ? { status: 200, data: ch } : { status: 404, data: { message: 'Unknown Channel', code: 10003 } };
    }

    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path)) && method === 'POST') {
      if (!this.channels.has(m[1]!)) return { status: 404, data: { message: 'Unknown Channel', code: 10003 } };
      const msg = this.saveMessage({ channel_id: m[1]!, content: String(body.content ?? ''), flags: Number(body.flags ?? 0), components: (body.components as unknown[]) ?? [], attachments: attachmentsOf(body, files), interaction: false });
      return { status: 200, data: msg };
    }

    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) {
      const msg = this.messages.get(m[2]!);
      if (!msg || msg.channel_id !== m[1]) return { status: 404, data: { message: 'Unknown Message', code: 10008 } };
      if (method === 'GET') return { status: 200, data: msg };
      if (method === 'PATCH') return { status: 200, data: this.edit(msg, body, files) };
    }
    return null;
  }

  /** The id of an interaction's original response (its reply), for timing what reached whom. */
  originalOf(token: string): string | undefined {
    return this.originals.get(token);
  }

  /** Remembers which channel an interaction came from, so its follow-ups land there. */
  noteInteraction(token: string, channelId: string): void {
    this.interactionChannels.set(token, channelId);
  }

  private saveMessage(p: { channel_id: string; content: string; flags: number; components: unknown[]; attachments: Json[]; interaction: boolean }): StandinMessage {
    const ch = this.channels.get(p.channel_id);
    const msg: StandinMessage = {
      id: snowflake(),
      channel_id: p.channel_id,
      ...(ch ? { guild_id: ch.guild_id ?? GUILD_ID } : {}),
      author: BOT_USER,
      content: p.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: p.attachments,
      embeds: [],
      pinned: false,
      type: p.interaction ? 20 : 0,
      flags: p.flags,
      components: p.components,
      ...(p.interaction ? { webhook_id: APP_ID, application_id: APP_ID } : {}),
    };
    this.messages.set(msg.id, msg);
    return msg;
  }

  private edit(msg: StandinMessage, body: Json, files: RecordedFile[]): StandinMessage {
    if (typeof body.content === 'string') msg.content = body.content;
    if (Array.isArray(body.components)) msg.components = body.components;
    if (Array.isArray(body.attachments)) msg.attachments = attachmentsOf(body, files);
    msg.flags &= ~128;
    msg.edited_timestamp = new Date().toISOString();
    return msg;
  }
}

/** The attachments a message ends up with: the payload's `attachments` entries joined with the uploaded files[n]. */
function attachmentsOf(body: Json, files: RecordedFile[]): Json[] {
  const declared = Array.isArray(body.attachments) ? (body.attachments as Json[]) : [];
  return declared.map((a) => {
    const file = files.find((f) => f.field === `files[${String(a.id)}]`);
    const filename = String(a.filename ?? file?.filename ?? 'file');
    const id = snowflake();
    return {
      id,
      filename,
      description: a.description,
      size: file?.bytes.length ?? 0,
      url: `http://127.0.0.1/attachments/${id}/${filename}`,
      proxy_url: `http://127.0.0.1/attachments/${id}/${filename}`,
      content_type: file?.contentType || PNG_TYPES.get(filename.split('.').pop() ?? '') || 'application/octet-stream',
    };
  });
}

async function parseBody(contentType: string, body: Buffer): Promise<{ json: Json | null; files: RecordedFile[] }> {
  if (body.length === 0) return { json: null, files: [] };
  if (contentType.startsWith('application/json')) return { json: JSON.parse(body.toString('utf8')) as Json, files: [] };
  if (!contentType.startsWith('multipart/form-data')) return { json: null, files: [] };
  const form = await new Request('http://standin/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
  let json: Json | null = null;
  const files: RecordedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') json = JSON.parse(value) as Json;
    } else {
      files.push({ field, filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
  }
  return { json, files };
}

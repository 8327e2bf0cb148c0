import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Windows } from '../limits/windows.ts';

/**
 * A local stand-in for Slack's side of the wire: the Web API methods gradbot
 * calls, the file-upload URL, response_urls and, for Socket Mode,
 * apps.connections.open plus the WebSocket it hands out. It records every
 * request in order so tests can assert the sequence and the bytes.
 */
export interface ApiCall {
  kind: 'api';
  method: string;
  args: Record<string, unknown>;
  /** The token the client sent (Authorization header or token field). */
  token: string | null;
  /** What the stand-in answered. */
  status: number;
  response: Record<string, unknown>;
}

export interface UploadCall {
  kind: 'upload';
  fileId: string;
  bytes: Buffer;
}

export interface RespondCall {
  kind: 'respond';
  id: string;
  body: Record<string, unknown>;
}

/** Slack finished processing uploaded files and shared them into a channel (it does so asynchronously). */
export interface SharedCall {
  kind: 'shared';
  fileIds: string[];
  channel: string;
  threadTs: string | null;
  /** The initial_comment the files were shared with. */
  comment: string | null;
}

export type Recorded = ApiCall | UploadCall | RespondCall | SharedCall;

export interface PendingFile {
  fileId: string;
  filename: string;
  length: number;
  /** What arrived as alt_txt, the argument Slack documents; alt_text is not read. */
  altText: string | null;
  bytes: Buffer | null;
  /** Channels the file is shared into, once processed. */
  shares: string[];
}

export interface StandInOptions {
  botToken: string;
  appToken?: string;
  teamId?: string;
  botUserId?: string;
  botName?: string;
  /** How long after files.completeUploadExternal the files appear in the channel (Slack processes them asynchronously). Default 40 ms. */
  shareDelayMs?: number;
  /** Enforce Slack's rate limits (429 + Retry-After), opt-in. */
  limits?: SlackLimits;
}

/**
 * Slack's limits as the stand-in enforces them (docs/platform-limits.md says
 * which numbers are documented and which assumed). `speed` scales every
 * window so tests stay fast: speed 10 allows ten chat.postMessage a second.
 */
export interface SlackLimits {
  /** chat.postMessage per channel: 1 a second, documented; the burst of 3 is assumed. */
  postPerSec?: number;
  postBurst?: number;
  /** Per-method tiers, requests a minute (documented minimums); the burst is the minute's allowance. */
  tiers?: Partial<Record<'1' | '2' | '3' | '4', number>>;
  speed?: number;
}

/** Each Web API method gradbot calls and its documented tier ('post' is chat.postMessage's special per-channel rule). */
export const METHOD_TIERS: Record<string, '1' | '2' | '3' | '4' | 'post'> = {
  'chat.postMessage': 'post',
  'chat.postEphemeral': '4',
  'chat.update': '3',
  'conversations.open': '3',
  'files.getUploadURLExternal': '4',
  'files.completeUploadExternal': '4',
  'files.info': '4',
  'auth.test': '4',
};

const TIER_PER_MIN = { '1': 1, '2': 20, '3': 50, '4': 100 } as const;

type Fault = { kind: 'error'; error: string } | { kind: 'ratelimit'; retryAfter: number } | { kind: 'http'; status: number };

/** A workspace that can install the app through OAuth (the stand-in's oauth/v2/authorize and oauth.v2.access). */
export interface StandInWorkspace {
  teamId: string;
  teamName: string;
  enterpriseId?: string;
  /** The bot token oauth.v2.access hands out for this workspace. */
  botToken: string;
  botUserId: string;
  botId: string;
  /** Members who are admins (users.info is_admin). */
  admins?: string[];
}

/** The app's OAuth settings, as Slack holds them from the manifest. */
export interface StandInOAuthApp {
  clientId: string;
  clientSecret: string;
  /** The manifest's redirect URL: where the consent screen sends the installer. */
  redirectUrl: string;
  appId?: string;
}

/** Slack form fields that carry JSON. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'files', 'metadata']);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parseForm(raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(k)) {
      try {
        out[k] = JSON.parse(v) as unknown;
        continue;
      } catch {
        // keep the raw string: the assertion will show it
      }
    }
    out[k] = v;
  }
  return out;
}

/** The bytes of the one file part of a multipart body (how the WebClient posts to the upload URL). */
async function multipartFile(req: IncomingMessage, body: Buffer): Promise<Buffer> {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  const form = await new Request('http://standin/upload', { method: 'POST', headers, body }).formData();
  for (const [, v] of form) if (typeof v !== 'string') return Buffer.from(await v.arrayBuffer());
  throw new Error('multipart upload without a file part');
}

export class SlackStandIn extends EventEmitter {
  readonly calls: Recorded[] = [];
  /** Workspaces that may install the app; a token is live from its oauth.v2.access until revoke(). */
  private readonly workspaces = new Map<string, StandInWorkspace>();
  private readonly liveTokens = new Map<string, StandInWorkspace>();
  /** Authorization codes handed out by the consent screen, each good once. */
  private readonly codes = new Map<string, StandInWorkspace>();
  private oauthApp: StandInOAuthApp | null = null;
  /** What the consent screen was asked, in order (client_id, scope, state, team). */
  readonly authorizeRequests: URLSearchParams[] = [];
  readonly files = new Map<string, PendingFile>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private sockets = new Set<WebSocket>();
  private port = 0;
  private seq = 0;
  private tsSeq = 0;
  /** Acks received over the Socket Mode WebSocket, by envelope id. */
  readonly socketAcks = new Map<string, Record<string, unknown>>();
  /** Rate-limit bookkeeping when opts.limits is set: refusals, Retry-After violations. */
  readonly windows = new Windows();
  /** Uses of each response_url (Slack allows 5 within 30 minutes). */
  private readonly respondUses = new Map<string, number>();

  constructor(private readonly opts: StandInOptions) {
    super();
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
    this.server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/socket') return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** SLACK_API_URL for the client under test. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** The app's client id, secret and redirect URL, as the app's settings on api.slack.com hold them. */
  configureOAuth(app: StandInOAuthApp): void {
    this.oauthApp = app;
  }

  addWorkspace(w: StandInWorkspace): void {
    this.workspaces.set(w.teamId, w);
  }

  /** The workspace removed the app: its token stops working at once, as Slack's does. */
  revoke(teamId: string): void {
    for (const [token, w] of this.liveTokens) if (w.teamId === teamId) this.liveTokens.delete(token);
  }

  /** Slack's consent screen (https://slack.com/oauth/v2/authorize), for SLACK_API_URL's host. */
  get authorizeUrl(): string {
    return `http://127.0.0.1:${this.port}/oauth/v2/authorize`;
  }

  /** The API calls made with one token: what each workspace was answered with. */
  callsWithToken(token: string): ApiCall[] {
    return this.api().filter((c) => c.token === token);
  }

  /** A response_url Slack would put in a slash command or a click. */
  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.port}/respond/${encodeURIComponent(id)}`;
  }

  /** The next call of `method` answers {ok:false, error}. */
  failNext(method: string, error: string): void {
    this.pushFault(method, { kind: 'error', error });
  }

  /** The next call of `method` answers HTTP 429 with Retry-After. */
  rateLimitNext(method: string, retryAfter = 0): void {
    this.pushFault(method, { kind: 'ratelimit', retryAfter });
  }

  /** The next call of `method` answers this HTTP status (a 5xx: Slack having a bad moment). `upload` is the upload URL. */
  httpFailNext(method: string, status = 503): void {
    this.pushFault(method, { kind: 'http', status });
  }

  /** Faults queued and not yet taken. */
  get faultsPending(): number {
    return [...this.faults.values()].reduce((n, f) => n + f.length, 0);
  }

  private pushFault(method: string, f: Fault): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), f]);
  }

  api(method?: string): ApiCall[] {
    return this.calls.filter((c): c is ApiCall => c.kind === 'api' && (method === undefined || c.method === method));
  }

  /** Successful calls only: what Slack would have shown. */
  ok(method: string): ApiCall[] {
    return this.api(method).filter((c) => c.status === 200 && c.response.ok === true);
  }

  uploads(): UploadCall[] {
    return this.calls.filter((c): c is UploadCall => c.kind === 'upload');
  }

  responds(): RespondCall[] {
    return this.calls.filter((c): c is RespondCall => c.kind === 'respond');
  }

  /** Resolves once `predicate` holds over the record; rejects (naming what was seen) after `ms`. */
  waitFor<T>(what: string, predicate: () => T | undefined | false | null, ms = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const v = predicate();
        if (v === undefined || v === false || v === null) return false;
        cleanup();
        resolve(v);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}; saw: ${this.summary()}`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('recorded', check);
      };
      if (!check()) this.on('recorded', check);
    });
  }

  /** "auth.test, chat.postMessage, upload, …": for failure messages. */
  summary(): string {
    return this.calls.map((c) => (c.kind === 'api' ? `${c.method}${c.response.ok === true ? '' : `(${String(c.response.error ?? c.status)})`}` : c.kind)).join(', ');
  }

  reset(): void {
    this.calls.length = 0;
    this.faults.clear();
  }

  /** When each recorded call was answered (epoch ms), for timing a class's burst. */
  readonly times = new WeakMap<Recorded, number>();

  private record(c: Recorded): void {
    this.times.set(c, Date.now());
    this.calls.push(c);
    this.emit('recorded', c);
  }

  private send(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
    const data = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(data);
  }

  private nextTs(): string {
    this.tsSeq += 1;
    return `1700000000.${String(this.tsSeq).padStart(6, '0')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const body = await readBody(req);
    const type = req.headers['content-type'] ?? '';

    if (url.pathname.startsWith('/upload/')) {
      const up = this.faults.get('upload')?.shift();
      if (up?.kind === 'http') {
        res.writeHead(up.status, { 'content-type': 'text/plain' });
        res.end('upload failed');
        return;
      }
      const fileId = decodeURIComponent(url.pathname.slice('/upload/'.length));
      const bytes = type.startsWith('multipart/form-data') ? await multipartFile(req, body) : body;
      const f = this.files.get(fileId);
      if (f) f.bytes = bytes;
      this.record({ kind: 'upload', fileId, bytes });
      res.writeHead(f ? 200 : 404, { 'content-type': 'text/plain' });
      res.end(f ? `OK - ${bytes.length}` : 'unknown upload');
      return;
    }

    if (url.pathname === '/oauth/v2/authorize') {
      this.consent(url.searchParams, res);
      return;
    }

    if (url.pathname.startsWith('/respond/')) {
      const parsed = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      const id = url.pathname;
      const uses = (this.respondUses.get(id) ?? 0) + 1;
      this.respondUses.set(id, uses);
      if (this.opts.limits && uses > 5) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('used_url');
        return;
      }
      this.record({ kind: 'respond', id: decodeURIComponent(url.pathname.slice('/respond/'.length)), body: parsed });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }

    if (!url.pathname.startsWith('/api/')) {
      res.writeHead(404);
      res.end();
      return;
    }
    const method = url.pathname.slice('/api/'.length);
    const args = type.includes('application/json') ? (JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>) : parseForm(body.toString('utf8'));
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : null;

    const limited = this.limit(method, args);
    if (limited !== null) {
      const response = { ok: false, error: 'ratelimited' };
      this.record({ kind: 'api', method, args, token, status: 429, response });
      this.send(res, 429, response, { 'retry-after': String(limited) });
      return;
    }
    const fault = this.faults.get(method)?.shift();
    if (fault?.kind === 'ratelimit') {
      const response = { ok: false, error: 'ratelimited' };
      this.record({ kind: 'api', method, args, token, status: 429, response });
      this.send(res, 429, response, { 'retry-after': String(fault.retryAfter) });
      return;
    }
    if (fault?.kind === 'http') {
      this.record({ kind: 'api', method, args, token, status: fault.status, response: { ok: false, error: `http_${fault.status}` } });
      res.writeHead(fault.status, { 'content-type': 'text/plain' });
      res.end('Service Unavailable');
      return;
    }
    const response = fault ? { ok: false, error: fault.error } : this.answer(method, args, token);
    this.record({ kind: 'api', method, args, token, status: 200, response });
    this.send(res, 200, response);
  }

  /**
   * The consent screen: the installer (already signed in to `team`) approves,
   * and the browser is sent to the app's redirect URL with a one-time code
   * and the state it came with, as Slack does.
   */
  private consent(q: URLSearchParams, res: ServerResponse): void {
    this.authorizeRequests.push(q);
    const app = this.oauthApp;
    const w = this.workspaces.get(q.get('team') ?? '');
    if (!app || q.get('client_id') !== app.clientId || !w) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(!app || q.get('client_id') !== app.clientId ? 'invalid_client_id' : 'unknown team');
      return;
    }
    this.seq += 1;
    const code = `code-${w.teamId}-${this.seq}`;
    this.codes.set(code, w);
    const back = new URL(q.get('redirect_uri') ?? app.redirectUrl);
    back.searchParams.set('code', code);
    if (q.get('state') !== null) back.searchParams.set('state', q.get('state')!);
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  /** oauth.v2.access: the app's id and secret trade a one-time code for the workspace's bot token. */
  private exchange(args: Record<string, unknown>): Record<string, unknown> {
    const app = this.oauthApp;
    if (!app || args.client_id !== app.clientId) return { ok: false, error: 'invalid_client_id' };
    if (args.client_secret !== app.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const w = this.codes.get(String(args.code ?? ''));
    if (!w) return { ok: false, error: 'invalid_code' };
    this.codes.delete(String(args.code));
    this.liveTokens.set(w.botToken, w);
    return {
      ok: true,
      app_id: app.appId ?? 'A0GRADBOT',
      authed_user: { id: `U${w.teamId}INSTALLER` },
      scope: 'commands,chat:write,files:write,im:write,users:read',
      token_type: 'bot',
      access_token: w.botToken,
      bot_user_id: w.botUserId,
      team: { id: w.teamId, name: w.teamName },
      enterprise: w.enterpriseId ? { id: w.enterpriseId, name: 'Stand-in Grid' } : null,
      is_enterprise_install: false,
    };
  }

  /** The workspace a token belongs to: the configured single-workspace token, or one handed out by oauth.v2.access and not revoked. */
  private workspaceOf(token: string): StandInWorkspace | null {
    if (token === this.opts.botToken) {
      const teamId = this.opts.teamId ?? 'T0001';
      return { teamId, teamName: 'Stand-in', botToken: token, botUserId: this.opts.botUserId ?? 'UBOT', botId: 'BBOT', admins: this.workspaces.get(teamId)?.admins ?? [] };
    }
    return this.liveTokens.get(token) ?? null;
  }

  /** Null when the call is within the limits; else the Retry-After in whole seconds. */
  private limit(method: string, args: Record<string, unknown>): number | null {
    const l = this.opts.limits;
    if (!l) return null;
    const speed = l.speed ?? 1;
    const tier = METHOD_TIERS[method] ?? '3';
    const verdict =
      tier === 'post'
        ? this.windows.take(`post:${String(args.channel ?? '')}`, { perSec: (l.postPerSec ?? 1) * speed, burst: l.postBurst ?? 3, wholeSeconds: true })
        : this.windows.take(`tier:${method}`, { perSec: ((l.tiers?.[tier] ?? TIER_PER_MIN[tier]) / 60) * speed, burst: l.tiers?.[tier] ?? TIER_PER_MIN[tier], wholeSeconds: true });
    return verdict.ok ? null : verdict.retryAfter;
  }

  private answer(method: string, args: Record<string, unknown>, token: string | null): Record<string, unknown> {
    if (method === 'oauth.v2.access') return this.exchange(args);
    const ws = !token ? null : method === 'apps.connections.open' ? (token === this.opts.appToken ? this.workspaceOf(this.opts.botToken) : null) : this.workspaceOf(token);
    if (!token || !ws) return { ok: false, error: token ? 'invalid_auth' : 'not_authed' };
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://standin.slack.test/', team: ws.teamName, user: this.opts.botName ?? 'gradbot', team_id: ws.teamId, user_id: ws.botUserId, bot_id: ws.botId };
      case 'users.info': {
        const user = String(args.user ?? '');
        if (user === '') return { ok: false, error: 'user_not_found' };
        const admin = (ws.admins ?? []).includes(user);
        return { ok: true, user: { id: user, team_id: ws.teamId, name: user.toLowerCase(), is_admin: admin, is_owner: false, is_primary_owner: false, is_bot: false } };
      }
      case 'chat.postMessage': {
        if (typeof args.channel !== 'string' || args.channel === '') return { ok: false, error: 'channel_not_found' };
        const ts = this.nextTs();
        return { ok: true, channel: args.channel, ts, message: { type: 'message', text: args.text, ts, ...(args.thread_ts ? { thread_ts: args.thread_ts } : {}) } };
      }
      case 'chat.postEphemeral':
        if (typeof args.user !== 'string' || args.user === '') return { ok: false, error: 'user_not_in_channel' };
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(args.users ?? 'X')}` } };
      case 'files.getUploadURLExternal': {
        this.seq += 1;
        const fileId = `F${String(this.seq).padStart(6, '0')}`;
        const alt = typeof args.alt_txt === 'string' ? args.alt_txt : null;
        if (alt !== null && [...alt].length > 1000) return { ok: false, error: 'alt_txt_too_large' };
        this.files.set(fileId, { fileId, filename: String(args.filename ?? ''), length: Number(args.length ?? 0), altText: alt, bytes: null, shares: [] });
        return { ok: true, upload_url: `http://127.0.0.1:${this.port}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(args.files) ? (args.files as { id?: string; title?: string }[]) : [];
        const missing = files.find((f) => !f.id || !this.files.get(f.id)?.bytes);
        if (files.length === 0 || missing) return { ok: false, error: 'invalid_arguments' };
        const channel = typeof args.channel_id === 'string' ? args.channel_id : null;
        if (channel) {
          const ids = files.map((f) => f.id ?? '');
          const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : null;
          const comment = typeof args.initial_comment === 'string' ? args.initial_comment : null;
          setTimeout(() => {
            for (const id of ids) this.files.get(id)?.shares.push(channel);
            this.record({ kind: 'shared', fileIds: ids, channel, threadTs, comment });
          }, this.opts.shareDelayMs ?? 40);
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title, name: this.files.get(f.id ?? '')?.filename })) };
      }
      case 'files.info': {
        const f = this.files.get(String(args.file ?? ''));
        if (!f) return { ok: false, error: 'file_not_found' };
        const where = (c: string) => (c.startsWith('C') ? 'public' : 'private');
        const shares: Record<string, Record<string, unknown[]>> = {};
        for (const c of f.shares) (shares[where(c)] ??= {})[c] = [{ ts: this.nextTs() }];
        return { ok: true, file: { id: f.fileId, name: f.filename, alt_txt: f.altText, shares } };
      }
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${this.port}/socket` };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private onSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.emit('recorded', null);
    });
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
      if (msg.envelope_id) {
        this.socketAcks.set(msg.envelope_id, msg.payload ?? {});
        this.emit('recorded', null);
      }
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'standin', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0001' } }));
    this.emit('socket', ws);
  }

  /** Sends an envelope to every connected Socket Mode client; returns its envelope id. */
  sendEnvelope(type: string, payload: Record<string, unknown>): string {
    this.seq += 1;
    const envelopeId = `env-${this.seq}`;
    const frame = JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type === 'slash_commands' || type === 'interactive' });
    for (const ws of this.sockets) ws.send(frame);
    return envelopeId;
  }

  get socketCount(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

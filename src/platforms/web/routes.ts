import { clipText } from '../../format/clip.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '../../../commands/types.ts';
import type { Gradbot, QuizClosedEvent } from '../../bot.ts';
import { pathOf, sendJson, type Route } from '../../http/server.ts';
import type { Logger } from '../../log.ts';
import { allowedText, describeOptions, usageLines } from '../../params/index.ts';
import { privateText, type Reply } from '../../reply.ts';
import { securityHeaders, sendAsset, type Asset } from './assets.ts';
import type { BlobCache } from './blobs.ts';
import type { ChannelHub } from './channels.ts';
import { replyToDrafts, type WebMessage, type WebUser } from './messages.ts';
import { answerBody, channelName, commandBody, DEFAULT_CHANNEL, readJson, RequestError, sayBody } from './requests.ts';

export const CLASS_PREFIX = 'web:local:';

export interface PlaygroundState {
  bot: Gradbot;
  log: Logger;
  hub: ChannelHub;
  blobs: BlobCache;
  assets: Map<string, Asset>;
  running: () => boolean;
}

/** Where a quiz was posted, so its feedback and closing summary land in the same thread. */
interface QuizHome {
  channel: string;
  threadOf: string;
}

const MAX_QUIZ_HOMES = 2000;

function json(res: ServerResponse, status: number, body: unknown): void {
  for (const [k, v] of Object.entries(securityHeaders())) res.setHeader(k, v);
  sendJson(res, status, body);
}

function callerOf(user: WebUser, channel: string): Caller {
  return { platform: 'web', userId: user.id, userName: user.name, classId: `${CLASS_PREFIX}${channel}`, isTA: user.isTA };
}

/** Browsers send Origin on cross-site posts; only the page itself may post (JSON content-type already forces a preflight). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function commandLine(command: string, text: string): string {
  const line = `/${command}${text.trim() === '' ? '' : ` ${text.trim().replace(/\s+/g, ' ')}`}`;
  return clipText(line, 200);
}

export function playgroundRoutes(state: PlaygroundState): { route: Route; onQuizClosed: (event: QuizClosedEvent) => void } {
  const { bot, log, hub, blobs, assets } = state;
  const homes = new Map<string, QuizHome>();

  const commandList = bot.commands.map((c) => ({
    name: c.name,
    description: c.description,
    taOnly: c.taOnly,
    visibility: c.visibility,
    options: describeOptions(c.schema).map((o) => ({ ...o, allowed: allowedText(o) })),
    usage: usageLines(c.schema),
  }));

  function remember(quizId: string, home: QuizHome): void {
    homes.set(quizId, home);
    if (homes.size > MAX_QUIZ_HOMES) homes.delete(homes.keys().next().value!);
  }

  /** Posts a Reply into a channel (or only returns it, when private) as one or two page messages. */
  function publish(reply: Reply, channel: string, user: WebUser, extra: { invocation?: WebMessage['invocation']; threadOf?: string }): WebMessage[] {
    const { parent, quizChild } = replyToDrafts(reply, { blobs, caller: user, ...extra });
    const first = hub.post(channel, parent);
    const out = [first];
    if (quizChild) out.push(hub.post(channel, { ...quizChild, threadOf: first.id }));
    if (reply.quiz) {
      const threadOf = extra.threadOf ?? first.id;
      remember(reply.quiz.quizId, { channel, threadOf });
      if (reply.visibility === 'public') bot.setQuizLocation(reply.quiz.quizId, `${channel}/${threadOf}`);
    }
    return out;
  }

  async function runCommand(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req, commandBody);
    const prepared = bot.prepare(body.command, { text: body.text }, callerOf(body.user, body.channel));
    let reply: Reply;
    if (!prepared.ok) {
      reply = prepared.reply;
    } else {
      try {
        reply = await prepared.execute();
      } catch (err) {
        log.error({ err, command: body.command }, 'playground command failed');
        reply = privateText('Something went wrong running that command; the error is in the server log. Try again in a moment.');
      }
    }
    const invocation = { user: body.user, command: commandLine(body.command, body.text) };
    // The core logs each command and its outcome; the adapter adds nothing there.
    json(res, 200, { messages: publish(reply, body.channel, body.user, { invocation }) });
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req, answerBody);
    const home = homes.get(body.quizId);
    const channel = home?.channel ?? body.channel;
    const reply = await bot.answer(body.quizId, body.choice, callerOf(body.user, channel));
    const messages = publish({ ...reply, visibility: 'private' }, channel, body.user, home ? { threadOf: home.threadOf } : {});
    json(res, 200, { messages });
  }

  async function say(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req, sayBody);
    const msg = hub.post(body.channel, { author: { kind: 'user', ...body.user }, text: body.text, images: [], files: [], visibility: 'public' });
    json(res, 200, { messages: [msg] });
  }

  function channelParam(req: IncomingMessage): string {
    const raw = new URL(req.url ?? '/', 'http://localhost').searchParams.get('channel') ?? DEFAULT_CHANNEL;
    const parsed = channelName.safeParse(raw);
    if (!parsed.success) throw new RequestError(400, `bad request: channel: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    const channel = channelParam(req);
    res.writeHead(200, { ...securityHeaders(), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    if (!hub.subscribe(channel, res)) {
      res.end('event: full\ndata: {}\n\n');
    }
  }

  function blob(res: ServerResponse, id: string, download: boolean): void {
    const b = blobs.get(id);
    if (!b) {
      json(res, 404, { error: 'that picture or file is no longer kept; run the command again' });
      return;
    }
    const safeName = b.name.replace(/[^\w.-]/g, '_');
    res.writeHead(200, {
      ...securityHeaders(),
      'content-type': b.mime,
      'content-length': b.bytes.length,
      'cache-control': 'private, max-age=86400, immutable',
      ...(download ? { 'content-disposition': `attachment; filename="${safeName}"` } : {}),
    });
    res.end(b.bytes);
  }

  const POSTS: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
    '/api/command': runCommand,
    '/api/answer': answer,
    '/api/message': say,
  };

  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    const post = POSTS[path];
    if (post) {
      if (method !== 'POST') {
        res.setHeader('allow', 'POST');
        throw new RequestError(405, `${path} takes POST`);
      }
      if (!sameOrigin(req)) throw new RequestError(403, 'cross-origin requests are refused');
      await post(req, res);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      throw new RequestError(405, `${path} takes GET`);
    }
    if (path === '/api/commands') return json(res, 200, { commands: commandList });
    if (path === '/api/events') return events(req, res);
    if (path === '/api/messages') return json(res, 200, { messages: hub.history(channelParam(req)) });
    const image = /^\/api\/images\/([A-Za-z0-9_-]{16})\.png$/.exec(path);
    if (image) return blob(res, image[1]!, false);
    const file = /^\/api\/files\/([A-Za-z0-9_-]{16})\/[^/]+$/.exec(path);
    if (file) return blob(res, file[1]!, true);
    throw new RequestError(404, `no such playground API: ${path}`);
  }

  const route: Route = async (req, res) => {
    const path = pathOf(req);
    const asset = assets.get(path);
    if (!path.startsWith('/api/') && !asset) return false;
    if (!state.running()) {
      json(res, 503, { error: 'the playground is shutting down' });
      return true;
    }
    if (asset) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        json(res, 405, { error: `${path} takes GET` });
      } else sendAsset(res, asset, req.method === 'HEAD');
      return true;
    }
    try {
      await handle(req, res, path);
    } catch (err) {
      if (err instanceof RequestError) {
        // The rest of an oversized body is not read; closing the connection discards it.
        if (err.status === 413) res.setHeader('connection', 'close');
        if (!res.headersSent) json(res, err.status, { error: err.message });
        return true;
      }
      log.error({ err, path }, 'playground request failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error; see the server log' });
      else res.end();
    }
    return true;
  };

  function onQuizClosed(event: QuizClosedEvent): void {
    if (event.platform !== 'web' || !state.running() || !event.classId.startsWith(CLASS_PREFIX)) return;
    const fromClass = event.classId.slice(CLASS_PREFIX.length);
    const [channel, parentId] = event.location?.split('/') ?? [fromClass, undefined];
    const ch = channel && channelName.safeParse(channel).success ? channel : fromClass;
    const parent = parentId ? hub.find(ch, parentId) : null;
    hub.closeQuiz(ch, event.quizId);
    const { parent: draft } = replyToDrafts({ ...event.summary, visibility: 'public' }, { blobs, caller: { id: '', name: '', isTA: false }, ...(parent ? { threadOf: parent.id } : {}) });
    hub.post(ch, draft);
    homes.delete(event.quizId);
  }

  return { route, onQuizClosed };
}

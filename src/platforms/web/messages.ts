import type { Reply } from '../../reply.ts';
import type { BlobCache } from './blobs.ts';

/** Who a message is from or for, as the name box on the page says. */
export interface WebUser {
  id: string;
  name: string;
  isTA: boolean;
}

export interface WebImage {
  url: string;
  alt: string;
  width: number;
  height: number;
  name: string;
}

export interface WebFile {
  url: string;
  name: string;
  mime: string;
  size: number;
}

export interface WebQuiz {
  quizId: string;
  question: string;
  choices: string[];
  closesAt: number;
  closed: boolean;
}

/**
 * One message in the playground's channel, as the page draws it: the Reply
 * with its bytes swapped for URLs. Text stays markdown-ish; the page escapes it.
 */
export interface WebMessage {
  /** Unique across restarts, so a quiz location from an earlier run never points at a new message. */
  id: string;
  /** Order of publication; the SSE event id. */
  seq: number;
  channel: string;
  at: number;
  author: { kind: 'bot' } | ({ kind: 'user' } & WebUser);
  /** The slash command that produced this reply, shown like a chat app's "ada used /explode w=500". */
  invocation?: { user: WebUser; command: string };
  text: string;
  images: WebImage[];
  files: WebFile[];
  quiz?: WebQuiz;
  visibility: 'public' | 'private';
  /** For a private message: whose it is (the page hides it from the other names). */
  to?: string;
  /** This message starts a thread with this name. */
  thread?: { name: string };
  /** The message whose thread this one is in. */
  threadOf?: string;
}

export type MessageDraft = Omit<WebMessage, 'id' | 'seq' | 'channel' | 'at'>;

export interface ConvertContext {
  blobs: BlobCache;
  /** Who sees a private reply. */
  caller: WebUser;
  invocation?: { user: WebUser; command: string };
  threadOf?: string;
}

/**
 * A Reply as the page's messages. With a thread the quiz goes into it as a
 * second message (the chat apps' shape); without one it stays inline.
 */
export function replyToDrafts(reply: Reply, ctx: ConvertContext): { parent: MessageDraft; quizChild: MessageDraft | null } {
  const images = (reply.images ?? []).map((img) => ({
    url: `/api/images/${ctx.blobs.put({ bytes: img.png, mime: 'image/png', name: img.name })}.png`,
    alt: img.alt,
    width: img.width,
    height: img.height,
    name: img.name,
  }));
  const files = (reply.files ?? []).map((f) => ({
    url: `/api/files/${ctx.blobs.put({ bytes: f.content, mime: f.mime, name: f.name })}/${encodeURIComponent(f.name)}`,
    name: f.name,
    mime: f.mime,
    size: f.content.length,
  }));
  const quiz: WebQuiz | undefined = reply.quiz ? { ...reply.quiz, choices: [...reply.quiz.choices], closed: false } : undefined;
  const base = {
    author: { kind: 'bot' } as const,
    visibility: reply.visibility,
    ...(reply.visibility === 'private' ? { to: ctx.caller.id } : {}),
  };
  const threaded = reply.thread !== undefined && ctx.threadOf === undefined;
  const parent: MessageDraft = {
    ...base,
    ...(ctx.invocation ? { invocation: ctx.invocation } : {}),
    text: reply.text,
    images,
    files,
    ...(ctx.threadOf !== undefined ? { threadOf: ctx.threadOf } : {}),
    ...(threaded ? { thread: { name: reply.thread!.name } } : {}),
    ...(quiz && !threaded ? { quiz } : {}),
  };
  const quizChild: MessageDraft | null = quiz && threaded ? { ...base, text: '', images: [], files: [], quiz } : null;
  return { parent, quizChild };
}

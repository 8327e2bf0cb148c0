import { clipText } from './format/clip.ts';

/**
 * The one message model. Commands return a Reply; each platform adapter
 * (src/platforms/*) translates it and adds nothing of its own.
 */
export interface ReplyImage {
  /** File name with extension, e.g. "breakdown.png". */
  name: string;
  png: Buffer;
  /** One sentence for screen readers (Discord description, Slack alt_txt, HTML alt). */
  alt: string;
  width: number;
  height: number;
}

export interface ReplyFile {
  name: string;
  content: Buffer;
  mime: string;
}

export interface ReplyQuiz {
  quizId: string;
  question: string;
  /** 3 to 5 choices, shown as buttons labelled A, B, C… followed by the text. */
  choices: string[];
  /** Epoch milliseconds when answers stop being taken. */
  closesAt: number;
}

export type Visibility = 'public' | 'private';

export interface Reply {
  /** Markdown-ish: **bold**, `code`, line breaks. User text in it is already clipped. */
  text: string;
  images?: ReplyImage[];
  files?: ReplyFile[];
  quiz?: ReplyQuiz;
  visibility: Visibility;
  /**
   * Start a thread on this reply, named so; the quiz (and, on Slack, the images)
   * go into it. Where a thread can't be started the adapter posts inline.
   */
  thread?: { name: string };
}

export function privateText(text: string): Reply {
  return { text, visibility: 'private' };
}

export function publicText(text: string): Reply {
  return { text, visibility: 'public' };
}

/** Button ids carry only the quiz id and the choice index; all else comes from the store. */
export const QUIZ_BUTTON_PREFIX = 'quiz';

export function quizButtonId(quizId: string, choice: number): string {
  return `${QUIZ_BUTTON_PREFIX}:${quizId}:${choice}`;
}

export function parseQuizButtonId(id: string): { quizId: string; choice: number } | null {
  const m = /^quiz:([A-Za-z0-9_-]{1,64}):(\d)$/.exec(id);
  return m ? { quizId: m[1]!, choice: Number(m[2]) } : null;
}

/** Thread names are 1-100 characters on Discord. */
export function threadName(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return clipText(t, 100) || 'gradbot';
}

import type { Caller, Command } from '../commands/types.ts';
import type { ParamInput } from './params/index.ts';
import type { Reply } from './reply.ts';

/** Where an adapter posted a quiz, so the closing summary can go to the same thread. Opaque to the core. */
export type QuizLocation = string;

/**
 * The channel a class lives in (a class id is platform:workspace:channel).
 * Where a summary goes when its quiz's own place was never recorded: the
 * process stopped (a SIGKILL, a crash) between posting the quiz and storing
 * its location, or before posting it at all.
 */
export function classChannelOf(classId: string): string | null {
  const channel = classId.split(':')[2];
  return channel && channel !== 'unknown' ? channel : null;
}

export interface QuizClosedEvent {
  quizId: string;
  platform: Caller['platform'];
  classId: string;
  location: QuizLocation | null;
  /** The summary for the thread: how many answered, the share correct, the right answer and why. */
  summary: Reply;
}

export type Prepared = { ok: false; reply: Reply } | { ok: true; visibility: Reply['visibility']; execute: () => Promise<Reply> };

/**
 * The platform-neutral core every adapter (Discord, Slack, playground, CLI)
 * talks to. Adapters translate; everything else happens behind this.
 */
export interface Gradbot {
  readonly commands: readonly Command[];
  /**
   * The acknowledgement path: find the command, check TA rights, parse and
   * validate. Fast and synchronous; never throws. An error is a private Reply.
   */
  prepare(commandName: string, input: ParamInput, caller: Caller): Prepared;
  /** A quiz button: answers privately, records the answer once. Never throws. */
  answer(quizId: string, choice: number, caller: Caller): Promise<Reply>;
  /** The adapter says where it posted a quiz (a thread id, a channel + ts). */
  setQuizLocation(quizId: string, location: QuizLocation): void;
  /** Called when a quiz closes (timer or TA); the adapter posts event.summary at event.location. */
  onQuizClosed(listener: (event: QuizClosedEvent) => void | Promise<void>): void;
  close(): Promise<void>;
}

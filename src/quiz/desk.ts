import { clipText } from '../format/clip.ts';
import { randomBytes } from 'node:crypto';
import { privateText, publicText, type Reply, type ReplyQuiz } from '../reply.ts';
import type { QuizRecord, ReviewChange, Store } from '../store/types.ts';
import { hashSeed } from './prng.ts';
import { reshuffle } from './generate.ts';
import { letter, type Question } from './types.ts';

/**
 * The quiz lifecycle: open (stored, with its closing time), answer once,
 * close on time or on a TA's word, and the summary for the thread. Timers are
 * rebuilt from the store by start(), so a restart still closes every open
 * quiz on time, and an overdue one at once.
 */

/** Who is answering or asking; the adapters' Caller fits this shape. */
export interface Participant {
  platform: string;
  userId: string;
  userName: string;
  classId: string;
}

export interface QuizPolicy {
  /** Minutes a quiz stays open when the class has no setting of its own. */
  defaultMinutes: number;
  /** A missed question comes back to that student after this long… */
  reviewDelayMs: number;
  /** …or after this many other answers, whichever comes first. */
  reviewAfterAnswers: number;
  pointsPerCorrect: number;
}

export const DEFAULT_POLICY: QuizPolicy = {
  defaultMinutes: 10,
  reviewDelayMs: 10 * 60_000,
  reviewAfterAnswers: 3,
  pointsPerCorrect: 1,
};

export const MIN_QUIZ_MINUTES = 1;
export const MAX_QUIZ_MINUTES = 24 * 60;

export interface QuizClosed {
  quiz: QuizRecord;
  summary: Reply;
}

export interface DeskLog {
  error(obj: object, msg: string): void;
}

export interface QuizDeskOptions {
  store: Store;
  now(): number;
  policy?: Partial<QuizPolicy>;
  log?: DeskLog;
  /** Quiz ids; tests may pin them. */
  newId?: () => string;
}

export interface OpenRequest {
  question: Question;
  by: Participant;
  seed: number;
  reviewOf?: string | null;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * 12 letters and digits (about 71 bits): button ids `quiz:<id>:<n>` stay far below
 * Discord's 100, and no id starts with `-`, which the CSV export would have to
 * guard as a spreadsheet formula and so print differently from the id TAs type.
 */
export function newQuizId(): string {
  let id = '';
  while (id.length < 12) {
    for (const byte of randomBytes(16)) {
      // 248 = 4 x 62: dropping the top 8 byte values keeps every character equally likely.
      if (byte < 248 && id.length < 12) id += ID_ALPHABET[byte % ID_ALPHABET.length];
    }
  }
  return id;
}

/** setTimeout's longest delay; longer waits re-arm. */
const MAX_DELAY = 2 ** 31 - 1;

const clip = (s: string, n: number) => clipText(s, n);

export class QuizDesk {
  readonly policy: QuizPolicy;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly listeners: ((e: QuizClosed) => void)[] = [];
  private readonly newId: () => string;
  private stopped = false;

  constructor(private readonly opts: QuizDeskOptions) {
    this.policy = { ...DEFAULT_POLICY, ...opts.policy };
    this.newId = opts.newId ?? newQuizId;
  }

  get store(): Store {
    return this.opts.store;
  }

  private now(): number {
    return this.opts.now();
  }

  /** Arms a timer for every open quiz in the store; overdue ones close on the next tick. */
  start(): void {
    this.stopped = false;
    for (const q of this.store.openQuizzes()) this.arm(q.id, q.closesAt);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  onClosed(listener: (e: QuizClosed) => void): void {
    this.listeners.push(listener);
  }

  minutesFor(classId: string): number {
    return this.store.getClassSettings(classId).quizMinutes ?? this.policy.defaultMinutes;
  }

  setMinutes(classId: string, minutes: number | null): void {
    this.store.setClassSettings(classId, { quizMinutes: minutes });
  }

  open(req: OpenRequest): QuizRecord {
    const now = this.now();
    const q = req.question;
    const record: QuizRecord = {
      id: this.newId(),
      classId: req.by.classId,
      platform: req.by.platform,
      kind: q.kind,
      topic: q.topic,
      question: q.question,
      choices: q.choices,
      answer: q.answer,
      explanation: q.explanation,
      seed: req.seed,
      reviewOf: req.reviewOf ?? null,
      createdBy: req.by.userId,
      createdAt: now,
      closesAt: now + Math.round(this.minutesFor(req.by.classId) * 60_000),
      closedAt: null,
      location: null,
    };
    this.store.createQuiz(record);
    this.arm(record.id, record.closesAt);
    return record;
  }

  static replyQuiz(q: QuizRecord): ReplyQuiz {
    return { quizId: q.id, question: q.question, choices: [...q.choices], closesAt: q.closesAt };
  }

  /**
   * The caller's oldest missed question that is due again, re-asked with its
   * choices in a new order; null when none is due. Serving it pushes the
   * review back, so asking twice does not serve it twice.
   */
  takeReview(who: Participant): { question: Question; rootQuizId: string; seed: number } | null {
    const due = this.store.dueReview(who.classId, who.userId, this.now());
    if (!due) return null;
    const root = this.store.getQuiz(due.rootQuizId);
    if (!root) return null;
    const answered = this.store.rankOf(who.classId, who.userId)?.answered ?? 0;
    this.store.snoozeReview(who.classId, who.userId, root.id, this.now() + this.policy.reviewDelayMs, answered + this.policy.reviewAfterAnswers);
    const seed = hashSeed(root.id, who.userId, answered);
    const q = reshuffle(
      { kind: root.kind as Question['kind'], topic: root.topic as Question['topic'], question: root.question, choices: root.choices, answer: root.answer, explanation: root.explanation },
      seed,
    );
    return { question: q, rootQuizId: root.id, seed };
  }

  /**
   * A click: recorded once, answered privately with the explanation. The
   * score goes to the quiz's class, whatever channel or thread the click came from.
   */
  answer(quizId: string, choice: number, who: Participant): Reply {
    const quiz = this.store.getQuiz(quizId);
    if (!quiz) return privateText('Unknown or expired quiz.');
    if (!Number.isInteger(choice) || choice < 0 || choice >= quiz.choices.length) return privateText("That choice isn't on this quiz.");
    const now = this.now();
    const previous = this.store.getAnswer(quizId, who.userId);
    if (previous) return privateText(`You already answered **${letter(previous.choice)}**; one answer per person.`);
    if (quiz.closedAt !== null || now >= quiz.closesAt) {
      // A late timer: close it now so the summary goes out.
      if (quiz.closedAt === null) this.close(quizId);
      return privateText('This quiz is closed; the answer is in the summary.');
    }
    const correct = choice === quiz.answer;
    const root = quiz.reviewOf ?? quiz.id;
    const classId = quiz.classId;
    const before = this.store.rankOf(classId, who.userId);
    const review: ReviewChange = correct
      ? { op: 'clear', rootQuizId: root }
      : { op: 'add', rootQuizId: root, dueAt: now + this.policy.reviewDelayMs, afterAnswers: (before?.answered ?? 0) + 1 + this.policy.reviewAfterAnswers };
    const r = this.store.recordAnswer({
      quizId,
      classId,
      userId: who.userId,
      userName: who.userName,
      choice,
      correct,
      answeredAt: now,
      points: this.policy.pointsPerCorrect,
      review,
    });
    if (r.status === 'duplicate') return privateText(`You already answered **${letter(r.existing.choice)}**; one answer per person.`);
    if (r.status === 'closed') return privateText('This quiz is closed; the answer is in the summary.');
    const right = `**${letter(quiz.answer)}**: ${quiz.choices[quiz.answer]}`;
    const explanation = clip(quiz.explanation, 900);
    if (correct) {
      const streak = this.store.rankOf(classId, who.userId)?.streak ?? 1;
      const streakNote = streak > 1 ? ` Streak: ${streak} in a row.` : '';
      return privateText(`Correct! ${right}.${streakNote}\n${explanation}`);
    }
    return privateText(`Not quite: the answer is ${right} (you chose **${letter(choice)}**). It will come back to you for review.\n${explanation}`);
  }

  /** Closes a quiz now; the closing event goes to the listeners. Null when unknown or already closed. */
  close(quizId: string): QuizClosed | null {
    this.disarm(quizId);
    if (!this.store.closeQuiz(quizId, this.now())) return null;
    const quiz = this.store.getQuiz(quizId);
    if (!quiz) return null;
    const event = { quiz, summary: this.summary(quiz) };
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (e) {
        this.opts.log?.error({ err: e, quizId }, 'quiz-closed listener failed');
      }
    }
    return event;
  }

  /** The closing summary: how many answered, the share correct, the right answer and why. */
  summary(quiz: QuizRecord): Reply {
    const answers = this.store.answersOf(quiz.id);
    const n = answers.length;
    const right = answers.filter((a) => a.correct).length;
    const counts = quiz.choices.map((_, i) => `${letter(i)} ${answers.filter((a) => a.choice === i).length}`).join(' · ');
    const who = n === 0 ? 'Nobody answered.' : `${n} answered, ${Math.round((100 * right) / n)}% correct (${counts}).`;
    return publicText(
      [
        `**Quiz closed.** ${clip(quiz.question, 400)}`,
        who,
        `The answer: **${letter(quiz.answer)}**: ${quiz.choices[quiz.answer]}`,
        clip(quiz.explanation, 900),
      ].join('\n'),
    );
  }

  private arm(quizId: string, closesAt: number): void {
    if (this.stopped) return;
    this.disarm(quizId);
    const delay = Math.max(0, closesAt - this.now());
    const t = setTimeout(() => {
      this.timers.delete(quizId);
      if (delay > MAX_DELAY) return this.arm(quizId, closesAt);
      try {
        this.close(quizId);
      } catch (e) {
        // A throw here would be an uncaught exception in a timer and take the process down.
        this.opts.log?.error({ err: e, quizId }, 'closing a quiz on time failed');
      }
    }, Math.min(delay, MAX_DELAY));
    // A pending quiz must not keep a finished process (a test, the CLI) alive.
    t.unref();
    this.timers.set(quizId, t);
  }

  private disarm(quizId: string): void {
    const t = this.timers.get(quizId);
    if (t) clearTimeout(t);
    this.timers.delete(quizId);
  }

  /** Pending timers, for tests and health checks. */
  get armed(): number {
    return this.timers.size;
  }
}

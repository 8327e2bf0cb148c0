import { clipText } from '../format/clip.ts';
import { randomBytes } from 'node:crypto';
import { privateText, publicText, type Reply, type ReplyQuiz } from '../reply.ts';
import type { AnswerRecord, QuizRecord, ReviewChange, Store } from '../store/types.ts';
import { hashSeed } from './prng.ts';
import { reshuffle } from './generate.ts';
import { letter, type Question } from './types.ts';

/**
 * The quiz lifecycle: open (stored, with its closing time), answer once,
 * close on time or on a TA's word, and the summary for the thread. Timers are
 * rebuilt from the store by start(), so a restart still closes every open
 * quiz on time, and an overdue one at once; a sweep every few seconds arms
 * quizzes other instances opened, so a quiz closes on time even when the
 * instance that opened it is gone. Every instance may fire the same quiz's
 * timer: the store lets exactly one of them close it, and only that one
 * announces the summary. Each close carries this desk's token for the quiz,
 * kept across retries until the outcome is known, so a close whose COMMIT
 * was applied but never acknowledged (a connection cut at that moment)
 * recognises itself on the retry and still announces the summary.
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
  /** Answers the summary counted. */
  answered: number;
}

export interface DeskLog {
  error(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

/** How a click ended, for the log line (the Reply says it to the student). */
export type AnswerOutcome = 'correct' | 'wrong' | 'already' | 'closed' | 'unknown-quiz' | 'bad-choice';

export interface QuizDeskOptions {
  store: Store;
  now(): number;
  policy?: Partial<QuizPolicy>;
  log?: DeskLog;
  /** Quiz ids; tests may pin them. */
  newId?: () => string;
  /** How often (ms) to look for open quizzes this instance has no timer for; default 10 000, 0 turns it off. */
  sweepMs?: number;
  /** Close tokens (each names one close of one quiz by this desk); default: random per desk, then a counter. */
  newCloseToken?: () => string;
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

/**
 * Close tokens: 96 random bits per desk (another instance's tokens never
 * collide with these) and a counter (no two closes of this desk share one).
 */
function closeTokens(): () => string {
  const desk = randomBytes(12).toString('base64url');
  let n = 0;
  return () => `${desk}.${++n}`;
}

/** setTimeout's longest delay; longer waits re-arm. */
const MAX_DELAY = 2 ** 31 - 1;
const SWEEP_MS = 10_000;
/** A close that failed (the database unreachable) is retried after 1 s, 2 s, 4 s… up to this. */
const RETRY_MAX_MS = 30_000;

const clip = (s: string, n: number) => clipText(s, n);

export class QuizDesk {
  readonly policy: QuizPolicy;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly listeners: ((e: QuizClosed) => void)[] = [];
  private readonly newId: () => string;
  private readonly failures = new Map<string, number>();
  /** The token of a close whose outcome is not known yet (it failed, or its summary is not out); reused by the retry. */
  private readonly closers = new Map<string, string>();
  /** Closes in flight on this desk: a second caller must not run its own with the same token (both would win). */
  private readonly closing = new Map<string, Promise<QuizClosed | null>>();
  private readonly newCloseToken: () => string;
  private sweeper: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly opts: QuizDeskOptions) {
    this.policy = { ...DEFAULT_POLICY, ...opts.policy };
    this.newId = opts.newId ?? newQuizId;
    this.newCloseToken = opts.newCloseToken ?? closeTokens();
  }

  get store(): Store {
    return this.opts.store;
  }

  private now(): number {
    return this.opts.now();
  }

  /**
   * Arms a timer for every open quiz in the store (overdue ones close on the
   * next tick) and starts the sweep; resolves with the quizzes found open.
   */
  async start(): Promise<QuizRecord[]> {
    this.stopped = false;
    const open = await this.store.openQuizzes();
    if (this.stopped) return open;
    for (const q of open) this.arm(q.id, q.closesAt);
    const every = this.opts.sweepMs ?? SWEEP_MS;
    if (every > 0 && !this.sweeper) {
      this.sweeper = setInterval(() => void this.sweep(), every);
      this.sweeper.unref();
    }
    return open;
  }

  /** Arms the open quizzes this instance has no timer for: ones another instance opened. */
  async sweep(): Promise<void> {
    try {
      const open = await this.store.openQuizzes();
      for (const q of open) if (!this.timers.has(q.id) && !this.failures.has(q.id)) this.arm(q.id, q.closesAt);
    } catch (e) {
      this.opts.log?.error({ err: e }, 'looking for open quizzes failed; trying again at the next sweep');
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.failures.clear();
    this.closers.clear();
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  onClosed(listener: (e: QuizClosed) => void): void {
    this.listeners.push(listener);
  }

  /** Read from the store every time, never cached: a TA's setting on one instance holds on all of them. */
  async minutesFor(classId: string): Promise<number> {
    return (await this.store.getClassSettings(classId)).quizMinutes ?? this.policy.defaultMinutes;
  }

  async setMinutes(classId: string, minutes: number | null): Promise<void> {
    await this.store.setClassSettings(classId, { quizMinutes: minutes });
  }

  async open(req: OpenRequest): Promise<QuizRecord> {
    const minutes = await this.minutesFor(req.by.classId);
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
      closesAt: now + Math.round(minutes * 60_000),
      closedAt: null,
      location: null,
    };
    await this.store.createQuiz(record);
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
  async takeReview(who: Participant): Promise<{ question: Question; rootQuizId: string; seed: number } | null> {
    const now = this.now();
    const taken = await this.store.takeReview(who.classId, who.userId, now, now + this.policy.reviewDelayMs, this.policy.reviewAfterAnswers);
    if (!taken) return null;
    const root = await this.store.getQuiz(taken.rootQuizId);
    if (!root) return null;
    const answered = taken.answered;
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
  async answer(quizId: string, choice: number, who: Participant): Promise<{ reply: Reply; outcome: AnswerOutcome }> {
    const quiz = await this.store.getQuiz(quizId);
    if (!quiz) return { reply: privateText('Unknown or expired quiz.'), outcome: 'unknown-quiz' };
    const already = (a: { choice: number }) => ({ reply: privateText(`You already answered **${letter(a.choice)}**; one answer per person.`), outcome: 'already' as const });
    const closed = { reply: privateText('This quiz is closed; the answer is in the summary.'), outcome: 'closed' as const };
    if (!Number.isInteger(choice) || choice < 0 || choice >= quiz.choices.length) return { reply: privateText("That choice isn't on this quiz."), outcome: 'bad-choice' };
    const now = this.now();
    if (quiz.closedAt !== null || now >= quiz.closesAt) {
      const previous = await this.store.getAnswer(quizId, who.userId);
      if (previous) return already(previous);
      // A late timer: close it now so the summary goes out.
      if (quiz.closedAt === null) await this.close(quizId);
      return closed;
    }
    const correct = choice === quiz.answer;
    const root = quiz.reviewOf ?? quiz.id;
    const review: ReviewChange = correct
      ? { op: 'clear', rootQuizId: root }
      : { op: 'add', rootQuizId: root, dueAt: now + this.policy.reviewDelayMs, afterMore: this.policy.reviewAfterAnswers };
    // The store decides, in one transaction: a duplicate (this click on another instance too) or a closed quiz loses here.
    const r = await this.store.recordAnswer({
      quizId,
      classId: quiz.classId,
      userId: who.userId,
      userName: who.userName,
      choice,
      correct,
      answeredAt: now,
      points: this.policy.pointsPerCorrect,
      review,
    });
    if (r.status === 'duplicate') return already(r.existing);
    if (r.status === 'closed') return closed;
    const right = `**${letter(quiz.answer)}**: ${quiz.choices[quiz.answer]}`;
    const explanation = clip(quiz.explanation, 900);
    if (correct) {
      const streak = r.score.streak;
      const streakNote = streak > 1 ? ` Streak: ${streak} in a row.` : '';
      return { reply: privateText(`Correct! ${right}.${streakNote}\n${explanation}`), outcome: 'correct' };
    }
    return { reply: privateText(`Not quite: the answer is ${right} (you chose **${letter(choice)}**). It will come back to you for review.\n${explanation}`), outcome: 'wrong' };
  }

  /**
   * Closes a quiz now; the closing event goes to the listeners. Null when
   * unknown or already closed (by a TA, a timer, or another instance, or by
   * a close of this desk still in flight, which announces it). When it
   * fails (the database unreachable) it throws, and a retry is armed with
   * backoff whoever called: the failed attempt may have closed the quiz, and
   * only its retry, holding the same token, can still announce the summary.
   */
  async close(quizId: string): Promise<QuizClosed | null> {
    const running = this.closing.get(quizId);
    if (running) return running.then(() => null);
    const attempt = this.closeOnce(quizId).finally(() => this.closing.delete(quizId));
    this.closing.set(quizId, attempt);
    return attempt;
  }

  private async closeOnce(quizId: string): Promise<QuizClosed | null> {
    this.disarm(quizId);
    let token = this.closers.get(quizId);
    if (token === undefined) {
      token = this.newCloseToken();
      this.closers.set(quizId, token);
    }
    try {
      if (!(await this.store.closeQuiz(quizId, this.now(), token))) {
        this.closers.delete(quizId);
        this.failures.delete(quizId);
        return null;
      }
      const quiz = await this.store.getQuiz(quizId);
      const answers = quiz ? await this.store.answersOf(quiz.id) : [];
      // Announced: from here a retry must lose, so the token is spent (a later close gets a new one).
      this.closers.delete(quizId);
      this.failures.delete(quizId);
      if (!quiz) return null;
      const event = { quiz, summary: this.summaryOf(quiz, answers), answered: answers.length };
      for (const l of this.listeners) {
        try {
          l(event);
        } catch (e) {
          this.opts.log?.error({ err: e, quizId }, 'quiz-closed listener failed');
        }
      }
      return event;
    } catch (e) {
      this.retryClose(quizId, e);
      throw e;
    }
  }

  /** Arms the next try of a failed close: after 1 s, 2 s, 4 s… up to RETRY_MAX_MS. */
  private retryClose(quizId: string, err: unknown): void {
    const n = (this.failures.get(quizId) ?? 0) + 1;
    this.failures.set(quizId, n);
    const wait = Math.min(RETRY_MAX_MS, 1000 * 2 ** (n - 1));
    this.opts.log?.error({ err, quizId, attempt: n, retry_ms: wait }, 'closing a quiz failed; retrying');
    this.arm(quizId, this.now() + wait);
  }

  /** The closing summary: how many answered, the share correct, the right answer and why. */
  async summary(quiz: QuizRecord): Promise<Reply> {
    return this.summaryOf(quiz, await this.store.answersOf(quiz.id));
  }

  private summaryOf(quiz: QuizRecord, answers: readonly AnswerRecord[]): Reply {
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
      this.close(quizId).then(
        (closed) => {
          // Every instance arms every quiz; the others' timers find it closed. Said, so an operator can see both fired.
          if (!closed) this.opts.log?.info?.({ quiz: quizId }, 'quiz timer fired; another instance had closed it');
        },
        // close() has logged the failure and armed its retry; a rejection left unhandled would end the process.
        () => undefined,
      );
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

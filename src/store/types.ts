/**
 * What the teaching loop keeps: quizzes, answers, scores, class settings, the
 * spaced-review queue and the per-user command cooldown. Asynchronous because
 * the PostgreSQL driver is; the SQLite store answers at once. Every guarantee
 * (one answer per student, one close per quiz, no lost score update, one
 * cooldown per user) is decided inside the database, in one statement or one
 * transaction, so it holds across any number of gradbot processes sharing it.
 * Timestamps are epoch milliseconds from Services.now().
 */

import type { TenancyStore } from './tenancy.ts';

/**
 * The database cannot be reached (refused, reset, timed out, restarting).
 * Callers answer "try again" rather than a generic failure; the store itself
 * has already retried what was safe to retry.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

export interface NewQuiz {
  id: string;
  classId: string;
  platform: string;
  /** The question generator's kind, e.g. "run-update", "concept-xavier". */
  kind: string;
  topic: string;
  question: string;
  choices: string[];
  /** Index of the right choice; never sent to a client, looked up at answer time. */
  answer: number;
  explanation: string;
  seed: number;
  /** Set when this quiz re-asks a missed question: the id of the quiz first asked. */
  reviewOf: string | null;
  createdBy: string;
  createdAt: number;
  closesAt: number;
}

export interface QuizRecord extends NewQuiz {
  closedAt: number | null;
  location: string | null;
}

export interface AnswerRecord {
  quizId: string;
  userId: string;
  userName: string;
  choice: number;
  correct: boolean;
  answeredAt: number;
}

/** How the answer changes the caller's review queue, decided by the quiz policy, applied in the same transaction. */
export type ReviewChange =
  /** Due at dueAt, or once the student has given afterMore further answers (counted in the database). */
  | { op: 'add'; rootQuizId: string; dueAt: number; afterMore: number }
  | { op: 'clear'; rootQuizId: string }
  | null;

export interface NewAnswer {
  quizId: string;
  classId: string;
  userId: string;
  userName: string;
  choice: number;
  correct: boolean;
  answeredAt: number;
  /** Points added to the score when correct. */
  points: number;
  review: ReviewChange;
}

export type RecordResult =
  /** The score row as this answer left it (read in the same transaction). */
  | { status: 'recorded'; score: ScoreRow }
  | { status: 'duplicate'; existing: AnswerRecord }
  /** Unknown quiz, closed, or past its closing time. */
  | { status: 'closed' };

export interface ScoreRow {
  classId: string;
  userId: string;
  userName: string;
  points: number;
  answered: number;
  correct: number;
  /** Consecutive correct answers up to the latest one. */
  streak: number;
  bestStreak: number;
  /** When the latest correct answer was given; null before the first. Breaks ties on the leaderboard. */
  lastCorrectAt: number | null;
}

export interface RankedScore extends ScoreRow {
  /** 1-based position in the leaderboard order. */
  rank: number;
}

export interface ClassSettings {
  /** Minutes a quiz stays open; null: the bot's default. */
  quizMinutes: number | null;
}

/** One row of the CSV export: an answer with its quiz. */
export interface ExportRow extends AnswerRecord {
  question: string;
  choices: string[];
}

export interface DueReview {
  rootQuizId: string;
  dueAt: number;
  afterAnswers: number;
}

/** A review served by takeReview: which quiz to re-ask, and how many answers the student had given then. */
export interface TakenReview {
  rootQuizId: string;
  answered: number;
}

export type StoreEngine = 'sqlite' | 'postgres';

/** Installations, OAuth states and TAs (src/store/tenancy.ts): one gradbot for many workspaces and servers. */
export interface Store extends TenancyStore {
  readonly engine: StoreEngine;
  createQuiz(q: NewQuiz): Promise<void>;
  getQuiz(id: string): Promise<QuizRecord | null>;
  /** Every quiz not yet closed, oldest closing first: what to schedule at startup. */
  openQuizzes(): Promise<QuizRecord[]>;
  /** The open quiz of a class created last, for a TA's "close the quiz now". */
  latestOpenQuiz(classId: string): Promise<QuizRecord | null>;
  /** How many quizzes a class has had; a counter for deterministic seeds. */
  quizCount(classId: string): Promise<number>;
  setQuizLocation(id: string, location: string): Promise<void>;
  /**
   * Marks the quiz closed by `token`. True for the call that closed it, and
   * again for a later call with the same token (a retry of a close whose
   * COMMIT was cut off, so the caller cannot know it had won); false when it
   * is unknown or was closed with another token (another instance, a TA
   * elsewhere). Safe to race, across processes too: one token wins. A token
   * names one closer of one quiz: reusing it after a win would win again.
   */
  closeQuiz(id: string, at: number, token: string): Promise<boolean>;

  /**
   * Records one answer and updates the score and review queue, atomically.
   * A second answer by the same user to the same quiz is refused by a UNIQUE
   * constraint, so two clicks in the same millisecond count once; the score
   * is updated in SQL (points = points + 1), never read and written back.
   */
  recordAnswer(a: NewAnswer): Promise<RecordResult>;
  getAnswer(quizId: string, userId: string): Promise<AnswerRecord | null>;
  answersOf(quizId: string): Promise<AnswerRecord[]>;
  /** All answers in a class, oldest first, with their quiz. */
  exportAnswers(classId: string): Promise<ExportRow[]>;

  /** The class's scores in leaderboard order: points desc, then earliest last correct answer, then name, then id. */
  leaderboard(classId: string, limit: number): Promise<RankedScore[]>;
  rankOf(classId: string, userId: string): Promise<RankedScore | null>;
  /** Deletes the class's scores and review queue (answers stay for the export); returns the rows removed. */
  resetScores(classId: string): Promise<number>;

  getClassSettings(classId: string): Promise<ClassSettings>;
  setClassSettings(classId: string, s: ClassSettings): Promise<void>;

  /** The user's oldest review that is due: by time, or after enough other answers. */
  dueReview(classId: string, userId: string, now: number): Promise<DueReview | null>;
  /**
   * Serves the oldest due review and pushes it back (due at snoozeUntil, or
   * after afterMore further answers) in one step, so two instances asked at
   * once never serve the same review twice. Null when none is due.
   */
  takeReview(classId: string, userId: string, now: number, snoozeUntil: number, afterMore: number): Promise<TakenReview | null>;
  reviewsOf(classId: string, userId: string): Promise<DueReview[]>;

  /**
   * Starts a cooldown of ms for key unless one is running: 0 when started,
   * otherwise the milliseconds left. One statement, so it holds across processes.
   */
  claimCooldown(key: string, now: number, ms: number): Promise<number>;

  /** Whether a write would succeed now (for /readyz and `gradbot doctor`); never throws. */
  writable(): Promise<boolean>;
  close(): Promise<void>;
}

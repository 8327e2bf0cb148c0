/**
 * What the teaching loop keeps: quizzes, answers, scores, class settings and
 * the spaced-review queue. Synchronous on purpose: the driver (better-sqlite3)
 * is, and every call touches a handful of rows, so a click never waits on I/O
 * queues and check-and-write happens in one transaction.
 * Timestamps are epoch milliseconds from Services.now().
 */

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
  | { op: 'add'; rootQuizId: string; dueAt: number; afterAnswers: number }
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
  | { status: 'recorded' }
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

export interface Store {
  createQuiz(q: NewQuiz): void;
  getQuiz(id: string): QuizRecord | null;
  /** Every quiz not yet closed, oldest closing first: what to schedule at startup. */
  openQuizzes(): QuizRecord[];
  /** The open quiz of a class created last, for a TA's "close the quiz now". */
  latestOpenQuiz(classId: string): QuizRecord | null;
  /** How many quizzes a class has had; a counter for deterministic seeds. */
  quizCount(classId: string): number;
  setQuizLocation(id: string, location: string): void;
  /** Marks the quiz closed; true only for the one call that closed it (safe to race). */
  closeQuiz(id: string, at: number): boolean;

  /**
   * Records one answer and updates the score and review queue, atomically.
   * A second answer by the same user to the same quiz is refused by a UNIQUE
   * constraint, so two clicks in the same millisecond count once.
   */
  recordAnswer(a: NewAnswer): RecordResult;
  getAnswer(quizId: string, userId: string): AnswerRecord | null;
  answersOf(quizId: string): AnswerRecord[];
  /** All answers in a class, oldest first, with their quiz. */
  exportAnswers(classId: string): ExportRow[];

  /** The class's scores in leaderboard order: points desc, then earliest last correct answer, then name, then id. */
  leaderboard(classId: string, limit: number): RankedScore[];
  rankOf(classId: string, userId: string): RankedScore | null;
  /** Deletes the class's scores and review queue (answers stay for the export); returns the rows removed. */
  resetScores(classId: string): number;

  getClassSettings(classId: string): ClassSettings;
  setClassSettings(classId: string, s: ClassSettings): void;

  /** The user's oldest review that is due: by time, or after enough other answers. */
  dueReview(classId: string, userId: string, now: number): DueReview | null;
  /** Pushes a review back after serving it, so it is not served twice at once. */
  snoozeReview(classId: string, userId: string, rootQuizId: string, dueAt: number, afterAnswers: number): void;
  reviewsOf(classId: string, userId: string): DueReview[];

  /** Whether a write would succeed now (for /readyz and `gradbot doctor`); never throws. */
  writable(): boolean;
  close(): void;
}

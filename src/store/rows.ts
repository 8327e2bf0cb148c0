import type { AnswerRecord, DueReview, QuizRecord, ScoreRow } from './types.ts';

/** Rows as both engines return them (snake_case columns), and their records. */
export interface QuizRow {
  id: string;
  class_id: string;
  platform: string;
  kind: string;
  topic: string;
  question: string;
  choices: string;
  answer: number;
  explanation: string;
  seed: number;
  review_of: string | null;
  created_by: string;
  created_at: number;
  closes_at: number;
  closed_at: number | null;
  location: string | null;
}

export interface AnswerRow {
  quiz_id: string;
  user_id: string;
  user_name: string;
  choice: number;
  correct: number;
  answered_at: number;
}

export interface ScoreDbRow {
  class_id: string;
  user_id: string;
  user_name: string;
  points: number;
  answered: number;
  correct: number;
  streak: number;
  best_streak: number;
  last_correct_at: number | null;
}

export interface ReviewRow {
  root_quiz_id: string;
  due_at: number;
  after_answers: number;
}

export const quizOf = (r: QuizRow): QuizRecord => ({
  id: r.id,
  classId: r.class_id,
  platform: r.platform,
  kind: r.kind,
  topic: r.topic,
  question: r.question,
  choices: JSON.parse(r.choices) as string[],
  answer: r.answer,
  explanation: r.explanation,
  seed: r.seed,
  reviewOf: r.review_of,
  createdBy: r.created_by,
  createdAt: r.created_at,
  closesAt: r.closes_at,
  closedAt: r.closed_at,
  location: r.location,
});

export const answerOf = (r: AnswerRow): AnswerRecord => ({
  quizId: r.quiz_id,
  userId: r.user_id,
  userName: r.user_name,
  choice: r.choice,
  correct: r.correct === 1,
  answeredAt: r.answered_at,
});

export const scoreOf = (r: ScoreDbRow): ScoreRow => ({
  classId: r.class_id,
  userId: r.user_id,
  userName: r.user_name,
  points: r.points,
  answered: r.answered,
  correct: r.correct,
  streak: r.streak,
  bestStreak: r.best_streak,
  lastCorrectAt: r.last_correct_at,
});

export const reviewOf = (r: ReviewRow): DueReview => ({ rootQuizId: r.root_quiz_id, dueAt: r.due_at, afterAnswers: r.after_answers });

/**
 * The leaderboard order, in one place so the top 10 and a caller's rank agree:
 * more points first; on equal points whoever reached them first (earliest
 * latest-correct answer); then name, then id, so the order is total.
 */
export const ORDER = `points DESC, COALESCE(last_correct_at, 9007199254740991) ASC, user_name ASC, user_id ASC`;

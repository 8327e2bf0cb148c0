import { lectureSpec, type RunResult, type RunSpec } from '../engine/index.ts';
import { conceptQuestion } from './concepts.ts';
import { mulberry32 } from './prng.ts';
import { runQuestion } from './run-questions.ts';
import { TOPICS, type Question, type RunKind, type Topic } from './types.ts';

export interface QuestionRequest {
  seed: number;
  /** A concept topic, or "lecture" for a question about the lecture's run; ignored when spec is given. */
  topic?: Topic | undefined;
  /** Ask about this run (what /explode does). */
  spec?: RunSpec | undefined;
  run?: RunResult | undefined;
  /** For run questions: prefer this kind. */
  kind?: RunKind | undefined;
}

/** One question, the same for the same request: the single entry point commands and the CLI use. */
export function makeQuestion(req: QuestionRequest): Question {
  if (req.spec) return runQuestion(req.spec, req.seed, { kind: req.kind, run: req.run });
  const rng = mulberry32(req.seed);
  const topic = req.topic ?? rng.pick(TOPICS);
  if (topic === 'lecture') return runQuestion(lectureSpec(), req.seed, { kind: req.kind });
  return conceptQuestion(topic, rng);
}

/** The CLI's and tests' machine-readable form. */
export function questionJson(q: Question): { question: string; choices: string[]; answer: number; explanation: string; kind: string } {
  return { question: q.question, choices: [...q.choices], answer: q.answer, explanation: q.explanation, kind: q.kind };
}

/** The same question with its choices in another seeded order, for a review (so a letter is not just remembered). */
export function reshuffle<T extends { choices: string[]; answer: number }>(q: T, seed: number): T {
  const order = mulberry32(seed).shuffle(q.choices.map((_, i) => i));
  return { ...q, choices: order.map((i) => q.choices[i]!), answer: order.indexOf(q.answer) };
}

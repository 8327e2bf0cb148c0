/** The concept-bank topics a student can ask /quiz for; "lecture" asks about the lecture's own run. */
export const TOPICS = ['exploding', 'vanishing', 'saturation', 'dead-relu', 'xavier', 'he', 'clipping', 'lecture'] as const;
export type Topic = (typeof TOPICS)[number];

/** Questions about one run, computed from the engine's result for that run. */
export const RUN_KINDS = ['run-bound', 'run-update', 'run-smallest', 'run-diverge', 'run-fix', 'run-after'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** Questions about one /layers run, from that run's numbers (src/quiz/layers-questions.ts). */
export const LAYERS_KINDS = ['layers-smallest', 'layers-fix', 'layers-saturated', 'layers-xavier-sigmoid'] as const;
export type LayersKind = (typeof LAYERS_KINDS)[number];

export type QuestionKind = RunKind | LayersKind | `concept-${Exclude<Topic, 'lecture'>}`;

/** Slack's button text limit is 75 characters, Discord's label 80: every choice fits both. */
export const MAX_CHOICE_CHARS = 75;
export const MIN_CHOICES = 3;
export const MAX_CHOICES = 5;

export interface Question {
  kind: QuestionKind;
  /** "run" for questions about a student's own run. */
  topic: Topic | 'run';
  question: string;
  /** 3 to 5 distinct texts. */
  choices: string[];
  /** Index into choices. */
  answer: number;
  /** Why the answer is right, shown with the feedback and in the closing summary. */
  explanation: string;
}

export const LETTERS = ['A', 'B', 'C', 'D', 'E'] as const;

export function letter(i: number): string {
  return LETTERS[i] ?? String(i + 1);
}

import { parseExplode } from '../params/index.ts';
import { makeQuestion, questionJson } from '../quiz/generate.ts';
import { runQuestionOfKind } from '../quiz/run-questions.ts';
import { RUN_KINDS, TOPICS, letter, type Question, type RunKind, type Topic } from '../quiz/types.ts';
import { parseArgs, UsageError } from './args.ts';
import type { CliIO } from './io.ts';

const MAX_SEED = 2 ** 32 - 1;

function seedOf(v: string | true | undefined): number {
  if (v === undefined) return 1;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) > MAX_SEED) throw new UsageError(`--seed takes a whole number from 0 to ${MAX_SEED}, like --seed 7`);
  return Number(v);
}

function oneOf<T extends string>(flag: string, v: string | true | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new UsageError(`--${flag} takes one of ${allowed.join(', ')}`);
}

/**
 * `gradbot quiz [key=value ...] [--seed N] [--topic T] [--kind K] [--json]`:
 * one question, the same for the same seed. Parameters (or none: the
 * lecture's run) ask about that run; --topic asks the concept bank instead.
 */
export async function quizCli(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, ['seed', 'topic', 'kind'], ['json']);
  const seed = seedOf(args.flags.get('seed'));
  const topic = oneOf<Topic>('topic', args.flags.get('topic'), TOPICS);
  const kind = oneOf<RunKind>('kind', args.flags.get('kind'), RUN_KINDS);
  const concept = topic !== undefined && topic !== 'lecture';
  if (concept && args.text.trim() !== '') throw new UsageError(`give either run parameters or --topic ${topic}, not both`);
  if (concept && kind) throw new UsageError('--kind is for questions about a run; drop it or drop --topic');

  let question: Question | null;
  if (concept) question = makeQuestion({ seed, topic });
  else {
    const parsed = parseExplode({ text: args.text });
    if (!parsed.ok) throw new UsageError(parsed.message);
    question = kind ? runQuestionOfKind(parsed.spec, seed, kind) : makeQuestion({ seed, spec: parsed.spec });
    if (!question) throw new UsageError(`--kind ${kind} does not apply to this run; try another kind or leave --kind out`);
  }

  if (args.flags.has('json')) io.out(JSON.stringify(questionJson(question), null, 2));
  else {
    io.out(`${question.question}   [${question.kind}, seed ${seed}]`);
    question.choices.forEach((c, i) => io.out(`  ${letter(i)}) ${c}`));
    io.out(`\nanswer: ${letter(question.answer)}`);
    io.out(`why: ${question.explanation}`);
  }
  return 0;
}

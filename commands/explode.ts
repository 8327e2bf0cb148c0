import { simulate, verdictOf, type RunResult } from '../src/engine/index.ts';
import { fmt } from '../src/format/number.ts';
import { verdictLine } from '../src/format/verdict.ts';
import { explodeSchema, parseExplode, specKey } from '../src/params/index.ts';
import { QuizDesk } from '../src/quiz/desk.ts';
import { makeQuestion } from '../src/quiz/generate.ts';
import { hashSeed } from '../src/quiz/prng.ts';
import { describeRun } from '../src/quiz/run-questions.ts';
import { privateText, threadName } from '../src/reply.ts';
import { canRender, RenderBusyError } from '../src/render/types.ts';
import type { Command } from './types.ts';
import { clipText, minutesText } from './shared/reply-text.ts';

const n = (v: number) => fmt(v);
const paren = (v: number) => (v < 0 ? `(${n(v)})` : n(v));

/** The breakdown in three lines: the lecture's bound against the real link, the gradient, the update. */
export function explodeSummary(run: RunResult): string[] {
  const p = run.params;
  const s = run.step0;
  const link = s.factors.find((f) => f.kind === 'link' && f.layer === 2) ?? s.factors.find((f) => f.kind === 'input')!;
  const clipped = p.clip !== null && s.clipScale < 1;
  const g = clipped ? s.clipped.w[0]! : s.grad_w1;
  const next = run.trajectory.w[1]?.[0];
  const update =
    next === undefined ? 'n/a: the run diverged before the first update' : `${n(p.w[0]!)} − ${n(p.lr)} × ${paren(g)} = ${n(next)}`;
  return [
    `${link.label}: lecture bound ≤ ${link.bound === null ? 'none' : n(link.bound)}, real value ${n(link.value)}`,
    `dloss/dw1 = ${s.factors.map((f) => paren(f.value)).slice(0, 6).join(' × ')}${s.factors.length > 6 ? ' × …' : ''} = ${n(s.grad_w1)}`,
    `${clipped ? `clipped: norm ${n(s.gradNorm)} > ${n(p.clip!)}, g = ${n(g)}; ` : ''}update: w1 = ${update}`,
  ];
}

export const explode: Command<typeof explodeSchema> = {
  name: 'explode',
  description: "Run the lecture's chain of neurons: the breakdown, the weights over training, a verdict and a quiz",
  schema: explodeSchema,
  visibility: 'public',
  taOnly: false,
  prepare(input, { caller, services, quizzes }) {
    const parsed = parseExplode(input);
    if (!parsed.ok) return { ok: false, reply: privateText(parsed.message) };
    const { spec, notes } = parsed;
    if (!canRender(services.renderer, { kind: 'explode', spec })) return { ok: false, reply: privateText(new RenderBusyError().message) };
    return {
      ok: true,
      async execute() {
        const run = simulate(spec);
        const verdict = verdictOf(run);
        const { breakdown, chart } = await services.renderer.explode(spec);
        // The same run asked again in the same class gets the next question, reproducibly.
        const seed = hashSeed(specKey(spec), caller.classId, await quizzes.store.quizCount(caller.classId));
        const quiz = await quizzes.open({ question: makeQuestion({ spec, run, seed }), by: caller, seed });
        const about = describeRun(spec);
        const text = [
          `**${verdictLine(run, verdict)}**`,
          `Run: \`${about}\``,
          ...explodeSummary(run),
          ...notes.map((s) => `Note: ${clipText(s, 200)}`),
          `Quiz about this run in the thread: one answer each, closes in ${minutesText(await quizzes.minutesFor(caller.classId))}.`,
        ].join('\n');
        return {
          text: clipText(text),
          images: [breakdown, chart],
          quiz: QuizDesk.replyQuiz(quiz),
          visibility: 'public',
          thread: { name: threadName(`explode ${about}`) },
        };
      },
    };
  },
};

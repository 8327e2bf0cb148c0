import type { LayersRun } from '../src/engine/layers/index.ts';
import { layersVerdictLine } from '../src/format/layers-verdict.ts';
import { fmt } from '../src/format/number.ts';
import { layersKey, layersSchema, parseLayers } from '../src/params/index.ts';
import { QuizDesk } from '../src/quiz/desk.ts';
import { describeLayersRun, layersQuestion } from '../src/quiz/layers-questions.ts';
import { hashSeed } from '../src/quiz/prng.ts';
import { privateText, threadName } from '../src/reply.ts';
import { RenderBusyError } from '../src/render/types.ts';
import type { Command } from './types.ts';
import { clipText, minutesText } from './shared/reply-text.ts';

const pct = (v: number) => `${Math.round(100 * v)}%`;

/** Three lines under the verdict: the gains at both ends, the most saturated layer, training. */
export function layersSummaryLines(run: LayersRun): string[] {
  const s = run.step0;
  const L = run.params.depth;
  const gains = L === 1 ? `gain of the one layer: ${fmt(s.gain[0]!)}` : `per-layer gain: layer ${L} (output) ×${fmt(s.gain[L - 1]!)} … layer 1 ×${fmt(s.gain[0]!)}`;
  const k = s.saturated.reduce((m, v, i) => (v > s.saturated[m]! ? i : m), 0);
  const word = run.params.act === 'relu' ? 'dead' : 'saturated';
  const sat = run.params.act === 'linear' ? 'linear units never saturate' : `most ${word}: layer ${k + 1}, ${pct(s.saturated[k]!)} of its units`;
  const t = run.trajectory.loss;
  const train =
    t.length === 0
      ? 'no training steps'
      : `loss ${fmt(t[0]!)} → ${fmt(t[t.length - 1]!)} over ${t.length} step${t.length === 1 ? '' : 's'}${run.diverged_at !== null ? `, diverged at step ${run.diverged_at}` : ''}`;
  return [`${gains}; ${sat}`, train];
}

export const layers: Command<typeof layersSchema> = {
  name: 'layers',
  description: 'A deep, wide network layer by layer: the gradient on its way back, saturation, training, a quiz',
  schema: layersSchema,
  visibility: 'public',
  taOnly: false,
  prepare(input, { caller, services, quizzes }) {
    const parsed = parseLayers(input);
    if (!parsed.ok) return { ok: false, reply: privateText(parsed.message) };
    const { params, preset, notes } = parsed;
    const renderer = services.renderer;
    if (!renderer.layers) return { ok: false, reply: privateText('/layers is not available on this renderer.') };
    if (!renderer.accepting) return { ok: false, reply: privateText(new RenderBusyError().message) };
    return {
      ok: true,
      async execute() {
        // The run itself (up to seconds at the work cap) happens on a render worker, never on this thread.
        const { report, facts, images } = await renderer.layers!(params);
        const run = report.run;
        const key = layersKey(params);
        const seed = hashSeed(`layers ${key}`, caller.classId, await quizzes.store.quizCount(caller.classId));
        const question = layersQuestion(run, facts, seed);
        const quiz = question ? await quizzes.open({ question, by: caller, seed }) : null;
        const about = preset ? `preset=${preset}: ${describeLayersRun(params)}` : describeLayersRun(params);
        const text = [
          `**${layersVerdictLine(run)}**`,
          `Run: \`${about}\``,
          ...layersSummaryLines(run),
          ...notes.map((s) => `Note: ${clipText(s, 200)}`),
          quiz ? `Quiz about this run in the thread: one answer each, closes in ${minutesText(await quizzes.minutesFor(caller.classId))}.` : '',
        ]
          .filter((l) => l !== '')
          .join('\n');
        return {
          text: clipText(text),
          images,
          ...(quiz ? { quiz: QuizDesk.replyQuiz(quiz) } : {}),
          visibility: 'public',
          thread: { name: threadName(`layers ${about}`) },
        };
      },
    };
  },
};

import { LECTURE_EXAMPLE, workedExample } from '../src/engine/index.ts';
import { fmt } from '../src/format/number.ts';
import { exampleSchema } from '../src/params/index.ts';
import { privateText } from '../src/reply.ts';
import { canRender, RenderBusyError } from '../src/render/types.ts';
import type { Command } from './types.ts';
import { clipText, parseOptions } from './shared/reply-text.ts';

const n = (v: number) => fmt(v);
const paren = (v: number) => (v < 0 ? `(${n(v)})` : n(v));

export const example: Command<typeof exampleSchema> = {
  name: 'example',
  description: "Post a worked example of the chain rule and one update (the lecture's numbers by default)",
  schema: exampleSchema,
  visibility: 'public',
  taOnly: true,
  prepare(input, { services }) {
    const parsed = parseOptions(exampleSchema, input);
    if (!parsed.ok) return parsed;
    const { factors, w, lr } = parsed.values;
    const ex = workedExample(factors, w, lr);
    if (!canRender(services.renderer, { kind: 'example', ex })) return { ok: false, reply: privateText(new RenderBusyError().message) };
    return {
      ok: true,
      async execute() {
        const image = await services.renderer.example(ex);
        const lecture =
          ex.w === LECTURE_EXAMPLE.w && ex.lr === LECTURE_EXAMPLE.lr && ex.factors.join() === LECTURE_EXAMPLE.factors.join();
        const text = [
          `**Worked example** (${lecture ? "the lecture's numbers" : "a TA's numbers"})`,
          `dLoss/dw = ${ex.factors.map(paren).join(' × ')} = ${n(ex.product)}`,
          `w_new = w − lr × dLoss/dw = ${n(ex.w)} − ${n(ex.lr)} × ${paren(ex.product)} = ${n(ex.w_new)}`,
        ].join('\n');
        return { text: clipText(text), images: [image], visibility: 'public' };
      },
    };
  },
};

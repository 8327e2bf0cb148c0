import { PNG } from 'pngjs';
import { z } from 'zod';
import type { Caller } from '../../commands/types.ts';
import type { Gradbot, Prepared, QuizClosedEvent } from '../../src/bot.ts';
import type { ParamInput } from '../../src/params/index.ts';
import { privateText, publicText, type Reply, type ReplyImage } from '../../src/reply.ts';

/**
 * A core whose answers each test sets, for the adapter's own paths (a
 * command that throws, a DM, a missing permission) that the real core
 * should never produce on purpose.
 */
export interface FakeBot extends Gradbot {
  prepared: { name: string; input: ParamInput; caller: Caller }[];
  answers: { quizId: string; choice: number; caller: Caller }[];
  locations: Map<string, string>;
  /** What the next prepare(name) returns; default: an unknown-command error. */
  on(name: string, result: () => Prepared): void;
  fireClosed(event: QuizClosedEvent): Promise<void>;
}

export function tinyPng(name: string): ReplyImage {
  const png = new PNG({ width: 2, height: 2 });
  png.data.fill(200);
  return { name, png: PNG.sync.write(png), alt: `${name} for screen readers`, width: 2, height: 2 };
}

export function okWith(reply: Reply, visibility: Reply['visibility'] = reply.visibility): Prepared {
  return { ok: true, visibility, execute: async () => reply };
}

export function createFakeBot(): FakeBot {
  const handlers = new Map<string, () => Prepared>();
  const listeners: ((e: QuizClosedEvent) => void | Promise<void>)[] = [];
  const bot: FakeBot = {
    commands: [{ name: 'scores-reset', description: 'TA only', schema: z.object({}), visibility: 'private', taOnly: true, prepare: () => ({ ok: false, reply: privateText('') }) }],
    prepared: [],
    answers: [],
    locations: new Map(),
    on: (name, result) => void handlers.set(name, result),
    prepare(name, input, caller) {
      bot.prepared.push({ name, input, caller });
      const h = handlers.get(name);
      return h ? h() : { ok: false, reply: privateText(`Unknown command /${name}.`) };
    },
    async answer(quizId, choice, caller) {
      bot.answers.push({ quizId, choice, caller });
      return privateText(`You chose ${choice} on ${quizId}.`);
    },
    setQuizLocation: (quizId, location) => void bot.locations.set(quizId, location),
    onQuizClosed: (l) => void listeners.push(l),
    async fireClosed(event) {
      for (const l of listeners) await l(event);
    },
    close: async () => undefined,
  };
  return bot;
}

export { privateText, publicText };

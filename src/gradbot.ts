import { commands as allCommands, findCommand } from '../commands/index.ts';
import type { Caller, Command, CommandContext, Platform } from '../commands/types.ts';
import type { Gradbot, Prepared, QuizClosedEvent, QuizLocation } from './bot.ts';
import { clipEcho, didYouMean, type ParamInput } from './params/index.ts';
import { QuizDesk, type QuizClosed, type QuizPolicy } from './quiz/desk.ts';
import { privateText, type Reply } from './reply.ts';
import { RenderBusyError } from './render/types.ts';
import type { Services } from './services.ts';

/** pino's Logger fits; tests pass a recorder. */
export interface GradbotLog {
  error(obj: object, msg: string): void;
}

export interface GradbotOptions {
  /** The shared renderer, store and clock (the entry point builds these and closes them). */
  services: Services;
  /** Defaults to every command in commands/index.ts. */
  commands?: readonly Command[];
  /** How long a quiz stays open where the class set nothing (GRADBOT_QUIZ_MINUTES); default 10. */
  quizMinutes?: number;
  /** Review timing and points; see DEFAULT_POLICY in src/quiz/desk.ts. */
  quizPolicy?: Partial<Omit<QuizPolicy, 'defaultMinutes'>>;
  log?: GradbotLog;
  /** Quiz ids; tests may pin them. Default: 12 random url-safe characters. */
  newQuizId?: () => string;
}

/** The Gradbot interface plus the quiz desk, for tests and the entry point's health checks. */
export interface GradbotCore extends Gradbot {
  readonly quizzes: QuizDesk;
}

const BUSY = 'The picture renderer is busy; try again in a moment.';
const SORRY = (what: string) => `Sorry, ${what} failed on our side. Try again in a moment; if it keeps failing, tell a TA.`;
/** Closing events replayed to listeners as they register (bounded): see createGradbot. */
const BACKLOG_MAX = 200;

const fail = (text: string): Prepared => ({ ok: false, reply: privateText(text) });

const stderrLog: GradbotLog = {
  error(obj, msg) {
    const err = (obj as { err?: unknown }).err;
    process.stderr.write(`gradbot: ${msg}${err instanceof Error ? `: ${err.message}` : ''}\n`);
  },
};

/**
 * The platform-neutral core. Wire it once and hand it to every adapter:
 *
 *     const services = { renderer: createRenderPool(), store: openStore(env.DATABASE_URL), now: Date.now };
 *     const bot = createGradbot({ services, quizMinutes: config.quizMinutes, log });
 *     bot.onQuizClosed((e) => { if (e.platform === 'discord') postTo(e.location, e.summary); });
 *
 * Quizzes still open in the store are re-armed here; ones that are overdue
 * (the bot was down when they should have closed) close on the next tick, so
 * register onQuizClosed right after this call. Those startup closings, and any
 * closing emitted while no listener existed, are replayed to every listener
 * that registers later. Every adapter receives every event and keeps those of
 * its own platform (event.platform).
 */
export function createGradbot(opts: GradbotOptions): GradbotCore {
  const { services } = opts;
  const list = opts.commands ?? allCommands;
  const log = opts.log ?? stderrLog;
  const listeners: ((e: QuizClosedEvent) => void | Promise<void>)[] = [];
  const backlog: QuizClosedEvent[] = [];
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const desk = new QuizDesk({
    store: services.store,
    now: () => services.now(),
    policy: { ...opts.quizPolicy, ...(opts.quizMinutes !== undefined ? { defaultMinutes: opts.quizMinutes } : {}) },
    log,
    ...(opts.newQuizId ? { newId: opts.newQuizId } : {}),
  });

  const startedAt = services.now();
  const overdueAtStart = new Set(services.store.openQuizzes().filter((q) => q.closesAt <= startedAt).map((q) => q.id));

  const deliver = (listener: (e: QuizClosedEvent) => void | Promise<void>, event: QuizClosedEvent) => {
    const p = Promise.resolve()
      .then(() => listener(event))
      .catch((err: unknown) => log.error({ err, quizId: event.quizId }, 'quiz-closed listener failed'))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  desk.onClosed(({ quiz, summary }: QuizClosed) => {
    const event: QuizClosedEvent = {
      quizId: quiz.id,
      platform: quiz.platform as Platform,
      classId: quiz.classId,
      location: quiz.location,
      summary,
    };
    // Quizzes overdue at startup close before adapters may have connected: every listener hears of them.
    if (listeners.length === 0 || overdueAtStart.has(quiz.id)) {
      backlog.push(event);
      if (backlog.length > BACKLOG_MAX) backlog.shift();
    }
    for (const l of listeners) deliver(l, event);
  });

  const contextFor = (caller: Caller): CommandContext => ({ caller, services, quizzes: desk });

  const guarded = (cmd: Command, run: () => Promise<Reply>) => async (): Promise<Reply> => {
    try {
      return await run();
    } catch (err) {
      if (err instanceof RenderBusyError) return privateText(BUSY);
      log.error({ err, command: cmd.name }, 'command failed');
      return privateText(SORRY(`/${cmd.name}`));
    }
  };

  desk.start();

  return {
    commands: list,
    quizzes: desk,

    prepare(commandName: string, input: ParamInput, caller: Caller): Prepared {
      try {
        if (closed) return fail('gradbot is restarting; try again in a moment.');
        const cmd = findCommand(commandName, list);
        if (!cmd) {
          const shown = clipEcho(commandName.replace(/^\//, ''));
          const guess = didYouMean(shown.toLowerCase(), list.map((c) => c.name));
          return fail(`Unknown command /${shown}.${guess ? ` Did you mean /${guess}?` : ''} Try /help.`);
        }
        if (cmd.taOnly && !caller.isTA) return fail(`Only TAs can use /${cmd.name}.`);
        const r = cmd.prepare(input, contextFor(caller));
        if (!r.ok) return { ok: false, reply: { ...r.reply, visibility: 'private' } };
        return { ok: true, visibility: cmd.visibility, execute: guarded(cmd, r.execute) };
      } catch (err) {
        log.error({ err, command: commandName }, 'prepare failed');
        return fail(SORRY('that command'));
      }
    },

    async answer(quizId: string, choice: number, caller: Caller): Promise<Reply> {
      try {
        return desk.answer(quizId, choice, caller);
      } catch (err) {
        log.error({ err, quizId }, 'answer failed');
        return privateText(SORRY('recording your answer'));
      }
    },

    setQuizLocation(quizId: string, location: QuizLocation): void {
      try {
        services.store.setQuizLocation(quizId, location);
      } catch (err) {
        log.error({ err, quizId }, 'setQuizLocation failed');
      }
    },

    onQuizClosed(listener) {
      listeners.push(listener);
      // Closings from before any adapter listened (an overdue quiz at startup): each listener filters by platform.
      for (const e of backlog) deliver(listener, e);
    },

    async close(): Promise<void> {
      closed = true;
      desk.stop();
      backlog.length = 0;
      await Promise.allSettled([...inFlight]);
    },
  };
}

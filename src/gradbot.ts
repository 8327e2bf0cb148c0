import { commands as allCommands, findCommand } from '../commands/index.ts';
import type { Caller, Command, CommandContext, Platform } from '../commands/types.ts';
import type { Gradbot, Prepared, QuizClosedEvent, QuizLocation } from './bot.ts';
import { clipEcho, didYouMean, type ParamInput } from './params/index.ts';
import { Cooldowns, cooldownText } from './cooldown.ts';
import { QuizDesk, type AnswerOutcome as DeskOutcome, type QuizClosed, type QuizPolicy } from './quiz/desk.ts';
import { privateText, type Reply } from './reply.ts';
import { RenderBusyError } from './render/types.ts';
import type { Services } from './services.ts';
import { StoreUnavailableError } from './store/types.ts';
import { TurnQueue } from './turns.ts';

/** pino's Logger fits; tests pass a recorder. Without info there are no per-command lines. */
export interface GradbotLog {
  error(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

/** How a command ended, for the one log line each command gets. */
export type CommandOutcome = 'ok' | 'refused' | 'busy' | 'error';
/** Why a command was refused before it ran. */
export type RefusalReason = 'unknown-command' | 'not-ta' | 'bad-params' | 'restarting' | 'cooldown';
/** How a quiz click ended. */
export type AnswerOutcome = DeskOutcome | 'error';

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
  /**
   * Seconds between one user's accepted commands on one platform
   * (GRADBOT_COOLDOWN_SECONDS); TA-only commands are exempt. Default 0: off.
   */
  cooldownSeconds?: number;
  /** How often (ms) each instance looks for open quizzes it has no timer for (another instance's); default 10 000. */
  quizSweepMs?: number;
}

/** The Gradbot interface plus the quiz desk, for tests and the entry point's health checks. */
export interface GradbotCore extends Gradbot {
  readonly quizzes: QuizDesk;
  /** Resolves once the open quizzes in the store have their timers (startup reads the store asynchronously). */
  readonly started: Promise<void>;
  /**
   * Stops closing quizzes on time, for good: the first step of a shutdown.
   * A quiz falling due while the platforms drain stays open in the store for
   * another instance (or this one restarted) to close and announce, rather
   * than being closed here with no adapter left to post its summary.
   */
  stopQuizTimers(): void;
}

const BUSY = 'The picture renderer is busy; try again in a moment.';
const RESTARTING = 'gradbot is restarting; try again in a moment.';
/** Command names are the only user text the log keeps; an unknown one is clipped. */
const NAME_MAX = 32;
const SORRY = (what: string) => `Sorry, ${what} failed on our side. Try again in a moment; if it keeps failing, tell a TA.`;
/** The database is unreachable (a restart, a network blip): nothing was saved, and saying so is the whole answer. */
const DB_DOWN = (what: string) => `gradbot can't reach its database right now, so ${what}. Try again in a few seconds.`;
/** The first retry of a failed startup read waits this long, doubling up to the cap. */
const START_RETRY_MS = 1000;
const START_RETRY_MAX_MS = 30_000;
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
 *     const services = { renderer: createRenderPool(), store: await openStore(env.DATABASE_URL), now: Date.now };
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
  let timersStopped = false;

  const cooldownMs = Math.max(0, (opts.cooldownSeconds ?? 0) * 1000);
  /** This instance's own memory answers at once on the acknowledgement path; the store holds the cooldown across instances. */
  const cooldowns = new Cooldowns(opts.cooldownSeconds ?? 0, () => services.now());
  const cooldownKey = (caller: Caller) => `${caller.platform}:${caller.userId}`;
  /** Every command's run starts in a turn of its own (src/turns.ts): a burst must not hold the event loop. */
  const turns = new TurnQueue();
  const desk = new QuizDesk({
    store: services.store,
    now: () => services.now(),
    policy: { ...opts.quizPolicy, ...(opts.quizMinutes !== undefined ? { defaultMinutes: opts.quizMinutes } : {}) },
    log,
    ...(opts.newQuizId ? { newId: opts.newQuizId } : {}),
    ...(opts.quizSweepMs !== undefined ? { sweepMs: opts.quizSweepMs } : {}),
  });

  const startedAt = services.now();
  /** Filled once the desk has read the open quizzes (start is asynchronous), before any of their timers fire. */
  const overdueAtStart = new Set<string>();

  /** Work the core is doing that close() must wait for: running commands and quiz-closed deliveries. */
  const track = <T>(work: Promise<T>): Promise<T> => {
    const p: Promise<void> = work.then(
      () => undefined,
      () => undefined,
    ).finally(() => inFlight.delete(p));
    inFlight.add(p);
    return work;
  };

  const deliver = (listener: (e: QuizClosedEvent) => void | Promise<void>, event: QuizClosedEvent) => {
    void track(
      Promise.resolve()
        .then(() => listener(event))
        .catch((err: unknown) => log.error({ err, quizId: event.quizId }, 'quiz-closed listener failed')),
    );
  };

  desk.onClosed(({ quiz, summary, answered }: QuizClosed) => {
    // Exactly one instance closes each quiz (the store decides), so across instances this line appears once per quiz.
    log.info?.({ platform: quiz.platform, quiz: quiz.id, class: quiz.classId, answered, late_ms: Math.max(0, services.now() - quiz.closesAt), located: quiz.location !== null }, 'quiz closed');
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

  /** One line per command for the operator: where, what, how it ended, how long it took. Never the parameters. */
  const logCommand = (caller: Caller, command: string, outcome: CommandOutcome, startedMs: number, extra: { reason?: RefusalReason } = {}) => {
    log.info?.({ platform: caller.platform, command, outcome, ...extra, duration_ms: Math.round(performance.now() - startedMs), class: caller.classId }, 'command');
  };

  /**
   * cooldownAt: when prepare let the command through its own instance's
   * cooldown; the store then checks it across instances before anything runs.
   */
  const guarded = (cmd: Command, caller: Caller, startedMs: number, run: () => Promise<Reply>, cooldownAt: number | null) => (): Promise<Reply> => {
    // An adapter past its own drain bound may still call in; the renderer may be gone by now.
    if (closed) {
      logCommand(caller, cmd.name, 'refused', startedMs, { reason: 'restarting' });
      return Promise.resolve(privateText(RESTARTING));
    }
    return track(
      (async (): Promise<Reply> => {
        try {
          await turns.next();
          if (cooldownAt !== null) {
            const left = await services.store.claimCooldown(cooldownKey(caller), cooldownAt, cooldownMs);
            if (left > 0) {
              cooldowns.hold(cooldownKey(caller), cooldownAt + left);
              logCommand(caller, cmd.name, 'refused', startedMs, { reason: 'cooldown' });
              return privateText(cooldownText(Math.ceil(left / 1000)));
            }
          }
          const reply = await run();
          logCommand(caller, cmd.name, 'ok', startedMs);
          return reply;
        } catch (err) {
          if (err instanceof RenderBusyError) {
            logCommand(caller, cmd.name, 'busy', startedMs);
            return privateText(BUSY);
          }
          if (err instanceof StoreUnavailableError) {
            log.error({ err, command: cmd.name }, 'command failed: database unavailable');
            logCommand(caller, cmd.name, 'error', startedMs);
            return privateText(DB_DOWN(`/${cmd.name} could not run`));
          }
          log.error({ err, command: cmd.name }, 'command failed');
          logCommand(caller, cmd.name, 'error', startedMs);
          return privateText(SORRY(`/${cmd.name}`));
        }
      })(),
    );
  };

  /** Reads the open quizzes and arms their timers; a database that is not answering yet is asked again with backoff. */
  const startDesk = async (): Promise<void> => {
    for (let wait = START_RETRY_MS; !closed && !timersStopped; wait = Math.min(START_RETRY_MAX_MS, wait * 2)) {
      try {
        const open = await desk.start();
        for (const q of open) if (q.closesAt <= startedAt) overdueAtStart.add(q.id);
        return;
      } catch (err) {
        log.error({ err, retry_ms: wait }, 'reading the open quizzes failed; retrying');
        await new Promise((r) => setTimeout(r, wait).unref());
      }
    }
  };

  const started = track(startDesk());

  return {
    commands: list,
    quizzes: desk,
    started,

    prepare(commandName: string, input: ParamInput, caller: Caller): Prepared {
      const startedMs = performance.now();
      const refuse = (name: string, reason: RefusalReason, text: string): Prepared => {
        logCommand(caller, name, 'refused', startedMs, { reason });
        return fail(text);
      };
      try {
        const shown = clipEcho(commandName.replace(/^\//, ''));
        if (closed) return refuse(shown.slice(0, NAME_MAX), 'restarting', RESTARTING);
        const cmd = findCommand(commandName, list);
        if (!cmd) {
          const guess = didYouMean(shown.toLowerCase(), list.map((c) => c.name));
          return refuse(shown.slice(0, NAME_MAX), 'unknown-command', `Unknown command /${shown}.${guess ? ` Did you mean /${guess}?` : ''} Try /help.`);
        }
        if (cmd.taOnly && !caller.isTA) return refuse(cmd.name, 'not-ta', `Only TAs can use /${cmd.name}.`);
        const r = cmd.prepare(input, contextFor(caller));
        if (!r.ok) {
          logCommand(caller, cmd.name, 'refused', startedMs, { reason: 'bad-params' });
          return { ok: false, reply: { ...r.reply, visibility: 'private' } };
        }
        // Only accepted commands count, so a typo never locks anyone out; a TA closing a quiz mid-demo is never held back.
        let cooldownAt: number | null = null;
        if (!cmd.taOnly && cooldownMs > 0) {
          const who = cooldownKey(caller);
          const wait = cooldowns.remaining(who);
          if (wait > 0) return refuse(cmd.name, 'cooldown', cooldownText(wait));
          cooldowns.start(who);
          cooldownAt = services.now();
        }
        return { ok: true, visibility: cmd.visibility, execute: guarded(cmd, caller, startedMs, r.execute, cooldownAt) };
      } catch (err) {
        log.error({ err, command: commandName.slice(0, NAME_MAX) }, 'prepare failed');
        logCommand(caller, commandName.replace(/^\//, '').slice(0, NAME_MAX), 'error', startedMs);
        return fail(SORRY('that command'));
      }
    },

    async answer(quizId: string, choice: number, caller: Caller): Promise<Reply> {
      const startedMs = performance.now();
      let result: { reply: Reply; outcome: AnswerOutcome };
      try {
        result = await desk.answer(quizId, choice, caller);
      } catch (err) {
        log.error({ err, quizId }, 'answer failed');
        const text = err instanceof StoreUnavailableError ? DB_DOWN('your answer was not recorded') : SORRY('recording your answer');
        result = { reply: privateText(text), outcome: 'error' };
      }
      log.info?.({ platform: caller.platform, command: 'answer', outcome: result.outcome, duration_ms: Math.round(performance.now() - startedMs), class: caller.classId, quiz: quizId.slice(0, 64) }, 'quiz answer');
      return result.reply;
    },

    setQuizLocation(quizId: string, location: QuizLocation): void {
      // Adapters do not wait; close() does. A lost location is not a lost summary: it goes to the class channel.
      void track(services.store.setQuizLocation(quizId, location).catch((err: unknown) => log.error({ err, quizId }, 'setQuizLocation failed')));
    },

    onQuizClosed(listener) {
      listeners.push(listener);
      // Closings from before any adapter listened (an overdue quiz at startup): each listener filters by platform.
      for (const e of backlog) deliver(listener, e);
    },

    stopQuizTimers(): void {
      timersStopped = true;
      desk.stop();
    },

    /** Refuses new commands, stops the quiz timers, and resolves once the commands and deliveries in flight are done. */
    async close(): Promise<void> {
      closed = true;
      desk.stop();
      backlog.length = 0;
      // A command finishing (a TA's close) may start a delivery: wait until nothing is left.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

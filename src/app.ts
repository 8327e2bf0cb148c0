import type { Config } from './config.ts';
import { createGradbot } from './gradbot.ts';
import { createHttpApp } from './http/server.ts';
import type { Logger } from './log.ts';
import { timeLeft, within } from './ops/deadline.ts';
import type { PlatformHandle } from './platforms/types.ts';
import { startPlayground } from './platforms/web/index.ts';
import { configuredRenderer } from './render/configured.ts';
import type { Renderer } from './render/types.ts';
import { describeDatabase, openStore, type Store } from './store/index.ts';

export interface AppHandle {
  /** The port the HTTP server listens on (PORT, or the one picked for PORT=0). */
  port: number;
  platforms: readonly PlatformHandle[];
  /** Stops taking commands, finishes the replies in flight, then closes the renderer and the database. */
  stop(): Promise<void>;
}

export interface AppOverrides {
  /** Tests and the benchmark may bring their own renderer. */
  renderer?: Renderer;
  /** Tests may bring their own store (the app still closes it on stop). */
  store?: Store;
}

/**
 * Wires the pieces the configuration asks for; holds no logic of its own.
 * Order matters on the way down: platforms stop taking commands first, the
 * core waits for work in flight, and only then do the renderer and store close.
 */
export async function startApp(config: Config, log: Logger, overrides: AppOverrides = {}): Promise<AppHandle> {
  const store = overrides.store ?? (await openStore(config.databaseUrl));
  const renderer = overrides.renderer ?? configuredRenderer(config.render);
  const bot = createGradbot({ services: { renderer, store, now: Date.now }, quizMinutes: config.quizMinutes, quizSweepMs: config.quizSweepSeconds * 1000, cooldownSeconds: config.cooldownSeconds, log });
  const http = createHttpApp();
  const platforms: PlatformHandle[] = [];
  const deps = { bot, http, log, tenancy: store };

  const stopAll = async () => {
    // Everything below fits in GRADBOT_SHUTDOWN_SECONDS, less a second for the store and the last log line.
    const deadline = Date.now() + Math.max(1000, config.shutdownSeconds * 1000 - 1000);
    // Quiz timers first: a platform that has stopped no longer posts, so a quiz falling due during the drain is left
    // open for another instance's sweep, or this one's restart, to close and announce, rather than closed unannounced.
    bot.stopQuizTimers();
    // Platforms refuse new commands at once and drain their own work; requests already
    // inside the HTTP server (playground commands, Slack events) are answered in full.
    const [, drained] = await Promise.all([Promise.allSettled(platforms.map((p) => p.stop(timeLeft(deadline)))), http.drain(timeLeft(deadline))]);
    if (!drained) log.warn({ requests: http.inFlight }, 'shutdown: requests still running at the bound; closing them');
    // The core waits for commands and quiz-closed posts in flight.
    if (!(await within(bot.close(), timeLeft(deadline)))) log.warn('shutdown: commands still running at the bound');
    // What is left of the bound, less the store's second: a worker is never ended in the middle of a picture before then.
    await renderer.close(timeLeft(deadline));
    // Closing the last connection checkpoints SQLite's write-ahead log into the database file.
    await store.close();
    if (!drained) http.server.closeAllConnections();
    await http.close();
  };

  try {
    // Loaded only when configured: discord.js and Bolt take over a second of start-up between them.
    if (config.discord) platforms.push(await (await import('./platforms/discord/index.ts')).startDiscord(config.discord, deps));
    if (config.slack) platforms.push(await (await import('./platforms/slack/index.ts')).startSlack(config.slack, deps));
    if (config.playground) platforms.push(startPlayground(deps));
    http.addReadiness({ name: 'database', check: () => store.writable() });
    http.addReadiness({ name: 'renderer', check: () => renderer.accepting });
    for (const p of platforms) {
      http.addReadiness({ name: p.name, check: () => p.ready() });
      for (const c of p.checks ?? []) http.addReadiness(c);
    }
    const port = await http.listen(config.port, config.host);
    log.info({ platforms: platforms.map((p) => p.name), port, database: describeDatabase(config.databaseUrl) }, `gradbot running: ${platforms.map((p) => p.name).join(', ')}`);
    let stopping: Promise<void> | null = null;
    return { port, platforms, stop: () => (stopping ??= stopAll()) };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

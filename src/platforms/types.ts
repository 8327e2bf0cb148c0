import type { Gradbot } from '../bot.ts';
import type { HttpApp } from '../http/server.ts';
import type { Logger } from '../log.ts';

/** What every adapter's start function gets: the core, the shared HTTP app and a logger. */
export interface PlatformDeps {
  bot: Gradbot;
  http: HttpApp;
  log: Logger;
}

/** A running adapter, as the entry point and /readyz see it. */
export interface PlatformHandle {
  name: 'discord' | 'slack' | 'web';
  /** Connected and able to answer (for /readyz). */
  ready(): boolean;
  /** Stop taking new commands; resolves when the connection is closed. */
  stop(): Promise<void>;
}

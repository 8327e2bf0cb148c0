import type { Gradbot } from '../bot.ts';
import type { HttpApp } from '../http/server.ts';
import type { Logger } from '../log.ts';
import type { TenancyStore } from '../store/tenancy.ts';

/** What every adapter's start function gets: the core, the shared HTTP app and a logger. */
export interface PlatformDeps {
  bot: Gradbot;
  http: HttpApp;
  log: Logger;
  /** Installations and TAs named with /ta (the store); without it no roster is consulted and Slack OAuth cannot start. */
  tenancy?: TenancyStore;
}

/** A running adapter, as the entry point and /readyz see it. */
export interface PlatformHandle {
  name: 'discord' | 'slack' | 'web';
  /** Connected and able to answer (for /readyz). */
  ready(): boolean;
  /** Finer checks /readyz reports next to ready() (a sharded Discord: one per shard). */
  checks?: readonly { name: string; check(): boolean }[];
  /**
   * Stop taking new commands, give the ones already running up to drainMs
   * (the shutdown's time left; a default of 10 s otherwise) to post their
   * replies, then close the connection.
   */
  stop(drainMs?: number): Promise<void>;
}

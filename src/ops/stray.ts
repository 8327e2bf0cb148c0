import type { Logger } from '../log.ts';

/**
 * A rejection nobody awaited (a library's fire-and-forget promise, like
 * Bolt's request handler) would end the process and every reply in flight
 * with it. It belongs to one request, so it is logged and the process keeps
 * serving. An uncaught exception is different: it may have left shared state
 * half-changed, so it is logged and the process exits (the supervisor
 * restarts it) rather than serve on in an unknown state.
 */
export interface ProcessLike {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  on(event: 'uncaughtException', listener: (err: Error) => void): unknown;
}

function describe(e: unknown): { message: string; name?: string } {
  if (e instanceof Error) return { name: e.name, message: e.message.slice(0, 500) };
  return { message: String(e).slice(0, 500) };
}

export function installStrayErrorHandlers(log: Logger, proc: ProcessLike = process, exit: (code: number) => void = (c) => process.exit(c)): { rejections: () => number } {
  let rejections = 0;
  proc.on('unhandledRejection', (reason) => {
    rejections += 1;
    log.error({ err: describe(reason), rejections }, 'unhandled rejection in a request path; logged, still serving');
  });
  proc.on('uncaughtException', (err) => {
    log.fatal({ err: describe(err) }, 'uncaught exception; exiting so the process restarts clean');
    exit(1);
  });
  return { rejections: () => rejections };
}

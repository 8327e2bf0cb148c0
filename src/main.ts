import { startApp } from './app.ts';
import { configProblemMessage, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { StoreConfigError } from './store/index.ts';
import { installStrayErrorHandlers } from './ops/stray.ts';

/** The entry point: read the environment, start what it asks for, stop cleanly on a signal. */
const loaded = loadConfig(process.env);
if (!loaded.ok) {
  process.stderr.write(`${configProblemMessage(loaded.problems)}\n`);
  process.exit(2);
}
const { config, warnings } = loaded;
const log = createLogger(config.logLevel);
for (const w of warnings) log.warn(w);
installStrayErrorHandlers(log);

try {
  const app = await startApp(config, log);
  if (config.playground) {
    const host = ['0.0.0.0', '::', '127.0.0.1'].includes(config.host) ? 'localhost' : config.host;
    process.stdout.write(`\ngradbot playground: http://${host}:${app.port}/\n\n`);
  }
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down: finishing replies in flight');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownSeconds * 1000);
    force.unref();
    void app.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (e: unknown) => {
        log.error({ err: e instanceof Error ? { message: e.message } : String(e) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (e) {
  const message = e instanceof StoreConfigError || (e instanceof Error && !process.env.GRADBOT_DEBUG) ? e.message : String(e);
  log.fatal({ err: e instanceof Error ? { message: e.message } : String(e) }, 'gradbot could not start');
  process.stderr.write(`gradbot could not start: ${message}\n`);
  process.exit(1);
}

import { App, HTTPReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import type { SlackConfig } from '../../config.ts';
import { pathOf, type Route } from '../../http/server.ts';
import type { PlatformDeps, PlatformHandle } from '../types.ts';
import { SlackDelivery } from './deliver.ts';
import { describeError } from './errors.ts';
import { registerCommands, registerQuizButtons } from './handlers.ts';
import { decodeLocation } from './location.ts';
import { guardSlackBody } from './guard.ts';
import { slackLogger } from './logger.ts';
import { within } from '../../ops/deadline.ts';

export { quizBlocks, textBlocks } from './blocks.ts';
export { toMrkdwn, escapeSlack } from './mrkdwn.ts';
export { slackManifest } from './manifest.ts';

/** Where Slack posts events, commands and button clicks in HTTP mode (the manifest's request URL). */
export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackOptions {
  /**
   * The Web API client's retry policy. Unset, the SDK's default (ten retries
   * over about half an hour, honouring Retry-After on 429s) applies; tests
   * pass { retries: 0 } so a mistake fails at once.
   */
  retryConfig?: webApi.RetryOptions;
  /** How long stop() waits for replies still being posted when not told (stop(drainMs)). Default 10 s. */
  drainMs?: number;
}

/**
 * Starts the Slack adapter. With cfg.appToken it connects over Socket Mode (no
 * public URL); otherwise it mounts Bolt's HTTP receiver on the shared server at
 * POST /slack/events, where Bolt checks each request's signature and refuses
 * ones older than five minutes. Rejects with a readable message when Slack
 * refuses the token.
 */
export async function startSlack(cfg: SlackConfig, deps: PlatformDeps, options: SlackOptions = {}): Promise<PlatformHandle> {
  const log = deps.log.child({ platform: 'slack' });
  const logger = slackLogger(log);
  const clientOptions: webApi.WebClientOptions = { slackApiUrl: cfg.apiUrl, ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}) };

  const socket = cfg.appToken
    ? new SocketModeReceiver({ appToken: cfg.appToken, logger, installerOptions: { clientOptions: { ...clientOptions } } })
    : null;
  const http = socket ? null : new HTTPReceiver({ signingSecret: cfg.signingSecret, endpoints: SLACK_EVENTS_PATH, logger });
  const receiver = socket ?? http;
  if (!receiver) throw new Error('unreachable: no Slack receiver');

  // One auth.test up front: a bad token fails start-up with a clear message, and
  // handing Bolt the bot's ids spares it a second auth.test of its own. A few quick
  // retries only: an unreachable Slack should stop start-up, not stall it for half an hour.
  let auth: webApi.AuthTestResponse;
  try {
    auth = await new webApi.WebClient(cfg.botToken, { ...clientOptions, retryConfig: options.retryConfig ?? { retries: 3, factor: 2 }, logger }).auth.test();
  } catch (err) {
    const { code, message } = describeError(err);
    throw new Error(
      code
        ? `Slack refused SLACK_BOT_TOKEN (${code}); copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page`
        : `could not reach Slack's Web API at ${cfg.apiUrl} (${message}); check the network or SLACK_API_URL`,
    );
  }
  const botName = typeof auth.user === 'string' && auth.user !== '' ? auth.user : 'gradbot';
  const app = new App({ token: cfg.botToken, botId: auth.bot_id, botUserId: auth.user_id, receiver, logger, clientOptions, tokenVerificationEnabled: false });

  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    const p = work.catch((err: unknown) => log.error(describeError(err), 'slack: unhandled failure')).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const delivery = new SlackDelivery(app.client, deps.bot, log, () => botName);
  let stopped = false;
  const handlerDeps = { bot: deps.bot, delivery, log, taUserIds: cfg.taUserIds, track, stopping: () => stopped };
  registerCommands(app, handlerDeps);
  registerQuizButtons(app, handlerDeps);
  app.error(async (err) => {
    log.error(describeError(err), 'slack: listener error');
  });

  deps.bot.onQuizClosed((event) => {
    if (event.platform !== 'slack') return;
    const at = decodeLocation(event.location);
    if (!at) return;
    track(delivery.quizClosed(event.quizId, at, event.summary));
  });

  let connected = false;
  let stopping: Promise<void> | undefined;
  if (http) {
    const route: Route = async (req, res) => {
      if (pathOf(req) !== SLACK_EVENTS_PATH || req.method !== 'POST') return false;
      if ((await guardSlackBody(req, res)) === 'refused') return true;
      // After stop() requests still reach Bolt, so a command gets "restarting" rather than a bare 503.
      http.requestListener(req, res);
      return true;
    };
    deps.http.addRoute(route);
    connected = true;
  } else if (socket) {
    socket.client.on('connected', () => {
      connected = true;
    });
    for (const state of ['disconnected', 'reconnecting', 'disconnecting']) {
      socket.client.on(state, () => {
        connected = false;
      });
    }
    try {
      await app.start();
    } catch (err) {
      const { code, message } = describeError(err);
      throw new Error(`Slack Socket Mode did not connect (${code ?? message}); check SLACK_APP_TOKEN (xapp-…, with the connections:write scope)`);
    }
    connected = true;
  }
  log.info({ mode: socket ? 'socket' : 'http', path: socket ? undefined : SLACK_EVENTS_PATH }, 'slack: ready');

  return {
    name: 'slack',
    ready: () => connected && !stopped,
    stop: (drainMs = options.drainMs ?? 10_000) => {
      stopping ??= (async () => {
        stopped = true;
        // The client's own disconnect resolves once the close handshake is done; receiver.stop() does not wait for it.
        if (socket) await socket.client.disconnect().catch((err: unknown) => log.warn(describeError(err), 'slack: disconnect failed'));
        connected = false;
        if (!(await within(Promise.allSettled([...inFlight]), drainMs))) log.warn({ replies: inFlight.size }, 'slack: replies still running at the shutdown bound');
      })();
      return stopping;
    },
  };
}

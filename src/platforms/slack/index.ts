import { App, HTTPReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import type { SlackConfig, SlackOAuthConfig } from '../../config.ts';
import { SecretBox } from '../../crypto/secret-box.ts';
import type { Logger } from '../../log.ts';
import { pathOf, type Route } from '../../http/server.ts';
import type { PlatformDeps, PlatformHandle } from '../types.ts';
import { SlackDelivery } from './deliver.ts';
import { describeError } from './errors.ts';
import { registerCommands, registerQuizButtons } from './handlers.ts';
import { decodeLocation } from './location.ts';
import { classChannelOf } from '../../bot.ts';
import { guardSlackBody } from './guard.ts';
import { PacedSlack, SLACK_POST_RULE } from './paced.ts';
import type { BucketRule } from '../pacing/bucket.ts';
import { slackLogger } from './logger.ts';
import { SLACK_BOT_SCOPES } from './manifest.ts';
import { OneTimeStateStore, SLACK_INSTALL_PATH, SLACK_REDIRECT_PATH, SealedInstallationStore, installPage, installSuccess } from './oauth.ts';
import { slackRoles } from './roles.ts';
import { registerUninstall } from './uninstall.ts';
import { WorkspaceDeliveries, teamOfClass } from './workspaces.ts';
import { within } from '../../ops/deadline.ts';

export { quizBlocks, textBlocks } from './blocks.ts';
export { toMrkdwn, escapeSlack } from './mrkdwn.ts';
export { slackManifest } from './manifest.ts';
export { SLACK_INSTALL_PATH, SLACK_REDIRECT_PATH } from './oauth.ts';

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
  /**
   * Channel pacing (default on, at Slack's documented one message a second per
   * channel): false posts every reply at once and leaves 429s to the SDK's
   * retries, as gradbot did before; the bench measures both.
   */
  pacing?: false | { rule?: BucketRule };
  /** Told of every 429 Slack answers (the bench counts them). */
  onRateLimited?: (method: string, ms: number) => void;
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
  const pacing = options.pacing === false ? null : (options.pacing ?? {});
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: cfg.apiUrl,
    ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
    // Paced, a 429 comes back to the pacer, which waits exactly its Retry-After; the SDK would add its own backoff on top.
    ...(pacing ? { rejectRateLimitedCalls: true } : {}),
  };
  const built = cfg.oauth ? buildDistributed(cfg, cfg.oauth, deps, clientOptions, logger, log) : await buildSingle(cfg, clientOptions, logger, options);
  const { app, http, socket } = built;

  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    const p = work.catch((err: unknown) => log.error(describeError(err), 'slack: unhandled failure')).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const onRateLimited = (method: string, ms: number) => {
    log.info({ method, retryAfterMs: ms }, 'slack: rate limited; waiting as told');
    options.onRateLimited?.(method, ms);
  };
  if (!pacing) app.client.on(webApi.WebClientEvent.RATE_LIMITED, (sec: number) => options.onRateLimited?.('sdk', sec * 1000));
  // One pacer per workspace client: Slack's limits are per workspace and channel.
  const deliveries = new WorkspaceDeliveries(
    (client) => new SlackDelivery(client, deps.bot, log, () => built.botName, undefined, pacing ? new PacedSlack(client, { rule: pacing.rule ?? SLACK_POST_RULE, onRateLimited }) : null),
    built.fixedClient,
  );
  let stopped = false;
  const roles = slackRoles({ tenancy: deps.tenancy, installations: built.installations, log });
  const handlerDeps = { bot: deps.bot, deliveryFor: deliveries.for, withRoles: roles, log, taUserIds: cfg.oauth ? [] : cfg.taUserIds, track, stopping: () => stopped };
  registerCommands(app, handlerDeps);
  registerQuizButtons(app, handlerDeps);
  if (built.installations) registerUninstall(app, built.installations, deliveries, log);
  app.error(async (err) => {
    log.error(describeError(err), 'slack: listener error');
  });

  deps.bot.onQuizClosed((event) => {
    if (event.platform !== 'slack') return;
    // No location (the process died before storing it): the class channel, rather than no summary at all.
    const channel = classChannelOf(event.classId);
    const at = decodeLocation(event.location) ?? (channel ? { channel, threadTs: null, ts: '' } : null);
    if (!at) return;
    track(
      (async () => {
        // The class's workspace, answered with that workspace's own token (one token in single-workspace mode).
        const delivery = await deliveries.forTeam(teamOfClass(event.classId), built.clientForTeam);
        if (delivery) await delivery.quizClosed(event.quizId, at, event.summary);
        else log.warn({ quizId: event.quizId, class: event.classId }, 'slack: the quiz\'s workspace has uninstalled gradbot; no summary posted');
      })(),
    );
  });

  let connected = false;
  let stopping: Promise<void> | undefined;
  if (http) {
    const oauthPaths = new Set(cfg.oauth ? [SLACK_INSTALL_PATH, SLACK_REDIRECT_PATH] : []);
    const route: Route = async (req, res) => {
      const path = pathOf(req);
      // The install page and the redirect are the installer's browser, not Slack: GET, no signature.
      if (oauthPaths.has(path) && req.method === 'GET') {
        http.requestListener(req, res);
        return true;
      }
      if (path !== SLACK_EVENTS_PATH || req.method !== 'POST') return false;
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
  log.info({ mode: socket ? 'socket' : 'http', path: socket ? undefined : SLACK_EVENTS_PATH, workspaces: cfg.oauth ? 'many (OAuth)' : 'one', ...(cfg.oauth ? { install: SLACK_INSTALL_PATH } : {}) }, 'slack: ready');

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

/** The Bolt app as one mode or the other builds it. */
interface Built {
  app: App;
  http: HTTPReceiver | null;
  socket: SocketModeReceiver | null;
  botName: string;
  /** Single-workspace mode: every reply goes out with this one client. */
  fixedClient: webApi.WebClient | null;
  /** OAuth mode: the installations, and a client for a workspace's own token (for replies no request carries, like quiz summaries). */
  installations: SealedInstallationStore | null;
  clientForTeam: (teamId: string) => Promise<webApi.WebClient | null>;
}

/**
 * One workspace, one token (SLACK_BOT_TOKEN): Socket Mode with cfg.appToken,
 * else Bolt's HTTP receiver on the shared server at POST /slack/events.
 */
async function buildSingle(cfg: SlackConfig, clientOptions: webApi.WebClientOptions, logger: ReturnType<typeof slackLogger>, options: SlackOptions): Promise<Built> {
  const botToken = cfg.botToken;
  if (!botToken) throw new Error('unreachable: single-workspace Slack without SLACK_BOT_TOKEN');
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
    auth = await new webApi.WebClient(botToken, { ...clientOptions, retryConfig: options.retryConfig ?? { retries: 3, factor: 2 }, logger }).auth.test();
  } catch (err) {
    const { code, message } = describeError(err);
    throw new Error(
      code
        ? `Slack refused SLACK_BOT_TOKEN (${code}); copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page`
        : `could not reach Slack's Web API at ${cfg.apiUrl} (${message}); check the network or SLACK_API_URL`,
    );
  }
  const botName = typeof auth.user === 'string' && auth.user !== '' ? auth.user : 'gradbot';
  const app = new App({ token: botToken, botId: auth.bot_id, botUserId: auth.user_id, receiver, logger, clientOptions, tokenVerificationEnabled: false });
  return { app, http, socket, botName, fixedClient: app.client, installations: null, clientForTeam: async () => app.client };
}

/**
 * Many workspaces (SLACK_CLIENT_ID…): Bolt's OAuth flow serves /slack/install
 * and /slack/oauth_redirect, installations go to gradbot's store with their
 * tokens sealed, and Bolt's authorize() looks up each request's own
 * workspace, so every request is answered with that workspace's token.
 */
function buildDistributed(cfg: SlackConfig, oauth: SlackOAuthConfig, deps: PlatformDeps, clientOptions: webApi.WebClientOptions, logger: ReturnType<typeof slackLogger>, log: Logger): Built {
  if (!deps.tenancy) throw new Error('unreachable: Slack OAuth without a store for installations');
  const installations = new SealedInstallationStore(deps.tenancy, new SecretBox(oauth.secretKey));
  const http = new HTTPReceiver({
    signingSecret: cfg.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    logger,
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    scopes: SLACK_BOT_SCOPES.map((s) => s.scope),
    installationStore: installations,
    installerOptions: {
      installPath: SLACK_INSTALL_PATH,
      redirectUriPath: SLACK_REDIRECT_PATH,
      stateStore: new OneTimeStateStore(oauth.stateSecret, deps.tenancy),
      // Slack's consent screen lives next to its Web API (https://slack.com/oauth/v2/authorize); tests point both at the stand-in.
      authorizationUrl: new URL('../oauth/v2/authorize', cfg.apiUrl).toString(),
      clientOptions: { slackApiUrl: cfg.apiUrl, ...(clientOptions.retryConfig ? { retryConfig: clientOptions.retryConfig } : {}) },
      renderHtmlForInstallPath: installPage,
      callbackOptions: { success: installSuccess(log) },
    },
  });
  const app = new App({ receiver: http, logger, clientOptions });
  const clientForTeam = async (teamId: string): Promise<webApi.WebClient | null> => {
    const row = await installations.fetchInstallation({ teamId, enterpriseId: undefined, isEnterpriseInstall: false }).catch(() => null);
    return row?.bot ? new webApi.WebClient(row.bot.token, { ...clientOptions, logger }) : null;
  };
  return { app, http, socket: null, botName: 'gradbot', fixedClient: null, installations, clientForTeam };
}

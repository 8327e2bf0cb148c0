import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Installation, InstallationQuery, InstallationStore, InstallURLOptions, StateStore } from '@slack/oauth';
// A CommonJS package whose state stores and errors Node's ESM loader cannot see as named exports.
import slackOAuth from '@slack/oauth';
import { SealError, type SecretBox } from '../../crypto/secret-box.ts';
import type { Logger } from '../../log.ts';
import { installationContext, type InstallationKey, type SlackInstallationRecord, type TenancyStore } from '../../store/tenancy.ts';

const { ClearStateStore, InvalidStateError, defaultCallbackSuccess } = slackOAuth;

/** Where gradbot serves the "Add to Slack" page and where Slack sends the installer back (the manifest's redirect URL). */
export const SLACK_INSTALL_PATH = '/slack/install';
export const SLACK_REDIRECT_PATH = '/slack/oauth_redirect';
/** How long an install link stays good: Bolt's own cookie lifetime. */
export const STATE_TTL_SECONDS = 600;

/** What the sealed column holds: every token Slack handed over, never stored in the clear. */
interface Secrets {
  botToken: string;
  botRefreshToken?: string | undefined;
  botExpiresAt?: number | undefined;
  userToken?: string | undefined;
}

export function keyOfQuery(q: InstallationQuery<boolean>): InstallationKey {
  return { enterpriseId: q.enterpriseId ?? null, teamId: q.teamId ?? null, isEnterpriseInstall: q.isEnterpriseInstall };
}

/**
 * Bolt's InstallationStore over gradbot's store: each workspace's bot token,
 * bot user, team, enterprise and installer, the tokens sealed with
 * GRADBOT_SECRET_KEY and bound to the workspace's row. Bolt's authorize()
 * calls fetchInstallation for every request, so each workspace is answered
 * with its own token.
 */
export class SealedInstallationStore implements InstallationStore {
  constructor(
    private readonly store: TenancyStore,
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  async storeInstallation<AuthVersion extends 'v1' | 'v2'>(installation: Installation<AuthVersion, boolean>): Promise<void> {
    const bot = installation.bot;
    if (!bot) throw new Error('the installation has no bot token: the app must ask for bot scopes');
    const isEnterpriseInstall = installation.isEnterpriseInstall === true;
    const key: InstallationKey = { enterpriseId: installation.enterprise?.id ?? null, teamId: isEnterpriseInstall ? null : (installation.team?.id ?? null), isEnterpriseInstall };
    const secrets: Secrets = { botToken: bot.token, botRefreshToken: bot.refreshToken, botExpiresAt: bot.expiresAt, userToken: installation.user.token };
    await this.store.saveSlackInstallation({
      ...key,
      teamName: installation.team?.name ?? null,
      enterpriseName: installation.enterprise?.name ?? null,
      appId: typeof installation.appId === 'string' ? installation.appId : null,
      botId: bot.id,
      botUserId: bot.userId,
      botScopes: bot.scopes,
      installerUserId: installation.user.id,
      sealedSecrets: this.box.seal(JSON.stringify(secrets), installationContext(key)),
      installedAt: this.now(),
    });
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
    const row = await this.store.findSlackInstallation(keyOfQuery(query));
    if (!row) throw new Error(`gradbot is not installed in ${query.isEnterpriseInstall ? `org ${query.enterpriseId ?? '?'}` : `workspace ${query.teamId ?? '?'}`}`);
    return toInstallation(row, this.openSecrets(row));
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.store.deleteSlackInstallation(keyOfQuery(query));
  }

  /** Removes a workspace's (or org's) installation: it uninstalled, or revoked the bot's token. */
  async remove(key: InstallationKey): Promise<number> {
    return this.store.deleteSlackInstallation(key);
  }

  /** The installation row as gradbot's commands need it (the installer may manage TAs), without opening its tokens. */
  find(key: InstallationKey): Promise<SlackInstallationRecord | null> {
    return this.store.findSlackInstallation(key);
  }

  private openSecrets(row: SlackInstallationRecord): Secrets {
    try {
      return JSON.parse(this.box.open(row.sealedSecrets, installationContext(row))) as Secrets;
    } catch (e) {
      if (e instanceof SealError) throw new Error(`the stored Slack token of ${row.teamId ?? row.enterpriseId ?? '?'} does not open: was GRADBOT_SECRET_KEY changed? Reinstall through /slack/install`);
      throw e;
    }
  }
}

function toInstallation(row: SlackInstallationRecord, secrets: Secrets): Installation<'v2', boolean> {
  return {
    team: row.teamId ? { id: row.teamId, ...(row.teamName ? { name: row.teamName } : {}) } : undefined,
    enterprise: row.enterpriseId ? { id: row.enterpriseId, ...(row.enterpriseName ? { name: row.enterpriseName } : {}) } : undefined,
    user: { id: row.installerUserId, token: secrets.userToken, scopes: undefined },
    bot: {
      token: secrets.botToken,
      id: row.botId,
      userId: row.botUserId,
      scopes: row.botScopes,
      ...(secrets.botRefreshToken ? { refreshToken: secrets.botRefreshToken, expiresAt: secrets.botExpiresAt } : {}),
    },
    ...(row.appId ? { appId: row.appId } : {}),
    tokenType: 'bot',
    isEnterpriseInstall: row.isEnterpriseInstall,
    authVersion: 'v2',
  };
}

/**
 * Bolt's signed, expiring state (ClearStateStore: a JWT under
 * SLACK_STATE_SECRET, tied to the installer's browser by a cookie), spent on
 * first use: the store records each state's hash, so a redirect replayed from
 * a log or a browser history is refused, on every instance sharing the store.
 */
export class OneTimeStateStore implements StateStore {
  private readonly signed: InstanceType<typeof ClearStateStore>;

  constructor(
    stateSecret: string,
    private readonly store: TenancyStore,
    private readonly ttlSeconds = STATE_TTL_SECONDS,
  ) {
    this.signed = new ClearStateStore(stateSecret, ttlSeconds);
  }

  generateStateParam(installOptions: InstallURLOptions, now: Date): Promise<string> {
    return this.signed.generateStateParam(installOptions, now);
  }

  async verifyStateParam(now: Date, state: string): Promise<InstallURLOptions> {
    // Forged, tampered or expired states fail here, before anything is spent.
    const options = await this.signed.verifyStateParam(now, state);
    const id = createHash('sha256').update(state).digest('base64url');
    if (!(await this.store.spendOAuthState(id, now.getTime() + this.ttlSeconds * 1000, now.getTime()))) {
      throw new InvalidStateError('The state parameter was already used');
    }
    return options;
  }
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The "Add to Slack" page at /slack/install: one button to Slack's consent screen. */
export function installPage(url: string): string {
  const href = escapeHtml(url);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Add gradbot to Slack</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1d3557}a.add{display:inline-block;margin-top:1rem;padding:.7rem 1.2rem;border-radius:.4rem;background:#4a154b;color:#fff;text-decoration:none;font-weight:600}</style>
</head><body>
<h1>gradbot</h1>
<p>Shows students why gradients explode and vanish: <code>/explode w=500 lr=0.01</code> answers in a thread with the chain rule, a chart and a quiz.</p>
<p>Adding it to your workspace lets it post in the channels you invite it to. Its scores and quizzes stay in your workspace.</p>
<a class="add" id="add-to-slack" href="${href}">Add to Slack</a>
</body></html>
`;
}

/** After a successful install: log it (never the token) and hand the browser back to Slack, as Bolt does. */
export function installSuccess(log: Logger) {
  return (installation: Installation, options: InstallURLOptions, req: IncomingMessage, res: ServerResponse): void => {
    log.info({ team: installation.team?.id, enterprise: installation.enterprise?.id, installer: installation.user.id }, 'slack: installed');
    defaultCallbackSuccess(installation, options, req, res);
  };
}

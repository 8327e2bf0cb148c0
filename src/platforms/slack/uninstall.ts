import type { App } from '@slack/bolt';
import type { Logger } from '../../log.ts';
import { describeError } from './errors.ts';
import type { SealedInstallationStore } from './oauth.ts';
import type { WorkspaceDeliveries } from './workspaces.ts';

/**
 * A workspace that removes gradbot (app_uninstalled), or revokes its bot
 * token (tokens_revoked with bot ids), loses its installation at once: its
 * token is dead and must not linger in the store. Bolt calls these
 * listeners without authorizing, since the token is already gone. Other
 * workspaces are untouched.
 */
export function registerUninstall(app: App, installations: SealedInstallationStore, deliveries: WorkspaceDeliveries, log: Logger): void {
  const remove = async (why: string, teamId: string | undefined, enterpriseId: string | undefined, isEnterpriseInstall: boolean) => {
    try {
      await installations.remove({ teamId: teamId ?? null, enterpriseId: enterpriseId ?? null, isEnterpriseInstall });
      if (teamId) deliveries.forget(teamId);
      log.info({ team: teamId, enterprise: enterpriseId, why }, 'slack: installation removed');
    } catch (err) {
      log.error({ ...describeError(err), team: teamId }, 'slack: could not remove the installation');
    }
  };

  app.event('app_uninstalled', async ({ context }) => {
    await remove('app_uninstalled', context.teamId, context.enterpriseId, context.isEnterpriseInstall === true);
  });

  app.event('tokens_revoked', async ({ event, context }) => {
    // Only the bot's token matters: gradbot keeps no user tokens in use.
    if ((event.tokens.bot ?? []).length === 0) return;
    await remove('tokens_revoked', context.teamId, context.enterpriseId, context.isEnterpriseInstall === true);
  });
}

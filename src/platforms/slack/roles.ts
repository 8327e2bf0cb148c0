import type { webApi } from '@slack/bolt';
import type { Caller } from '../../../commands/types.ts';
import type { Logger } from '../../log.ts';
import type { TenancyStore } from '../../store/tenancy.ts';
import { TA_COMMAND, withClassTa } from '../roles.ts';
import { describeError } from './errors.ts';
import type { SealedInstallationStore } from './oauth.ts';

export interface RoleLookup {
  client: webApi.WebClient;
  teamId: string;
  enterpriseId: string | null;
  commandName: string;
}

export type WithRoles = (caller: Caller, at: RoleLookup) => Promise<Caller>;

/**
 * A Slack caller's roles: a TA when SLACK_TA_USER_IDS lists them
 * (single-workspace mode) or /ta named them in this class; may manage TAs
 * when they installed gradbot in this workspace or are its admin or owner
 * (users.info, the users:read scope). Looked up only for the commands that
 * need it (src/platforms/roles.ts needsRoles).
 */
export function slackRoles(o: { tenancy: TenancyStore | undefined; installations: SealedInstallationStore | null; log: Logger }): WithRoles {
  const canManage = async (userId: string, at: RoleLookup): Promise<boolean> => {
    if (o.installations) {
      const row = await o.installations.find({ teamId: at.teamId, enterpriseId: at.enterpriseId, isEnterpriseInstall: false });
      if (row?.installerUserId === userId) return true;
    }
    try {
      const info = await at.client.users.info({ user: userId });
      return info.user?.is_admin === true || info.user?.is_owner === true || info.user?.is_primary_owner === true;
    } catch (err) {
      o.log.warn(describeError(err), 'slack: users.info failed; treating the caller as not an admin');
      return false;
    }
  };
  return async (caller, at) => {
    const withTa = await withClassTa(caller, o.tenancy);
    return at.commandName === TA_COMMAND ? { ...withTa, canManageTas: await canManage(caller.userId, at) } : withTa;
  };
}

import type { InstallationKey, SlackInstallationRecord, TaRecord } from './tenancy.ts';

/** The tenancy tables' rows as both engines return them (PostgreSQL's BIGINTs already parsed to numbers). */
export interface InstallationRow {
  enterprise_id: string | null;
  team_id: string | null;
  is_enterprise_install: number;
  team_name: string | null;
  enterprise_name: string | null;
  app_id: string | null;
  bot_id: string;
  bot_user_id: string;
  bot_scopes: string;
  installer_user_id: string;
  sealed_secrets: string;
  installed_at: number;
}

export interface TaRow {
  class_id: string;
  user_id: string;
  added_by: string;
  added_at: number;
}

/** One row per workspace, or per org for an org-wide install: team ids are unique across Slack. */
export const installKey = (k: InstallationKey): string => (k.isEnterpriseInstall ? `org:${k.enterpriseId ?? ''}` : `team:${k.teamId ?? ''}`);

export const installationOf = (r: InstallationRow): SlackInstallationRecord => ({
  enterpriseId: r.enterprise_id,
  teamId: r.team_id,
  isEnterpriseInstall: r.is_enterprise_install === 1,
  teamName: r.team_name,
  enterpriseName: r.enterprise_name,
  appId: r.app_id,
  botId: r.bot_id,
  botUserId: r.bot_user_id,
  botScopes: JSON.parse(r.bot_scopes) as string[],
  installerUserId: r.installer_user_id,
  sealedSecrets: r.sealed_secrets,
  installedAt: r.installed_at,
});

export const taOf = (r: TaRow): TaRecord => ({ classId: r.class_id, userId: r.user_id, addedBy: r.added_by, addedAt: r.added_at });


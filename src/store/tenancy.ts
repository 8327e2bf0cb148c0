/**
 * What one gradbot serving many Slack workspaces and Discord servers keeps
 * besides the teaching loop: each workspace's installation (its bot token
 * sealed, never in the clear), the OAuth `state` values already spent, and
 * the TAs a class's admins named in chat. Asynchronous like the Store, and
 * decided inside the database so it holds across instances.
 */

/** Which installation: a workspace (teamId), or a whole Enterprise Grid org (enterpriseId, isEnterpriseInstall). */
export interface InstallationKey {
  enterpriseId: string | null;
  teamId: string | null;
  isEnterpriseInstall: boolean;
}

export interface SlackInstallationRecord extends InstallationKey {
  teamName: string | null;
  enterpriseName: string | null;
  appId: string | null;
  botId: string;
  botUserId: string;
  botScopes: string[];
  /** Who clicked Add to Slack: may manage TAs there with the workspace's admins. */
  installerUserId: string;
  /** The bot token (and any user or refresh tokens), sealed with GRADBOT_SECRET_KEY (src/crypto/secret-box.ts). */
  sealedSecrets: string;
  installedAt: number;
}

export interface TaRecord {
  classId: string;
  userId: string;
  addedBy: string;
  addedAt: number;
}

export interface TenancyStore {
  /** Adds or replaces (a reinstall) the installation with this key. */
  saveSlackInstallation(r: SlackInstallationRecord): Promise<void>;
  /**
   * The installation that authorizes a request: the workspace's own, else its
   * org's (an org-wide install covers every workspace in it).
   */
  findSlackInstallation(key: InstallationKey): Promise<SlackInstallationRecord | null>;
  /** Removes the workspace's (or org's) installation; returns how many rows went. */
  deleteSlackInstallation(key: InstallationKey): Promise<number>;
  /**
   * Spends an OAuth state value: true for the first call with this id, false
   * ever after (a replayed redirect). Ids past expiresAt may be forgotten.
   */
  spendOAuthState(id: string, expiresAt: number, now: number): Promise<boolean>;

  /** Names a TA of a class; false when they already were one. */
  addTa(r: TaRecord): Promise<boolean>;
  /** False when they were not a TA of the class. */
  removeTa(classId: string, userId: string): Promise<boolean>;
  /** The class's TAs, earliest named first. */
  listTas(classId: string): Promise<TaRecord[]>;
  isTa(classId: string, userId: string): Promise<boolean>;
}

/** The row key the sealed secrets are bound to, so a sealed token copied into another row does not open. */
export function installationContext(k: InstallationKey): string {
  return `slack-installation:${k.isEnterpriseInstall ? 'org' : 'team'}:${k.enterpriseId ?? ''}:${k.teamId ?? ''}`;
}

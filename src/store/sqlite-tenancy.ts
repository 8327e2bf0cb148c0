import type Database from 'better-sqlite3';
import type { InstallationKey, SlackInstallationRecord, TaRecord, TenancyStore } from './tenancy.ts';
import { installationOf, installKey, taOf, type InstallationRow, type TaRow } from './tenancy-rows.ts';

/** TenancyStore on the SQLite store's connection (schema: migration 2). Each call is one statement, so each is atomic. */
export class SqliteTenancy implements TenancyStore {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      saveInstall: db.prepare(
        `INSERT INTO slack_installations (install_key, enterprise_id, team_id, is_enterprise_install, team_name, enterprise_name, app_id, bot_id, bot_user_id, bot_scopes, installer_user_id, sealed_secrets, installed_at)
         VALUES (@key, @enterpriseId, @teamId, @isEnterpriseInstall, @teamName, @enterpriseName, @appId, @botId, @botUserId, @botScopes, @installerUserId, @sealedSecrets, @installedAt)
         ON CONFLICT (install_key) DO UPDATE SET enterprise_id = excluded.enterprise_id, team_id = excluded.team_id, team_name = excluded.team_name,
           enterprise_name = excluded.enterprise_name, app_id = excluded.app_id, bot_id = excluded.bot_id, bot_user_id = excluded.bot_user_id,
           bot_scopes = excluded.bot_scopes, installer_user_id = excluded.installer_user_id, sealed_secrets = excluded.sealed_secrets, installed_at = excluded.installed_at`,
      ),
      findInstall: db.prepare('SELECT * FROM slack_installations WHERE install_key = ?'),
      deleteInstall: db.prepare('DELETE FROM slack_installations WHERE install_key = ?'),
      forgetStates: db.prepare('DELETE FROM oauth_states WHERE expires_at < ?'),
      spendState: db.prepare('INSERT INTO oauth_states (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING'),
      addTa: db.prepare('INSERT INTO class_tas (class_id, user_id, added_by, added_at) VALUES (@classId, @userId, @addedBy, @addedAt) ON CONFLICT (class_id, user_id) DO NOTHING'),
      removeTa: db.prepare('DELETE FROM class_tas WHERE class_id = ? AND user_id = ?'),
      listTas: db.prepare('SELECT * FROM class_tas WHERE class_id = ? ORDER BY added_at, user_id'),
      isTa: db.prepare('SELECT 1 FROM class_tas WHERE class_id = ? AND user_id = ?'),
    };
  }

  async saveSlackInstallation(r: SlackInstallationRecord): Promise<void> {
    this.s.saveInstall.run({ ...r, key: installKey(r), isEnterpriseInstall: r.isEnterpriseInstall ? 1 : 0, botScopes: JSON.stringify(r.botScopes) });
  }

  async findSlackInstallation(k: InstallationKey): Promise<SlackInstallationRecord | null> {
    const own = k.isEnterpriseInstall ? undefined : (this.s.findInstall.get(installKey(k)) as InstallationRow | undefined);
    const org = own ?? (k.enterpriseId ? (this.s.findInstall.get(installKey({ ...k, isEnterpriseInstall: true })) as InstallationRow | undefined) : undefined);
    return org ? installationOf(org) : null;
  }

  async deleteSlackInstallation(k: InstallationKey): Promise<number> {
    return this.s.deleteInstall.run(installKey(k)).changes;
  }

  async spendOAuthState(id: string, expiresAt: number, now: number): Promise<boolean> {
    this.s.forgetStates.run(now);
    return this.s.spendState.run(id, expiresAt).changes === 1;
  }

  async addTa(r: TaRecord): Promise<boolean> {
    return this.s.addTa.run(r).changes === 1;
  }

  async removeTa(classId: string, userId: string): Promise<boolean> {
    return this.s.removeTa.run(classId, userId).changes > 0;
  }

  async listTas(classId: string): Promise<TaRecord[]> {
    return (this.s.listTas.all(classId) as TaRow[]).map(taOf);
  }

  async isTa(classId: string, userId: string): Promise<boolean> {
    return this.s.isTa.get(classId, userId) !== undefined;
  }
}

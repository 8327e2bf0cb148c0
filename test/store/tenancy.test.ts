import { describe, expect, it } from 'vitest';
import { openStore, type SlackInstallationRecord } from '../../src/store/index.ts';

/** The tenancy part of the store contract: installations, spent OAuth states, TAs per class. */
const install = (over: Partial<SlackInstallationRecord> = {}): SlackInstallationRecord => ({
  enterpriseId: null,
  teamId: 'T1',
  isEnterpriseInstall: false,
  teamName: 'One',
  enterpriseName: null,
  appId: 'A1',
  botId: 'B1',
  botUserId: 'UB1',
  botScopes: ['commands', 'chat:write'],
  installerUserId: 'U1',
  sealedSecrets: 'v1.sealed',
  installedAt: 1000,
  ...over,
});

describe('tenancy store (SQLite)', () => {
  it('keeps one installation per workspace; a reinstall replaces it; removing one leaves the others', async () => {
    const store = openStore('sqlite::memory:');
    await store.saveSlackInstallation(install());
    await store.saveSlackInstallation(install({ teamId: 'T2', botUserId: 'UB2' }));
    await store.saveSlackInstallation(install({ installerUserId: 'U9', sealedSecrets: 'v1.newer' }));
    expect(await store.findSlackInstallation({ teamId: 'T1', enterpriseId: null, isEnterpriseInstall: false })).toMatchObject({ installerUserId: 'U9', sealedSecrets: 'v1.newer', botScopes: ['commands', 'chat:write'] });
    expect(await store.deleteSlackInstallation({ teamId: 'T1', enterpriseId: null, isEnterpriseInstall: false })).toBe(1);
    expect(await store.findSlackInstallation({ teamId: 'T1', enterpriseId: null, isEnterpriseInstall: false })).toBeNull();
    expect(await store.findSlackInstallation({ teamId: 'T2', enterpriseId: null, isEnterpriseInstall: false })).toMatchObject({ botUserId: 'UB2' });
    store.close();
  });

  it("finds an org-wide install for any workspace of the org, and a workspace's own first", async () => {
    const store = openStore('sqlite::memory:');
    await store.saveSlackInstallation(install({ teamId: null, enterpriseId: 'E1', isEnterpriseInstall: true, botUserId: 'UORG' }));
    expect(await store.findSlackInstallation({ teamId: 'T7', enterpriseId: 'E1', isEnterpriseInstall: false })).toMatchObject({ botUserId: 'UORG' });
    await store.saveSlackInstallation(install({ teamId: 'T7', enterpriseId: 'E1', botUserId: 'UOWN' }));
    expect(await store.findSlackInstallation({ teamId: 'T7', enterpriseId: 'E1', isEnterpriseInstall: false })).toMatchObject({ botUserId: 'UOWN' });
    expect(await store.findSlackInstallation({ teamId: 'T8', enterpriseId: 'E2', isEnterpriseInstall: false })).toBeNull();
    store.close();
  });

  it('spends an OAuth state once; an expired record is forgotten', async () => {
    const store = openStore('sqlite::memory:');
    expect(await store.spendOAuthState('s1', 2000, 1000)).toBe(true);
    expect(await store.spendOAuthState('s1', 2000, 1500)).toBe(false);
    expect(await store.spendOAuthState('s2', 2000, 1500)).toBe(true);
    store.close();
  });

  it('names TAs per class: once each, listed in order, removable', async () => {
    const store = openStore('sqlite::memory:');
    expect(await store.addTa({ classId: 'slack:T1:C1', userId: 'U2', addedBy: 'U1', addedAt: 5 })).toBe(true);
    expect(await store.addTa({ classId: 'slack:T1:C1', userId: 'U2', addedBy: 'U1', addedAt: 6 })).toBe(false);
    expect(await store.addTa({ classId: 'slack:T1:C1', userId: 'U3', addedBy: 'U1', addedAt: 7 })).toBe(true);
    expect((await store.listTas('slack:T1:C1')).map((t) => t.userId)).toEqual(['U2', 'U3']);
    expect(await store.isTa('slack:T1:C1', 'U2')).toBe(true);
    expect(await store.isTa('slack:T2:C1', 'U2')).toBe(false);
    expect(await store.removeTa('slack:T1:C1', 'U2')).toBe(true);
    expect(await store.removeTa('slack:T1:C1', 'U2')).toBe(false);
    expect(await store.isTa('slack:T1:C1', 'U2')).toBe(false);
    store.close();
  });
});

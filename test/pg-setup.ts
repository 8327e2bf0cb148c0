import type { TestProject } from 'vitest/node';
import { INSTALL_HINT, findPgBin, startCluster, type Cluster } from '../scripts/pg/cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway cluster's superuser URL, or null when PostgreSQL is not installed (outside CI). */
    pgAdminUrl: string | null;
  }
}

let cluster: Cluster | null = null;

/**
 * vitest globalSetup: one throwaway PostgreSQL cluster for the whole run
 * (each test file makes its own database on it). Under CI it must start;
 * on a machine without PostgreSQL its tests skip, said once, here.
 */
export async function setup(project: TestProject): Promise<void> {
  const ci = /^(1|true)$/i.test(process.env.CI ?? '');
  if (!findPgBin()) {
    if (ci) throw new Error(`CI=true but PostgreSQL is not installed: ${INSTALL_HINT}`);
    process.stderr.write(`PostgreSQL tests skipped: ${INSTALL_HINT}.\n`);
    project.provide('pgAdminUrl', null);
    return;
  }
  cluster = await startCluster();
  project.provide('pgAdminUrl', cluster.adminUrl);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
  cluster = null;
}

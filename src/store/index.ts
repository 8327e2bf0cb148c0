export * from './types.ts';
export { openSqliteStore, applyMigrations } from './sqlite.ts';
export { migrations, SCHEMA_VERSION, type Migration } from './migrations.ts';
export { openStore, parseDatabaseUrl, describeDatabase, DEFAULT_DATABASE_URL, StoreConfigError, type DatabaseTarget } from './url.ts';
export { openPostgresStore, applyPostgresMigrations, appliedPostgresVersions, postgresPool, type PostgresOptions } from './postgres.ts';
export { redactUrl, isConnectionError } from './pg-errors.ts';
export * from './tenancy.ts';

export * from './types.ts';
export { openSqliteStore, applyMigrations } from './sqlite.ts';
export { migrations, type Migration } from './migrations.ts';
export { openStore, parseDatabaseUrl, DEFAULT_DATABASE_URL, StoreConfigError, type DatabaseTarget } from './url.ts';

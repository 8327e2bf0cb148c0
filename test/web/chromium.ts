import { existsSync } from 'node:fs';

/** Debian's chromium (CHROMIUM_PATH points elsewhere); under CI a missing one fails the browser tests instead of skipping them. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const IN_CI = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);

import { existsSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { envSchema, KNOWN_GRADBOT_VARS, loadConfig } from '../config.ts';

/**
 * What `gradbot doctor` checks, each as findings a person can act on: a
 * status, one line saying what was found, and for a problem one line saying
 * what to do. No finding ever contains a token's value.
 */
export type Status = 'ok' | 'warn' | 'fail' | 'info';

export interface Finding {
  status: Status;
  title: string;
  fix?: string;
}

const FONT_DIR = fileURLToPath(new URL('../../assets/fonts/', import.meta.url));
const SETUP = 'install the system libraries (scripts/setup.sh lists them: libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev), then `npm rebuild canvas`';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);

/** Unset or empty (as a copied .env.example leaves them) count as not set, as in loadConfig. */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

export function checkNode(version: string = process.versions.node): Finding {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  // package.json engines: >=20.6 <21 || >=22 (20.6 brought --import, which `npm start` uses).
  const ok = (major === 20 && minor >= 6) || major >= 22;
  return ok
    ? { status: 'ok', title: `Node.js ${version}` }
    : { status: 'fail', title: `Node.js ${version} is not supported (needs 20.6 or later 20.x, or 22+)`, fix: 'install Node.js 22 LTS (or 20.6+), e.g. from nodejs.org or with nvm' };
}

/** canvas loads, draws and encodes a PNG. Fonts are registered first: they must be, before the first canvas exists. */
export async function checkCanvas(): Promise<{ finding: Finding; fontError: unknown }> {
  try {
    const canvas = await import('canvas');
    let fontError: unknown = null;
    try {
      (await import('../render/fonts.ts')).registerFonts();
    } catch (e) {
      fontError = e;
    }
    const c = canvas.createCanvas(64, 32);
    const g = c.getContext('2d');
    g.fillStyle = '#c33';
    g.fillRect(0, 0, 64, 32);
    const png = c.toBuffer('image/png');
    if (png.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error('the PNG encoder returned something else');
    return { finding: { status: 'ok', title: `canvas ${canvas.version} (cairo ${canvas.cairoVersion}): drew and encoded a PNG` }, fontError };
  } catch (e) {
    return { finding: { status: 'fail', title: `canvas does not work: ${message(e)}`, fix: SETUP }, fontError: null };
  }
}

/** The shipped fonts are present and registered: the two families draw differently, which a fallback font would not. */
export async function checkFonts(fontError: unknown): Promise<Finding> {
  const fix = 'restore assets/fonts from the repository (git checkout -- assets/fonts); the pictures need these exact fonts';
  const files = existsSync(FONT_DIR) ? readdirSync(FONT_DIR).filter((f) => f.endsWith('.ttf')) : [];
  if (fontError) return { status: 'fail', title: `fonts: ${message(fontError)}`, fix };
  try {
    const { createCanvas } = await import('canvas');
    const { font, MONO, SANS } = await import('../render/fonts.ts');
    const g = createCanvas(200, 40).getContext('2d');
    const width = (family: string) => {
      g.font = font(20, 'normal', family);
      return g.measureText('iiiiWWWW').width;
    };
    if (width(SANS) === width(MONO)) return { status: 'fail', title: `fonts: ${SANS} and ${MONO} draw alike, so neither is registered`, fix };
    return { status: 'ok', title: `fonts: ${files.length} DejaVu faces in assets/fonts registered as ${SANS} and ${MONO}` };
  } catch (e) {
    return { status: 'fail', title: `fonts: ${message(e)}`, fix };
  }
}

export async function checkMathJax(): Promise<Finding> {
  try {
    const { texImage } = await import('../render/tex.ts');
    const img = texImage('\\frac{\\partial L}{\\partial w_1} = 150 \\times 100 \\times 125 \\times 50', 32, '#000000');
    if (!(img.width > 0 && img.height > 0)) throw new Error('the formula came out empty');
    return { status: 'ok', title: `MathJax typeset the lecture's chain rule (${Math.round(img.width)}×${Math.round(img.height)} px)` };
  } catch (e) {
    return { status: 'fail', title: `MathJax: ${message(e)}`, fix: 'reinstall the dependencies (npm ci); canvas must load SVG images (librsvg, see scripts/setup.sh)' };
  }
}

/** One real /explode through a one-worker pool: the same path a student's command takes. */
export async function checkRenderPool(): Promise<Finding> {
  const [{ createRenderPool }, { pngSize }] = await Promise.all([import('../render/pool.ts'), import('../render/png-size.ts')]);
  const { parseExplode } = await import('../params/index.ts');
  const pool = createRenderPool({ size: 1, jobTimeoutMs: 60_000 });
  try {
    const parsed = parseExplode({ text: '' });
    if (!parsed.ok) throw new Error(parsed.message);
    const started = performance.now();
    const { breakdown, chart } = await pool.explode(parsed.spec);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const size = (png: Uint8Array) => {
      const s = pngSize(png);
      return `${s.width}×${s.height}`;
    };
    return { status: 'ok', title: `render pool: a worker drew /explode (breakdown ${size(breakdown.png)}, chart ${size(chart.png)}) in ${seconds} s` };
  } catch (e) {
    return { status: 'fail', title: `render pool: ${message(e)}`, fix: `fix the canvas, fonts and MathJax lines first; for the full error run \`npx gradbot explode --out /tmp/gradbot-check\`` };
  } finally {
    await pool.close();
  }
}

/** The database DATABASE_URL names. SQLite: opened (created if new), migrated, and a write lock taken. PostgreSQL: see check-postgres.ts. */
export async function checkDatabase(env: NodeJS.ProcessEnv): Promise<Finding> {
  const { openStore, parseDatabaseUrl, migrations, DEFAULT_DATABASE_URL } = await import('../store/index.ts');
  const url = envValue(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL;
  const fix =
    'point DATABASE_URL at a folder the user running gradbot can write (e.g. sqlite:./data/gradbot.db; in Docker, the /data volume), or make that folder writable for that user (chown/chmod)';
  try {
    const target = parseDatabaseUrl(url);
    if (target.driver === 'postgres') {
      const { checkPostgres } = await import('./check-postgres.ts');
      return await checkPostgres(target, migrations.map((m) => m.version));
    }
    const existed = !target.memory && existsSync(target.path);
    const store = await openStore(url);
    try {
      if (!(await store.writable())) return { status: 'fail', title: `database ${target.path}: opened, but a write was refused (read-only file system, or locked by another process)`, fix };
    } finally {
      await store.close();
    }
    const version = Math.max(...migrations.map((m) => m.version));
    if (target.memory) return { status: 'warn', title: 'database: in memory (sqlite::memory:): quizzes and scores are lost on every restart', fix: 'set DATABASE_URL=sqlite:./data/gradbot.db to keep them' };
    return { status: 'ok', title: `database ${target.path}: writable, migrations applied (schema version ${version})${existed ? '' : ', created now'}` };
  } catch (e) {
    // openStore names the errno; say what it means for the path.
    const code = /\((E[A-Z]+)\)/.exec(message(e))?.[1];
    const reason = code ? FS_REASONS[code] : undefined;
    const path = (() => {
      try {
        const t = parseDatabaseUrl(url);
        return t.driver === 'sqlite' ? t.path : null;
      } catch {
        return null;
      }
    })();
    return { status: 'fail', title: reason && path ? `database: cannot write ${path}: ${reason} (${code})` : `database: ${message(e)}`, fix };
  }
}

const FS_REASONS: Record<string, string> = {
  EACCES: 'this user may not write in that folder',
  EPERM: 'the system does not allow writing there',
  EROFS: 'that folder is on a read-only file system',
  EEXIST: 'part of the path is a file, not a folder',
  ENOTDIR: 'part of the path is a file, not a folder',
  ENOSPC: 'the disk is full',
};

interface TokenRule {
  name: keyof typeof envSchema.shape;
  platform: string;
  where: string;
}

const TOKENS: readonly TokenRule[] = [
  { name: 'DISCORD_TOKEN', platform: 'Discord', where: 'Developer Portal > your application > Bot > Reset Token' },
  { name: 'SLACK_BOT_TOKEN', platform: 'Slack', where: "the Slack app's OAuth & Permissions page (Bot User OAuth Token, xoxb-…)" },
  { name: 'SLACK_SIGNING_SECRET', platform: 'Slack', where: "the Slack app's Basic Information page (App Credentials > Signing Secret)" },
  { name: 'SLACK_APP_TOKEN', platform: 'Slack Socket Mode', where: "the Slack app's Basic Information page (App-Level Tokens, with connections:write)" },
];

/** The common copy-paste slips, said plainly; the value itself is never shown. */
function slip(value: string): string | null {
  if (/^["']|["']$/.test(value)) return 'is wrapped in quotes';
  if (/\s/.test(value)) return 'contains a space';
  if (/^Bot\s/i.test(value)) return 'starts with "Bot " (leave that out)';
  return null;
}

/** Each configured secret's shape, by config.ts's own rules; values are described by length only. */
export function checkTokens(env: NodeJS.ProcessEnv): Finding[] {
  const out: Finding[] = [];
  for (const rule of TOKENS) {
    const value = envValue(env, rule.name) ?? '';
    if (value === '') {
      if (rule.name === 'DISCORD_TOKEN' || rule.name === 'SLACK_BOT_TOKEN') out.push({ status: 'info', title: `${rule.name} not set: ${rule.platform} is off` });
      continue;
    }
    const fix = `copy it again from ${rule.where}`;
    const slipped = slip(value);
    if (slipped) {
      out.push({ status: 'fail', title: `${rule.name} ${slipped}`, fix });
      continue;
    }
    const parsed = envSchema.shape[rule.name].safeParse(value);
    if (!parsed.success) {
      out.push({ status: 'fail', title: parsed.error.issues[0]?.message ?? `${rule.name} is malformed`, fix });
      continue;
    }
    if (rule.name === 'SLACK_SIGNING_SECRET' && !/^[0-9a-f]{32}$/.test(value)) {
      out.push({ status: 'warn', title: `SLACK_SIGNING_SECRET is set (${value.length} characters) but Slack's are 32 hex digits`, fix });
      continue;
    }
    const detail = rule.name === 'DISCORD_TOKEN' ? discordDetail(value) : `${value.length} characters`;
    out.push({ status: 'ok', title: `${rule.name} has the right shape (${detail}; not shown)` });
  }
  return out;
}

/** A Discord token's first part is the application id in base64: a public id, safe to show, and a check that the token is a bot's. */
function discordDetail(token: string): string {
  const id = Buffer.from(token.split('.')[0] ?? '', 'base64').toString('utf8');
  return /^\d{15,25}$/.test(id) ? `application ${id}` : 'three parts';
}

/** The rest of the environment, as gradbot will read it at start: what runs, and anything it would refuse or ignore. */
export function checkConfig(env: NodeJS.ProcessEnv, alreadyReported: readonly string[]): Finding[] {
  const loaded = loadConfig(env);
  const unknown = Object.keys(env)
    .filter((k) => k.startsWith('GRADBOT_') && !KNOWN_GRADBOT_VARS.includes(k) && (env[k] ?? '').trim() !== '')
    .map((k): Finding => ({ status: 'warn', title: `unknown variable ${k} is ignored`, fix: `known: ${KNOWN_GRADBOT_VARS.join(', ')}` }));
  if (!loaded.ok) {
    const problems = loaded.problems.filter((p) => !alreadyReported.some((name) => p.startsWith(name)));
    return [...problems.map((p): Finding => ({ status: 'fail', title: p, fix: 'see .env.example for every variable and its allowed values' })), ...unknown];
  }
  const c = loaded.config;
  const running = [c.discord ? 'Discord' : null, c.slack ? `Slack (${c.slack.appToken ? 'Socket Mode' : `HTTP at /slack/events`})` : null, c.playground ? 'the playground' : null].filter((x) => x !== null);
  return [{ status: 'ok', title: `configuration: npm start will run ${running.join(', ')} on port ${c.port}` }, ...unknown];
}

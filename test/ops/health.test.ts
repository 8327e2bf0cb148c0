import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type AppHandle } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { openStore } from '../../src/store/index.ts';
import { FakeRenderer } from '../commands/fixtures.ts';

/**
 * /healthz says the process is up; /readyz says whether it can answer: the
 * database takes writes, the renderer takes work, each platform is connected.
 * The app is the real one (startApp, the playground, the HTTP server); the
 * store and renderer are ours so a test can break them under it.
 */
let app: AppHandle | null = null;

afterEach(async () => {
  await app?.stop();
  app = null;
});

function playgroundConfig(): Config {
  const r = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'sqlite::memory:' });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.config;
}

async function get(path: string): Promise<{ status: number; body: { status: string; checks?: Record<string, boolean> } }> {
  const res = await fetch(`http://127.0.0.1:${app!.port}${path}`);
  return { status: res.status, body: (await res.json()) as { status: string; checks?: Record<string, boolean> } };
}

class ClosableRenderer extends FakeRenderer {
  override async close() {
    this.accepting = false;
  }
}

describe('/healthz and /readyz on the HTTP port', () => {
  it('a running app: up, and ready with every check true', async () => {
    app = await startApp(playgroundConfig(), silentLogger, { renderer: new FakeRenderer() });
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get('/readyz')).toEqual({ status: 200, body: { status: 'ready', checks: { database: true, renderer: true, web: true } } });
  });

  it('a closed database: still up, but not ready, naming the database', async () => {
    const store = await openStore('sqlite::memory:');
    app = await startApp(playgroundConfig(), silentLogger, { renderer: new FakeRenderer(), store });
    await store.close();
    expect((await get('/healthz')).status).toBe(200);
    expect(await get('/readyz')).toEqual({ status: 503, body: { status: 'not ready', checks: { database: false, renderer: true, web: true } } });
  });

  it('a renderer that takes no more work: not ready, naming the renderer', async () => {
    const renderer = new ClosableRenderer();
    app = await startApp(playgroundConfig(), silentLogger, { renderer });
    await renderer.close();
    expect(await get('/readyz')).toEqual({ status: 503, body: { status: 'not ready', checks: { database: true, renderer: false, web: true } } });
  });

  it('a platform that stopped: not ready, naming it', async () => {
    app = await startApp(playgroundConfig(), silentLogger, { renderer: new FakeRenderer() });
    await app.platforms.find((p) => p.name === 'web')!.stop();
    expect(await get('/readyz')).toEqual({ status: 503, body: { status: 'not ready', checks: { database: true, renderer: true, web: false } } });
  });
});

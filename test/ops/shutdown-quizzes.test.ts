import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startApp, type AppHandle } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { openSqliteStore, openStore } from '../../src/store/index.ts';
import { FakeRenderer } from '../commands/fixtures.ts';
import { quiz } from '../store/contract.ts';

/**
 * A quiz that falls due while an instance shuts down (its platforms already
 * stopped, draining the requests in flight) must not be closed there, where
 * no adapter posts its summary any more: it stays open, and the next
 * instance to start (or another one's sweep) closes and announces it.
 */
let dir = '';
/** When the quiz falls due, from its creation: after the app has started, before its drain (4 s) ends. */
const DUE_MS = 2500;
const apps: AppHandle[] = [];

afterEach(async () => {
  for (const a of apps.splice(0)) await a.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function config(path: string): Config {
  const r = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path}`, GRADBOT_SHUTDOWN_SECONDS: '5' });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.config;
}

describe('a quiz falling due during a graceful shutdown', () => {
  it('is left open by the stopping instance and closed by the next one', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gradbot-shutdown-quiz-'));
    const path = join(dir, 'g.db');
    const seed = openSqliteStore(path);
    const now = Date.now();
    await seed.createQuiz(quiz({ id: 'q-drain', classId: 'web:class1', createdAt: now, closesAt: now + DUE_MS }));
    await seed.close();

    const first = await startApp(config(path), silentLogger, { renderer: new FakeRenderer(), store: await openStore(`sqlite:${path}`) });
    // A request the server is still reading holds the shutdown's drain open (up to GRADBOT_SHUTDOWN_SECONDS less 1 s).
    const held = connect(first.port, '127.0.0.1');
    held.on('error', () => undefined);
    await new Promise<void>((r) => held.once('connect', () => r()));
    held.write('POST /api/command HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    // Margin for a loaded machine: the app must have armed the quiz and begun stopping before it fell due.
    expect(started).toBeLessThan(now + DUE_MS);
    await first.stop();
    held.destroy();
    // The drain outlasted the quiz: it fell due while this instance was going down.
    expect(Date.now()).toBeGreaterThan(now + DUE_MS);

    const look = openSqliteStore(path);
    try {
      expect((await look.getQuiz('q-drain'))?.closedAt).toBeNull();
      const second = await startApp(config(path), silentLogger, { renderer: new FakeRenderer() });
      apps.push(second);
      // Overdue at start: closed at once, by the instance that can announce it.
      await vi.waitFor(async () => expect((await look.getQuiz('q-drain'))?.closedAt).not.toBeNull(), { timeout: 5000 });
    } finally {
      await look.close();
    }
  });
});

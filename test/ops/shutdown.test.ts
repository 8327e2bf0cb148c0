import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { WebMessage } from '../../src/platforms/web/index.ts';
import { cleanEnv, watch, type Watched } from './process.ts';

/**
 * SIGTERM in the middle of a burst, against the real entry point
 * (`node --import tsx src/main.ts`, the playground on a temporary SQLite
 * file): every reply already started is finished and delivered, requests
 * after the signal are refused cleanly, the process exits 0, and the
 * database holds every quiz whose reply went out, with its write-ahead log
 * checkpointed.
 */
const dir = mkdtempSync(join(tmpdir(), 'gradbot-shutdown-'));
const dbPath = join(dir, 'gradbot.db');
const BURST = 12;

let app: Watched | null = null;

afterAll(() => {
  if (app && app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

type Outcome = { kind: 'response'; status: number; body: { messages?: WebMessage[]; error?: string } } | { kind: 'refused'; code: string };

/** One playground command over HTTP; a refused connection is an outcome, anything else is a failure. */
async function command(port: number, i: number): Promise<Outcome> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ command: 'explode', text: `w=${500 + i} lr=0.01`, user: { id: `student${i}`, name: `student ${i}`, isTA: false } }),
    });
    return { kind: 'response', status: res.status, body: (await res.json()) as { messages?: WebMessage[]; error?: string } };
  } catch (e) {
    const code = (e as { cause?: { code?: string } }).cause?.code ?? String(e);
    return { kind: 'refused', code };
  }
}

/** A reply as the page would draw it: the verdict, both pictures, and the quiz in its thread. */
function completeQuizId(o: Outcome): string | null {
  if (o.kind !== 'response' || o.status !== 200) return null;
  const [parent, child] = o.body.messages ?? [];
  if (!parent || parent.images.length !== 2 || !/^\*\*Exploding/.test(parent.text)) return null;
  if (!parent.images.every((img) => img.url.startsWith('/api/images/') && img.width > 0 && img.alt.length > 0)) return null;
  return child?.quiz?.quizId ?? null;
}

describe('graceful shutdown (SIGTERM mid-burst)', () => {
  it('finishes every reply in flight, refuses new ones, exits 0, and loses no quiz', async () => {
    app = watch(
      ['--import', 'tsx', 'src/main.ts'],
      cleanEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${dbPath}`, GRADBOT_RENDER_WORKERS: '1', GRADBOT_COOLDOWN_SECONDS: '0', GRADBOT_SHUTDOWN_SECONDS: '30', LOG_LEVEL: 'info' }),
    );
    const running = await app.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('gradbot running'), 'the "gradbot running" line', 40_000);
    const port = running.port as number;
    expect(port).toBeGreaterThan(0);

    // A browser tab's event stream stays open until the shutdown ends it; it must not hold the drain open.
    const tab = await fetch(`http://127.0.0.1:${port}/api/events`);
    expect(tab.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const tabClosed = tab.text().then(
      () => 'ended',
      () => 'reset',
    );

    // The burst goes out at once; the signal follows the first reply, so the rest are mid-render or queued.
    const burst = Array.from({ length: BURST }, (_, i) => command(port, i));
    await Promise.race(burst);
    app.child.kill('SIGTERM');
    await app.waitForLog((l) => l.msg === 'shutting down: finishing replies in flight', 'the shutdown line');

    // After the signal: a clean refusal (503 naming the shutdown, or no connection at all), never a half answer.
    const late = await Promise.all([command(port, 100), command(port, 101)]);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status,
      () => 'refused',
    );

    const results = await Promise.all(burst);
    const exit = await app.exited;
    expect(await tabClosed).toBe('ended');

    expect(exit).toEqual({ code: 0, signal: null });
    expect(app.logs.some((l) => l.msg === 'stopped')).toBe(true);
    expect(app.logs.filter((l) => l.level !== undefined && l.level >= 40)).toEqual([]);

    const quizIds = results.map(completeQuizId);
    expect(quizIds.filter((q) => q === null), JSON.stringify(results.filter((r) => completeQuizId(r) === null)).slice(0, 500)).toEqual([]);

    for (const o of late) {
      if (o.kind === 'refused') expect(o.code).toBe('ECONNREFUSED');
      else {
        expect(o.status).toBe(503);
        expect(o.body.error).toMatch(/shutting down|restarting/);
      }
    }
    expect([503, 'refused']).toContain(ready);

    // Every command logged its outcome before the process said it stopped.
    const stoppedAt = app.logs.findIndex((l) => l.msg === 'stopped');
    const done = app.logs.filter((l, i) => l.msg === 'command' && l.command === 'explode' && l.outcome === 'ok' && i < stoppedAt);
    expect(done).toHaveLength(BURST);

    // The database file alone holds every quiz that was delivered: the WAL was checkpointed on close.
    const wal = `${dbPath}-wal`;
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set((db.prepare('SELECT id FROM quizzes').all() as { id: string }[]).map((r) => r.id));
      for (const id of quizIds) expect(stored.has(id!), `quiz ${id}`).toBe(true);
      expect(stored.size).toBe(BURST);
    } finally {
      db.close();
    }
  }, 90_000);
});

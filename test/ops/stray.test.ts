import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { installStrayErrorHandlers, type ProcessLike } from '../../src/ops/stray.ts';
import { RecentKeys } from '../../src/platforms/dedupe.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}

describe('stray errors', () => {
  it('an unhandled rejection is logged (message, no stack) and the process keeps running', () => {
    const proc = new EventEmitter();
    const { log, lines } = capture();
    const exits: number[] = [];
    const h = installStrayErrorHandlers(log, proc as unknown as ProcessLike, (c) => exits.push(c));
    proc.emit('unhandledRejection', new TypeError("Cannot read properties of null (reading 'ssl_check')"));
    proc.emit('unhandledRejection', 'a string reason');
    expect(exits).toEqual([]);
    expect(h.rejections()).toBe(2);
    expect(lines[0]?.msg).toMatch(/still serving/);
    expect(JSON.stringify(lines[0])).toContain('ssl_check');
    expect(JSON.stringify(lines)).not.toContain('    at ');
  });

  it('an uncaught exception is logged and the process exits 1', () => {
    const proc = new EventEmitter();
    const { log, lines } = capture();
    const exits: number[] = [];
    installStrayErrorHandlers(log, proc as unknown as ProcessLike, (c) => exits.push(c));
    proc.emit('uncaughtException', new Error('state unknown'));
    expect(exits).toEqual([1]);
    expect(lines[0]?.level).toBe(60);
  });
});

describe('RecentKeys (redeliveries)', () => {
  it('says a key is a repeat within its time, not after, and forgets the oldest past its bound', () => {
    let t = 0;
    const keys = new RecentKeys(1000, 3, () => t);
    expect(keys.repeat('a')).toBe(false);
    expect(keys.repeat('a')).toBe(true);
    t = 1500;
    expect(keys.repeat('a')).toBe(false);
    for (const k of ['b', 'c', 'd']) keys.repeat(k);
    // 'a' was the oldest of four: forgotten.
    expect(keys.repeat('a')).toBe(false);
    expect(keys.repeat('d')).toBe(true);
  });
});

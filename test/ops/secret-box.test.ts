import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SealError, SecretBox, parseSecretKey } from '../../src/crypto/secret-box.ts';

describe('SecretBox (AES-256-GCM under GRADBOT_SECRET_KEY)', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);

  it('opens what it sealed, for the same row only', () => {
    const sealed = box.seal('xoxb-123-secret', 'slack-installation:team::T1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('xoxb');
    expect(box.open(sealed, 'slack-installation:team::T1')).toBe('xoxb-123-secret');
    expect(() => box.open(sealed, 'slack-installation:team::T2')).toThrow(SealError);
  });

  it('seals the same token differently each time (a fresh nonce)', () => {
    expect(box.seal('same', 'row')).not.toBe(box.seal('same', 'row'));
  });

  it('refuses another key, a flipped bit, and junk', () => {
    const sealed = box.seal('xoxb-123-secret', 'row');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'row')).toThrow(SealError);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0]! ^= 1;
    expect(() => box.open([parts[0], parts[1], parts[2], body.toString('base64url')].join('.'), 'row')).toThrow(SealError);
    expect(() => box.open('xoxb-123-secret', 'row')).toThrow(SealError);
  });

  it('takes a key as base64 or hex, and says how to make one otherwise', () => {
    expect(parseSecretKey(key.toString('base64'))).toEqual({ ok: true, key });
    expect(parseSecretKey(key.toString('hex'))).toEqual({ ok: true, key });
    expect(parseSecretKey(key.toString('base64url'))).toEqual({ ok: true, key });
    for (const bad of [undefined, '', 'hunter2', randomBytes(16).toString('base64'), randomBytes(33).toString('hex')]) {
      const r = parseSecretKey(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problem).toMatch(/GRADBOT_SECRET_KEY .*openssl rand -base64 32/);
    }
  });
});

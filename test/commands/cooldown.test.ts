import { afterEach, describe, expect, it } from 'vitest';
import { Cooldowns, cooldownText } from '../../src/cooldown.ts';
import { caller, Clock, rig, ta, type Rig } from './fixtures.ts';

describe('Cooldowns', () => {
  it('one start per user per window; other users unaffected; 0 disables', () => {
    let t = 1_000_000;
    const c = new Cooldowns(5, () => t);
    expect(c.remaining('U1')).toBe(0);
    c.start('U1');
    t += 1200;
    expect(c.remaining('U1')).toBe(4);
    expect(c.remaining('U2')).toBe(0);
    t += 3800;
    expect(c.remaining('U1')).toBe(0);
    const off = new Cooldowns(0, () => t);
    off.start('U1');
    expect(off.remaining('U1')).toBe(0);
    expect(cooldownText(4)).toContain('4 s');
  });
});

describe('the core cools each user down between accepted commands, on every platform alike', () => {
  let r: Rig;
  const clock = new Clock();
  afterEach(() => r.close());

  it('refuses a second command within the window, privately, and lets it through after', () => {
    r = rig({ now: clock.now, cooldownSeconds: 5 });
    const ada = caller({ userId: 'ada' });
    expect(r.bot.prepare('help', {}, ada).ok).toBe(true);
    const again = r.bot.prepare('help', {}, ada);
    expect(again.ok).toBe(false);
    expect(!again.ok && again.reply).toEqual({ text: cooldownText(5), visibility: 'private' });
    expect(r.bot.prepare('help', {}, caller({ userId: 'bob' })).ok).toBe(true);
    expect(r.bot.prepare('help', {}, caller({ userId: 'ada', platform: 'slack' })).ok).toBe(true);
    clock.advance(5_000);
    expect(r.bot.prepare('help', {}, ada).ok).toBe(true);
  });

  it('does not count refusals (a typo never locks anyone out) nor TA-only commands', () => {
    r = rig({ now: clock.now, cooldownSeconds: 5 });
    const ada = caller({ userId: 'ada' });
    expect(r.bot.prepare('explode', { text: 'rl=0.1' }, ada).ok).toBe(false);
    expect(r.bot.prepare('explode', { text: 'w=500' }, ada).ok).toBe(true);
    const tara = ta();
    expect(r.bot.prepare('example', {}, tara).ok).toBe(true);
    expect(r.bot.prepare('example', {}, tara).ok).toBe(true);
  });

  it('is off by default', () => {
    r = rig({ now: clock.now });
    const ada = caller({ userId: 'ada' });
    expect(r.bot.prepare('help', {}, ada).ok).toBe(true);
    expect(r.bot.prepare('help', {}, ada).ok).toBe(true);
  });
});

describe('the cooldown holds across instances sharing one database', () => {
  it('a command accepted on one instance is refused on another within the window, and allowed after', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'gradbot-cooldown-'));
    const url = `sqlite:${join(dir, 'g.db')}`;
    const clock = new Clock();
    const one = rig({ url, now: clock.now, cooldownSeconds: 5 });
    const two = rig({ url, now: clock.now, cooldownSeconds: 5 });
    const ada = caller({ userId: 'ada' });
    const exec = async (r: Rig) => {
      const p = r.bot.prepare('help', {}, ada);
      return p.ok ? p.execute() : p.reply;
    };
    try {
      expect((await exec(one)).text).not.toBe(cooldownText(5));
      clock.advance(1200);
      // Instance two has never seen ada: its own memory lets her through, the store does not.
      expect(await exec(two)).toEqual({ text: cooldownText(4), visibility: 'private' });
      clock.advance(3800);
      expect((await exec(two)).text).not.toMatch(/Easy there/);
      expect((await exec(one)).text).toMatch(/Easy there/);
    } finally {
      await one.close();
      await two.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

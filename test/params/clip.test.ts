import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipText as replyClip } from '../../commands/shared/reply-text.ts';
import { clipText, prefixOf } from '../../src/format/clip.ts';
import { parseExplode, problemsText } from '../../src/params/index.ts';
import { clip as discordClip, content } from '../../src/platforms/discord/message.ts';
import { invokedBlock, textBlocks } from '../../src/platforms/slack/blocks.ts';
import { clip as slackClip, splitMrkdwn } from '../../src/platforms/slack/mrkdwn.ts';
import { threadName } from '../../src/reply.ts';

/** A surrogate with no partner: what a cut between the two halves of an emoji leaves. */
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const emojiText = fc.array(fc.constantFrom('a', 'é', '💥', '𝑤', '👩‍🔬', ' ', '=', '\n'), { maxLength: 400 }).map((xs) => xs.join(''));

describe('clipping by code point', () => {
  it('never leaves a lone surrogate and never exceeds the limit, whatever the text and limit', () => {
    fc.assert(
      fc.property(emojiText, fc.integer({ min: 2, max: 120 }), (s, max) => {
        for (const f of [clipText, discordClip, slackClip, replyClip]) {
          const out = f(s, max);
          expect(out.length).toBeLessThanOrEqual(max);
          expect(LONE.test(out)).toBe(false);
          if (s.length <= max) expect(out).toBe(s);
        }
        expect(LONE.test(prefixOf(s, max))).toBe(false);
        expect(LONE.test(threadName(s))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('w=a💥💥…: the echoed value, the Discord content and the Slack blocks keep every emoji whole', () => {
    const text = `w=a${'💥'.repeat(40)}`;
    const r = parseExplode({ text });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain('a💥');
    expect(LONE.test(r.message)).toBe(false);
    expect(LONE.test(content(`${'x'.repeat(1999)}💥`))).toBe(false);
    const blocks = JSON.stringify([...textBlocks(`${'💥'.repeat(2000)}`), invokedBlock('U1', 'explode', `w=${'💥'.repeat(150)}`)]);
    // JSON.stringify writes a lone surrogate as a \\udXXX escape; a whole emoji stays as it is.
    expect(blocks).not.toMatch(/\\ud[89a-f][0-9a-f]{2}/i);
    expect(blocks).toContain('💥');
    for (const piece of splitMrkdwn('💥'.repeat(5000))) {
      expect(piece.length).toBeLessThanOrEqual(3000);
      expect(LONE.test(piece)).toBe(false);
    }
  });
});

describe('one bad params string, one short reply', () => {
  it('names the first three problems and counts the rest, well inside one Slack section', () => {
    const text = Array.from({ length: 300 }, (_, i) => `bogus${i}=${'9'.repeat(20)}`).join(' ').slice(0, 1000);
    const r = parseExplode({ text });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message.split('\n').length).toBe(4);
    expect(r.message).toMatch(/…and \d+ more problems; fix these first\.$/);
    expect(r.message.length).toBeLessThan(3000);
    expect(textBlocks(r.message)).toHaveLength(1);
  });

  it('says a problem repeated once, and a lone problem without a count', () => {
    expect(problemsText(['a', 'a', 'a'])).toBe('a');
    expect(problemsText(['a', 'b', 'c', 'd'])).toBe('a\nb\nc\n…and 1 more problem; fix these first.');
  });
});

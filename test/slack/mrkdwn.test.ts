import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { quizBlocks, textBlocks } from '../../src/platforms/slack/blocks.ts';
import { escapeSlack, splitMrkdwn, toMrkdwn } from '../../src/platforms/slack/mrkdwn.ts';
import { parseQuizButtonId } from '../../src/reply.ts';

describe('Reply text as Slack mrkdwn', () => {
  test('& < > are escaped so user text cannot mention a channel or forge a link', () => {
    expect(toMrkdwn('w=<!channel> & <https://evil|click> > 3')).toBe('w=&lt;!channel&gt; &amp; &lt;https://evil|click&gt; &gt; 3');
  });

  test('**bold** becomes *bold*; `code` and fenced blocks are left alone', () => {
    expect(toMrkdwn('**Exploding**: the gain is **125**')).toBe('*Exploding*: the gain is *125*');
    expect(toMrkdwn('run `**not bold**` here')).toBe('run `**not bold**` here');
    expect(toMrkdwn('```\n**x** < 1\n```\n**y**')).toBe('```\n**x** &lt; 1\n```\n*y*');
  });

  test('links and headings', () => {
    expect(toMrkdwn('see [the lecture](https://example.org/a?b=1&c=2)')).toBe('see <https://example.org/a?b=1&amp;c=2|the lecture>');
    expect(toMrkdwn('## Why it explodes')).toBe('*Why it explodes*');
  });

  test('no unescaped < or > ever survives outside the links it builds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const out = toMrkdwn(s.replace(/\[|\]/g, ''));
        expect(out).not.toMatch(/[<>]/);
        expect(escapeSlack(s)).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }),
    );
  });

  test('long text splits at line breaks into sections of at most 3000 characters, reopening a split fence', () => {
    const body = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const pieces = splitMrkdwn(`intro\n\`\`\`\n${body}\n\`\`\`\nend`);
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(3000);
      expect((p.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(pieces.join('\n').replace(/\n```\n```/g, '')).toContain('line 399');
  });

  test('a huge reply still fits in one message (50 blocks)', () => {
    const blocks = textBlocks('y'.repeat(400_000));
    expect(blocks.length).toBeLessThanOrEqual(50);
  });
});

describe('quiz blocks', () => {
  const quiz = { quizId: 'abc123', question: 'Which factor is **largest**?', choices: ['150', '100', `125 ${'because '.repeat(20)}`, '50'], closesAt: Date.UTC(2030, 0, 1, 12, 0) };

  test('one button per choice, ids that parse back to the quiz and the choice, labels within 75 characters', () => {
    const blocks = quizBlocks(quiz);
    const actions = blocks.find((b) => b.type === 'actions');
    if (actions?.type !== 'actions') throw new Error('no actions block');
    expect(actions.elements).toHaveLength(4);
    actions.elements.forEach((el, i) => {
      if (el.type !== 'button') throw new Error('not a button');
      expect(parseQuizButtonId(el.action_id ?? '')).toEqual({ quizId: 'abc123', choice: i });
      expect(el.text.text.length).toBeLessThanOrEqual(75);
      expect(el.text.text.startsWith('ABCD'[i]!)).toBe(true);
    });
    // The full text of a clipped choice is still readable in the section.
    const section = blocks[0];
    expect(section?.type === 'section' && section.text?.text).toContain('because because because because because because because because because because because');
  });
});

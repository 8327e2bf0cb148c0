import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { lectureSpec, simulate } from '../../src/engine/index.ts';
import { RUN_KINDS } from '../../src/quiz/types.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const sink: CliIO = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    renderExplode: async () => [],
    renderExample: async () => [],
    renderLayers: async () => [],
  };
  return { sink, out, err };
}

async function cli(...argv: string[]) {
  const { sink, out, err } = io();
  const code = await runCli(argv, sink);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('gradbot quiz', () => {
  it('prints one question as JSON, the same for the same seed', async () => {
    const a = await cli('quiz', '--json', 'w=50', 'depth=4', '--seed', '7');
    const b = await cli('quiz', '--json', '--seed=7', 'w=50 depth=4');
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const q = JSON.parse(a.out) as { question: string; choices: string[]; answer: number; explanation: string; kind: string };
    expect(Object.keys(q).sort()).toEqual(['answer', 'choices', 'explanation', 'kind', 'question']);
    expect(q.choices.length).toBeGreaterThanOrEqual(3);
    expect(q.answer).toBeGreaterThanOrEqual(0);
    expect(q.answer).toBeLessThan(q.choices.length);
    expect(RUN_KINDS as readonly string[]).toContain(q.kind);
    expect(q.question).toContain('w=50');
  });

  it('defaults to seed 1 and the lecture run', async () => {
    const a = await cli('quiz', '--json');
    expect(a.out).toBe((await cli('quiz', '--json', '--seed', '1')).out);
    expect(JSON.parse(a.out).question).toContain('w=500 lr=0.01 depth=3 act=sigmoid');
  });

  it('asks a chosen kind about the run, with the engine number', async () => {
    const r = await cli('quiz', '--json', '--kind', 'run-update', '--seed', '3');
    const q = JSON.parse(r.out) as { choices: string[]; answer: number };
    const run = simulate(lectureSpec());
    expect(q.choices[q.answer]).toBe(String(run.trajectory.w[1]![0]));
  });

  it('asks the concept bank with --topic, readable without --json', async () => {
    const r = await cli('quiz', '--topic', 'clipping', '--seed', '4');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\[concept-clipping, seed 4\]/);
    expect(r.out).toMatch(/^ {2}A\) /m);
    expect(r.out).toMatch(/^answer: [A-E]$/m);
    expect(r.out).toMatch(/^why: /m);
  });

  it('refuses bad input with exit status 2 and one line naming the problem', async () => {
    for (const argv of [
      ['quiz', 'w=abc'],
      ['quiz', '--seed', '-1'],
      ['quiz', '--seed', 'x'],
      ['quiz', '--topic', 'nope'],
      ['quiz', '--topic', 'he', 'w=5'],
      ['quiz', '--kind', 'run-bound', 'depth=1'],
      ['quiz', '--bogus'],
    ]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^gradbot quiz: /);
    }
  });
});

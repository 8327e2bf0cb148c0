import { describe, expect, it } from 'vitest';
import type { GradbotLog } from '../../src/gradbot.ts';
import { RenderBusyError } from '../../src/render/types.ts';
import { caller, rig, run, ta } from '../commands/fixtures.ts';

/**
 * The operator's view of each command: one info line from the core with
 * platform, command, outcome and duration, whatever the platform; quiz
 * clicks get their own line. And close() waits for commands in flight.
 */
function recorder() {
  const lines: { level: 'info' | 'error'; obj: Record<string, unknown>; msg: string }[] = [];
  const log: Required<GradbotLog> = {
    info: (obj, msg) => void lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
    error: (obj, msg) => void lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
  };
  const commands = () => lines.filter((l) => l.msg === 'command').map((l) => l.obj);
  const answers = () => lines.filter((l) => l.msg === 'quiz answer').map((l) => l.obj);
  return { log, lines, commands, answers };
}

describe('one log line per command', () => {
  it('names platform, command, outcome, duration and class, and nothing the student typed', async () => {
    const r = recorder();
    const t = rig({ log: r.log });
    const reply = await run(t.bot, 'explode', 'w=500 lr=0.0123', caller({ platform: 'slack', classId: 'slack:T1:C1' }));
    expect(reply.quiz).toBeDefined();
    expect(r.commands()).toEqual([{ platform: 'slack', command: 'explode', outcome: 'ok', duration_ms: expect.any(Number), class: 'slack:T1:C1' }]);
    expect(r.commands()[0]!.duration_ms as number).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(r.lines)).not.toContain('0.0123');
    await t.close();
  });

  it('refusals say why: bad parameters, TA only, unknown command (its name clipped)', async () => {
    const r = recorder();
    const t = rig({ log: r.log });
    await run(t.bot, 'explode', 'rl=0.1', caller());
    await run(t.bot, 'scores-reset', '', caller());
    await run(t.bot, `/${'x'.repeat(80)}`, '', caller());
    const [bad, notTa, unknown] = r.commands();
    expect([bad, notTa].map((c) => [c?.command, c?.outcome, c?.reason])).toEqual([
      ['explode', 'refused', 'bad-params'],
      ['scores-reset', 'refused', 'not-ta'],
    ]);
    expect(unknown).toMatchObject({ outcome: 'refused', reason: 'unknown-command', command: expect.stringMatching(/^x+…?$/) });
    expect(String(unknown?.command).length).toBeLessThanOrEqual(32);
    expect(JSON.stringify(r.lines)).not.toContain('rl=0.1');
    await t.close();
  });

  it('a busy renderer is "busy"; a failure is "error", with the error logged once beside it', async () => {
    const r = recorder();
    const t = rig({ log: r.log });
    t.renderer.failWith = new RenderBusyError();
    await run(t.bot, 'explode', 'w=2', caller());
    t.renderer.failWith = new Error('canvas fell over');
    await run(t.bot, 'explode', 'w=3', caller());
    expect(r.commands().map((c) => c.outcome)).toEqual(['busy', 'error']);
    expect(r.lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual(['command failed']);
    await t.close();
  });

  it('quiz clicks: correct, wrong, already, closed, unknown quiz, a choice not on it', async () => {
    const r = recorder();
    const t = rig({ log: r.log });
    const quizId = (await run(t.bot, 'explode', 'w=500', caller()))!.quiz!.quizId;
    const right = (await t.store.getQuiz(quizId))!.answer;
    const wrong = (right + 1) % (await t.store.getQuiz(quizId))!.choices.length;
    expect((await t.bot.answer(quizId, right, caller({ userId: 'a' }))).text).toMatch(/^Correct!/);
    expect((await t.bot.answer(quizId, wrong, caller({ userId: 'b' }))).text).toMatch(/^Not quite/);
    await t.bot.answer(quizId, right, caller({ userId: 'b' }));
    await t.bot.answer(quizId, 99, caller({ userId: 'c' }));
    await t.bot.answer('no-such-quiz', 0, caller({ userId: 'c' }));
    t.bot.quizzes.close(quizId);
    await t.bot.answer(quizId, right, caller({ userId: 'd' }));
    expect(r.answers().map((a) => a.outcome)).toEqual(['correct', 'wrong', 'already', 'bad-choice', 'unknown-quiz', 'closed']);
    expect(r.answers()[0]).toEqual({ platform: 'web', command: 'answer', outcome: 'correct', duration_ms: expect.any(Number), class: 'web:class1', quiz: quizId });
    // The log line is extra: the store holds exactly what it did before.
    expect((await t.store.answersOf(quizId)).map((a) => [a.userId, a.correct])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    await t.close();
  });
});

describe('close() on the way down', () => {
  it('waits for a command in flight, then refuses new ones as "restarting"', async () => {
    const r = recorder();
    const t = rig({ log: r.log });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inner = t.renderer.explode.bind(t.renderer);
    t.renderer.explode = async () => {
      await gate;
      return inner();
    };
    const prepared = t.bot.prepare('explode', { text: 'w=500' }, caller());
    if (!prepared.ok) throw new Error('refused');
    const running = prepared.execute();
    const late = t.bot.prepare('example', { text: '' }, ta());
    if (!late.ok) throw new Error('refused');

    let closed = false;
    const closing = t.bot.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);

    // Prepared before close, run after: told to try again rather than run against a closing renderer.
    expect((await late.execute()).text).toMatch(/restarting/);
    expect(t.bot.prepare('explode', { text: 'w=1' }, caller())).toMatchObject({ ok: false, reply: { text: expect.stringMatching(/restarting/) } });

    release();
    const reply = await running;
    await closing;
    expect(reply.images).toHaveLength(2);
    expect((await t.store.getQuiz(reply.quiz!.quizId))).not.toBeNull();
    expect(r.commands().map((c) => [c.command, c.outcome, c.reason ?? null])).toEqual([
      ['example', 'refused', 'restarting'],
      ['explode', 'refused', 'restarting'],
      ['explode', 'ok', null],
    ]);
    await t.store.close();
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QuizClosedEvent } from '../../src/bot.ts';
import { lectureSpec, simulate } from '../../src/engine/index.ts';
import { fmt } from '../../src/format/number.ts';
import { parseQuizButtonId, quizButtonId, type Reply } from '../../src/reply.ts';
import { RenderBusyError, type RenderRequest } from '../../src/render/types.ts';
import { caller, Clock, rig, run, ta, type Rig } from './fixtures.ts';

const ada = caller({ userId: 'ada', userName: 'Ada' });
const bob = caller({ userId: 'bob', userName: 'Bob' });
const MIN = 60_000;

/** The stored right answer of a quiz, looked up the way the core does (never from the click). */
const rightOf = async (r: Rig, quizId: string) => (await r.store.getQuiz(quizId))!.answer;
const wrongOf = async (r: Rig, quizId: string) => ((await rightOf(r, quizId)) + 1) % (await r.store.getQuiz(quizId))!.choices.length;

async function openQuiz(r: Rig, who = ada, text = ''): Promise<string> {
  const reply = await run(r.bot, 'quiz', text, who);
  expect(reply.quiz, reply.text).toBeDefined();
  return reply.quiz!.quizId;
}

describe('answering', () => {
  let r: Rig;
  const clock = new Clock();
  beforeEach(() => {
    r = rig({ now: clock.now });
  });
  afterEach(() => r.close());

  it('records one answer and says so politely on a second click', async () => {
    const id = await openQuiz(r);
    const right = (await rightOf(r, id));
    const first = await r.bot.answer(id, right, ada);
    expect(first.visibility).toBe('private');
    expect(first.text).toMatch(/^Correct! \*\*[A-E]\*\*/);
    expect(first.text).toContain((await r.store.getQuiz(id))!.explanation.slice(0, 40));
    const second = await r.bot.answer(id, (await wrongOf(r, id)), ada);
    expect(second).toEqual({ text: `You already answered **${'ABCDE'[right]}**; one answer per person.`, visibility: 'private' });
    expect((await r.store.answersOf(id))).toHaveLength(1);
    expect((await r.store.rankOf(ada.classId, 'ada'))).toMatchObject({ points: 1, answered: 1, streak: 1 });
  });

  it('names the right answer and the explanation when wrong', async () => {
    const id = await openQuiz(r);
    const q = (await r.store.getQuiz(id))!;
    const reply = await r.bot.answer(id, (await wrongOf(r, id)), bob);
    expect(reply.text).toContain(`Not quite: the answer is **${'ABCDE'[q.answer]}**: ${q.choices[q.answer]}`);
    expect(reply.text).toContain(q.explanation.slice(0, 40));
  });

  it('counts two clicks in the same millisecond once', async () => {
    const id = await openQuiz(r);
    const replies = await Promise.all([r.bot.answer(id, 0, ada), r.bot.answer(id, 1, ada), r.bot.answer(id, 2, ada)]);
    expect(replies.filter((x) => /already answered/.test(x.text))).toHaveLength(2);
    expect((await r.store.answersOf(id))).toHaveLength(1);
    expect((await r.store.rankOf(ada.classId, 'ada'))!.answered).toBe(1);
  });

  it('counts once across two bots on one database file (two processes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradbot-two-'));
    const url = `sqlite:${join(dir, 'g.db')}`;
    const one = rig({ url, now: clock.now });
    const two = rig({ url, now: clock.now });
    try {
      const id = await openQuiz(one);
      const replies = await Promise.all([one.bot.answer(id, 0, ada), two.bot.answer(id, 1, ada)]);
      expect(replies.filter((x) => /already answered/.test(x.text))).toHaveLength(1);
      expect((await two.store.answersOf(id))).toHaveLength(1);
    } finally {
      await one.close();
      await two.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses unknown quizzes, choices off the quiz, and closed quizzes', async () => {
    expect((await r.bot.answer('nope', 0, ada)).text).toBe('Unknown or expired quiz.');
    const id = await openQuiz(r);
    expect((await r.bot.answer(id, 7, ada)).text).toMatch(/isn't on this quiz/);
    await run(r.bot, 'quiz-close', '', ta());
    expect((await r.bot.answer(id, 0, ada)).text).toMatch(/closed/);
    expect((await r.store.answersOf(id))).toHaveLength(0);
  });

  it('carries short ids that fit a button id', async () => {
    const reply = await run(r.bot, 'quiz', '', ada);
    const id = reply.quiz!.quizId;
    expect(id).toMatch(/^[A-Za-z0-9_-]{1,16}$/);
    const button = quizButtonId(id, 4);
    expect(button.length).toBeLessThanOrEqual(100);
    expect(parseQuizButtonId(button)).toEqual({ quizId: id, choice: 4 });
  });
});

describe('closing on time, across a restart', () => {
  let dir: string;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 0, 5, 9, 0, 0));
    dir = mkdtempSync(join(tmpdir(), 'gradbot-restart-'));
  });
  afterEach(() => {
    vi.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the answers and closes the quiz at its time after a restart', async () => {
    const url = `sqlite:${join(dir, 'g.db')}`;
    const first = rig({ url, now: () => Date.now() });
    const early: QuizClosedEvent[] = [];
    first.bot.onQuizClosed((e) => void early.push(e));
    const id = await openQuiz(first);
    first.bot.setQuizLocation(id, 'thread-42');
    const right = await rightOf(first, id);
    await first.bot.answer(id, right, ada);
    await first.close(); // the process stops 3 minutes in
    await vi.advanceTimersByTimeAsync(3 * MIN);
    expect(early).toEqual([]);

    const second = rig({ url, now: () => Date.now() });
    const closed: QuizClosedEvent[] = [];
    second.bot.onQuizClosed((e) => void closed.push(e));
    try {
      await second.bot.started;
      expect(second.bot.quizzes.armed).toBe(1);
      expect((await second.bot.answer(id, (right + 1) % 3, ada)).text).toMatch(/already answered/);
      expect((await second.bot.answer(id, (right + 1) % 3, bob)).text).toMatch(/^Not quite/);
      await vi.advanceTimersByTimeAsync(7 * MIN - 1);
      expect(closed).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(closed).toHaveLength(1);
      const e = closed[0]!;
      expect(e).toMatchObject({ quizId: id, platform: 'web', classId: ada.classId, location: 'thread-42' });
      expect(e.summary.visibility).toBe('public');
      expect(e.summary.text).toContain('2 answered, 50% correct');
      expect(e.summary.text).toContain(`The answer: **${'ABCDE'[right]}**`);
      expect((await second.store.getQuiz(id))!.closedAt).toBe(Date.now());
      expect((await second.bot.answer(id, right, caller({ userId: 'cy' }))).text).toMatch(/closed/);
    } finally {
      await second.close();
    }
  });

  it('closes a quiz that fell due while the bot was down as soon as it starts', async () => {
    const url = `sqlite:${join(dir, 'g.db')}`;
    const first = rig({ url, now: () => Date.now() });
    const id = await openQuiz(first);
    await first.close();
    await vi.advanceTimersByTimeAsync(30 * MIN);

    const second = rig({ url, now: () => Date.now() });
    const seen: QuizClosedEvent[] = [];
    const late: QuizClosedEvent[] = [];
    try {
      second.bot.onQuizClosed((e) => void seen.push(e)); // registered after createGradbot, as adapters do
      await vi.advanceTimersByTimeAsync(0);
      expect(seen.map((e) => e.quizId)).toEqual([id]);
      expect(seen[0]!.summary.text).toContain('Nobody answered.');
      // A second adapter that registers later still hears about it (it filters by platform).
      second.bot.onQuizClosed((e) => void late.push(e));
      await vi.advanceTimersByTimeAsync(0);
      expect(late.map((e) => e.quizId)).toEqual([id]);
    } finally {
      await second.close();
    }
  });

  it('logs, and survives, a failing listener or a store gone away at closing time (retrying with backoff)', async () => {
    const r = rig({ now: () => Date.now(), quizSweepMs: 0 });
    const heard: string[] = [];
    r.bot.onQuizClosed(() => {
      throw new Error('adapter down');
    });
    r.bot.onQuizClosed(async (e) => void heard.push(e.quizId));
    try {
      const id = await openQuiz(r);
      await vi.advanceTimersByTimeAsync(10 * MIN);
      expect(heard).toEqual([id]);
      expect(r.errors.map((e) => e.msg)).toEqual(['quiz-closed listener failed']);
      await openQuiz(r);
      await r.store.close();
      await vi.advanceTimersByTimeAsync(20 * MIN);
      const msgs = r.errors.map((e) => e.msg);
      expect(msgs.slice(0, 2)).toEqual(['quiz-closed listener failed', 'closing a quiz failed; retrying']);
      expect(new Set(msgs.slice(1))).toEqual(new Set(['closing a quiz failed; retrying']));
      // 1 s, 2 s, 4 s, 8 s, 16 s, then every 30 s: about 24 tries in 10 minutes, not one a tick.
      expect(msgs.length - 1).toBeGreaterThan(15);
      expect(msgs.length - 1).toBeLessThan(30);
      const waits = r.errors.slice(1, 8).map((e) => (e.obj as { retry_ms: number }).retry_ms);
      expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    } finally {
      await r.close();
    }
  });

  it('uses the class setting for how long a quiz stays open', async () => {
    const r = rig({ now: () => Date.now() });
    try {
      expect((await run(r.bot, 'quiz-settings', 'minutes=3', ta())).text).toMatch(/3 minutes/);
      const reply = await run(r.bot, 'quiz', '', ada);
      expect(reply.quiz!.closesAt).toBe(Date.now() + 3 * MIN);
      expect(reply.text).toContain('3 minutes');
      const other = await run(r.bot, 'quiz', '', caller({ classId: 'web:other' }));
      expect(other.quiz!.closesAt).toBe(Date.now() + 10 * MIN);
    } finally {
      await r.close();
    }
  });

  it('takes the default from the options (GRADBOT_QUIZ_MINUTES)', async () => {
    const r = rig({ now: () => Date.now(), quizMinutes: 2 });
    try {
      expect((await run(r.bot, 'quiz', '', ada)).quiz!.closesAt).toBe(Date.now() + 2 * MIN);
    } finally {
      await r.close();
    }
  });
});

describe('TA commands', () => {
  let r: Rig;
  const clock = new Clock();
  beforeEach(() => {
    r = rig({ now: clock.now });
  });
  afterEach(() => r.close());

  it('gates every TA-only command and leaves state alone when refusing', async () => {
    const id = await openQuiz(r);
    await r.bot.answer(id, (await rightOf(r, id)), ada);
    const taOnly = r.bot.commands.filter((c) => c.taOnly).map((c) => c.name);
    expect(taOnly.sort()).toEqual(['answers-export', 'example', 'quiz-close', 'quiz-settings', 'scores-reset']);
    for (const name of taOnly) {
      const p = r.bot.prepare(name, { text: name === 'scores-reset' ? 'confirm=yes' : '' }, ada);
      expect(p.ok, name).toBe(false);
      if (!p.ok) expect(p.reply).toEqual({ text: `Only TAs can use /${name}.`, visibility: 'private' });
    }
    expect((await r.store.getQuiz(id))!.closedAt).toBeNull();
    expect((await r.store.rankOf(ada.classId, 'ada'))!.points).toBe(1);
    expect(r.renderer.calls).toBe(0);
    for (const name of taOnly) expect(r.bot.prepare(name, { text: name === 'scores-reset' ? 'confirm=yes' : '' }, ta()).ok, name).toBe(true);
  });

  it('closes the latest open quiz now and posts the summary', async () => {
    const closed: QuizClosedEvent[] = [];
    r.bot.onQuizClosed((e) => void closed.push(e));
    const older = await openQuiz(r);
    const latest = await openQuiz(r);
    await r.bot.answer(latest, (await rightOf(r, latest)), ada);
    const reply = await run(r.bot, 'quiz-close', '', ta());
    expect(reply.visibility).toBe('private');
    expect(reply.text).toContain(`Closed quiz \`${latest}\` (1 answered)`);
    await new Promise((res) => setImmediate(res));
    expect(closed.map((e) => e.quizId)).toEqual([latest]);
    expect(closed[0]!.summary.text).toContain('1 answered, 100% correct');
    expect((await r.store.getQuiz(older))!.closedAt).toBeNull();
    expect((await run(r.bot, 'quiz-close', `quiz=${older}`, ta())).text).toContain(`Closed quiz \`${older}\``);
    expect((await run(r.bot, 'quiz-close', '', ta())).text).toBe('There is no open quiz in this class.');
    expect((await run(r.bot, 'quiz-close', `quiz=${older}`, ta())).text).toMatch(/already closed/);
  });

  it('will not close another class quiz', async () => {
    const id = await openQuiz(r, caller({ classId: 'web:elsewhere' }));
    expect((await run(r.bot, 'quiz-close', `quiz=${id}`, ta())).text).toBe(`There is no quiz \`${id}\` in this class.`);
    expect((await r.store.getQuiz(id))!.closedAt).toBeNull();
  });

  it('resets the class scores only with confirm=yes', async () => {
    const id = await openQuiz(r);
    await r.bot.answer(id, (await rightOf(r, id)), ada);
    expect((await run(r.bot, 'scores-reset', '', ta())).text).toMatch(/confirm=yes/);
    expect((await r.store.rankOf(ada.classId, 'ada'))).not.toBeNull();
    expect((await run(r.bot, 'scores-reset', 'confirm=yes', ta())).text).toMatch(/Reset the scores of 1 student/);
    expect((await r.store.rankOf(ada.classId, 'ada'))).toBeNull();
  });

  it('exports the class answers as CSV', async () => {
    const weird = caller({ userId: 'w', userName: 'Doe, "JJ"' });
    const id = await openQuiz(r);
    clock.advance(1500);
    await r.bot.answer(id, (await rightOf(r, id)), ada);
    clock.advance(1500);
    await r.bot.answer(id, (await wrongOf(r, id)), weird);
    await r.bot.answer((await openQuiz(r, caller({ classId: 'web:other' }))), 0, caller({ classId: 'web:other', userId: 'x' }));
    const reply = await run(r.bot, 'answers-export', '', ta());
    expect(reply.visibility).toBe('private');
    expect(reply.text).toBe('2 answers to 1 quiz in this class.');
    const file = reply.files![0]!;
    expect(file).toMatchObject({ name: 'answers-web-class1.csv', mime: 'text/csv' });
    const letter = (i: number) => 'ABCDE'[i];
    expect(file.content.toString('utf8')).toBe(
      [
        'quiz,user,choice,correct,time',
        `${id},Ada,${letter(await rightOf(r, id))},true,${new Date(clock.t - 1500).toISOString()}`,
        `${id},"Doe, ""JJ""",${letter(await wrongOf(r, id))},false,${new Date(clock.t).toISOString()}`,
        '',
      ].join('\r\n'),
    );
  });

  it('posts the worked example with the lecture numbers by default', async () => {
    const reply = await run(r.bot, 'example', '', ta());
    expect(reply.visibility).toBe('public');
    expect(reply.text).toContain(`= ${fmt(150 * 100 * 125 * 50)}`);
    expect(reply.text).toContain(`= ${fmt(500 - 0.01 * 150 * 100 * 125 * 50)}`);
    expect(reply.images![0]!.png.subarray(1, 4).toString()).toBe('PNG');
    const custom = await run(r.bot, 'example', 'factors=2,3 w=1 lr=0.5', ta());
    expect(custom.text).toContain("a TA's numbers");
    expect(custom.text).toContain(`= ${fmt(1 - 0.5 * 6)}`);
  });
});

describe('/explode', () => {
  let r: Rig;
  const clock = new Clock();
  beforeEach(() => {
    r = rig({ now: clock.now });
  });
  afterEach(() => r.close());

  it('replies with the verdict, the breakdown numbers, two pictures, a thread and a quiz about this run', async () => {
    const p = r.bot.prepare('explode', { text: 'w=500' }, ada);
    expect(p.ok && p.visibility).toBe('public');
    const reply = await run(r.bot, 'explode', 'w=500', ada);
    const run0 = simulate(lectureSpec());
    expect(reply.visibility).toBe('public');
    expect(reply.text.length).toBeLessThan(1500);
    expect(reply.text).toMatch(/^\*\*Exploding/);
    expect(reply.text).toContain(`lecture bound ≤ ${fmt(125)}`);
    expect(reply.text).toContain(`= ${fmt(run0.step0.grad_w1)}`);
    expect(reply.text).toContain(`= ${fmt(run0.trajectory.w[1]![0]!)}`);
    expect(reply.images!.map((i) => i.name)).toEqual(['breakdown.png', 'chart.png']);
    expect(reply.thread!.name.length).toBeLessThanOrEqual(100);
    const quiz = reply.quiz!;
    expect(quiz.closesAt).toBe(clock.t + 10 * MIN);
    expect(quiz.choices.length).toBeGreaterThanOrEqual(3);
    const stored = (await r.store.getQuiz(quiz.quizId))!;
    expect(stored).toMatchObject({ question: quiz.question, choices: quiz.choices, classId: ada.classId, createdBy: 'ada' });
    expect(stored.kind).toMatch(/^run-/);
    expect(quiz.question).toContain('w=500 lr=0.01 depth=3 act=sigmoid');
  });

  it('echoes the parser notes and refuses bad parameters privately, naming the key', async () => {
    const bad = r.bot.prepare('explode', { text: 'w=abc' }, ada);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.reply.visibility).toBe('private');
      expect(bad.reply.text).toMatch(/`w=abc`/);
    }
    const unknown = r.bot.prepare('explode', { text: 'wieght=5' }, ada);
    expect(!unknown.ok && unknown.reply.text).toMatch(/Did you mean `weight`|Unknown parameter `wieght`/);
    const noted = await run(r.bot, 'explode', 'w=3', { ...ada });
    expect(noted.text).not.toContain('Note:');
    const both = r.bot.prepare('explode', { text: 'w=3', options: { w: 5 } }, ada);
    expect(both.ok).toBe(true);
    if (both.ok) expect((await both.execute()).text).toContain('Note: `w=5` from the option wins');
    expect((await r.store.quizCount(ada.classId))).toBe(2);
  });

  it('says "busy" when the renderer is full, and makes no quiz', async () => {
    r.renderer.accepting = false;
    const p = r.bot.prepare('explode', {}, ada);
    expect(!p.ok && p.reply).toEqual({ text: new RenderBusyError().message, visibility: 'private' });
    r.renderer.accepting = true;
    r.renderer.failWith = new RenderBusyError();
    const reply = await run(r.bot, 'explode', '', ada);
    expect(reply).toEqual({ text: 'The picture renderer is busy; try again in a moment.', visibility: 'private' });
    expect((await r.store.quizCount(ada.classId))).toBe(0);
    expect(r.errors).toEqual([]);
  });

  it('asks the renderer about the very pictures wanted: ones it holds are served while it is full', async () => {
    r.renderer.accepting = false;
    const asked: RenderRequest[] = [];
    r.renderer.accepts = (req) => {
      asked.push(req);
      return req.kind === 'explode' ? req.spec.w === 500 : req.ex.product === 93_750_000;
    };
    expect(r.bot.prepare('explode', { text: 'w=500 lr=0.01' }, ada).ok).toBe(true);
    expect(r.bot.prepare('explode', { text: 'w=400 lr=0.01' }, ada)).toMatchObject({ ok: false, reply: { text: new RenderBusyError().message } });
    expect(r.bot.prepare('example', {}, ta()).ok).toBe(true);
    expect(r.bot.prepare('example', { text: 'factors=1,2' }, ta())).toMatchObject({ ok: false, reply: { text: new RenderBusyError().message } });
    expect(asked.map((q) => (q.kind === 'explode' ? `explode w=${q.spec.w} lr=${q.spec.lr}` : `example ${q.ex.factors.join(',')}`))).toEqual([
      'explode w=500 lr=0.01',
      'explode w=400 lr=0.01',
      'example 150,100,125,50',
      'example 1,2',
    ]);
  });

  it('turns a failure into a friendly private reply, logged, with no stack trace in chat', async () => {
    r.renderer.failWith = new Error('ENOENT /srv/secret/font.ttf');
    const reply: Reply = await run(r.bot, 'explode', '', ada);
    expect(reply.visibility).toBe('private');
    expect(reply.text).toMatch(/^Sorry, \/explode failed on our side/);
    expect(reply.text).not.toMatch(/secret|ENOENT|at /);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.msg).toBe('command failed');
  });
});

describe('prepare', () => {
  let r: Rig;
  beforeEach(() => {
    r = rig();
  });
  afterEach(() => r.close());

  it('finds commands by name, with or without a slash, and suggests on a typo', async () => {
    expect(r.bot.prepare('/HELP', {}, ada).ok).toBe(true);
    const p = r.bot.prepare('leaderbord', {}, ada);
    expect(!p.ok && p.reply.text).toBe('Unknown command /leaderbord. Did you mean /leaderboard? Try /help.');
  });

  it('never throws, even when a command does', async () => {
    const boom = r.bot.prepare('help', { options: { command: 'explode' } }, ada);
    expect(boom.ok).toBe(true);
    const bad = r.bot.prepare('help', { text: 'command=nope' }, ada);
    expect(!bad.ok && bad.reply.text).toMatch(/`command=nope` is not allowed; command takes one of/);
    expect(() => r.bot.prepare('quiz', { text: '"' }, null as never)).not.toThrow();
  });

  it('refuses new commands once closed', async () => {
    await r.bot.close();
    const p = r.bot.prepare('help', {}, ada);
    expect(!p.ok && p.reply.text).toMatch(/restarting/);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caller, Clock, rig, run, type Rig } from './fixtures.ts';

const ada = caller({ userId: 'ada', userName: 'Ada' });
const bob = caller({ userId: 'bob', userName: 'Bob' });
const MIN = 60_000;

describe('spaced review', () => {
  let r: Rig;
  let clock: Clock;
  beforeEach(() => {
    clock = new Clock();
    r = rig({ now: clock.now });
  });
  afterEach(() => r.close());

  async function quizBy(who = bob, text = ''): Promise<string> {
    return (await run(r.bot, 'quiz', text, who)).quiz!.quizId;
  }
  const right = async (id: string) => (await r.store.getQuiz(id))!.answer;
  const wrong = async (id: string) => ((await right(id)) + 1) % (await r.store.getQuiz(id))!.choices.length;

  it('brings a missed question back to that student after three other answers', async () => {
    const missed = await quizBy();
    await r.bot.answer(missed, (await wrong(missed)), ada);
    // Not yet due: a fresh question.
    const fresh = await run(r.bot, 'quiz', '', ada);
    expect(fresh.text).not.toMatch(/Review/);
    expect((await r.store.getQuiz(fresh.quiz!.quizId))!.reviewOf).toBeNull();
    for (let i = 0; i < 3; i++) {
      const id = await quizBy();
      await r.bot.answer(id, (await right(id)), ada);
    }
    // Bob missed nothing: he never gets a review.
    expect((await run(r.bot, 'quiz', '', bob)).text).not.toMatch(/Review/);
    const review = await run(r.bot, 'quiz', '', ada);
    expect(review.text).toMatch(/^\*\*Review for Ada:\*\*/);
    const original = (await r.store.getQuiz(missed))!;
    const again = (await r.store.getQuiz(review.quiz!.quizId))!;
    expect(again.reviewOf).toBe(missed);
    expect(again.question).toBe(original.question);
    expect([...again.choices].sort()).toEqual([...original.choices].sort());
    expect(again.choices[again.answer]).toBe(original.choices[original.answer]);
    // Asking again right away does not serve the same review twice.
    expect((await run(r.bot, 'quiz', '', ada)).text).not.toMatch(/Review/);
    expect((await r.bot.answer(again.id, again.answer, ada)).text).toMatch(/^Correct!/);
    expect((await r.store.reviewsOf(ada.classId, 'ada'))).toEqual([]);
  });

  it('brings it back after ten minutes without other answers, and keeps it while still missed', async () => {
    const missed = await quizBy();
    await r.bot.answer(missed, (await wrong(missed)), ada);
    clock.advance(10 * MIN - 1);
    expect((await run(r.bot, 'quiz', '', ada)).text).not.toMatch(/Review/);
    clock.advance(10 * MIN);
    const review = await run(r.bot, 'quiz', '', ada);
    expect(review.text).toMatch(/Review for Ada/);
    const again = (await r.store.getQuiz(review.quiz!.quizId))!;
    await r.bot.answer(again.id, (await wrong(again.id)), ada);
    expect((await r.store.reviewsOf(ada.classId, 'ada')).map((x) => x.rootQuizId)).toEqual([missed]);
  });

  it('gives what was asked for when a topic or seed is given', async () => {
    const missed = await quizBy();
    await r.bot.answer(missed, (await wrong(missed)), ada);
    clock.advance(60 * MIN);
    const asked = await run(r.bot, 'quiz', 'topic=he', ada);
    expect(asked.text).toMatch(/^\*\*Quiz\*\* \(he\)/);
    expect((await r.store.getQuiz(asked.quiz!.quizId))!.kind).toBe('concept-he');
  });
});

describe('/leaderboard', () => {
  let r: Rig;
  let clock: Clock;
  beforeEach(() => {
    clock = new Clock();
    r = rig({ now: clock.now });
  });
  afterEach(() => r.close());

  it('lists the top 10 in order with ties to whoever got there first, and the caller rank beyond', async () => {
    // Student i gets points[i] quizzes right. Two pairs tie: s8/s9 on 9 and s10/s11 on 11.
    const students = Array.from({ length: 12 }, (_, i) => caller({ userId: `s${i}`, userName: `Student ${String(i).padStart(2, '0')}` }));
    const points = [1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 11, 11];
    const max = Math.max(...points);
    for (let round = 0; round < max; round++) {
      const id = (await run(r.bot, 'quiz', '', caller({ userId: 'asker' }))).quiz!.quizId;
      const q = (await r.store.getQuiz(id))!;
      // In the last round s11 answers before s10: that tie goes by time, against name order.
      const who = round === max - 1 ? [...students].reverse() : students;
      for (const s of who) {
        if (round < points[Number(s.userId.slice(1))]!) {
          clock.advance(1000);
          await r.bot.answer(id, q.answer, s);
        }
      }
    }
    const board = await run(r.bot, 'leaderboard', '', students[0]!);
    const lines = board.text.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^1\. Student 11: 11 points/);
    expect(lines[1]).toMatch(/^2\. Student 10: 11 points/);
    expect(lines[2]).toMatch(/^3\. Student 08: 9 points/);
    expect(lines[3]).toMatch(/^4\. Student 09: 9 points/);
    expect(lines[9]).toMatch(/^10\. Student 02: 3 points/);
    expect(board.text).toMatch(/Student 00: #12, 1 point \(1\/1 right\)\.$/);
    expect((await run(r.bot, 'leaderboard', '', students[5]!)).text).toMatch(/Student 05: #7 of the board above\.$/);
    expect((await run(r.bot, 'leaderboard', '', caller({ userId: 'new', userName: 'Newcomer' }))).text).toMatch(/Newcomer: no answers yet/);
  });

  it('shows names without markup or mentions', async () => {
    const id = (await run(r.bot, 'quiz', '', ada)).quiz!.quizId;
    await r.bot.answer(id, (await r.store.getQuiz(id))!.answer, caller({ userId: 'm', userName: '**@everyone** `x`\nsecond' }));
    const text = (await run(r.bot, 'leaderboard', '', ada)).text;
    expect(text).toContain('1. ＠everyone x second: 1 point');
    expect(text).not.toContain('@everyone');
  });

  it('says so when the class has no scores yet', async () => {
    expect((await run(r.bot, 'leaderboard', '', ada)).text).toMatch(/^No scores in this class yet/);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeQuestion } from '../../src/quiz/generate.ts';
import { QuizDesk, type QuizClosed } from '../../src/quiz/desk.ts';
import { openPostgresStore, openSqliteStore, StoreUnavailableError, type Store } from '../../src/store/index.ts';
import { freshDatabase, pgAdminUrl } from '../pg.ts';
import { pgProxy } from '../pg-proxy.ts';

/**
 * A close whose outcome the closer cannot know: the database applied it but
 * the connection died before the acknowledgement (or it died before). The
 * desk retries with the same close token, so exactly one summary is posted
 * across instances, by whichever instance's close actually won.
 */

/** applied: the close commits, then the caller hears StoreUnavailableError. lost: it fails with nothing applied. */
type Fault = 'applied' | 'lost';

interface Faulty {
  store: Store;
  /** The token of every closeQuiz call that reached this store, in order. */
  tokens: string[];
}

/** The store with the next closes failing as planned, and the next `getQuizFailures` getQuiz calls failing. */
function faulty(inner: Store, closes: Fault[], getQuizFailures = 0): Faulty {
  const tokens: string[] = [];
  let readsToFail = getQuizFailures;
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'closeQuiz') {
        return async (id: string, at: number, token: string): Promise<boolean> => {
          tokens.push(token);
          const fault = closes.shift();
          if (fault === 'lost') throw new StoreUnavailableError('database unavailable: Connection terminated unexpectedly');
          const won = await target.closeQuiz(id, at, token);
          if (fault === 'applied') throw new StoreUnavailableError('database unavailable: Connection terminated unexpectedly (during COMMIT)');
          return won;
        };
      }
      if (prop === 'getQuiz' && readsToFail > 0) {
        readsToFail--;
        return async () => {
          throw new StoreUnavailableError('database unavailable: read failed');
        };
      }
      const v: unknown = Reflect.get(target, prop);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store, tokens };
}

const question = makeQuestion({ seed: 7 });
const ada = { platform: 'web', userId: 'ta', userName: 'Ta', classId: 'web:c1' };
const MIN = 60_000;

interface Instance {
  desk: QuizDesk;
  closed: QuizClosed[];
  errors: { obj: object; msg: string }[];
}

function instance(store: Store, name: string, quizMinutes = 10): Instance {
  let n = 0;
  const closed: QuizClosed[] = [];
  const errors: { obj: object; msg: string }[] = [];
  const desk = new QuizDesk({
    store,
    now: () => Date.now(),
    sweepMs: 0,
    policy: { defaultMinutes: quizMinutes },
    newCloseToken: () => `${name}.${++n}`,
    log: { error: (obj, msg) => void errors.push({ obj, msg }) },
  });
  desk.onClosed((e) => void closed.push(e));
  return { desk, closed, errors };
}

describe('closing a quiz when the database fails mid-close', () => {
  let store: Store;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 0, 5, 9, 0, 0));
    store = openSqliteStore(':memory:');
  });
  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
  });

  it('a close applied but not acknowledged: the retry recognises its own token and posts the summary, once across instances', async () => {
    const f = faulty(store, ['applied']);
    const a = instance(f.store, 'A');
    const b = instance(store, 'B');
    const quiz = await a.desk.open({ question, by: ada, seed: 7 });
    // B is another instance with its own timer for the quiz; A's fires first and its UPDATE commits.
    await b.desk.start();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(a.errors.map((e) => e.msg)).toEqual(['closing a quiz failed; retrying']);
    expect((a.errors[0]!.obj as { err: unknown }).err).toBeInstanceOf(StoreUnavailableError);
    expect((await store.getQuiz(quiz.id))?.closedAt).toBe(quiz.closesAt);
    expect([a.closed, b.closed]).toEqual([[], []]);

    await vi.advanceTimersByTimeAsync(1000);
    expect(a.closed.map((e) => e.quiz.id)).toEqual([quiz.id]);
    expect(a.closed[0]!.summary.text).toContain('Quiz closed');
    // One token across the retries; once announced it is spent, so later closes lose.
    expect(f.tokens).toEqual(['A.1', 'A.1']);
    expect(await a.desk.close(quiz.id)).toBeNull();
    expect(await b.desk.close(quiz.id)).toBeNull();
    await vi.advanceTimersByTimeAsync(30 * MIN);
    expect(a.closed).toHaveLength(1);
    expect(b.closed).toHaveLength(0);
    expect(await store.closeQuiz(quiz.id, Date.now(), 'A.1')).toBe(true);
    expect(f.tokens).toEqual(['A.1', 'A.1', 'A.2']);
  });

  it('a close that failed with nothing applied: the retry closes it and posts once', async () => {
    const f = faulty(store, ['lost', 'lost']);
    const a = instance(f.store, 'A');
    const quiz = await a.desk.open({ question, by: ada, seed: 7 });
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect((await store.getQuiz(quiz.id))?.closedAt).toBeNull();
    await vi.advanceTimersByTimeAsync(1000 + 2000);
    expect(a.closed.map((e) => e.quiz.id)).toEqual([quiz.id]);
    expect(f.tokens).toEqual(['A.1', 'A.1', 'A.1']);
    expect(a.errors.map((e) => (e.obj as { retry_ms: number }).retry_ms)).toEqual([1000, 2000]);
  });

  it('a failed close that did not apply while another instance closed the quiz: only that instance posts', async () => {
    const f = faulty(store, ['lost']);
    const a = instance(f.store, 'A');
    const b = instance(store, 'B');
    const quiz = await a.desk.open({ question, by: ada, seed: 7 });
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect((await b.desk.close(quiz.id))?.quiz.id).toBe(quiz.id);
    await vi.advanceTimersByTimeAsync(MIN);
    expect(a.closed).toHaveLength(0);
    expect(b.closed).toHaveLength(1);
    expect(f.tokens).toEqual(['A.1', 'A.1']);
  });

  it("a TA's close cut off at COMMIT: the TA hears the error, the desk's retry posts the summary, once; trying again at once posts it instead", async () => {
    const f = faulty(store, ['applied', 'applied']);
    const a = instance(f.store, 'A');
    const first = await a.desk.open({ question, by: ada, seed: 7 });
    await expect(a.desk.close(first.id)).rejects.toBeInstanceOf(StoreUnavailableError);
    // The timer the close disarmed is replaced by a retry: without it nobody would announce this quiz.
    expect(a.desk.armed).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.closed.map((e) => e.quiz.id)).toEqual([]);
    // That retry was cut off too; the next one (2 s) goes through.
    await vi.advanceTimersByTimeAsync(2000);
    expect(a.closed.map((e) => e.quiz.id)).toEqual([first.id]);

    const second = await a.desk.open({ question, by: ada, seed: 8 });
    const g = faulty(store, ['applied']);
    const a2 = instance(g.store, 'A2');
    await a2.desk.start();
    await expect(a2.desk.close(second.id)).rejects.toBeInstanceOf(StoreUnavailableError);
    // The TA tries again before the retry fires: same token, so this call wins and announces it.
    expect((await a2.desk.close(second.id))?.quiz.id).toBe(second.id);
    await vi.advanceTimersByTimeAsync(20 * MIN);
    expect(a2.closed.map((e) => e.quiz.id)).toEqual([second.id]);
    // A's own timer for the second quiz found it closed by another token.
    expect(a.closed.map((e) => e.quiz.id)).toEqual([first.id]);
    // The winning call disarmed the retry its failed first try had armed.
    expect(g.tokens).toEqual(['A2.1', 'A2.1']);
    a2.desk.stop();
  });

  it('two closes at once on one desk (the timer and a TA) announce once', async () => {
    const a = instance(store, 'A');
    const quiz = await a.desk.open({ question, by: ada, seed: 7 });
    const both = await Promise.all([a.desk.close(quiz.id), a.desk.close(quiz.id), a.desk.close(quiz.id)]);
    expect(both.filter((e) => e !== null)).toHaveLength(1);
    expect(a.closed).toHaveLength(1);
  });

  it('a won close whose quiz could not be read back: the retry still wins and posts', async () => {
    const f = faulty(store, [], 1);
    const a = instance(f.store, 'A');
    const quiz = await a.desk.open({ question, by: ada, seed: 7 });
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(a.closed).toHaveLength(0);
    expect((await store.getQuiz(quiz.id))?.closedAt).not.toBeNull();
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.closed.map((e) => e.quiz.id)).toEqual([quiz.id]);
    expect(f.tokens).toEqual(['A.1', 'A.1']);
  });
});

describe.skipIf(!pgAdminUrl)('closing a quiz on PostgreSQL when the connection is cut during COMMIT', () => {
  it('the close is applied, the instance hears StoreUnavailableError, its retry posts the summary; another instance does not', async () => {
    const url = await freshDatabase();
    const proxy = await pgProxy(Number(new URL(url).port));
    const via = new URL(url);
    via.port = String(proxy.port);
    const storeA = await openPostgresStore(via.toString(), { backoffMs: [50, 100] });
    const storeB = await openPostgresStore(url);
    const a = instance(storeA, 'A', 0.005); // quizzes of 300 ms
    const b = instance(storeB, 'B');
    try {
      const cut = proxy.cutCommitAfter('UPDATE quizzes SET closed_at');
      const quiz = await a.desk.open({ question, by: ada, seed: 7 });
      await cut;
      await vi.waitFor(() => expect(a.errors).toHaveLength(1), { timeout: 5000 });
      const err = (a.errors[0]!.obj as { err: unknown }).err;
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect((err as Error).message).toMatch(/Connection terminated/);
      // The server applied it: the quiz is closed though A was told the database failed.
      expect((await storeB.getQuiz(quiz.id))?.closedAt).not.toBeNull();
      // Another instance's timer now: its token loses.
      expect(await b.desk.close(quiz.id)).toBeNull();
      await vi.waitFor(() => expect(a.closed).toHaveLength(1), { timeout: 5000 });
      expect(a.closed[0]!.quiz.id).toBe(quiz.id);
      await new Promise((r) => setTimeout(r, 300));
      expect(a.closed).toHaveLength(1);
      expect(b.closed).toHaveLength(0);
      expect(a.errors).toHaveLength(1);
    } finally {
      a.desk.stop();
      b.desk.stop();
      await storeA.close();
      await storeB.close();
      await proxy.close();
    }
  });
});

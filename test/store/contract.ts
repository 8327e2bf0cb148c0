import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewAnswer, NewQuiz, SlackInstallationRecord, Store } from '../../src/store/index.ts';

/**
 * The store contract, run against every engine (test/store/sqlite.test.ts,
 * test/store/postgres.test.ts). `a` and `b` are two separate handles on one
 * database, as two gradbot processes would hold: every guarantee that must
 * hold across instances is raced between them.
 */
export interface StorePair {
  a: Store;
  b: Store;
  /** Ends a test: the next one must find the store empty (SQLite removes its file; PostgreSQL empties its database). */
  dispose(): Promise<void>;
}

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

export function quiz(over: Partial<NewQuiz> = {}): NewQuiz {
  return {
    id: 'q1',
    classId: 'c1',
    platform: 'web',
    kind: 'run-update',
    topic: 'run',
    question: 'What is w1 after one step?',
    choices: ['539.0625', '460.9375', '495'],
    answer: 0,
    explanation: 'w1 − lr × g',
    seed: 1,
    reviewOf: null,
    createdBy: 'ta',
    createdAt: T0,
    closesAt: T0 + 600_000,
    ...over,
  };
}

export function answer(over: Partial<NewAnswer> = {}): NewAnswer {
  return { quizId: 'q1', classId: 'c1', userId: 'u1', userName: 'Ada', choice: 0, correct: true, answeredAt: T0 + 1000, points: 1, review: null, ...over };
}

export function installation(over: Partial<SlackInstallationRecord> = {}): SlackInstallationRecord {
  return {
    enterpriseId: null,
    teamId: 'T1',
    isEnterpriseInstall: false,
    teamName: 'One',
    enterpriseName: null,
    appId: 'A1',
    botId: 'B1',
    botUserId: 'UB1',
    botScopes: ['commands', 'chat:write'],
    installerUserId: 'U1',
    sealedSecrets: 'v1.sealed',
    installedAt: T0,
    ...over,
  };
}

const team = (teamId: string, enterpriseId: string | null = null) => ({ teamId, enterpriseId, isEnterpriseInstall: false });

export function storeContract(engine: string, open: () => Promise<StorePair>): void {
  describe(`store contract: ${engine}`, () => {
    let pair: StorePair;
    let store: Store;
    beforeEach(async () => {
      pair = await open();
      store = pair.a;
    });
    afterEach(async () => {
      await pair.dispose();
    });

    it('round-trips a quiz and closes it exactly once', async () => {
      await store.createQuiz(quiz({ seed: 4_000_000_000 }));
      const q = await store.getQuiz('q1');
      expect(q).toEqual({ ...quiz({ seed: 4_000_000_000 }), closedAt: null, location: null });
      await store.setQuizLocation('q1', 'thread-9');
      expect((await store.openQuizzes()).map((x) => x.id)).toEqual(['q1']);
      expect(await store.closeQuiz('q1', T0 + 5, 'desk-a.1')).toBe(true);
      expect(await store.closeQuiz('q1', T0 + 6, 'desk-b.1')).toBe(false);
      expect(await store.getQuiz('q1')).toMatchObject({ closedAt: T0 + 5, location: 'thread-9' });
      expect(await store.openQuizzes()).toEqual([]);
      expect(await store.getQuiz('nope')).toBeNull();
      expect(await store.quizCount('c1')).toBe(1);
    });

    it('finds the latest open quiz of a class, and orders open quizzes by closing time', async () => {
      await store.createQuiz(quiz({ id: 'early', closesAt: T0 + 100 }));
      await store.createQuiz(quiz({ id: 'late', closesAt: T0 + 50 }));
      await store.createQuiz(quiz({ id: 'other', classId: 'c2' }));
      expect((await store.latestOpenQuiz('c1'))?.id).toBe('late');
      expect((await store.openQuizzes()).map((q) => q.id)).toEqual(['late', 'early', 'other']);
      await store.closeQuiz('late', T0, 'desk-a.1');
      expect((await store.latestOpenQuiz('c1'))?.id).toBe('early');
      expect(await store.latestOpenQuiz('c3')).toBeNull();
    });

    it('closes a quiz once when both instances race to close it', async () => {
      await store.createQuiz(quiz());
      const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? pair.a : pair.b).closeQuiz('q1', T0 + i, `desk-${i}.1`)));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    it('a close retried with its own token wins again (its first COMMIT may have been cut off); any other token loses', async () => {
      await store.createQuiz(quiz());
      await store.createQuiz(quiz({ id: 'q2' }));
      expect(await store.closeQuiz('q1', T0 + 5, 'desk-a.7')).toBe(true);
      // The retry, on another connection as after a lost one, a second later.
      expect(await pair.b.closeQuiz('q1', T0 + 1005, 'desk-a.7')).toBe(true);
      expect(await pair.b.closeQuiz('q1', T0 + 1006, 'desk-b.1')).toBe(false);
      expect(await store.closeQuiz('q1', T0 + 1007, 'desk-a.8')).toBe(false);
      // The first close's time stands.
      expect((await store.getQuiz('q1'))?.closedAt).toBe(T0 + 5);
      // Another quiz's token does not carry over; an unknown quiz is never won.
      expect(await store.closeQuiz('q2', T0 + 9, 'desk-b.1')).toBe(true);
      expect(await store.closeQuiz('q2', T0 + 9, 'desk-a.7')).toBe(false);
      expect(await store.closeQuiz('nope', T0, 'desk-a.7')).toBe(false);
    });

    it('one token wins a race of same-token retries against other instances', async () => {
      await store.createQuiz(quiz());
      // Half the closes carry one instance's token (its retries), half carry other instances' tokens.
      const tries = Array.from({ length: 20 }, (_, i) => ({ by: i % 2 ? pair.a : pair.b, token: i % 2 ? 'desk-a.1' : `desk-${i}.1` }));
      const wins = await Promise.all(tries.map((t, i) => t.by.closeQuiz('q1', T0 + i, t.token)));
      const winners = new Set(tries.filter((_, i) => wins[i]).map((t) => t.token));
      expect(winners.size).toBe(1);
      const [winner] = [...winners];
      // Every close carrying the winning token reports the win, every other reports the loss.
      expect(wins).toEqual(tries.map((t) => t.token === winner));
    });

    it('records one answer per user per quiz and reports the first on a second try', async () => {
      await store.createQuiz(quiz());
      const first = await store.recordAnswer(answer({ choice: 1, correct: false }));
      expect(first).toMatchObject({ status: 'recorded', score: { answered: 1, correct: 0, points: 0, streak: 0 } });
      const again = await pair.b.recordAnswer(answer({ choice: 0, correct: true }));
      expect(again).toMatchObject({ status: 'duplicate', existing: { choice: 1, correct: false } });
      expect(await store.answersOf('q1')).toHaveLength(1);
      expect(await store.getAnswer('q1', 'u1')).toMatchObject({ choice: 1, correct: false, userName: 'Ada' });
      expect(await store.rankOf('c1', 'u1')).toMatchObject({ answered: 1, correct: 0, points: 0 });
    });

    it('counts the same click raced on both instances once', async () => {
      await store.createQuiz(quiz());
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? pair.a : pair.b).recordAnswer(answer({ choice: i % 3, correct: i % 3 === 0 }))));
      expect(results.filter((r) => r.status === 'recorded')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(29);
      expect(await store.answersOf('q1')).toHaveLength(1);
      expect((await store.rankOf('c1', 'u1'))?.answered).toBe(1);
    });

    it('refuses answers to unknown, closed and timed-out quizzes', async () => {
      await store.createQuiz(quiz());
      await store.createQuiz(quiz({ id: 'q2' }));
      await store.closeQuiz('q2', T0 + 10, 'desk-a.1');
      expect(await store.recordAnswer(answer({ quizId: 'zz' }))).toEqual({ status: 'closed' });
      expect(await store.recordAnswer(answer({ quizId: 'q2' }))).toEqual({ status: 'closed' });
      expect(await store.recordAnswer(answer({ answeredAt: T0 + 600_000 }))).toEqual({ status: 'closed' });
      expect(await store.rankOf('c1', 'u1')).toBeNull();
    });

    it('keeps points, streaks and best streaks', async () => {
      const pattern = [true, true, true, false, true];
      for (const [i, ok] of pattern.entries()) {
        await store.createQuiz(quiz({ id: `q${i}` }));
        await store.recordAnswer(answer({ quizId: `q${i}`, correct: ok, choice: ok ? 0 : 1, answeredAt: T0 + i }));
      }
      expect(await store.rankOf('c1', 'u1')).toMatchObject({ points: 4, answered: 5, correct: 4, streak: 1, bestStreak: 3, lastCorrectAt: T0 + 4 });
    });

    it('loses no score update when one student answers many quizzes at once on both instances', async () => {
      const n = 24;
      for (let i = 0; i < n; i++) await store.createQuiz(quiz({ id: `q${i}` }));
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => (i % 2 ? pair.a : pair.b).recordAnswer(answer({ quizId: `q${i}`, correct: i % 4 !== 0, choice: i % 4 !== 0 ? 0 : 1, answeredAt: T0 + 1000 + i }))),
      );
      expect(results.every((r) => r.status === 'recorded')).toBe(true);
      const s = await store.rankOf('c1', 'u1');
      expect(s).toMatchObject({ answered: n, correct: n - n / 4, points: n - n / 4 });
      // Each answer saw a different count: the updates were serialised, none read a stale row.
      const seen = results.map((r) => (r.status === 'recorded' ? r.score.answered : -1)).sort((x, y) => x - y);
      expect(seen).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    });

    it('orders the leaderboard by points, then who got there first, then name; ranks beyond the top', async () => {
      const plan: [string, string, number[]][] = [
        ['a', 'Zed', [1, 2, 3]],
        ['b', 'Yan', [4, 5, 6]],
        ['c', 'Abe', [1, 2]],
        ['d', 'Bea', [2, 1]], // last correct at 2 too: the name breaks the tie (Abe before Bea)
      ];
      for (let i = 0; i < 8; i++) plan.push([`z${i}`, `Late${i}`, [100 + i]]);
      let n = 0;
      for (const [id, name, times] of plan) {
        for (const t of times) {
          const qid = `q${n++}`;
          await store.createQuiz(quiz({ id: qid }));
          await store.recordAnswer(answer({ quizId: qid, userId: id, userName: name, answeredAt: T0 + t }));
        }
      }
      // A wrong answer scores nothing and does not change the last-correct time.
      await store.createQuiz(quiz({ id: 'wrong' }));
      await store.recordAnswer(answer({ quizId: 'wrong', userId: 'a', userName: 'Zed', correct: false, choice: 1, answeredAt: T0 + 500 }));

      const top = await store.leaderboard('c1', 10);
      expect(top.map((r) => r.userId)).toEqual(['a', 'b', 'c', 'd', 'z0', 'z1', 'z2', 'z3', 'z4', 'z5']);
      expect(top.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(await store.rankOf('c1', 'z7')).toMatchObject({ rank: 12, points: 1 });
      expect(await store.rankOf('c1', 'a')).toMatchObject({ rank: 1, streak: 0, bestStreak: 3 });
      expect(await store.leaderboard('other-class', 10)).toEqual([]);
    });

    it('resets one class only, everywhere, and keeps its answers', async () => {
      for (const c of ['c1', 'c2']) {
        await store.createQuiz(quiz({ id: `q-${c}`, classId: c }));
        await store.recordAnswer(answer({ quizId: `q-${c}`, classId: c }));
      }
      expect(await pair.b.resetScores('c1')).toBe(1);
      expect(await store.rankOf('c1', 'u1')).toBeNull();
      expect(await store.rankOf('c2', 'u1')).not.toBeNull();
      expect(await store.exportAnswers('c1')).toHaveLength(1);
    });

    it('exports answers oldest first with their quiz', async () => {
      await store.createQuiz(quiz());
      await store.recordAnswer(answer({ userId: 'u2', userName: 'Bob', answeredAt: T0 + 2000 }));
      await store.recordAnswer(answer({ userId: 'u1', answeredAt: T0 + 1000, choice: 2, correct: false }));
      const rows = await store.exportAnswers('c1');
      expect(rows.map((r) => [r.userId, r.choice, r.correct, r.question, r.choices.length])).toEqual([
        ['u1', 2, false, 'What is w1 after one step?', 3],
        ['u2', 0, true, 'What is w1 after one step?', 3],
      ]);
    });

    it('serves a review when its time has come or after enough other answers, and only once when taken on both instances', async () => {
      await store.createQuiz(quiz({ id: 'missed' }));
      await store.recordAnswer(answer({ quizId: 'missed', correct: false, choice: 2, review: { op: 'add', rootQuizId: 'missed', dueAt: T0 + 60_000, afterMore: 2 } }));
      expect(await store.reviewsOf('c1', 'u1')).toEqual([{ rootQuizId: 'missed', dueAt: T0 + 60_000, afterAnswers: 3 }]);
      expect(await store.dueReview('c1', 'u1', T0 + 59_999)).toBeNull();
      expect(await store.dueReview('c1', 'u1', T0 + 60_000)).toMatchObject({ rootQuizId: 'missed' });
      // By count: two more answers (3 in all) make it due before its time.
      await store.createQuiz(quiz({ id: 'x1' }));
      await store.createQuiz(quiz({ id: 'x2' }));
      await store.recordAnswer(answer({ quizId: 'x1' }));
      expect(await store.dueReview('c1', 'u1', T0 + 2000)).toBeNull();
      await store.recordAnswer(answer({ quizId: 'x2' }));
      expect(await store.dueReview('c1', 'u1', T0 + 2000)).toMatchObject({ rootQuizId: 'missed' });
      const taken = await Promise.all([pair.a.takeReview('c1', 'u1', T0 + 2000, T0 + 999_999, 10), pair.b.takeReview('c1', 'u1', T0 + 2000, T0 + 999_999, 10)]);
      expect(taken.filter((t) => t !== null)).toEqual([{ rootQuizId: 'missed', answered: 3 }]);
      expect(await store.reviewsOf('c1', 'u1')).toEqual([{ rootQuizId: 'missed', dueAt: T0 + 999_999, afterAnswers: 13 }]);
      expect(await store.dueReview('c1', 'u1', T0 + 2000)).toBeNull();
      await store.createQuiz(quiz({ id: 'again', reviewOf: 'missed' }));
      await store.recordAnswer(answer({ quizId: 'again', review: { op: 'clear', rootQuizId: 'missed' } }));
      expect(await store.reviewsOf('c1', 'u1')).toEqual([]);
    });

    it('stores class settings, seen at once by the other instance', async () => {
      expect(await store.getClassSettings('c1')).toEqual({ quizMinutes: null });
      await store.setClassSettings('c1', { quizMinutes: 3 });
      expect(await pair.b.getClassSettings('c1')).toEqual({ quizMinutes: 3 });
      await pair.b.setClassSettings('c1', { quizMinutes: 2.5 });
      expect(await store.getClassSettings('c1')).toEqual({ quizMinutes: 2.5 });
      expect(await store.getClassSettings('c2')).toEqual({ quizMinutes: null });
    });

    it('holds one cooldown per key across instances', async () => {
      const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? pair.a : pair.b).claimCooldown('web:u1', T0, 5000)));
      expect(claims.filter((c) => c === 0)).toHaveLength(1);
      expect(claims.filter((c) => c === 5000)).toHaveLength(9);
      expect(await pair.b.claimCooldown('web:u1', T0 + 4000, 5000)).toBe(1000);
      expect(await pair.b.claimCooldown('web:u2', T0 + 4000, 5000)).toBe(0);
      expect(await pair.a.claimCooldown('web:u1', T0 + 5000, 5000)).toBe(0);
      expect(await pair.a.claimCooldown('web:u1', T0 + 5001, 0)).toBe(0);
    });

    it('keeps one Slack installation per workspace, seen by every instance; a reinstall replaces it; removing one leaves the others', async () => {
      await pair.a.saveSlackInstallation(installation());
      await pair.b.saveSlackInstallation(installation({ teamId: 'T2', botUserId: 'UB2' }));
      await pair.b.saveSlackInstallation(installation({ installerUserId: 'U9', sealedSecrets: 'v1.newer', installedAt: T0 + 1 }));
      expect(await pair.a.findSlackInstallation(team('T1'))).toEqual(installation({ installerUserId: 'U9', sealedSecrets: 'v1.newer', installedAt: T0 + 1 }));
      expect(await pair.b.deleteSlackInstallation(team('T1'))).toBe(1);
      expect(await pair.a.deleteSlackInstallation(team('T1'))).toBe(0);
      expect(await pair.a.findSlackInstallation(team('T1'))).toBeNull();
      expect(await pair.a.findSlackInstallation(team('T2'))).toMatchObject({ botUserId: 'UB2' });
    });

    it("finds an org-wide Slack install for any workspace of the org, a workspace's own first", async () => {
      await store.saveSlackInstallation(installation({ teamId: null, enterpriseId: 'E1', isEnterpriseInstall: true, botUserId: 'UORG' }));
      expect(await store.findSlackInstallation(team('T7', 'E1'))).toMatchObject({ botUserId: 'UORG', isEnterpriseInstall: true, teamId: null });
      await store.saveSlackInstallation(installation({ teamId: 'T7', enterpriseId: 'E1', botUserId: 'UOWN' }));
      expect(await store.findSlackInstallation(team('T7', 'E1'))).toMatchObject({ botUserId: 'UOWN' });
      expect(await store.findSlackInstallation(team('T8', 'E2'))).toBeNull();
    });

    it('spends an OAuth state exactly once across instances, and forgets expired ones', async () => {
      const spent = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? pair.a : pair.b).spendOAuthState('s1', T0 + 600_000, T0)));
      expect(spent.filter((x) => x)).toHaveLength(1);
      expect(await pair.a.spendOAuthState('s1', T0 + 600_000, T0 + 1000)).toBe(false);
      expect(await pair.b.spendOAuthState('s2', T0 + 600_000, T0 + 1000)).toBe(true);
    });

    it('names TAs per class once each, in order, seen by every instance, removable', async () => {
      const added = await Promise.all([pair.a, pair.b, pair.a].map((s, i) => s.addTa({ classId: 'slack:T1:C1', userId: 'U2', addedBy: 'U1', addedAt: T0 + i })));
      expect(added.filter((x) => x)).toHaveLength(1);
      expect(await pair.b.addTa({ classId: 'slack:T1:C1', userId: 'U3', addedBy: 'U1', addedAt: T0 + 10 })).toBe(true);
      expect((await pair.a.listTas('slack:T1:C1')).map((t) => t.userId)).toEqual(['U2', 'U3']);
      expect(await pair.b.isTa('slack:T1:C1', 'U2')).toBe(true);
      expect(await pair.b.isTa('slack:T2:C1', 'U2')).toBe(false);
      expect(await pair.a.removeTa('slack:T1:C1', 'U2')).toBe(true);
      expect(await pair.b.removeTa('slack:T1:C1', 'U2')).toBe(false);
      expect(await pair.b.isTa('slack:T1:C1', 'U2')).toBe(false);
    });

    it('is writable, and says so without throwing once closed', async () => {
      expect(await store.writable()).toBe(true);
      await pair.b.close();
      expect(await pair.b.writable()).toBe(false);
    });
  });
}

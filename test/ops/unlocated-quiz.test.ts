import { describe, expect, it } from 'vitest';
import { createGradbot } from '../../src/gradbot.ts';
import { makeQuestion } from '../../src/quiz/generate.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { FakeRenderer } from '../commands/fixtures.ts';
import { isChannelPost, startHarness } from '../discord/harness.ts';
import { CHANNEL_ID, GUILD_ID } from '../discord/standin/ids.ts';
import { CHANNEL, startRig, TEAM } from '../slack/harness.ts';

/**
 * A SIGKILL between creating a quiz and storing where it was posted leaves
 * a quiz with no location (issue 14). After a restart its closing summary
 * must still be posted: in the class's channel, since its thread is unknown.
 * The quiz is made as the killed process left it: stored, open, location null.
 */
const question = makeQuestion({ seed: 7 });
const who = (platform: 'discord' | 'slack', classId: string) => ({ platform, userId: 'u1', userName: 'Ada', classId });

describe('a quiz whose location was never stored still gets its summary', () => {
  it('Slack: into the class channel (no thread), once', async () => {
    const rig = await startRig({ renderer: new FakeRenderer() });
    try {
      const quiz = await rig.bot.quizzes.open({ question, by: who('slack', `slack:${TEAM}:${CHANNEL}`), seed: 7 });
      expect((await rig.store.getQuiz(quiz.id))?.location).toBeNull();
      const from = rig.standin.calls.length;
      await rig.bot.quizzes.close(quiz.id);
      const post = await rig.standin.waitFor('the summary in the channel', () =>
        rig.standin.calls.slice(from).find((c) => c.kind === 'api' && c.method === 'chat.postMessage' && JSON.stringify(c.args).includes('Quiz closed')),
      );
      expect(post.kind === 'api' && post.args.channel).toBe(CHANNEL);
      expect(post.kind === 'api' && post.args.thread_ts).toBeUndefined();
    } finally {
      await rig.close();
    }
  });

  it('Discord: into the class channel, once', async () => {
    const store = openSqliteStore(':memory:');
    const bot = createGradbot({ services: { renderer: new FakeRenderer(), store, now: Date.now }, log: { error: () => undefined } });
    const h = await startHarness(bot);
    try {
      const quiz = await bot.quizzes.open({ question, by: who('discord', `discord:${GUILD_ID}:${CHANNEL_ID}`), seed: 7 });
      const from = h.standin.requests.length;
      await bot.quizzes.close(quiz.id);
      const post = await h.after(from, (r) => isChannelPost(r) && String(r.json?.content ?? '').includes('Quiz closed'));
      expect(post.path).toBe(`/channels/${CHANNEL_ID}/messages`);
      await new Promise((r) => setTimeout(r, 300));
      expect(h.standin.requests.slice(from).filter((r) => isChannelPost(r) && String(r.json?.content ?? '').includes('Quiz closed'))).toHaveLength(1);
    } finally {
      await h.close();
      await bot.close();
      await store.close();
    }
  });
});

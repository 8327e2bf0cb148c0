import type { RespondFn, webApi } from '@slack/bolt';
import type { Gradbot } from '../../bot.ts';
import type { Logger } from '../../log.ts';
import type { Reply, ReplyQuiz } from '../../reply.ts';
import { closedQuizBlocks, quizBlocks, textBlocks, type Block } from './blocks.ts';
import { describeError, postFailureText, slackErrorCode, uploadFailureText } from './errors.ts';
import { encodeLocation, type SlackQuizLocation } from './location.ts';
import { clip, toPlainFallback } from './mrkdwn.ts';
import { uploadFiles, waitShared } from './upload.ts';
import type { ChannelPost, PacedSlack } from './paced.ts';

type WebClient = webApi.WebClient;

/** Where a reply goes and who asked: enough to post publicly or whisper back. */
export interface Target {
  channel: string;
  userId: string;
  /** Set when the reply belongs in an existing thread (quiz feedback, the closing summary). */
  threadTs?: string | undefined;
  /** The slash command's response_url: reaches the user even where the bot is not a member. */
  respond?: RespondFn | undefined;
  /** A context line under the public message ("@ana used /explode w=500"). */
  footer?: Block | undefined;
}


/** Turns Replies into Slack messages. Every method catches: a failed post is logged and told to the user, never thrown. */
export class SlackDelivery {
  /** Quizzes this process posted, so a closed one can be redrawn without its buttons. */
  private readonly posted = new Map<string, { quiz: ReplyQuiz; at: SlackQuizLocation }>();
  /** Messages this process posted for several students at once (by ts): each run's text and quiz, to redraw one quiz closed. */
  private readonly merged = new Map<string, { quiz: ReplyQuiz; base: Block[]; closed: boolean }[]>();

  constructor(
    private readonly client: WebClient,
    private readonly bot: Gradbot,
    private readonly log: Logger,
    private readonly botName: () => string,
    /** How long a quiz waits for its pictures to appear before going out anyway. */
    private readonly shareWaitMs = 10_000,
    /** Channel pacing (null: every call at once, the SDK retrying 429s itself, as before pacing existed). */
    private readonly paced: PacedSlack | null = null,
  ) {}

  /** A public reply is on its way to `channel`: how many are ahead of it, and about how long it will wait. */
  expect(channel: string): { ahead: number; waitMs: number } {
    return this.paced ? this.paced.expect(channel) : { ahead: 0, waitMs: 0 };
  }

  /** `expected`: this reply was announced with expect(), so its place in the channel's queue is already counted. */
  async deliver(reply: Reply, t: Target, expected = false): Promise<void> {
    if (reply.visibility === 'public') await this.postPublic(reply, t, expected);
    else {
      if (expected) this.paced?.cancel(t.channel);
      await this.whisper(reply, t);
    }
  }

  /** A Web API call through the pacer (waits out Retry-After exactly), or straight through without one. */
  private call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    return this.paced ? this.paced.call(method, fn) : fn();
  }

  /** A channel message in the channel's turn; may share one message with others waiting when `mergeable`. */
  private async postInChannel(post: ChannelPost, expected = false): Promise<{ ts: string; merged: number }> {
    if (this.paced) return this.paced.post(post, expected);
    const res = await this.client.chat.postMessage({ channel: post.channel, text: post.text, blocks: post.blocks, unfurl_links: false, unfurl_media: false, ...(post.threadTs ? { thread_ts: post.threadTs } : {}) });
    if (!res.ts) throw new Error('chat.postMessage returned no ts');
    return { ts: res.ts, merged: 1 };
  }

  /**
   * The message in the channel, then its pictures and files in the message's
   * thread, then the quiz in that thread: Slack has no attachments on a bot
   * message, and the thread keeps a busy class channel readable.
   */
  async postPublic(reply: Reply, t: Target, expected = false): Promise<void> {
    const blocks = [...textBlocks(reply.text, t.footer ? 49 : 50), ...(t.footer ? [t.footer] : [])];
    // In a busy channel, replies waiting together share one message, each with its quiz under it.
    const merged = [...textBlocks(reply.text, 12), ...(t.footer ? [t.footer] : []), ...(reply.quiz ? quizBlocks(reply.quiz) : [])];
    const post: ChannelPost = { channel: t.channel, text: toPlainFallback(reply.text) || 'gradbot', blocks, mergedBlocks: merged, threadTs: t.threadTs, mergeable: !t.threadTs && merged.length <= 16 };
    let parentTs: string;
    let shared = 1;
    try {
      const sent = await this.postInChannel(post, expected);
      parentTs = sent.ts;
      shared = sent.merged;
    } catch (err) {
      this.log.warn({ ...describeError(err), channel: t.channel }, 'slack: chat.postMessage failed');
      await this.tell(t, postFailureText(slackErrorCode(err), this.botName()));
      return;
    }
    const threadTs = t.threadTs ?? parentTs;
    if (shared > 1) {
      await this.afterMerged(reply, t, parentTs);
      return;
    }
    if ((reply.images?.length ?? 0) + (reply.files?.length ?? 0) > 0) {
      try {
        const ids = await this.upload(reply, t.channel, threadTs);
        // The quiz goes below the pictures: Slack shares uploads asynchronously, so wait until it has.
        if (reply.quiz && !(await waitShared(this.client, ids, t.channel, this.shareWaitMs, (m, fn) => this.call(m, fn)))) {
          this.log.info({ channel: t.channel }, 'slack: pictures not shared yet; posting the quiz anyway');
        }
      } catch (err) {
        this.log.warn({ ...describeError(err), channel: t.channel }, 'slack: file upload failed');
        await this.tell(t, uploadFailureText(slackErrorCode(err)));
      }
    }
    if (reply.quiz) await this.postQuiz(reply.quiz, t, threadTs);
  }

  /**
   * This reply went out inside a message shared with classmates' (its quiz
   * included): its pictures go into that message's thread under a line naming
   * whose they are; the quiz lives in the shared message.
   */
  private async afterMerged(reply: Reply, t: Target, ts: string): Promise<void> {
    if (reply.quiz) {
      const at = { channel: t.channel, threadTs: null, ts };
      const mine = this.merged.get(ts) ?? [];
      mine.push({ quiz: reply.quiz, base: [...textBlocks(reply.text, 12), ...(t.footer ? [t.footer] : [])], closed: false });
      this.merged.set(ts, mine);
      this.bot.setQuizLocation(reply.quiz.quizId, encodeLocation(at));
    }
    if ((reply.images?.length ?? 0) + (reply.files?.length ?? 0) === 0) return;
    try {
      await this.upload(reply, t.channel, ts, t.userId ? `<@${t.userId}>'s pictures` : undefined);
    } catch (err) {
      this.log.warn({ ...describeError(err), channel: t.channel }, 'slack: file upload failed');
      await this.tell(t, uploadFailureText(slackErrorCode(err)));
    }
  }

  private upload(reply: Reply, channel: string, threadTs: string | undefined, comment?: string): Promise<string[]> {
    const images = (reply.images ?? []).map((img) => ({ bytes: img.png, filename: img.name, title: img.name, alt: img.alt }));
    const files = (reply.files ?? []).map((f) => ({ bytes: f.content, filename: f.name, title: f.name }));
    return uploadFiles(this.client, [...images, ...files], { channel, threadTs, comment }, (m, fn) => this.call(m, fn));
  }

  private async postQuiz(quiz: ReplyQuiz, t: Target, threadTs: string): Promise<void> {
    try {
      const sent = await this.postInChannel({ channel: t.channel, threadTs, text: toPlainFallback(quiz.question), blocks: quizBlocks(quiz), mergeable: false });
      const at = { channel: t.channel, threadTs, ts: sent.ts };
      this.posted.set(quiz.quizId, { quiz, at });
      this.bot.setQuizLocation(quiz.quizId, encodeLocation(at));
    } catch (err) {
      this.log.warn({ ...describeError(err), quizId: quiz.quizId }, 'slack: posting the quiz failed');
      await this.tell(t, `I posted the answer but couldn't post the quiz${slackErrorCode(err) ? ` (${slackErrorCode(err)})` : ''}.`);
    }
  }

  /**
   * A private reply. Text (and any quiz) goes as an ephemeral message; Slack
   * cannot attach files to one, so pictures and files go to the user's direct
   * messages with the bot, and the ephemeral says so.
   */
  async whisper(reply: Reply, t: Target): Promise<void> {
    let text = reply.text;
    if ((reply.images?.length ?? 0) + (reply.files?.length ?? 0) > 0) {
      const names = [...(reply.images ?? []), ...(reply.files ?? [])].map((f) => f.name).join(', ');
      try {
        const dm = await this.call('conversations.open', () => this.client.conversations.open({ users: t.userId }));
        const dmChannel = dm.channel?.id;
        if (!dmChannel) throw new Error('conversations.open returned no channel');
        await this.upload(reply, dmChannel, undefined, 'Only you can see this.');
        text += `\n\n_${names}: sent to your direct messages with @${this.botName()}._`;
      } catch (err) {
        this.log.warn(describeError(err), 'slack: private file delivery failed');
        text += `\n\n_I couldn't send ${names} to your direct messages${slackErrorCode(err) ? ` (${slackErrorCode(err)})` : ''}._`;
      }
    }
    const blocks = [...textBlocks(text, reply.quiz ? 40 : 50), ...(reply.quiz ? quizBlocks(reply.quiz) : [])];
    const fallback = toPlainFallback(text) || 'gradbot';
    if (await this.ephemeral(t, fallback, blocks)) {
      if (reply.quiz) this.bot.setQuizLocation(reply.quiz.quizId, encodeLocation({ channel: t.channel, threadTs: t.threadTs ?? null, ts: '' }));
    }
  }

  /** A short private note (an error, a warning). */
  async tell(t: Target, text: string): Promise<void> {
    await this.ephemeral(t, toPlainFallback(text), textBlocks(text));
  }

  /**
   * The response_url first (a slash command's: it works in any channel, the
   * bot a member or not), else chat.postEphemeral into the thread. True when
   * one of them took it; a failure of both is logged.
   */
  private async ephemeral(t: Target, text: string, blocks: Block[]): Promise<boolean> {
    if (!t.respond && !t.userId) {
      this.log.warn({ channel: t.channel, text: clip(text, 200) }, 'slack: nobody to tell privately');
      return false;
    }
    if (t.respond) {
      try {
        await t.respond({ response_type: 'ephemeral', replace_original: false, text, blocks });
        return true;
      } catch (err) {
        this.log.warn(describeError(err), 'slack: response_url failed; trying chat.postEphemeral');
      }
    }
    try {
      await this.call('chat.postEphemeral', () => this.client.chat.postEphemeral({ channel: t.channel, user: t.userId, text, blocks, ...(t.threadTs ? { thread_ts: t.threadTs } : {}) }));
      return true;
    } catch (err) {
      this.log.warn({ ...describeError(err), channel: t.channel }, 'slack: could not reach the user privately');
      return false;
    }
  }

  /** The closing summary goes into the quiz's thread; the quiz itself loses its buttons. */
  async quizClosed(quizId: string, at: SlackQuizLocation, summary: Reply): Promise<void> {
    // Without a thread (the quiz's place was never stored), the summary goes to the channel itself.
    const threadTs = at.threadTs ?? (at.ts || undefined);
    await this.postPublic({ ...summary, quiz: undefined }, { channel: at.channel, userId: '', threadTs });
    const group = at.ts ? this.merged.get(at.ts) : undefined;
    if (group && at.ts) {
      // A message shared by several students' quizzes: redraw it whole, this quiz without its buttons.
      for (const e of group) if (e.quiz.quizId === quizId) e.closed = true;
      if (group.every((e) => e.closed)) this.merged.delete(at.ts);
      const blocks = group.flatMap((e, i) => [...(i > 0 ? [{ type: 'divider' } as Block] : []), ...e.base, ...(e.closed ? closedQuizBlocks(e.quiz) : quizBlocks(e.quiz))]);
      const ts = at.ts;
      try {
        await this.call('chat.update', () => this.client.chat.update({ channel: at.channel, ts, text: `${group.length} classmates' answers`, blocks }));
      } catch (err) {
        this.log.warn({ ...describeError(err), quizId }, 'slack: could not mark the quiz closed');
      }
      return;
    }
    const mine = this.posted.get(quizId);
    this.posted.delete(quizId);
    if (mine && at.ts) {
      const ts = at.ts;
      try {
        await this.call('chat.update', () => this.client.chat.update({ channel: at.channel, ts, text: toPlainFallback(mine.quiz.question), blocks: closedQuizBlocks(mine.quiz) }));
      } catch (err) {
        this.log.warn({ ...describeError(err), quizId }, 'slack: could not mark the quiz closed');
      }
    }
  }
}

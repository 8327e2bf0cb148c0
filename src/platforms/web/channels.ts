import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { MessageDraft, WebMessage } from './messages.ts';

export interface ChannelLimits {
  /** Public messages kept per channel (what a newly opened tab is shown). */
  messages: number;
  /** Channels kept; the least recently used one is forgotten first. */
  channels: number;
  /** Open event streams across all channels. */
  subscribers: number;
}

interface Channel {
  messages: WebMessage[];
  subscribers: Set<ServerResponse>;
}

/**
 * The channels' recent messages, in memory only, and the event streams of the
 * tabs watching them. Durable things (quizzes, answers, scores) live in the
 * store behind the core; this is just what the page scrolls through.
 */
export class ChannelHub {
  private readonly channels = new Map<string, Channel>();
  private readonly boot = randomBytes(4).toString('hex');
  private seq = 0;
  private subscriberCount = 0;

  constructor(
    private readonly limits: ChannelLimits,
    private readonly now: () => number,
  ) {}

  private channel(name: string): Channel {
    let ch = this.channels.get(name);
    if (ch) {
      this.channels.delete(name);
    } else {
      ch = { messages: [], subscribers: new Set() };
    }
    this.channels.set(name, ch);
    for (const [old, c] of this.channels) {
      if (this.channels.size <= this.limits.channels) break;
      if (c.subscribers.size > 0 || old === name) continue;
      this.channels.delete(old);
    }
    return ch;
  }

  private stamp(channel: string, draft: MessageDraft): WebMessage {
    this.seq += 1;
    return { ...draft, id: `${this.boot}-${this.seq}`, seq: this.seq, channel, at: this.now() };
  }

  /** A public message: kept, and sent to every tab on the channel. Private ones are only stamped. */
  post(channel: string, draft: MessageDraft): WebMessage {
    const msg = this.stamp(channel, draft);
    if (msg.visibility !== 'public') return msg;
    const ch = this.channel(channel);
    ch.messages.push(msg);
    if (ch.messages.length > this.limits.messages) ch.messages.splice(0, ch.messages.length - this.limits.messages);
    this.broadcast(ch, msg);
    return msg;
  }

  find(channel: string, id: string): WebMessage | null {
    return this.channels.get(channel)?.messages.find((m) => m.id === id) ?? null;
  }

  /** Marks a posted quiz closed and tells the tabs, which redraw it with its buttons off. */
  closeQuiz(channel: string, quizId: string): void {
    const ch = this.channels.get(channel);
    if (!ch) return;
    for (const m of ch.messages) {
      if (m.quiz?.quizId === quizId && !m.quiz.closed) {
        m.quiz = { ...m.quiz, closed: true };
        this.broadcast(ch, m);
      }
    }
  }

  history(channel: string): readonly WebMessage[] {
    return this.channels.get(channel)?.messages ?? [];
  }

  /** Starts an event stream: the channel's recent messages, then each new or changed one. False when full. */
  subscribe(channel: string, res: ServerResponse): boolean {
    if (this.subscriberCount >= this.limits.subscribers) return false;
    const ch = this.channel(channel);
    ch.subscribers.add(res);
    this.subscriberCount += 1;
    res.on('close', () => {
      if (ch.subscribers.delete(res)) this.subscriberCount -= 1;
    });
    res.write('retry: 2000\n\n');
    for (const m of ch.messages) res.write(eventOf(m));
    return true;
  }

  /** A comment line, so proxies and browsers keep idle streams open. */
  ping(): void {
    for (const ch of this.channels.values()) for (const res of ch.subscribers) res.write(': ping\n\n');
  }

  closeAll(): void {
    for (const ch of this.channels.values()) {
      for (const res of ch.subscribers) res.end();
      ch.subscribers.clear();
    }
    this.subscriberCount = 0;
  }

  private broadcast(ch: Channel, msg: WebMessage): void {
    const event = eventOf(msg);
    for (const res of ch.subscribers) res.write(event);
  }
}

/** Every event is a whole message; the page inserts or replaces it by id, so re-sent history is harmless. */
function eventOf(msg: WebMessage): string {
  return `id: ${msg.seq}\nevent: message\ndata: ${JSON.stringify(msg)}\n\n`;
}

import type { z } from 'zod';
import type { ParamInput } from '../src/params/index.ts';
import type { QuizDesk } from '../src/quiz/desk.ts';
import type { Reply } from '../src/reply.ts';
import type { Services } from '../src/services.ts';

export type Platform = 'discord' | 'slack' | 'web' | 'cli';

/** Who is asking, as the adapter knows it. */
export interface Caller {
  platform: Platform;
  userId: string;
  /** Display name, for leaderboards; already plain text. */
  userName: string;
  /** The class: guild or workspace + channel, e.g. "discord:123:456". Scores and quizzes live per class. */
  classId: string;
  /** The adapter maps its own notion: Manage Messages, SLACK_TA_USER_IDS, the playground toggle; or /ta named them in this class. */
  isTA: boolean;
  /**
   * May name and remove the class's TAs (/ta): members with Manage Server on
   * Discord; a Slack workspace's admins and whoever installed gradbot there.
   * Adapters look it up only for the commands that need it.
   */
  canManageTas?: boolean;
}

export interface CommandContext {
  caller: Caller;
  services: Services;
  /** The quiz lifecycle (open, close, reviews, class settings), owned by the core in src/gradbot.ts. */
  quizzes: QuizDesk;
}

export type CommandPrepared = { ok: false; reply: Reply } | { ok: true; execute: () => Promise<Reply> };

/**
 * One slash command, platform-neutral: the discord.js guide's file shape
 * (name, description, options) with a handler that returns a Reply.
 */
export interface Command<S extends z.ZodObject = z.ZodObject> {
  /** Lower-case, 1-32 of [a-z0-9_-] (Discord's rule). */
  name: string;
  /** At most 100 characters (Discord's rule). */
  description: string;
  /** The options; Discord option definitions and help texts are generated from it. */
  schema: S;
  /** Whether replies are public (in the channel) or private to the caller. */
  visibility: 'public' | 'private';
  taOnly: boolean;
  /**
   * Takes a member mention (/ta add @grace): Slack then sends it escaped
   * (`<@U123|grace>`, the manifest's should_escape) and the usage hint is
   * this text rather than key=value pairs.
   */
  mentions?: { usage: string };
  /**
   * Parse and validate, fast and synchronous: this is the acknowledgement path.
   * Returns the error Reply (private) or a thunk that does the slow work.
   */
  prepare(input: ParamInput, ctx: CommandContext): CommandPrepared;
}

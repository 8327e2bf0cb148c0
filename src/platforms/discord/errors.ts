import { DiscordAPIError, DiscordjsError, DiscordjsErrorCodes, RESTJSONErrorCodes } from 'discord.js';

/** Discord's refusals we answer with a plain sentence instead of a failure. */
const NO_PERMISSION: ReadonlySet<number> = new Set([RESTJSONErrorCodes.MissingAccess, RESTJSONErrorCodes.MissingPermissions]);
const NO_THREAD_HERE: ReadonlySet<number> = new Set([
  RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType,
  RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage,
  RESTJSONErrorCodes.CannotExecuteActionOnDMChannel,
  RESTJSONErrorCodes.ThreadLocked,
  RESTJSONErrorCodes.MaximumActiveThreads,
  RESTJSONErrorCodes.MaximumActiveAnnouncementThreads,
]);
const NO_THREAD_LOCAL: ReadonlySet<string> = new Set([DiscordjsErrorCodes.ChannelNotCached, DiscordjsErrorCodes.MessageThreadParent, DiscordjsErrorCodes.MessageExistingThread]);

export function apiCode(e: unknown): number | null {
  return e instanceof DiscordAPIError && typeof e.code === 'number' ? e.code : null;
}

export function isMissingPermission(e: unknown): boolean {
  const code = apiCode(e);
  return code !== null && NO_PERMISSION.has(code);
}

/** Why a thread could not start, in a few words, or null when the failure is something else. */
export function threadRefusal(e: unknown): string | null {
  const code = apiCode(e);
  if (code !== null && NO_PERMISSION.has(code)) return 'I may not start threads in this channel';
  if (code !== null && NO_THREAD_HERE.has(code)) return 'threads cannot be started here';
  if (e instanceof DiscordjsError && NO_THREAD_LOCAL.has(e.code)) return 'threads cannot be started here';
  return null;
}

/** The interaction token is gone (over 3 s to acknowledge, or 15 min to follow up): nothing more can be said on it. */
export function isDeadInteraction(e: unknown): boolean {
  const code = apiCode(e);
  return code === RESTJSONErrorCodes.UnknownInteraction || code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged || code === RESTJSONErrorCodes.UnknownWebhook;
}

/** For logs: short, no stack, no token-bearing URL. */
export function describeError(e: unknown): { err: string; code?: number | string; status?: number } {
  if (e instanceof DiscordAPIError) return { err: e.message, code: e.code, status: e.status };
  if (e instanceof DiscordjsError) return { err: e.message, code: e.code };
  if (e instanceof Error) return { err: `${e.name}: ${e.message}` };
  return { err: String(e) };
}

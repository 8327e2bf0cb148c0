import { findCommand } from '../../commands/index.ts';
import type { Caller } from '../../commands/types.ts';
import type { TenancyStore } from '../store/tenancy.ts';

/** The command that manages a class's TAs (commands/ta.ts). */
export const TA_COMMAND = 'ta';

/**
 * Whether the adapter must look up the caller's roles before prepare():
 * TA-only commands (a TA named with /ta) and /ta itself (who may manage
 * TAs). Every other command skips the lookups, so a student's /explode is
 * acknowledged without waiting on the database or the platform.
 */
export function needsRoles(commandName: string): boolean {
  const cmd = findCommand(commandName);
  return cmd !== undefined && (cmd.taOnly || cmd.name === TA_COMMAND);
}

/** A TA by the platform's own rule stays one; otherwise the class's roster (/ta add) decides. */
export async function withClassTa(caller: Caller, tenancy: TenancyStore | undefined): Promise<Caller> {
  if (caller.isTA || !tenancy) return caller;
  return { ...caller, isTA: await tenancy.isTa(caller.classId, caller.userId) };
}

import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** How far below the main thread a render worker runs (nice, 0-19; higher yields more). */
export const RENDER_NICE = 10;

/**
 * Lowers this thread's scheduling priority, where the OS allows it per
 * thread (Linux: setpriority on the thread's own id, read from
 * /proc/thread-self). On two cores, two busy render workers left the main
 * thread waiting for a core for tens of milliseconds at a time during a
 * burst, though it had work (an acknowledgement due within 3 s, a click, a
 * timer): the main thread was idle in its own profile while its event loop
 * lagged. At nice 10 a worker gets about a tenth of a core the main thread
 * wants, and all of what it leaves. Anything else (no /proc, another OS) keeps the
 * default priority: the pictures are the same either way.
 */
export function lowerThisThreadPriority(nice = RENDER_NICE): number | null {
  try {
    const tid = Number(/\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'))?.[1]);
    if (!Number.isInteger(tid) || tid <= 0) return null;
    setPriority(tid, nice);
    return tid;
  } catch {
    return null;
  }
}

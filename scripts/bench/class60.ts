import { class60 } from '../../test/limits/class.ts';

/**
 * A class of 60 under the platforms' enforced rate limits, on its own:
 *   node --import tsx scripts/bench/class60.ts [--unpaced]
 * --unpaced measures gradbot as it was before pacing (every post at once, the
 * Slack SDK retrying 429s with its own backoff, a thread for every quiz).
 */
const r = await class60(!process.argv.includes('--unpaced'));
process.stdout.write(`${JSON.stringify(r)}\n`);
process.exit(0);

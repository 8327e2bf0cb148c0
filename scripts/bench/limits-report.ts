import type { Class60Result } from '../../test/limits/class.ts';

/** The names for the class-of-60 figures, with their targets. */
export function class60Figures(r: Class60Result): Record<string, number | boolean> {
  return {
    paced: r.paced,
    class60_slack_pictures_s: r.slack.pictures_s,
    class60_slack_quiz_s: r.slack.quiz_s,
    class60_discord_pictures_s: r.discord.pictures_s,
    class60_discord_quiz_s: r.discord.quiz_s,
    rate_limit_refusals: r.slack.rate_limit_refusals + r.discord.rate_limit_refusals,
    retry_after_violations: r.slack.retry_after_violations + r.discord.retry_after_violations,
    lost: r.slack.lost + r.discord.lost,
    slack_channel_messages: r.slack.channel_messages,
    discord_channel_messages: r.discord.channel_messages,
  };
}

const TARGETS: [string, number][] = [
  ['class60_slack_pictures_s', 30],
  ['class60_slack_quiz_s', 75],
  ['class60_discord_pictures_s', 5],
  ['class60_discord_quiz_s', 30],
  ['retry_after_violations', 0],
  ['lost', 0],
];

export function formatClass60(r: Class60Result): string {
  const f = class60Figures(r);
  const lines = [`A class of 60 in one channel under enforced limits (${r.paced ? 'paced' : 'unpaced: gradbot before pacing'}); seconds until the last student sees it`];
  for (const [k, target] of TARGETS) {
    const v = Number(f[k]);
    lines.push(`  ${k.padEnd(28)} ${String(v).padStart(7)}   target <= ${target}   ${v <= target ? 'met' : 'MISSED'}`);
  }
  lines.push(`  ${'rate_limit_refusals'.padEnd(28)} ${String(f.rate_limit_refusals).padStart(7)}   (429s answered; few or none wanted)`);
  lines.push(`  slack: ${r.slack.channel_messages} chat.postMessage for 60 students (median quiz ${r.slack.median_quiz_s} s); discord: ${r.discord.channel_messages} channel messages and threads (median quiz ${r.discord.median_quiz_s} s)`);
  return lines.join('\n');
}

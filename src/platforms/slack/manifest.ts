import type { Command } from '../../../commands/types.ts';
import { describeOptions } from '../../params/index.ts';
import { clip } from './mrkdwn.ts';

/** The bot scopes the adapter uses, each for one reason. */
export const SLACK_BOT_SCOPES: readonly { scope: string; why: string }[] = [
  { scope: 'commands', why: 'the slash commands' },
  { scope: 'chat:write', why: 'answers, quizzes and tallies in channels the bot is in, and private replies' },
  { scope: 'files:write', why: 'the breakdown and chart pictures in the thread' },
  { scope: 'im:write', why: 'private files (a TA\'s CSV export) go to a direct message with the bot' },
  { scope: 'users:read', why: "/ta: whether the caller is one of the workspace's admins or owners" },
];

/** Events gradbot subscribes to: a workspace that removes the app, or revokes its token, loses its stored installation. */
export const SLACK_BOT_EVENTS: readonly string[] = ['app_uninstalled', 'tokens_revoked'];

/** Where Slack sends an installer back after "Add to Slack" (src/platforms/slack/oauth.ts SLACK_REDIRECT_PATH). */
const REDIRECT_URL = 'https://YOUR-HOST/slack/oauth_redirect';

/** A YAML scalar: JSON strings are valid double-quoted YAML. */
const q = (s: string) => JSON.stringify(s);

/** "w=500 lr=0.01 depth=3 …": the first options with their lecture examples, as Slack's usage hint. */
export function usageHint(cmd: Command): string | null {
  if (cmd.mentions) return cmd.mentions.usage;
  const opts = describeOptions(cmd.schema).filter((o) => o.example !== '');
  if (opts.length === 0) return null;
  const parts: string[] = [];
  for (const o of opts) {
    const next = [...parts, `${o.name}=${o.example}`].join(' ');
    if (next.length > 90) break;
    parts.push(`${o.name}=${o.example}`);
  }
  return parts.length < opts.length ? `${parts.join(' ')} …` : parts.join(' ');
}

/**
 * The app manifest (slack-manifest.yml), generated from the command registry
 * so the two cannot drift: one Slack command per gradbot command, named the
 * same. Socket Mode is on (no public URL needed); the request URLs are used
 * only in HTTP mode.
 */
export function slackManifest(commands: readonly Command[]): string {
  const lines = [
    "# gradbot's Slack app. api.slack.com/apps > Create New App > From a manifest > paste this file.",
    '# Walkthrough: docs/slack.md (the README\'s Slack section).',
    '# Generated from commands/ by src/platforms/slack/manifest.ts; after changing a command run',
    '#   SLACK_MANIFEST_UPDATE=1 npx vitest run test/slack/manifest.test.ts',
    '#',
    '# HTTP mode instead of Socket Mode: replace YOUR-HOST with your public host name in every url,',
    '# set socket_mode_enabled to false, and run gradbot without SLACK_APP_TOKEN.',
    'display_information:',
    '  name: gradbot',
    `  description: ${q('Shows students why gradients explode and vanish, with numbers they choose.')}`,
    `  background_color: ${q('#1d3557')}`,
    'features:',
    '  app_home:',
    '    home_tab_enabled: false',
    '    messages_tab_enabled: true',
    '    messages_tab_read_only_enabled: true',
    '  bot_user:',
    '    display_name: gradbot',
    '    always_online: true',
    '  slash_commands:',
  ];
  for (const cmd of commands) {
    lines.push(`    - command: /${cmd.name}`);
    lines.push('      url: https://YOUR-HOST/slack/events');
    lines.push(`      description: ${q(clip(`${cmd.taOnly ? '(TAs) ' : ''}${cmd.description}`, 100))}`);
    const hint = usageHint(cmd);
    if (hint) lines.push(`      usage_hint: ${q(hint)}`);
    // Escaped, a typed @grace arrives as <@U123|grace>: an id, not a display name anyone can copy.
    lines.push(`      should_escape: ${cmd.mentions ? 'true' : 'false'}`);
  }
  lines.push(
    'oauth_config:',
    '  # Installing in many workspaces (SLACK_CLIENT_ID, docs/slack.md): Slack sends each installer back here.',
    '  redirect_urls:',
    `    - ${REDIRECT_URL}`,
    '  scopes:',
    '    bot:',
  );
  for (const s of SLACK_BOT_SCOPES) lines.push(`      - ${s.scope} # ${s.why}`);
  lines.push(
    'settings:',
    '  event_subscriptions:',
    '    request_url: https://YOUR-HOST/slack/events',
    '    # A workspace that removes gradbot, or revokes its token, loses its stored installation at once.',
    '    bot_events:',
    ...SLACK_BOT_EVENTS.map((e) => `      - ${e}`),
    '  interactivity:',
    '    is_enabled: true',
    '    request_url: https://YOUR-HOST/slack/events',
    '  org_deploy_enabled: false',
    '  # Socket Mode: gradbot dials out to Slack, so no public URL is needed (set SLACK_APP_TOKEN, an',
    '  # app-level xapp- token with connections:write). false = HTTP mode at https://YOUR-HOST/slack/events.',
    '  socket_mode_enabled: true',
    '  token_rotation_enabled: false',
  );
  return `${lines.join('\n')}\n`;
}

import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { SLACK_BOT_EVENTS, SLACK_BOT_SCOPES, slackManifest } from '../../src/platforms/slack/manifest.ts';

const PATH = new URL('../../slack-manifest.yml', import.meta.url);

type Yaml = string | number | boolean | null | Yaml[] | { [k: string]: Yaml };

/**
 * Reads the YAML subset the manifest uses (block maps and lists, plain or
 * JSON-quoted scalars, comments), written here rather than shared with the
 * generator so the test reads the file the way Slack will, not the way we wrote it.
 */
function readYaml(text: string): Yaml {
  const lines = text
    .split('\n')
    .map((raw) => raw.replace(/\s+#.*$/, '').replace(/^\s*#.*$/, ''))
    .filter((l) => l.trim() !== '')
    .map((l) => ({ indent: l.length - l.trimStart().length, body: l.trim() }));
  let i = 0;
  const scalar = (s: string): Yaml => {
    if (s.startsWith('"')) return JSON.parse(s) as string;
    if (s === 'true' || s === 'false') return s === 'true';
    if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
    return s;
  };
  const block = (indent: number): Yaml => {
    const first = lines[i];
    if (!first || first.indent < indent) return null;
    if (first.body.startsWith('- ')) {
      const list: Yaml[] = [];
      while (lines[i] && lines[i]!.indent === indent && lines[i]!.body.startsWith('- ')) {
        const item = lines[i]!.body.slice(2);
        if (/^[\w-]+:( |$)/.test(item)) {
          // "- key: v" starts a map whose further keys sit two columns in.
          lines[i] = { indent: indent + 2, body: item };
          list.push(block(indent + 2));
        } else {
          list.push(scalar(item));
          i++;
        }
      }
      return list;
    }
    const map: { [k: string]: Yaml } = {};
    while (lines[i] && lines[i]!.indent === indent && !lines[i]!.body.startsWith('- ')) {
      const m = /^([\w-]+):\s*(.*)$/.exec(lines[i]!.body);
      if (!m) throw new Error(`cannot read line: ${lines[i]!.body}`);
      i++;
      map[m[1]!] = m[2] !== '' ? scalar(m[2]!) : block(lines[i]?.indent ?? 0);
    }
    return map;
  };
  return block(0);
}

describe('slack-manifest.yml', () => {
  if (process.env.SLACK_MANIFEST_UPDATE === '1') writeFileSync(PATH, slackManifest(commands));
  const text = readFileSync(PATH, 'utf8');
  const m = readYaml(text) as {
    display_information: { name: string };
    features: { bot_user: { display_name: string }; slash_commands: { command: string; description: string; usage_hint?: string; url: string; should_escape: boolean }[] };
    oauth_config: { redirect_urls: string[]; scopes: { bot: string[] } };
    settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean };
  };

  it('is what the generator makes from commands/ (regenerate with SLACK_MANIFEST_UPDATE=1)', () => {
    expect(text).toBe(slackManifest(commands));
  });

  it('lists exactly the commands in commands/index.ts, one Slack command each, named the same', () => {
    expect(m.features.slash_commands.map((c) => c.command)).toEqual(commands.map((c) => `/${c.name}`));
  });

  it("fits Slack's limits: names up to 32 characters, a description each, hints that match the parameters", () => {
    for (const [i, c] of m.features.slash_commands.entries()) {
      const cmd = commands[i]!;
      expect(c.command).toMatch(/^\/[a-z0-9_-]{1,31}$/);
      expect(c.description.length).toBeGreaterThan(5);
      expect(c.description.length).toBeLessThanOrEqual(100);
      expect(c.url).toBe('https://YOUR-HOST/slack/events');
      // Only a command taking a member mention has Slack escape it to an id.
      expect(c.should_escape).toBe(cmd.mentions !== undefined);
      if (cmd.mentions) {
        expect(c.usage_hint).toBe(cmd.mentions.usage);
        continue;
      }
      const keys = Object.keys(cmd.schema.shape);
      if (c.usage_hint !== undefined) {
        expect(c.usage_hint.length).toBeLessThanOrEqual(100);
        for (const pair of c.usage_hint.replace(/ …$/, '').split(' ')) expect(keys).toContain(pair.split('=')[0]);
      } else {
        expect(keys).toEqual([]);
      }
    }
  });

  it('asks for the scopes the adapter uses, with interactivity on and Socket Mode by default', () => {
    expect(m.display_information.name).toBe('gradbot');
    expect(m.features.bot_user.display_name).toBe('gradbot');
    expect(m.oauth_config.scopes.bot).toEqual(SLACK_BOT_SCOPES.map((s) => s.scope));
    expect(m.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['commands', 'chat:write', 'files:write']));
    expect(m.settings.interactivity).toEqual({ is_enabled: true, request_url: 'https://YOUR-HOST/slack/events' });
    expect(m.settings.socket_mode_enabled).toBe(true);
  });

  it('sends installers back to /slack/oauth_redirect and subscribes to the uninstall events', () => {
    expect(m.oauth_config.redirect_urls).toEqual(['https://YOUR-HOST/slack/oauth_redirect']);
    expect(m.settings.event_subscriptions).toEqual({ request_url: 'https://YOUR-HOST/slack/events', bot_events: ['app_uninstalled', 'tokens_revoked'] });
    expect(SLACK_BOT_EVENTS).toEqual(m.settings.event_subscriptions.bot_events);
    expect(m.oauth_config.scopes.bot).toContain('users:read');
  });
});

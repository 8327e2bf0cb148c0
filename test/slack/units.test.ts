import { describe, expect, it } from 'vitest';
import { postFailureText, slackErrorCode } from '../../src/platforms/slack/errors.ts';
import { decodeLocation, encodeLocation } from '../../src/platforms/slack/location.ts';
import { scrubSlackLine } from '../../src/platforms/slack/logger.ts';

describe('quiz locations', () => {
  it('round-trip, and anything else (another adapter, a damaged row) reads as null', () => {
    const at = { channel: 'C1', threadTs: '1.2', ts: '1.3' };
    expect(decodeLocation(encodeLocation(at))).toEqual(at);
    expect(decodeLocation('123456789')).toBeNull();
    expect(decodeLocation('{"thread":"x"}')).toBeNull();
    expect(decodeLocation(null)).toBeNull();
  });
});

describe('Slack errors', () => {
  it('reads the Web API code from a platform error and says what to do', () => {
    const err = Object.assign(new Error('An API error occurred: not_in_channel'), { code: 'slack_webapi_platform_error', data: { ok: false, error: 'not_in_channel' } });
    expect(slackErrorCode(err)).toBe('not_in_channel');
    expect(postFailureText('not_in_channel', 'gradbot')).toContain('/invite @gradbot');
    expect(slackErrorCode(new Error('socket hang up'))).toBeNull();
    expect(postFailureText(null, 'gradbot')).not.toMatch(/null|undefined/);
  });
});

describe("Bolt's log lines", () => {
  const payload = { type: 'slash_commands', payload: { token: 'vErIfY', team_id: 'T1', command: '/explode', text: 'w=500 "quoted" lr=0.01', response_url: 'https://hooks.slack.com/commands/T1/123/abc', trigger_id: 'trig.9' } };

  it('lose response_url, token, text and trigger_id, in plain JSON and in JSON quoted inside JSON', () => {
    const plain = scrubSlackLine(`Received a message on the WebSocket: ${JSON.stringify(payload)}`);
    const quoted = scrubSlackLine(JSON.stringify({ msg: JSON.stringify(payload) }));
    for (const line of [plain, quoted]) {
      for (const secret of ['vErIfY', 'w=500', 'quoted', 'hooks.slack.com', 'trig.9']) expect(line).not.toContain(secret);
      // The rest is still there to debug with.
      expect(line).toContain('/explode');
      expect(line).toContain('T1');
    }
    expect(JSON.parse(plain.slice(plain.indexOf('{')))).toEqual({
      type: 'slash_commands',
      payload: { token: '[redacted]', team_id: 'T1', command: '/explode', text: '[redacted]', response_url: '[redacted]', trigger_id: '[redacted]' },
    });
    expect(JSON.parse(JSON.parse(quoted).msg as string).payload.text).toBe('[redacted]');
  });

  it('lose Slack tokens and the Socket Mode ticket wherever they are', () => {
    const line = scrubSlackLine('token xoxb-123-456-AbC and xapp-1-A1-2-ff at wss://wss-primary.slack.com/link/?ticket=9f8e-7d&app_id=A1');
    expect(line).toBe('token xoxb-[redacted] and xapp-[redacted] at wss://wss-primary.slack.com/link/?ticket=[redacted]&app_id=A1');
  });
});

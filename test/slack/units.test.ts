import { describe, expect, it } from 'vitest';
import { postFailureText, slackErrorCode } from '../../src/platforms/slack/errors.ts';
import { decodeLocation, encodeLocation } from '../../src/platforms/slack/location.ts';

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

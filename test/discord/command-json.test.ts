import { ApplicationCommandOptionType as T, type APIApplicationCommandBasicOption } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Command } from '../../commands/types.ts';
import { ACTIVATIONS } from '../../src/engine/activations.ts';
import { explodeSchema, exampleSchema, MAX_DEPTH, MAX_STEPS, parseParams } from '../../src/params/index.ts';
import { privateText } from '../../src/reply.ts';
import { commandJson, commandsJson, PARAMS_OPTION } from '../../src/platforms/discord/command-json.ts';
import { applicationIdFromToken } from '../../src/platforms/discord/register.ts';
import { paramInputOf } from '../../src/platforms/discord/translate.ts';
import { APP_ID, BOT_TOKEN } from './standin/ids.ts';

function cmd(name: string, schema: z.ZodObject, extra: Partial<Command> = {}): Command {
  return { name, description: `the ${name} command`, schema, visibility: 'public', taOnly: false, prepare: () => ({ ok: false, reply: privateText('') }), ...extra };
}

const byName = (options: readonly APIApplicationCommandBasicOption[] | undefined, name: string) => {
  const o = (options ?? []).find((x) => x.name === name);
  if (!o) throw new Error(`no option ${name}`);
  return o as APIApplicationCommandBasicOption & Record<string, unknown>;
};

describe('Discord command JSON from the zod schemas', () => {
  const explode = commandJson(cmd('explode', explodeSchema));

  it('maps numbers, integers and choices to NUMBER, INTEGER and STRING with choices', () => {
    expect(explode.type).toBe(1);
    expect(byName(explode.options as APIApplicationCommandBasicOption[], 'w')).toMatchObject({ type: T.Number });
    expect(byName(explode.options as APIApplicationCommandBasicOption[], 'x')).toMatchObject({ type: T.Number });
    expect(byName(explode.options as APIApplicationCommandBasicOption[], 'depth')).toMatchObject({ type: T.Integer, min_value: 1, max_value: MAX_DEPTH });
    expect(byName(explode.options as APIApplicationCommandBasicOption[], 'steps')).toMatchObject({ type: T.Integer, min_value: 1, max_value: MAX_STEPS });
    const act = byName(explode.options as APIApplicationCommandBasicOption[], 'act');
    expect(act.type).toBe(T.String);
    expect((act.choices as { value: string }[]).map((c) => c.value)).toEqual([...ACTIVATIONS]);
  });

  it('leaves exclusive bounds to our own check, and sends number-or-word options as text', () => {
    const lr = byName(explode.options as APIApplicationCommandBasicOption[], 'lr');
    expect(lr.type).toBe(T.Number);
    expect(lr.min_value).toBeUndefined();
    expect(byName(explode.options as APIApplicationCommandBasicOption[], 'clip').min_value).toBeUndefined();
    expect(byName(explode.options as APIApplicationCommandBasicOption[], 'b').type).toBe(T.String);
  });

  it('ends every command that has parameters with a `params` text option, and none on those without', () => {
    for (const schema of [explodeSchema, exampleSchema]) {
      const json = commandJson(cmd('c', schema));
      const last = json.options?.at(-1);
      expect(last).toMatchObject({ name: PARAMS_OPTION, type: T.String, required: false });
      expect(json.options).toHaveLength(Object.keys(schema.shape).length + 1);
    }
    expect(commandJson(cmd('help', z.object({}))).options).toEqual([]);
    expect(byName(commandJson(cmd('example', exampleSchema)).options as APIApplicationCommandBasicOption[], 'factors').type).toBe(T.String);
  });

  it('marks TA commands with Manage Messages and keeps them out of DMs', () => {
    const ta = commandJson(cmd('scores-reset', z.object({}), { taOnly: true }));
    expect(ta.default_member_permissions).toBe('8192');
    // contexts, not the deprecated dm_permission: TA commands in servers only, the rest also in a DM with the bot.
    expect(ta).not.toHaveProperty('dm_permission');
    expect(explode).not.toHaveProperty('dm_permission');
    expect(ta.contexts).toEqual([0]);
    expect(explode.contexts).toEqual([0, 1]);
    expect(ta.integration_types).toEqual([0]);
    expect(explode.integration_types).toEqual([0]);
    expect(explode.default_member_permissions).toBeUndefined();
  });

  it("keeps to Discord's limits: 25 options, [a-z0-9_-]{1,32} names, 1-100 character descriptions, required first", () => {
    const shape: Record<string, z.ZodType> = {};
    for (let i = 0; i < 30; i++) shape[`Opt ${i} with a Very Long Name Indeed!`] = z.number().optional().describe('d'.repeat(300));
    shape['needed'] = z.number().describe('');
    const json = commandJson(cmd('A Command With Spaces And Far Too Many Characters', z.object(shape), { description: 'x'.repeat(500) }));
    expect(json.name).toMatch(/^[a-z0-9_-]{1,32}$/);
    expect(json.description.length).toBeLessThanOrEqual(100);
    expect(json.options).toHaveLength(25);
    expect(json.options?.[0]).toMatchObject({ name: 'needed', required: true });
    expect(json.options?.at(-1)?.name).toBe(PARAMS_OPTION);
    for (const o of json.options ?? []) {
      expect(o.name).toMatch(/^[a-z0-9_-]{1,32}$/);
      expect(o.description.length).toBeGreaterThanOrEqual(1);
      expect(o.description.length).toBeLessThanOrEqual(100);
    }
  });

  it('refuses two commands that would share a Discord name', () => {
    expect(() => commandsJson([cmd('Quiz', z.object({})), cmd('quiz', z.object({}))])).toThrow(/quiz/);
  });
});

describe('slash-command options back into the parameter language', () => {
  it('every typed option Discord can send is a key the schema parses, and params stays text', () => {
    const json = commandJson(cmd('explode', explodeSchema));
    const sample: Record<number, string | number> = { [T.Number]: 2, [T.Integer]: 3, [T.String]: 'relu' };
    const data = (json.options ?? [])
      .filter((o) => o.name !== 'b' && o.name !== PARAMS_OPTION)
      .map((o) => ({ name: o.name, type: o.type, value: sample[o.type]! }));
    const input = paramInputOf([...data, { name: PARAMS_OPTION, type: T.String, value: 'w=500 lr=0.01' }]);
    expect(input.text).toBe('w=500 lr=0.01');
    expect(input.options).not.toHaveProperty(PARAMS_OPTION);
    const parsed = parseParams(explodeSchema, input);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.value.values).toMatchObject({ w: 2, lr: 2, depth: 3, act: 'relu' });
      expect(parsed.value.notes.join(' ')).toMatch(/`w=2` from the option wins over `w=500`/);
    }
  });
});

describe('small helpers', () => {
  it("reads the application id from a bot token's first part", () => {
    expect(applicationIdFromToken(BOT_TOKEN)).toBe(APP_ID);
    expect(applicationIdFromToken('not-base64-of-an-id.a.b')).toBeNull();
  });
});

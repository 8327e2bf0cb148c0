import { describe, expect, it } from 'vitest';
import { parseExplode, parseParams, exampleSchema, specKey } from '../../src/params/index.ts';

function refused(text: string) {
  const r = parseExplode({ text });
  if (r.ok) throw new Error(`expected "${text.slice(0, 40)}" to be refused`);
  return r;
}

function accepted(text: string) {
  const r = parseExplode({ text });
  if (!r.ok) throw new Error(`expected "${text.slice(0, 40)}" to be accepted: ${r.message}`);
  return r.spec;
}

describe('the explode parameter language', () => {
  it('reads the lecture form and every accepted variant', () => {
    const s = accepted('w=500 lr=0.01 act=relu depth=6 w2=-3 b=centered clip=5 steps=100 x=1 y=0');
    expect(s).toMatchObject({ w: 500, lr: 0.01, act: 'relu', depth: 6, b: 'centered', clip: 5, steps: 100, x: 1, y: 0 });
    expect(s.wLayers).toEqual({ 2: -3 });
    expect(accepted('w:500 lr = 1e-3').lr).toBe(0.001);
  });

  it('accepts key:value, spaces around =, any key case, exponents', () => {
    const s = accepted('W:7  Lr = 1E-3 ACT=Tanh');
    expect(s).toMatchObject({ w: 7, lr: 0.001, act: 'tanh' });
  });

  it('takes the lecture defaults when nothing is given, as a bare /explode does', () => {
    expect(accepted('')).toEqual({ depth: 3, act: 'sigmoid', x: 1, y: 1, lr: 0.01, steps: 30, clip: null, w: 500, b: null, wLayers: {}, bLayers: {} });
  });

  it('reads Slack\u2019s plain text, commas between pairs and a unicode minus (as -5)', () => {
    expect(accepted('w=500, lr=0.01').lr).toBe(0.01);
    expect(accepted('w=\u22125').w).toBe(-5);
    expect(accepted('b=centred').b).toBe('centered');
  });

  it.each([
    ['rl=0.1', 'rl', /did you mean `lr`/i],
    ['w=abc', 'w', /not a number/],
    ['lr=0', 'lr', /greater than 0/],
    ['lr=-1', 'lr', /greater than 0/],
    ['depth=0', 'depth', /1 to 50/],
    ['depth=51', 'depth', /1 to 50/],
    ['depth=2.5', 'depth', /whole number/],
    ['steps=1001', 'steps', /1 to 1000/],
    ['w=Infinity', 'w', /not a finite number/],
    ['w=NaN', 'w', /not a finite number/],
    ['w=1e999', 'w', /not a finite number/],
    ['w=1 w=2', 'w', /given twice/],
    ['w=', 'w', /has no value/],
    ['act=softmax', 'act', /one of sigmoid, tanh, relu, linear/],
    ['clip=0', 'clip', /greater than 0/],
    ['w5=1', 'w5', /depth is 3/],
    ['w60=1', 'w60', /1 to 50/],
  ])('refuses %s naming the key and what is allowed', (text, key, pattern) => {
    const r = refused(text);
    expect(r.keys).toContain(key);
    expect(r.message).toContain(key);
    expect(r.message).toMatch(pattern);
  });

  it('names the value given in the message', () => {
    expect(refused('w=abc').message).toContain('w=abc');
    expect(refused('lr=-1').message).toContain('lr=-1');
  });

  it('refuses a 10 kB string up front without echoing it', () => {
    const r = refused(`w=${'9'.repeat(10_240)}`);
    expect(r.message).toMatch(/at most 1000/);
    expect(r.message.length).toBeLessThan(200);
  });

  it('clips echoed values so a reply never balloons', () => {
    const r = refused(`w=${'x'.repeat(500)}`);
    expect(r.message.length).toBeLessThan(200);
  });

  it('lets typed options win over the text and says so', () => {
    const r = parseExplode({ text: 'w=3 lr=0.1', options: { w: 5, depth: 4 } });
    expect(r.ok && r.spec.w).toBe(5);
    expect(r.ok && r.spec.depth).toBe(4);
    expect(r.ok && r.notes.join(' ')).toMatch(/w=5.*wins over.*w=3/);
  });

  it('gives equal specs equal keys, whatever the spelling', () => {
    expect(specKey(accepted('lr=0.01 w=500'))).toBe(specKey(accepted('W:500   LR=1e-2')));
    expect(specKey(accepted('w=500'))).not.toBe(specKey(accepted('w=501')));
  });
});

describe('the example parameter language', () => {
  it('reads a factor list', () => {
    const r = parseParams(exampleSchema, { text: 'factors=150, 100,125,50 w=500 lr=0.01' });
    expect(r.ok && r.value.values).toEqual({ factors: [150, 100, 125, 50], w: 500, lr: 0.01 });
  });

  it('defaults to the lecture\u2019s numbers', () => {
    const r = parseParams(exampleSchema, {});
    expect(r.ok && r.value.values).toEqual({ factors: [150, 100, 125, 50], w: 500, lr: 0.01 });
  });

  it('refuses a bad factor naming it', () => {
    const r = parseParams(exampleSchema, { text: 'factors=1,abc' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/factors.*abc/);
  });
});

import type { z } from 'zod';
import { allowedText, allowedWithExample, describeOptions, type OptionInfo } from './describe.ts';
import { didYouMean } from './suggest.ts';
import { clipEcho, normaliseText, tokenize } from './tokenize.ts';

export interface ParamError {
  /** The key the problem is about, lower-case; null when the text could not be read at all. */
  key: string | null;
  message: string;
}

/** What a platform hands over: the lecture's text form, typed options (Discord), or both. */
export interface ParamInput {
  text?: string | undefined;
  options?: Readonly<Record<string, string | number | boolean | undefined | null>> | undefined;
}

export interface ParseOptions {
  /** Keys that may carry a layer number, like w2 or b1 (1..maxLayer). */
  layerKeys?: readonly string[];
  maxLayer?: number;
}

export interface Parsed<T> {
  values: T;
  /** Per-layer overrides: layers.w[2] = -3 for w2=-3. */
  layers: Record<string, Record<number, number>>;
  /** What the user should know, e.g. a typed option overrode the text. */
  notes: string[];
}

/** How many problems one reply names; the rest are counted. */
export const SHOWN_PROBLEMS = 3;

/**
 * The first few problems (repeats said once) and how many more there are: one
 * bad params string can hold hundreds of mistakes, and every one joined made a
 * reply of tens of thousands of characters that Slack refuses outright
 * (msg_blocks_too_long) and nobody reads. Fixing the first ones shows the rest.
 */
export function problemsText(messages: readonly string[]): string {
  const distinct = [...new Set(messages)];
  const shown = distinct.slice(0, SHOWN_PROBLEMS);
  const more = distinct.length - shown.length;
  return more > 0 ? `${shown.join('\n')}\n…and ${more} more problem${more === 1 ? '' : 's'}; fix these first.` : shown.join('\n');
}

export type ParseResult<T> = { ok: true; value: Parsed<T> } | { ok: false; errors: ParamError[]; message: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const NON_FINITE = /^[+-]?(inf|infinity|nan|∞)$/i;

type Coerced = { ok: true; value: unknown } | { ok: false; message: string };

function numberOf(key: string, raw: string, o: OptionInfo | null): Coerced {
  const allowed = o ? allowedWithExample(o) : 'a finite number';
  if (raw === '') return { ok: false, message: `\`${key}=\` has no value; ${key} takes ${allowed}.` };
  if (NON_FINITE.test(raw) || (NUMBER.test(raw) && !Number.isFinite(Number(raw)))) {
    return { ok: false, message: `\`${key}=${clipEcho(raw)}\` is not a finite number; ${key} takes ${allowed}.` };
  }
  if (!NUMBER.test(raw)) return { ok: false, message: `\`${key}=${clipEcho(raw)}\` is not a number; ${key} takes ${allowed}.` };
  return { ok: true, value: Number(raw) };
}

function coerce(key: string, raw: string, o: OptionInfo): Coerced {
  if (o.choices) {
    const v = raw.toLowerCase();
    return o.choices.includes(v) ? { ok: true, value: v } : { ok: false, message: `\`${key}=${clipEcho(raw)}\` is not allowed; ${key} takes ${allowedWithExample(o)}.` };
  }
  if (o.type === 'number-list') {
    const items = raw.split(',').map((s) => s.trim());
    const out: number[] = [];
    for (const item of items) {
      const n = numberOf(key, item, null);
      if (!n.ok) return { ok: false, message: `\`${key}=${clipEcho(raw)}\`: \`${clipEcho(item)}\` is not a finite number; ${key} takes ${allowedText(o)}.` };
      out.push(n.value as number);
    }
    return { ok: true, value: out };
  }
  if (o.words && o.words.length > 0) {
    const word = raw.toLowerCase().replace(/^centred$/, 'centered');
    if (o.words.includes(word)) return { ok: true, value: word };
  }
  if (o.type === 'number' || o.type === 'integer') return numberOf(key, raw, o);
  return { ok: true, value: raw };
}

/** Turns one zod issue into a sentence naming the key, the value given and what is allowed. */
function issueMessage(issue: z.core.$ZodIssue, infos: OptionInfo[], given: Record<string, unknown>): ParamError {
  const key = String(issue.path[0] ?? '');
  const o = infos.find((i) => i.name === key);
  const value = given[key];
  const shown = Array.isArray(value) ? value.join(',') : String(value);
  if (!o) return { key: key || null, message: issue.message };
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    if (o.type === 'number-list') return { key, message: `\`${key}=${clipEcho(shown)}\` has ${(value as unknown[]).length} numbers; ${key} takes 1 to 12 numbers.` };
  }
  return { key, message: `\`${key}=${clipEcho(shown)}\` is not allowed; ${key} takes ${allowedWithExample(o)}.` };
}

export function parseParams<S extends z.ZodObject>(schema: S, input: ParamInput, opts: ParseOptions = {}): ParseResult<z.infer<S>> {
  const infos = describeOptions(schema);
  const known = infos.map((o) => o.name);
  const layerKeys = opts.layerKeys ?? [];
  const maxLayer = opts.maxLayer ?? 0;
  const errors: ParamError[] = [];
  const notes: string[] = [];
  const given: Record<string, unknown> = {};
  const rawGiven = new Map<string, string>();
  const layers: Record<string, Record<number, number>> = Object.fromEntries(layerKeys.map((k) => [k, {}]));

  const tokens = tokenize(input.text ?? '');
  if (!tokens.ok) return { ok: false, errors: [{ key: tokens.key, message: tokens.message }], message: tokens.message };

  for (const { key: rawKey, raw } of tokens.pairs) {
    const key = rawKey.toLowerCase();
    const previous = rawGiven.get(key);
    if (previous !== undefined) {
      errors.push({ key, message: `\`${key}\` is given twice (\`${key}=${clipEcho(previous)}\` and \`${key}=${clipEcho(raw)}\`); give each key once.` });
      continue;
    }
    rawGiven.set(key, raw);
    const layer = /^([a-z]+)(\d+)$/.exec(key);
    if (layer && layerKeys.includes(layer[1]!)) {
      const [, base, num] = layer as unknown as [string, string, string];
      const k = Number(num);
      if (k < 1 || k > maxLayer) {
        errors.push({ key, message: `\`${key}\` names layer ${k}; layers are numbered 1 to ${maxLayer}.` });
        continue;
      }
      const n = numberOf(key, raw, null);
      if (n.ok) layers[base]![k] = n.value as number;
      else errors.push({ key, message: n.message });
      continue;
    }
    const o = infos.find((i) => i.name === key);
    if (!o) {
      const layerNames = layerKeys.map((k) => `${k}1`);
      const guess = didYouMean(key, [...known, ...layerNames]);
      const hint = guess ? ` Did you mean \`${guess}\`?` : '';
      const perLayer = layerKeys.length > 0 ? `, and ${layerKeys.map((k) => `${k}1…`).join(', ')} for one layer` : '';
      errors.push({ key, message: `Unknown parameter \`${clipEcho(key)}\`.${hint} Allowed: ${known.join(', ')}${perLayer}.` });
      continue;
    }
    const c = coerce(key, raw, o);
    if (c.ok) given[key] = c.value;
    else errors.push({ key, message: c.message });
  }

  for (const [rawKey, v] of Object.entries(input.options ?? {})) {
    if (v === undefined || v === null) continue;
    const key = rawKey.toLowerCase();
    const o = infos.find((i) => i.name === key);
    if (!o) {
      errors.push({ key, message: `Unknown option \`${clipEcho(key)}\`. Allowed: ${known.join(', ')}.` });
      continue;
    }
    const c = typeof v === 'string' ? coerce(key, normaliseText(v), o) : { ok: true as const, value: v };
    if (!c.ok) {
      errors.push({ key, message: c.message });
      continue;
    }
    const fromText = rawGiven.get(key);
    if (fromText !== undefined && String(c.value) !== String(given[key])) {
      notes.push(`\`${key}=${clipEcho(String(c.value))}\` from the option wins over \`${key}=${clipEcho(fromText)}\` in the text.`);
    }
    given[key] = c.value;
  }

  if (errors.length === 0) {
    const result = schema.safeParse(given);
    if (result.success) return { ok: true, value: { values: result.data as z.infer<S>, layers, notes } };
    for (const issue of result.error.issues) errors.push(issueMessage(issue, infos, given));
  }
  return { ok: false, errors, message: problemsText(errors.map((e) => e.message)) };
}

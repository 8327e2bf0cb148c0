import { z } from 'zod';

/** One option as the help texts and the platforms need it, read off the zod schema. */
export interface OptionInfo {
  name: string;
  type: 'number' | 'integer' | 'string' | 'number-list';
  description: string;
  example: string;
  default?: unknown;
  min?: number;
  max?: number;
  /** True when min is exclusive (lr > 0). */
  minExclusive?: boolean;
  choices?: string[];
  /** Words accepted in place of a number (b=centered). */
  words?: string[];
  /** A default that depends on other options, said in words (b's, centred or 0 by activation). */
  defaultNote?: string;
  required: boolean;
}

interface JsonSchemaNode {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchemaNode[];
  items?: JsonSchemaNode;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  description?: string;
  example?: string;
  defaultNote?: string;
}

function infoOf(name: string, node: JsonSchemaNode, required: boolean): OptionInfo {
  const base = { name, description: node.description ?? '', example: String(node.example ?? ''), required, ...(node.defaultNote ? { defaultNote: node.defaultNote } : {}) };
  const withDefault = node.default === undefined ? base : { ...base, default: node.default };
  const range = (n: JsonSchemaNode) => ({
    ...(n.minimum !== undefined ? { min: n.minimum } : {}),
    ...(n.exclusiveMinimum !== undefined ? { min: n.exclusiveMinimum, minExclusive: true } : {}),
    ...(n.maximum !== undefined ? { max: n.maximum } : {}),
  });
  if (node.enum) return { ...withDefault, type: 'string', choices: node.enum.map(String) };
  if (node.anyOf) {
    const num = node.anyOf.find((n) => n.type === 'number' || n.type === 'integer');
    const words = node.anyOf.filter((n) => n.const !== undefined).map((n) => String(n.const));
    return { ...withDefault, type: num?.type === 'integer' ? 'integer' : 'number', words, ...(num ? range(num) : {}) };
  }
  if (node.type === 'array') return { ...withDefault, type: 'number-list' };
  if (node.type === 'integer' || node.type === 'number') return { ...withDefault, type: node.type, ...range(node) };
  return { ...withDefault, type: 'string' };
}

const cache = new WeakMap<z.ZodObject, OptionInfo[]>();

export function describeOptions(schema: z.ZodObject): OptionInfo[] {
  const hit = cache.get(schema);
  if (hit) return hit;
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchemaNode>; required?: string[] };
  const required = new Set(json.required ?? []);
  const infos = Object.entries(json.properties ?? {}).map(([name, node]) => infoOf(name, node, required.has(name)));
  cache.set(schema, infos);
  return infos;
}

/** "a number > 0", "a whole number from 1 to 50", "one of sigmoid, tanh, relu, linear". */
export function allowedText(o: OptionInfo): string {
  if (o.choices) return `one of ${o.choices.join(', ')}`;
  if (o.type === 'number-list') return 'a comma-separated list of numbers, like 150,100,125,50';
  const kind = o.type === 'integer' ? 'a whole number' : 'a finite number';
  let range = '';
  if (o.min !== undefined && o.max !== undefined) range = ` from ${o.min} to ${o.max}`;
  else if (o.min !== undefined) range = o.minExclusive ? ` greater than ${o.min}` : ` of at least ${o.min}`;
  else if (o.max !== undefined) range = ` of at most ${o.max}`;
  const words = o.words && o.words.length > 0 ? ` or ${o.words.map((w) => `"${w}"`).join(', ')}` : '';
  return kind + range + words;
}

/** "a whole number from 1 to 50 (e.g. `depth=3`)": what to say after naming a bad value. */
export function allowedWithExample(o: OptionInfo): string {
  return o.example ? `${allowedText(o)} (e.g. \`${o.name}=${o.example}\`)` : allowedText(o);
}

/** One line of usage per option, as /help, Slack and the CLI print it. */
export function usageLines(schema: z.ZodObject): string[] {
  return describeOptions(schema).map((o) => {
    const def = o.default === undefined ? (o.defaultNote ? `; ${o.defaultNote}` : '') : `; default ${Array.isArray(o.default) ? o.default.join(',') : String(o.default)}`;
    return `${o.name}=${o.example}  ${o.description} (${allowedText(o)}${def})`;
  });
}

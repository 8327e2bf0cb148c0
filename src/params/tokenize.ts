import { prefixOf } from '../format/clip.ts';
/** Splits the lecture's text form (`w=500 lr = 0.01 w2:-3 factors=150,100`) into key/value pairs. */
export interface RawPair {
  key: string;
  raw: string;
}

export type TokenizeResult = { ok: true; pairs: RawPair[] } | { ok: false; key: string | null; message: string };

/** Longest parameter text we read; anything longer is refused before parsing. */
export const MAX_TEXT = 1000;
/** How much of a user's value we echo back in a message. */
const ECHO = 30;

export function clipEcho(s: string, max = ECHO): string {
  return s.length > max ? `${prefixOf(s, max)}…` : s;
}

/** Dashes people and keyboards type for a minus sign, and full-width look-alikes. */
export function normaliseText(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\u2212\u2012\u2013\u2014\uFE63\uFF0D]/g, '-')
    .replace(/[\u201C\u201D\u2018\u2019]/g, '"');
}

const KEY = /[A-Za-z_][A-Za-z0-9_]*/y;
const SEP = /[\s;,]*/y;
const ASSIGN = /\s*[=:]\s*/y;
const VALUE = /[^\s,;]*/y;
const LIST_MORE = /\s*,\s*(?![A-Za-z_][A-Za-z0-9_]*\s*[=:])([^\s,;=:]+)/y;

function at(re: RegExp, s: string, i: number): RegExpExecArray | null {
  re.lastIndex = i;
  return re.exec(s);
}

export function tokenize(input: string): TokenizeResult {
  if (input.length > MAX_TEXT) {
    return { ok: false, key: null, message: `The parameters are ${input.length.toLocaleString('en-US')} characters long; at most ${MAX_TEXT} are allowed. Try something like \`w=500 lr=0.01\`.` };
  }
  const s = normaliseText(input);
  const pairs: RawPair[] = [];
  let i = at(SEP, s, 0)![0].length;
  while (i < s.length) {
    const key = at(KEY, s, i);
    if (!key) {
      const word = s.slice(i).split(/[\s;,]/)[0] ?? '';
      return { ok: false, key: null, message: `Couldn't read \`${clipEcho(word)}\`: write parameters as key=value, like \`w=500 lr=0.01\`.` };
    }
    i += key[0].length;
    const assign = at(ASSIGN, s, i);
    if (!assign || assign[0].length === 0) {
      return { ok: false, key: key[0].toLowerCase(), message: `\`${clipEcho(key[0])}\` has no value: write it as key=value, like \`${key[0].toLowerCase()}=…\`.` };
    }
    i += assign[0].length;
    let raw = at(VALUE, s, i)![0];
    i += raw.length;
    for (let more = at(LIST_MORE, s, i); raw !== '' && more; more = at(LIST_MORE, s, i)) {
      raw += `,${more[1]}`;
      i += more[0].length;
    }
    pairs.push({ key: key[0], raw });
    i += at(SEP, s, i)![0].length;
  }
  return { ok: true, pairs };
}

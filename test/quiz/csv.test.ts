import { describe, expect, it } from 'vitest';
import { answersCsv, csvCell } from '../../src/quiz/csv.ts';
import { newQuizId } from '../../src/quiz/desk.ts';
import { parseQuizButtonId, quizButtonId } from '../../src/reply.ts';

/** A small RFC 4180 reader, to check the export round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('CSV export', () => {
  it('quotes commas, quotes and newlines (RFC 4180) and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('Doe, Jane')).toBe('"Doe, Jane"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    for (const lead of ['+', '-', '@']) expect(csvCell(`${lead}1`)).toBe(`'${lead}1`);
  });

  it('writes quiz,user,choice,correct,time rows that read back', () => {
    const t = Date.UTC(2026, 0, 5, 9, 30, 15, 250);
    const csv = answersCsv([
      { quizId: 'q1', userName: 'Doe, "JJ"\nJunior', choice: 2, correct: true, answeredAt: t },
      { quizId: 'q1', userName: '=cmd|calc', choice: 0, correct: false, answeredAt: t + 1000 },
    ]);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(parseCsv(csv)).toEqual([
      ['quiz', 'user', 'choice', 'correct', 'time'],
      ['q1', 'Doe, "JJ"\nJunior', 'C', 'true', '2026-01-05T09:30:15.250Z'],
      ['q1', "'=cmd|calc", 'A', 'false', '2026-01-05T09:30:16.250Z'],
    ]);
  });

  it('exports quiz ids exactly as TAs type them: no id needs the formula guard', () => {
    // The old base64url ids started with "-" one time in 32 and came out as "'-..." in the export.
    const ids = Array.from({ length: 4000 }, newQuizId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9]{12}$/);
      expect(csvCell(id)).toBe(id);
      expect(parseQuizButtonId(quizButtonId(id, 4))).toEqual({ quizId: id, choice: 4 });
    }
    // Every character of the alphabet turns up as a first character: the ids are not skewed.
    expect(new Set(ids.map((id) => id[0])).size).toBe(62);
  });
});

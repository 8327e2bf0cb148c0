import { letter } from './types.ts';

/** One answer as the CSV export lists it. */
export interface CsvAnswer {
  quizId: string;
  userName: string;
  choice: number;
  correct: boolean;
  answeredAt: number;
}

/**
 * RFC 4180: fields with a comma, quote, CR or LF are quoted and quotes doubled.
 * A cell starting with = + - @ (or a tab/CR) is prefixed with ' so a spreadsheet
 * shows the text instead of running it as a formula (CSV injection).
 */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const CSV_HEADER = ['quiz', 'user', 'choice', 'correct', 'time'] as const;

export function answersCsv(rows: readonly CsvAnswer[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const r of rows) {
    lines.push([r.quizId, r.userName, letter(r.choice), r.correct ? 'true' : 'false', new Date(r.answeredAt).toISOString()].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

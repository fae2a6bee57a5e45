/**
 * The wide responses file: one row per respondent, one column per question; multiple choice as one column per
 * answer (1 chosen, 0 not chosen, empty not asked or not answered); grids as one column per row holding the scale code.
 */
import type { Question } from './types.ts';

export interface ResponseColumn {
  name: string;
  question: string;
  /** The answer (multiple choice) or row (grid) this column holds. */
  part?: string;
}

export const partColumn = (question: string, part: string) => `${question}_${part}`;

export function responseColumns(q: Question): ResponseColumn[] {
  switch (q.kind) {
    case 'multiple':
      return q.choices.map((c) => ({ name: partColumn(q.code, c.code), question: q.code, part: c.code }));
    case 'grid':
      return q.rows.map((r) => ({ name: partColumn(q.code, r.code), question: q.code, part: r.code }));
    case 'single':
    case 'dropdown':
    case 'text':
    case 'number':
      return [{ name: q.code, question: q.code }];
  }
}

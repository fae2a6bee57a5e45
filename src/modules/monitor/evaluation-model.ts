/**
 * The annual evaluation's shape, shared by its sections (evaluation*.ts) and its outputs (evaluation-output.ts): a
 * section holds paragraphs and numbered tables; every figure in a paragraph names the table it came from, and every
 * table names the platform page (or API address) it was read from, so the HTML links each number to its table's
 * page and the DOCX refers to the table by number.
 */

export interface EvalTable {
  /** Unique in the document; a figure refers to its table by this. */
  id: string;
  /** Set when the document is put together, in the order the tables appear. */
  number: number;
  caption: string;
  columns: string[];
  rows: (string | number)[][];
  /** Who was asked and how many answered (survey tables), or what the figures count. */
  base: string;
  /** Where the figures came from on the platform: a page or an API address (a path on the platform's origin). */
  source: string;
}

/** A run of text, or a figure that came from a table. */
export type Part = string | { figure: string; table: string };
export type Paragraph = Part[];

export type Approach = 'approach' | 'offer';

export interface EvaluationSection {
  id: string;
  /** The published evaluations' two parts: the approach to sector-led improvement, and the offer of support. */
  part: Approach;
  title: string;
  status: 'ok' | 'too-little-data';
  /** The section's key message when it has data (gathered at the top of the document, as the published ones do). */
  headline: Paragraph | null;
  paragraphs: Paragraph[];
  tables: EvalTable[];
}

/** A figure taken from a table. */
export const fig = (figure: string | number, table: string): Part => ({ figure: String(figure), table });

/** A table not yet numbered. */
export const table = (t: Omit<EvalTable, 'number'>): EvalTable => ({ ...t, number: 0 });

/** A section with too little data: it says so, and why, instead of printing nothing. */
export const tooLittle = (id: string, part: Approach, title: string, why: string): EvaluationSection => ({
  id,
  part,
  title,
  status: 'too-little-data',
  headline: null,
  paragraphs: [[`Too little data: ${why}`]],
  tables: [],
});

/** A share from 0 to 1 as the tables print it: a whole per cent, `-` without a base. */
export const pc = (v: number | null) => (v === null ? '-' : `${Math.round(v * 100)}%`);

/** A percentage (0 to 100) in words, as the published reports write it in text. */
export const perCent = (p: number | null): string =>
  p === null ? 'no figure' : p > 0 && p < 0.5 ? 'less than 0.5 per cent' : `${Math.round(p)} per cent`;

/** Counts joined in words: "30 in Spring, 31 in Autumn". */
export const inWaves = (pairs: [number, string][]) => pairs.map(([n, w]) => `${n} in ${w}`).join(', ');

/** A number with thousands separators. */
export const num = (n: number) => n.toLocaleString('en-GB');

const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
/** A month (YYYY-MM) as people write it: "March 2014". */
export const monthLabel = (m: string) => MONTH.format(new Date(`${m}-01T00:00:00Z`));

/**
 * The fielding CSVs' columns: one list each gives the header row and the CSVW metadata (the links issued, the
 * response rates, and the wide responses file, whose answer columns follow the questionnaire).
 */
import { csvColumns, type CsvColumn, type CsvDatatype } from '../../../platform/csv.ts';
import { csvw } from '../../../platform/csvw.ts';
import { responseColumns, type Question, type SurveyDefinition } from '../definition/index.ts';
import type { WaveDto } from './service.ts';

export const LINK_CSV = csvColumns([
  ['area_code', 'Area code', 'string', 'GSS code of the council the link is for (empty for a list without councils)'],
  ['area_name', 'Area', 'string', "The council's name"],
  ['role', 'Role', 'string', 'The role the link is for, e.g. chief executive'],
  ['contact_name', 'Contact', 'string', 'The contact named in the frame'],
  ['link', 'Personal link', 'string', 'The personal link to the questionnaire: shown once, only its hash is kept'],
]);

export const RATE_CSV = csvColumns([
  ['breakdown', 'Breakdown', 'string', 'overall, authority-type or region'],
  ['code', 'Code', 'string', 'The authority type or region code (all for the overall line)'],
  ['label', 'Label', 'string', 'The authority type or region'],
  ['frame', 'Frame', 'integer', 'Members of the frame (for an open wave, respondents)'],
  ['submitted', 'Submitted', 'integer', 'Responses submitted'],
  ['in_progress', 'In progress', 'integer', 'Responses started and not yet submitted'],
  ['not_started', 'Not started', 'integer', 'Frame members who have not started'],
  ['rate_percent', 'Response rate (%)', 'decimal', 'Submitted as a percentage of the frame, to one decimal place'],
]);

const META: CsvColumn[] = csvColumns([
  ['wave', 'Wave', 'string', 'The wave the response belongs to'],
  ['respondent_id', 'Respondent', 'string', 'Council and role (the same across waves, for panels), or anonymous-N'],
  ['submitted_at', 'Submitted at', 'dateTime', 'When the response was submitted (empty while in progress)'],
  ['authority_type', 'Authority type', 'string', "The respondent's type of council"],
  ['region', 'Region', 'string', "The respondent's region"],
  ['role', 'Role', 'string', "The respondent's role"],
]);

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
/** Codes that are all plain numbers (1, 2, -99) are numeric, so a "don't know" of -99 is never taken for a formula. */
const codesType = (codes: string[]): CsvDatatype =>
  codes.length > 0 && codes.every((c) => PLAIN_NUMBER.test(c)) ? 'decimal' : 'string';

function answerColumn(q: Question, name: string, part: string | undefined): CsvColumn {
  const choice = (code: string) => q.choices.find((c) => c.code === code)?.label ?? code;
  const scale = q.choices.map((c) => `${c.code} ${c.label}`).join('; ');
  switch (q.kind) {
    case 'multiple':
      return {
        name,
        title: `${q.code}: ${choice(part!)}`,
        datatype: 'integer',
        description: `${q.text} 1 chosen, 0 not chosen, empty when not asked or not answered.`,
      };
    case 'grid':
      return {
        name,
        title: `${q.code}: ${q.rows.find((r) => r.code === part)?.label ?? part}`,
        datatype: codesType(q.choices.map((c) => c.code)),
        description: `${q.text} The scale's code: ${scale}.`,
      };
    case 'single':
    case 'dropdown':
      return {
        name,
        title: q.code,
        datatype: codesType(q.choices.map((c) => c.code)),
        description: `${q.text} The answer's code: ${scale}.`,
      };
    case 'number':
      return { name, title: q.code, datatype: 'decimal', description: q.text };
    case 'text':
      return {
        name,
        title: q.code,
        datatype: 'string',
        description: `${q.text} Free text, as the respondent wrote it.`,
      };
  }
}

/** The wide responses file's columns: who and when, then one column per answer (responseColumns). */
export const responsesCsvColumns = (def: SurveyDefinition): CsvColumn[] => [
  ...META,
  ...def.questions.flatMap((q) => responseColumns(q).map((c) => answerColumn(q, c.name, c.part))),
];

/** The CSVW metadata of a fielding CSV: confidential survey data, no open licence. */
export function surveyCsvw(
  wave: WaveDto,
  at: { url: string; title: string; description: string; columns: readonly CsvColumn[] },
) {
  return csvw({
    ...at,
    licences: ['Confidential: survey data for analysts of the platform; not for publication'],
    attribution: [`Survey ${wave.survey} version ${wave.version}, wave ${wave.name}`],
    notes: ['Results are published only in aggregate; no respondent or council may be identifiable without consent.'],
  });
}

/**
 * Which questionnaires the evaluation reads for each of its survey purposes. A questionnaire declares its purpose in
 * its SurveyJS JSON, beside `code` and `title` (the surveys module keeps the JSON as loaded; SurveyJS ignores the key):
 *
 *   "evaluation": { "purpose": "leadership-impact",
 *     "measures": [{ "question": "HELPED", "answer": "N_YES", "said": "said the programme helped them" }] }
 *
 * `measures` is optional: without it the purpose's standard measures are read (evaluation-surveys.ts), which fit the
 * shipped questionnaires. So a programme office's own questionnaire counts in the report as soon as it says what it is
 * for. A questionnaire with a shipped code that declares nothing keeps its shipped purpose. The latest loaded version
 * of each code is the one whose declaration counts.
 */
import type { DefinitionDetail, DefinitionSummary } from '../surveys/index.ts';
import type { SurveyMeasure } from './evaluation-surveys.ts';

/** The evaluation's survey purposes, each with the code of the questionnaire the platform ships for it. */
export const PURPOSES = {
  'resident-polling': 'resident-polling',
  'council-perception': 'council-perception',
  'peer-challenge-impact': 'peer-challenge-impact',
  'leadership-impact': 'leadership-impact',
} as const;
export type Purpose = keyof typeof PURPOSES;

/** A questionnaire the evaluation reads: its code, title, purpose and (when it declares them) its own measures. */
export interface Source {
  code: string;
  title: string;
  purpose: Purpose;
  measures: SurveyMeasure[] | null;
}

export interface QuestionnaireList {
  definitions(): Promise<DefinitionSummary[]>;
  definition(code: string, version: number): Promise<DefinitionDetail>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The declaration in a questionnaire's JSON, if it makes one (a malformed one is not a declaration). */
export function declared(source: unknown): { purpose: Purpose; measures: SurveyMeasure[] | null } | undefined {
  const e = isObj(source) ? source['evaluation'] : undefined;
  if (!isObj(e) || typeof e['purpose'] !== 'string' || !(e['purpose'] in PURPOSES)) return undefined;
  const list = Array.isArray(e['measures']) ? e['measures'] : null;
  const measures = list
    ?.filter(isObj)
    .filter((m) => typeof m['question'] === 'string' && typeof m['answer'] === 'string')
    .map((m) => ({
      question: String(m['question']),
      answer: String(m['answer']),
      said: typeof m['said'] === 'string' ? m['said'] : `answered ${String(m['answer'])} to ${String(m['question'])}`,
    }));
  return { purpose: e['purpose'] as Purpose, measures: measures?.length ? measures : null };
}

/** Every loaded questionnaire the evaluation reads, by code: its latest declaration, else its shipped code. */
export async function evaluationSources(list: QuestionnaireList): Promise<Map<string, Source>> {
  const latest = new Map<string, DefinitionSummary>();
  for (const d of await list.definitions()) if ((latest.get(d.code)?.version ?? 0) < d.version) latest.set(d.code, d);
  const out = new Map<string, Source>();
  for (const d of latest.values()) {
    const decl = declared((await list.definition(d.code, d.version)).source);
    const shipped = (Object.keys(PURPOSES) as Purpose[]).find((p) => PURPOSES[p] === d.code);
    const purpose = decl?.purpose ?? shipped;
    if (purpose) out.set(d.code, { code: d.code, title: d.title, purpose, measures: decl?.measures ?? null });
  }
  return out;
}

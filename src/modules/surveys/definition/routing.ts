/** Who is asked what: routing conditions evaluated on a respondent's earlier answers, and piping into question text. */
import { evaluate } from './expression.ts';
import type { AnswerValue, Answers, Question, SurveyDefinition } from './types.ts';

/** Whether the question is put to a respondent with these answers (no condition: everyone). */
export const isAsked = (q: Question, answers: Answers): boolean =>
  q.condition ? evaluate(q.condition, answers) : true;

/** The label a respondent would read for their answer to a question (for piping). */
export function answerLabel(q: Question, value: AnswerValue | undefined): string {
  if (value === undefined) return '';
  const label = (code: string) => q.choices.find((c) => c.code === code)?.label ?? code;
  if (Array.isArray(value)) return value.map(label).join(', ');
  if (typeof value === 'object') return Object.values(value).map(label).join(', ');
  return q.choices.length > 0 ? label(String(value)) : String(value);
}

/** Question text with `{CODE}` replaced by the label of the earlier answer, lower-cased as it sits mid-sentence. */
export function pipeText(def: SurveyDefinition, text: string, answers: Answers): string {
  return text.replace(/\$?\{([A-Za-z_][\w-]*)\}/g, (whole, code: string) => {
    const q = def.questions.find((x) => x.code === code);
    if (!q) return whole;
    const label = answerLabel(q, answers[code]);
    return label === '' ? '…' : label.charAt(0).toLowerCase() + label.slice(1);
  });
}

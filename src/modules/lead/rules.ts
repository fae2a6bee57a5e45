/**
 * The leadership module's pure rules: the vocabularies, who is eligible under a dated rule, which financial year a date
 * falls in, whether a participant has completed, and when each person's surveys fall due.
 */
export const KINDS = ['leadership-academy', 'leadership-essentials', 'next-generation', 'senior-officer'] as const;
export const ROLES = ['leader', 'cabinet-member', 'committee-chair', 'councillor', 'officer'] as const;
export const PLACE_KINDS = ['subsidised', 'full-fee', 'bursary'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];
/** States that hold a place in the cohort. */
export const HOLDING = ['booked', 'offered', 'completed'] as const;
/** States that hold (or claim) a council's subsidised place in its window. */
export const CLAIMING = ['approved', 'booked', 'waiting', 'offered', 'completed'] as const;

export interface Rule {
  validFrom: string;
  validTo: string | null;
  roles: string[];
  officerGrades: string[] | null;
  parties: string[] | null;
  councilTypes: string[] | null;
}

export interface Applicant {
  role: string;
  officerGrade: string | null;
  party: string | null;
  councilType: string;
}

/** The rule in force on a date (the latest that began on or before it), if any. */
export function ruleAt(rules: Rule[], date: string): Rule | undefined {
  return rules
    .filter((r) => r.validFrom <= date && (r.validTo === null || r.validTo >= date))
    .sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0];
}

/** Why the applicant may not take part under the rule (field and reason), or an empty list when eligible. */
export function ineligibility(
  rule: Rule | undefined,
  a: Applicant,
  crossParty: boolean,
  date: string,
): { field: string; message: string; value?: string }[] {
  if (!rule) return [{ field: 'cohort', message: `has no eligibility rule in force on ${date}` }];
  const out: { field: string; message: string; value?: string }[] = [];
  if (!rule.roles.includes(a.role))
    out.push({
      field: 'role',
      message: `is not eligible (the rule from ${rule.validFrom} admits ${rule.roles.join(', ')})`,
      value: a.role,
    });
  if (a.role === 'officer' && rule.officerGrades && !rule.officerGrades.includes(a.officerGrade ?? ''))
    out.push({
      field: 'officerGrade',
      message: `is not eligible (the rule admits ${rule.officerGrades.join(', ')})`,
      value: a.officerGrade ?? '',
    });
  if (crossParty && a.role !== 'officer' && !a.party)
    out.push({ field: 'party', message: 'is required: the programme is cross-party by design' });
  if (crossParty && a.party && rule.parties && !rule.parties.includes(a.party))
    out.push({
      field: 'party',
      message: `is not eligible (the rule admits ${rule.parties.join(', ')})`,
      value: a.party,
    });
  if (rule.councilTypes && !rule.councilTypes.includes(a.councilType))
    out.push({
      field: 'council',
      message: `is of type ${a.councilType}, which the rule does not admit (${rule.councilTypes.join(', ')})`,
      value: a.councilType,
    });
  return out;
}

/** The financial year (April to March) a date falls in, written `2026-27`. */
export function financialYear(date: string): string {
  const y = Number(date.slice(0, 4));
  const start = date.slice(5) >= '04-01' ? y : y - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/** The date `months` months after `date` (the last day of the month when that month is shorter). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Completed when the attended modules reach the programme's minimum (every module when it sets none). */
export function isComplete(attended: number, modules: number, min: number | null): boolean {
  return modules > 0 && attended >= Math.min(min ?? modules, modules);
}

export type SurveyKind = 'module-feedback' | 'end-feedback' | 'impact';
export interface SurveyDue {
  kind: SurveyKind;
  module: number | null;
  /** The first day the survey may be sent. */
  from: string;
  /** The last day it is useful. */
  until: string;
}

/** Days after a module (and after the last day of the cohort) that its feedback survey is open. */
export const FEEDBACK_DAYS = 14;
/** The impact survey: between 6 and 12 months after the person completed. */
export const IMPACT_MONTHS = [6, 12] as const;

/**
 * A person's surveys from their own dates: feedback the day after each module they attended and the day after the
 * cohort ends (for a fortnight), and impact 6–12 months after they completed.
 */
export function surveySchedule(p: {
  attended: { number: number; heldOn: string }[];
  cohortEnds: string;
  completedOn: string | null;
}): SurveyDue[] {
  const out: SurveyDue[] = p.attended.map((m) => ({
    kind: 'module-feedback',
    module: m.number,
    from: addDays(m.heldOn, 1),
    until: addDays(m.heldOn, FEEDBACK_DAYS),
  }));
  if (p.attended.length)
    out.push({
      kind: 'end-feedback',
      module: null,
      from: addDays(p.cohortEnds, 1),
      until: addDays(p.cohortEnds, FEEDBACK_DAYS),
    });
  if (p.completedOn)
    out.push({
      kind: 'impact',
      module: null,
      from: addMonths(p.completedOn, IMPACT_MONTHS[0]),
      until: addMonths(p.completedOn, IMPACT_MONTHS[1]),
    });
  return out;
}

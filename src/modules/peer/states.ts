/**
 * The engagement state machine (pure): the steps in order, each reached only from the one before it, plus withdrawn
 * (from any open state) and postponed (before the visit; resumed to the state it was postponed from), both with a
 * reason. Every step carries a date, never earlier than the step before it.
 */
export const STATES = [
  'requested',
  'scoping',
  'scheduled',
  'position-statement-received',
  'on-site',
  'feedback-presented',
  'draft-report',
  'factual-accuracy-check',
  'report-published',
  'action-plan-published',
  'progress-review',
  'progress-review-published',
  'closed',
] as const;
export const SIDE_STATES = ['withdrawn', 'postponed'] as const;
export type MainState = (typeof STATES)[number];
export type State = MainState | (typeof SIDE_STATES)[number];
export const ALL_STATES: readonly State[] = [...STATES, ...SIDE_STATES];

export const STATE_LABELS: Record<State, string> = {
  requested: 'Requested',
  scoping: 'Scoping',
  scheduled: 'Scheduled',
  'position-statement-received': 'Position statement received',
  'on-site': 'On site',
  'feedback-presented': 'Feedback presented',
  'draft-report': 'Draft report',
  'factual-accuracy-check': 'Factual-accuracy check',
  'report-published': 'Report published',
  'action-plan-published': 'Action plan published',
  'progress-review': 'Progress review',
  'progress-review-published': 'Progress review published',
  closed: 'Closed',
  withdrawn: 'Withdrawn',
  postponed: 'Postponed',
};

export const isState = (s: string): s is State => (ALL_STATES as readonly string[]).includes(s);
export const stateIndex = (s: string): number => (STATES as readonly string[]).indexOf(s);

/** True once the engagement has reached (or passed) a main state; never for withdrawn or postponed ones. */
export const reached = (current: string, target: MainState): boolean =>
  stateIndex(current) >= stateIndex(target) && stateIndex(current) >= 0;

/** The report is public from publication on. */
export const isPublished = (state: string): boolean => reached(state, 'report-published');

export interface Step {
  state: string;
  date: string;
}

/**
 * Why moving from `current` (last step dated `lastDate`, postponed from `resumeState`) to `next` on `date` is refused,
 * or undefined when it is allowed. `reason` is needed for withdrawn and postponed.
 */
export function transitionProblem(
  current: string,
  resumeState: string | null,
  lastDate: string | null,
  next: string,
  date: string,
  reason: string | null | undefined,
): { field: string; message: string } | undefined {
  if (!isState(next)) return { field: 'state', message: `is not a state; use one of ${ALL_STATES.join(', ')}` };
  if (lastDate !== null && date < lastDate)
    return { field: 'date', message: `is before the previous step (${current} on ${lastDate}): dates out of order` };
  if (current === 'withdrawn' || current === 'closed')
    return { field: 'state', message: `the engagement is ${current}; nothing follows` };
  if (next === 'withdrawn' || next === 'postponed') {
    if (!reason?.trim()) return { field: 'reason', message: `is required to mark an engagement ${next}` };
    if (next === 'postponed' && (current === 'postponed' || stateIndex(current) >= stateIndex('on-site')))
      return { field: 'state', message: `an engagement ${current} cannot be postponed (only before the visit)` };
    return undefined;
  }
  if (current === 'postponed') {
    if (next !== resumeState)
      return { field: 'state', message: `a postponed engagement resumes at ${resumeState ?? 'its earlier state'}` };
    return undefined;
  }
  const want = STATES[stateIndex(current) + 1];
  if (next !== want)
    return {
      field: 'state',
      message:
        stateIndex(next) > stateIndex(current)
          ? `skips a step: after ${current} comes ${want}`
          : `goes back: the engagement is already ${current}`,
    };
  return undefined;
}

/** The date `months` calendar months after an ISO date (the last day of a shorter month when the day overflows). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export type CoverageStatus = 'due' | 'overdue' | 'not-due' | 'none';
/** Every council is expected to have a corporate peer challenge at least every five years. */
export const CYCLE_MONTHS = 60;
/** Due: within twelve months of the five years. */
export const DUE_WINDOW_MONTHS = 12;

/** A council's coverage on `today` from its last on-site date (or none). */
export function coverageStatus(
  lastOnsite: string | null,
  today: string,
): { status: CoverageStatus; dueBy: string | null } {
  if (!lastOnsite) return { status: 'none', dueBy: null };
  const dueBy = addMonths(lastOnsite, CYCLE_MONTHS);
  if (today > dueBy) return { status: 'overdue', dueBy };
  if (today >= addMonths(dueBy, -DUE_WINDOW_MONTHS)) return { status: 'due', dueBy };
  return { status: 'not-due', dueBy };
}

import { describe, expect, it } from 'vitest';
import { addMonths, coverageStatus, transitionProblem } from './states.ts';

describe('the engagement state machine', () => {
  it('allows only the next step, dated on or after the last', () => {
    expect(transitionProblem('requested', null, '2024-01-01', 'scoping', '2024-01-01', null)).toBeUndefined();
    expect(transitionProblem('requested', null, '2024-01-01', 'on-site', '2024-02-01', null)).toMatchObject({
      field: 'state',
      message: 'skips a step: after requested comes scoping',
    });
    expect(transitionProblem('on-site', null, '2024-03-01', 'scheduled', '2024-03-02', null)?.message).toMatch(
      /goes back/,
    );
    expect(transitionProblem('on-site', null, '2024-03-01', 'feedback-presented', '2024-02-28', null)).toMatchObject({
      field: 'date',
    });
    expect(transitionProblem('closed', null, '2024-03-01', 'withdrawn', '2024-03-02', 'x')?.message).toMatch(
      /nothing follows/,
    );
  });
  it('withdrawn and postponed need a reason; postponed only before the visit, resumed where it stopped', () => {
    expect(transitionProblem('scoping', null, null, 'withdrawn', '2024-01-01', ' ')).toMatchObject({ field: 'reason' });
    expect(transitionProblem('on-site', null, null, 'postponed', '2024-01-01', 'why')?.message).toMatch(
      /before the visit/,
    );
    expect(transitionProblem('postponed', 'scheduled', null, 'scoping', '2024-01-01', null)?.message).toMatch(
      /resumes at scheduled/,
    );
    expect(transitionProblem('postponed', 'scheduled', null, 'scheduled', '2024-01-01', null)).toBeUndefined();
    expect(transitionProblem('scheduled', null, null, 'nonsense', '2024-01-01', null)).toMatchObject({
      field: 'state',
    });
  });
});

describe('dates and coverage', () => {
  it('adds calendar months, keeping to the end of a shorter month', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2024-03-15', 12)).toBe('2025-03-15');
    expect(addMonths('2024-03-15', -3)).toBe('2023-12-15');
  });
  it('is due within twelve months of five years, overdue after, none without a visit', () => {
    expect(coverageStatus(null, '2026-01-01')).toEqual({ status: 'none', dueBy: null });
    expect(coverageStatus('2021-06-01', '2026-01-01')).toEqual({ status: 'due', dueBy: '2026-06-01' });
    expect(coverageStatus('2020-06-01', '2026-01-01')).toEqual({ status: 'overdue', dueBy: '2025-06-01' });
    expect(coverageStatus('2022-01-02', '2026-01-01')).toEqual({ status: 'not-due', dueBy: '2027-01-02' });
  });
  it('the edges: due from twelve months before the fifth anniversary to the day itself, overdue the day after', () => {
    const visit = '2021-03-10';
    expect(coverageStatus(visit, '2025-03-09').status).toBe('not-due');
    expect(coverageStatus(visit, '2025-03-10').status).toBe('due');
    expect(coverageStatus(visit, '2026-03-10')).toEqual({ status: 'due', dueBy: '2026-03-10' });
    expect(coverageStatus(visit, '2026-03-11').status).toBe('overdue');
    // A visit on 29 February: five years on is the last day of February.
    expect(coverageStatus('2024-02-29', '2029-02-28')).toEqual({ status: 'due', dueBy: '2029-02-28' });
    expect(coverageStatus('2024-02-29', '2029-03-01').status).toBe('overdue');
  });
});

import { describe, expect, it } from 'vitest';
import { combine, Lineage, lineageProblems, type LineageAreaRow, type LineageLinkRow } from './lineage.ts';

// A small geography in the shape of the real one: a re-coding, a county that became a unitary on its own area with
// its districts, a county split between two unitaries, and a district merged twice (2019, then 2023).
const A: LineageAreaRow[] = [
  { id: 1, code: 'E08000019', name: 'Sheffield', type: 'E08', valid_from: null, valid_to: '2025-03-31' },
  { id: 2, code: 'E08000039', name: 'Sheffield', type: 'E08', valid_from: '2025-04-01', valid_to: null },
  { id: 10, code: 'E10000002', name: 'Buckinghamshire', type: 'E10', valid_from: null, valid_to: '2020-03-31' },
  { id: 11, code: 'E07000004', name: 'Aylesbury Vale', type: 'E07', valid_from: null, valid_to: '2020-03-31' },
  { id: 12, code: 'E07000005', name: 'Chiltern', type: 'E07', valid_from: null, valid_to: '2020-03-31' },
  { id: 13, code: 'E06000060', name: 'Buckinghamshire', type: 'E06', valid_from: '2020-04-01', valid_to: null },
  { id: 20, code: 'E10000006', name: 'Cumbria', type: 'E10', valid_from: null, valid_to: '2023-03-31' },
  { id: 21, code: 'E07000026', name: 'Allerdale', type: 'E07', valid_from: null, valid_to: '2023-03-31' },
  { id: 22, code: 'E07000028', name: 'Carlisle', type: 'E07', valid_from: null, valid_to: '2023-03-31' },
  { id: 23, code: 'E06000063', name: 'Cumberland', type: 'E06', valid_from: '2023-04-01', valid_to: null },
  { id: 24, code: 'E06000064', name: 'Westmorland and Furness', type: 'E06', valid_from: '2023-04-01', valid_to: null },
  { id: 30, code: 'E07000190', name: 'Taunton Deane', type: 'E07', valid_from: null, valid_to: '2019-03-31' },
  { id: 31, code: 'E07000191', name: 'West Somerset', type: 'E07', valid_from: null, valid_to: '2019-03-31' },
  {
    id: 32,
    code: 'E07000246',
    name: 'Somerset West and Taunton',
    type: 'E07',
    valid_from: '2019-04-01',
    valid_to: '2023-03-31',
  },
  { id: 33, code: 'E07000187', name: 'Mendip', type: 'E07', valid_from: null, valid_to: '2023-03-31' },
  { id: 34, code: 'E06000066', name: 'Somerset', type: 'E06', valid_from: '2023-04-01', valid_to: null },
];
const L: LineageLinkRow[] = [
  { predecessor_id: 1, successor_id: 2, change_type: 'new-code', effective_date: '2025-04-01' },
  { predecessor_id: 10, successor_id: 13, change_type: 'merger', effective_date: '2020-04-01' },
  { predecessor_id: 11, successor_id: 13, change_type: 'merger', effective_date: '2020-04-01' },
  { predecessor_id: 12, successor_id: 13, change_type: 'merger', effective_date: '2020-04-01' },
  { predecessor_id: 20, successor_id: 23, change_type: 'split', effective_date: '2023-04-01' },
  { predecessor_id: 20, successor_id: 24, change_type: 'split', effective_date: '2023-04-01' },
  { predecessor_id: 21, successor_id: 23, change_type: 'merger', effective_date: '2023-04-01' },
  { predecessor_id: 22, successor_id: 23, change_type: 'merger', effective_date: '2023-04-01' },
  { predecessor_id: 30, successor_id: 32, change_type: 'merger', effective_date: '2019-04-01' },
  { predecessor_id: 31, successor_id: 32, change_type: 'merger', effective_date: '2019-04-01' },
  { predecessor_id: 32, successor_id: 34, change_type: 'merger', effective_date: '2023-04-01' },
  { predecessor_id: 33, successor_id: 34, change_type: 'merger', effective_date: '2023-04-01' },
];
const lineage = new Lineage(A, L);
const upper = { applicableAreaTypes: ['E06', 'E08', 'E09', 'E10'], unitType: 'percentage' };
const lower = { applicableAreaTypes: ['E06', 'E07', 'E08', 'E09'], unitType: 'percentage' };
const all = (unitType: string) => ({ applicableAreaTypes: ['E06', 'E07', 'E08', 'E09', 'E10'], unitType });
type P = { value: number | null; status: string[]; numerator?: number | null; denominator?: number | null };
const table = (figures: Record<number, P>) => (id: number) => figures[id];

describe('the figure-source rule', () => {
  it("a re-coded council's earlier figures are its previous code's, marked; its own figure always comes first", () => {
    const get = table({ 1: { value: 31.9, status: [] } });
    expect(lineage.figure(2, '2023-04-01', lower, get)).toEqual({
      point: { value: 31.9, status: [] },
      source: {
        kind: 'same-area',
        areas: [{ code: 'E08000019', name: 'Sheffield' }],
        note: 'figure for Sheffield (E08000019): same area, code changed in 2025',
      },
    });
    expect(
      lineage.figure(2, '2023-04-01', lower, table({ 1: { value: 1, status: [] }, 2: { value: 2, status: [] } })),
    ).toEqual({ point: { value: 2, status: [] }, source: null });
    // a period after the council began is never filled from a predecessor
    expect(lineage.figure(2, '2025-04-01', lower, get)).toBeUndefined();
  });

  it("a unitary on a county's area takes the county's figure for county services, and adds up its districts' counts", () => {
    const figures = table({
      10: { value: 70, status: ['p'] },
      11: { value: 200, status: [] },
      12: { value: 100, status: [] },
    });
    expect(lineage.figure(13, '2019-04-01', upper, figures)?.source?.note).toBe(
      'figure for Buckinghamshire (E10000002): same area, the county council it replaced in 2020',
    );
    // a district service: the districts are the layer that stands for the area; a percentage without numerators is not
    // added up
    expect(lineage.derivation(13, lower)).toMatchObject({ kind: 'aggregate' });
    expect(lineage.figure(13, '2019-04-01', lower, figures)).toBeUndefined();
    const counts = table({ 11: { value: 200, status: [] }, 12: { value: 100, status: ['p'] } });
    expect(lineage.figure(13, '2019-04-01', { ...lower, unitType: 'count' }, counts)).toMatchObject({
      point: { value: 300, status: ['p'] },
      source: { kind: 'aggregate', areas: [{ code: 'E07000004' }, { code: 'E07000005' }] },
    });
    // a measure of every tier (spend, population): the county's figure is only the county council's part, so it never
    // stands for the unitary; the districts' counts are added up
    expect(lineage.derivation(13, all('count'))).toMatchObject({ kind: 'aggregate' });
    expect(lineage.figure(13, '2019-04-01', all('currency'), figures)).toBeUndefined();
    expect(lineage.whyNone(13, '2019-04-01', all('currency'))).toBe(
      'Buckinghamshire (E06000060) began on 2020-04-01; a measure in currency is not added up over the councils it replaced (Aylesbury Vale (E07000004) and Chiltern (E07000005))',
    );
    expect(
      lineage.whyNone(13, '2019-04-01', {
        ...all('currency'),
        applicableAreaTypes: ['E06', 'E08', 'E09', 'E10', 'E07'],
      }),
    ).toMatch(/in currency/);
  });

  it("a categorical measure (a judgement) is the council's own or a same-area predecessor's, never added up", () => {
    const judgement = { ...upper, unitType: 'category' };
    // Sheffield's judgement under its old code stands for it (same area); Buckinghamshire's county judgement for the
    // unitary on the county's area.
    expect(lineage.figure(2, '2023-04-01', judgement, table({ 1: { value: 2, status: [] } }))).toMatchObject({
      point: { value: 2 },
      source: { kind: 'same-area' },
    });
    expect(lineage.figure(13, '2019-04-01', judgement, table({ 10: { value: 3, status: [] } }))).toMatchObject({
      point: { value: 3 },
      source: { kind: 'same-area' },
    });
    // Positions are codes: two districts' (1 and 4) never make a 5 or a 2.5 for the council that replaced them.
    const districts = table({ 11: { value: 1, status: [] }, 12: { value: 4, status: [] } });
    expect(lineage.figure(13, '2019-04-01', { ...lower, unitType: 'category' }, districts)).toBeUndefined();
    expect(
      combine('category', [
        { value: 1, status: [] },
        { value: 4, status: [] },
      ]),
    ).toBeUndefined();
  });

  it('rates are combined from numerators and denominators only, never as a mean of rates', () => {
    const rates = table({
      11: { value: 50, status: [], numerator: 50, denominator: 100 },
      12: { value: 25, status: [], numerator: 100, denominator: 400 },
    });
    expect(lineage.figure(13, '2019-04-01', lower, rates)?.point.value).toBe(30); // 150 / 500, not (50 + 25) / 2
    const inconsistent = table({
      11: { value: 60, status: [], numerator: 50, denominator: 100 },
      12: { value: 25, status: [], numerator: 100, denominator: 400 },
    });
    expect(lineage.figure(13, '2019-04-01', lower, inconsistent)).toBeUndefined();
    expect(combine('score', [{ value: 1, status: [] }])).toBeUndefined();
    // every predecessor must have a figure
    expect(
      lineage.figure(13, '2019-04-01', { ...lower, unitType: 'count' }, table({ 11: { value: 1, status: [] } })),
    ).toBeUndefined();
  });

  it('a split county breaks the series for county services, and says why', () => {
    const figures = table({ 20: { value: 7, status: [] } });
    expect(lineage.derivation(23, upper)).toMatchObject({ kind: 'none' });
    expect(lineage.figure(23, '2022-04-01', upper, figures)).toBeUndefined();
    expect(lineage.whyNone(23, '2022-04-01', upper)).toBe(
      'Cumberland (E06000063) began on 2023-04-01; earlier figures are not comparable: Cumbria (E10000006) did not pass whole to it (split); the measure is not published for Allerdale (E07000026) and Carlisle (E07000028) (a break in series)',
    );
    expect(lineage.whyNone(23, '2023-04-01', upper)).toBeUndefined();
  });

  it('follows a predecessor that itself replaced others (2019, then 2023)', () => {
    const counts = table({
      30: { value: 10, status: [] },
      31: { value: 5, status: [] },
      33: { value: 20, status: [] },
    });
    const f = lineage.figure(34, '2017-04-01', { ...lower, unitType: 'count' }, counts);
    expect(f?.point.value).toBe(35);
    expect(f?.source?.areas.map((a) => a.code)).toEqual(['E07000187', 'E07000190', 'E07000191']);
    expect(lineage.withSources([34]).sort((a, b) => a - b)).toEqual([30, 31, 32, 33, 34]);
  });

  it('knows a re-coded council under its current code', () => {
    expect(lineage.recodedAs(1)?.code).toBe('E08000039');
    expect(lineage.recodedAs(10)).toBeUndefined();
  });

  it('names the councils when the links contradict themselves', () => {
    expect(lineageProblems(A, L)).toEqual([]);
    expect(
      lineageProblems(A, [
        ...L,
        { predecessor_id: 2, successor_id: 2, change_type: 'new-code', effective_date: '2025-04-01' },
      ]),
    ).toContain('Sheffield (E08000039) is given as its own predecessor');
    expect(
      lineageProblems(A, [
        ...L,
        { predecessor_id: 1, successor_id: 13, change_type: 'merger', effective_date: '2025-04-01' },
      ]),
    ).toContain(
      'Sheffield (E08000019) is said to have passed whole (merger or new code) to Sheffield (E08000039) and Buckinghamshire (E06000060); a whole area can pass to one council only (use split)',
    );
    expect(
      lineageProblems(A, [
        ...L,
        { predecessor_id: 2, successor_id: 1, change_type: 'split', effective_date: '2026-04-01' },
      ]).join(' '),
    ).toMatch(/cycle: Sheffield \(E08000019\) → Sheffield \(E08000039\) → Sheffield \(E08000019\)/);
    expect(
      lineageProblems(A, [
        ...L,
        { predecessor_id: 21, successor_id: 13, change_type: 'new-code', effective_date: '2020-04-01' },
        { predecessor_id: 22, successor_id: 2, change_type: 'new-code', effective_date: '2025-04-01' },
      ]).join(' '),
    ).toMatch(
      /Sheffield \(E08000039\) is given as the new code of 2 councils, Carlisle \(E07000028\) and Sheffield \(E08000019\); a new code continues one council only/,
    );
  });
});

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { definitionFromJson, readDefinitionFile, type SurveyDefinition } from '../definition/index.ts';
import { loadResponses } from './responses.ts';
import { displayPercent, tabulate, type SurveyTable } from './tabulate.ts';
import { mcnemar, twoProportionZ, effectiveBaseZ, fisherExact } from '../analysis/significance.ts';

const EXAMPLE = path.resolve(import.meta.dirname, '../../../../examples/surveys/council-perception.json');

/** Builds a responses table from a header line and data lines (as a CSV file would give them). */
function table(
  def: SurveyDefinition,
  lines: string[],
  opts: Parameters<typeof loadResponses>[3] = { source: 'test.csv' },
) {
  const [head, ...rest] = lines;
  return loadResponses(
    def,
    head!.split(','),
    rest.map((l, i) => ({ line: i + 2, cells: l.split(',') })),
    opts,
  );
}
const row = (t: SurveyTable, code: string) => t.rows.find((r) => r.code === code)!;
const cell = (t: SurveyTable, code: string, column = 'total') => row(t, code).cells.find((c) => c.column === column)!;

describe('displayed percentages', () => {
  it('follows the conventions: * under 0.5, 0 for none, - not applicable, whole numbers, counts beside small bases', () => {
    expect(displayPercent(1, 0.3, false)).toBe('*');
    expect(displayPercent(0, 0, false)).toBe('0');
    expect(displayPercent(0, null, false)).toBe('-');
    expect(displayPercent(45, 44.6, false)).toBe('45');
    expect(displayPercent(9, 45, true)).toBe('45 (9)');
    expect(displayPercent(1, 0.5, false)).toBe('1');
  });
});

describe('tabulate', () => {
  let def: SurveyDefinition;
  beforeAll(async () => {
    def = await readDefinitionFile(EXAMPLE);
  });
  const HEAD = 'respondent_id,wave,role,Q1,Q2_peer,Q2_finance,Q2_leadership,Q2_data,Q2_none,Q3,Q4,Q5_a,Q5_b,Q5_c,Q6,Q7';

  it('states the base from the routing, puts nets above their parts and notes multiple choice', () => {
    const data = table(def, [
      HEAD,
      'r1,2025,leader,1,1,0,1,0,0,1,Helpful,1,2,1,3,1',
      'r2,2025,chief executive,2,0,0,0,0,1,,,2,3,4,1,2',
      'r3,2025,leader,5,,,,,,,,,,,0,3',
      'r4,2025,leader,3,,,,,,,,,,,,',
    ]);
    const tab = tabulate(def, data);
    const q1 = tab.tables.find((t) => t.code === 'Q1')!;
    expect(q1.rows.map((r) => r.code)).toEqual(['N_KNOW', '1', '2', '3', 'N_NOTHING', '4', '5']);
    expect(q1.bases[0]).toMatchObject({ column: 'total', asked: 4, answered: 4 });
    expect(cell(q1, 'N_KNOW')).toMatchObject({ count: 2, percent: 50, display: '50 (2)' });
    expect(cell(q1, '4')).toMatchObject({ count: 0, display: '0' });

    const q2 = tab.tables.find((t) => t.code === 'Q2')!;
    expect(q2.bases[0]).toMatchObject({ asked: 3, answered: 2 }); // r3 never heard of it, r4 asked but did not answer
    expect(q2.notes[0]).toMatch(/more than 100/);
    expect(cell(q2, 'peer')).toMatchObject({ count: 1, percent: 50 });

    const q3 = tab.tables.find((t) => t.code === 'Q3')!;
    expect(q3.bases[0]).toMatchObject({ asked: 1, answered: 1 }); // only r1 used support (r2 chose "none")
    const q5a = tab.tables.find((t) => t.code === 'Q5_a')!;
    expect(q5a).toMatchObject({ question: 'Q5', row: 'a', kind: 'grid' });
    expect(q5a.title).toContain('improve services');
    expect(q5a.bases[0]).toMatchObject({ asked: 3, answered: 2 }); // r3 never heard of it; r4 skipped the grid
    expect(cell(q5a, 'N_EXTENT')).toMatchObject({ count: 2, percent: 100 });
    const q6 = tab.tables.find((t) => t.code === 'Q6')!;
    expect(q6.summary![0]).toMatchObject({ mean: 4 / 3, median: 1, min: 0, max: 3 });
  });

  it('reports bad answers with file, line and column and leaves them out, never stopping', () => {
    const data = table(def, [
      `${HEAD},mystery`,
      'r1,2025,leader,5,1,0,0,0,0,2,oops,1,1,1,2,1,x',
      'r2,2025,leader,1,1,0,0,0,1,2,x,1,1,2,25,9,',
      'r3,2025,leader,7,,,,,,,,,,,,,',
    ]);
    expect(data.problemCounts).toEqual({
      'unknown-column': 1,
      'answered-when-skipped': 6,
      'exclusive-combined': 1,
      'out-of-range': 1,
      'unknown-code': 2,
    });
    expect(data.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'unknown-column', column: 'mystery' }),
        expect.objectContaining({ kind: 'unknown-code', at: 'test.csv:4', column: 'Q1', value: '7' }),
        expect.objectContaining({ kind: 'exclusive-combined', at: 'test.csv:3', column: 'Q2_none' }),
        expect.objectContaining({ kind: 'answered-when-skipped', at: 'test.csv:2', column: 'Q2' }),
      ]),
    );
    const tab = tabulate(def, data);
    expect(tab.tables.find((t) => t.code === 'Q1')!.bases[0]).toMatchObject({ asked: 3, answered: 2 });
    // Q2 is asked of r2 only: r1 never heard of it, r3's answer to Q1 is not a code, so the routing cannot ask r3.
    expect(tab.tables.find((t) => t.code === 'Q2')!.bases[0]).toMatchObject({ asked: 1, answered: 0 });
    expect(
      cell(
        tab.tables.find((t) => t.code === 'Q2')!,
        'peer',
      ).display,
    ).toBe('-');
  });

  it('suppresses a breakdown column under the minimum base unless everyone in it consented', () => {
    const lines = [
      `${HEAD},consent`,
      ...Array.from({ length: 8 }, (_, i) => `r${i},${i < 3 ? '2025' : '2026'},leader,1,,,,,,,,,,,,,${i < 3 ? 1 : 0}`),
    ];
    const tab = tabulate(def, table(def, lines, { source: 't', by: 'wave' }), { by: 'wave' });
    const q1 = tab.tables.find((t) => t.code === 'Q1')!;
    expect(cell(q1, '1', 'wave:2026').display).toBe('100 (5)'); // 5 answering: not under the minimum of 5
    const small = tabulate(def, table(def, lines.slice(0, 6), { source: 't', by: 'wave' }), { by: 'wave' });
    const s1 = small.tables.find((t) => t.code === 'Q1')!;
    expect(cell(s1, '1', 'wave:2025').display).toBe('100 (3)'); // 3 answering, all consented
    // 2 answering, no consent
    expect(cell(s1, '1', 'wave:2026')).toMatchObject({ display: '[c]', count: null, percent: null });
    expect(cell(s1, '1', 'total').display).toBe('100 (5)');
  });

  it('reads rows answered on an earlier version through the question sources, mapping codes to this version', () => {
    const v2 = definitionFromJson({
      code: 'poll',
      version: 2,
      pages: [
        {
          name: 'p',
          elements: [
            // Version 1 asked "TRUST_OLD" on a 6-point scale whose 5 and 6 both became "Don't know" (9).
            {
              type: 'radiogroup',
              name: 'TRUST',
              title: 'Trust',
              choices: ['1', '2', '3', '4', '9'],
              sources: [{ version: 1, question: 'TRUST_OLD', codes: { '5': '9', '6': '9' } }],
            },
            {
              type: 'checkbox',
              name: 'USE',
              title: 'Used',
              choices: ['web', 'phone'],
              sources: [{ version: 1, question: 'USED', codes: { online: 'web' } }],
            },
          ],
        },
      ],
    });
    const data = table(
      v2,
      [
        'respondent_id,wave,version,TRUST,TRUST_OLD,USE_web,USE_phone,USED_online,USED_phone',
        'a,2025,1,,1,,,1,0',
        'b,2025,1,,6,,,0,1',
        'c,2026,2,9,,1,1,,',
      ],
      { source: 't', by: 'wave' },
    );
    expect(data.problemCounts).toEqual({});
    const tab = tabulate(v2, data, { by: 'wave', minBase: 1 });
    const trust = tab.tables.find((t) => t.code === 'TRUST')!;
    expect(cell(trust, '1', 'wave:2025').count).toBe(1);
    expect(cell(trust, '9', 'wave:2025').count).toBe(1);
    expect(cell(trust, '9', 'total').count).toBe(2);
    const use = tab.tables.find((t) => t.code === 'USE')!;
    expect(cell(use, 'web', 'total').count).toBe(2);
    expect(cell(use, 'phone', 'total').count).toBe(2);
    expect(() =>
      definitionFromJson({
        code: 'x',
        version: 2,
        pages: [
          {
            name: 'p',
            elements: [
              {
                type: 'radiogroup',
                name: 'T',
                choices: ['1', '2'],
                sources: [{ version: 1, question: 'T', codes: { '3': '7' } }],
              },
            ],
          },
        ],
      }),
    ).toThrow(/maps "3" to "7", which is not one of this version's answer codes/);
  });

  describe('significance', () => {
    const single = definitionFromJson({
      code: 'poll',
      version: 1,
      pages: [
        {
          name: 'p',
          elements: [
            {
              type: 'radiogroup',
              name: 'T',
              title: 'Trust',
              choices: ['1', '2', '3', '4'],
              nets: [{ code: 'N', label: 'Great deal or fair amount', codes: ['1', '2'] }],
            },
          ],
        },
      ],
    });
    /** n respondents in a wave, the first `yes` of them answering 1 (trust), the rest 3. */
    const wave = (name: string, n: number, yes: number, idFrom = 0, weight?: (i: number) => number) =>
      Array.from({ length: n }, (_, i) => `id${idFrom + i},${name},${i < yes ? 1 : 3}${weight ? `,${weight(i)}` : ''}`);

    it('uses the two-proportion z-test between independent waves, against the first and the previous wave', () => {
      const data = table(
        single,
        [
          'respondent_id,wave,T',
          ...wave('2025 Q1', 1000, 600, 0),
          ...wave('2025 Q2', 1000, 560, 5000),
          ...wave('2025 Q3', 1000, 640, 9000),
        ],
        { source: 't', by: 'wave' },
      );
      const tab = tabulate(single, data, { by: 'wave' });
      const t = tab.tables[0]!;
      const net = t.comparisons.filter((c) => c.row === 'N');
      expect(net.map((c) => c.columns.join(' vs '))).toEqual([
        'wave:2025 Q1 vs wave:2025 Q2',
        'wave:2025 Q1 vs wave:2025 Q3',
        'wave:2025 Q2 vs wave:2025 Q3',
      ]);
      const expected = twoProportionZ(600, 1000, 560, 1000);
      expect(net[0]).toMatchObject({
        test: 'two-proportion z-test',
        pValue: expected.pValue,
        significant: expected.pValue < 0.05,
        direction: 'lower',
      });
      expect(net[2]).toMatchObject({ significant: true, direction: 'higher' }); // 56% to 64% on 1,000 each
    });

    it("chooses Fisher's exact test for small expected counts, and McNemar for the same respondents in two waves", () => {
      const small = tabulate(
        single,
        table(single, ['respondent_id,wave,T', ...wave('A', 12, 1, 0), ...wave('B', 12, 6, 100)], {
          source: 't',
          by: 'wave',
        }),
        { by: 'wave' },
      );
      expect(small.tables[0]!.comparisons.find((c) => c.row === '1')).toMatchObject({
        test: "Fisher's exact test",
        pValue: fisherExact(1, 12, 6, 12).pValue,
      });

      // A panel: the same 200 people asked twice; 30 moved from no to yes, 10 from yes to no.
      const first = Array.from({ length: 200 }, (_, i) => `p${i},1,${i < 80 ? 1 : 3}`);
      const second = Array.from({ length: 200 }, (_, i) => `p${i},2,${i < 70 || (i >= 80 && i < 110) ? 1 : 3}`);
      const panel = tabulate(
        single,
        table(single, ['respondent_id,wave,T', ...first, ...second], { source: 't', by: 'wave' }),
        { by: 'wave' },
      );
      const c = panel.tables[0]!.comparisons.find((x) => x.row === '1')!;
      expect(c).toMatchObject({
        test: mcnemar(10, 30).test,
        pValue: mcnemar(10, 30).pValue,
        pairs: 200,
        direction: 'higher',
      });
    });

    it('tests weighted data on effective bases and applies Holm across a table on request', () => {
      const w = (i: number) => (i % 2 ? 0.5 : 1.5);
      const data = table(
        single,
        ['respondent_id,wave,T,w', ...wave('A', 400, 200, 0, w), ...wave('B', 400, 240, 1000, w)],
        { source: 't', by: 'wave', weights: 'w' },
      );
      const tab = tabulate(single, data, { by: 'wave', weights: 'w' });
      const t = tab.tables[0]!;
      const base = t.bases.find((b) => b.column === 'wave:A')!;
      expect(base.effectiveBase).toBeCloseTo(320, 6); // (400)^2 / (200 × 2.25 + 200 × 0.25)
      const c = t.comparisons.find((x) => x.row === '1')!;
      const pa = cell(t, '1', 'wave:A').percent! / 100,
        pb = cell(t, '1', 'wave:B').percent! / 100;
      expect(c).toMatchObject({
        test: 'two-proportion z-test on effective bases (Kish)',
        pValue: effectiveBaseZ(pa, base.effectiveBase!, pb, t.bases[2]!.effectiveBase!).pValue,
      });

      const plain = tabulate(
        single,
        table(single, ['respondent_id,wave,T', ...wave('A', 300, 150), ...wave('B', 300, 180, 1000)], {
          source: 't',
          by: 'wave',
        }),
        { by: 'wave', holm: true },
      );
      const cs = plain.tables[0]!.comparisons;
      const sorted = [...cs].sort((a, b) => a.pValue - b.pValue);
      expect(sorted[0]!.adjustedPValue).toBeCloseTo(Math.min(1, sorted[0]!.pValue * cs.length), 12);
      for (const x of cs) expect(x.significant).toBe(x.adjustedPValue! < 0.05);
    });
  });
});

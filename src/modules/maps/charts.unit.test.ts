import { describe, expect, it } from 'vitest';
import { renderBarChart, renderLineChart, type BarChartInput, type LineChartInput } from './index.ts';
import { assertWellFormed, countElements, texts } from './svg-check.ts';

const years = ['2019/20', '2020/21', '2021/22', '2022/23', '2023/24'];
const lineInput = (): LineChartInput => ({
  title: 'Recycling rate, Barnsley & <neighbours>',
  description: 'Barnsley rose from 40% to 44%; no figure for 2020/21.',
  unit: '%',
  decimalPlaces: 1,
  series: [
    {
      name: 'Barnsley & "District"',
      emphasis: true,
      points: years.map((label, i) => ({ label, value: i === 1 ? null : 40 + i })),
    },
    { name: 'England', points: years.map((label, i) => ({ label, value: 42 + i * 0.5 })) },
  ],
});

const barInput = (): BarChartInput => ({
  title: 'Recycling rate 2023/24',
  description: 'Barnsley is second of four.',
  unit: '£ per head',
  decimalPlaces: 0,
  bars: [
    { label: 'Wakefield', value: 1250 },
    { label: 'Barnsley <&>', value: 1100, emphasis: true, note: 'provisional' },
    { label: 'Rotherham', value: null },
    { label: 'Doncaster', value: -50 },
  ],
});

describe('renderLineChart', () => {
  it('is a responsive, accessible SVG named by its title and described by its desc', () => {
    const svg = renderLineChart(lineInput());
    assertWellFormed(svg);
    const id = /aria-labelledby="([\w-]+)-title \1-desc"/.exec(svg)?.[1];
    expect(id).toBeDefined();
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* viewBox="0 0 640 \d+" width="100%" role="img"[^>]* focusable="false"/,
    );
    expect(svg).toContain(`<title id="${id}-title">Recycling rate, Barnsley &amp; &lt;neighbours&gt;</title>`);
    expect(svg).toContain(`<desc id="${id}-desc">Barnsley rose from 40% to 44%; no figure for 2020/21.</desc>`);
    expect(svg).toContain('font-family="arial, &quot;Liberation Sans&quot;, helvetica, sans-serif"');
    for (const size of svg.matchAll(/font-size="(\d+)"/g)) expect(Number(size[1])).toBeGreaterThanOrEqual(14);
  });

  it('escapes names, labels the emphasised series directly and marks its points, and leaves a gap for a missing value', () => {
    const svg = renderLineChart(lineInput());
    expect(texts(svg).filter((t) => t === 'Barnsley & "District"')).toHaveLength(2); // direct label and legend
    expect(svg).not.toContain('Barnsley & "');
    // Four markers for the four values of the emphasised series, each with its value; none for the missing year.
    expect(countElements(svg, 'circle')).toBe(4 + 1);
    expect(svg).toContain('<title>Barnsley &amp; &quot;District&quot;, 2019/20: 40.0%</title>');
    expect(svg).not.toMatch(/2020\/21: /);
    // The emphasised line is split in two pieces by the gap: two M commands in its path.
    const emphasised = /<path d="([^"]+)" fill="none" stroke="#12436d" stroke-width="4"/.exec(svg)?.[1] ?? '';
    expect(emphasised.match(/M/g)).toHaveLength(2);
    // The comparator is dashed, so the two lines differ without colour.
    expect(svg).toMatch(/stroke="#28a197" stroke-width="2.5"[^>]*stroke-dasharray="8 5"/);
  });

  it('labels the value axis with nice ticks in the unit and every period that fits', () => {
    const t = texts(renderLineChart(lineInput()));
    expect(t).toEqual(expect.arrayContaining(['40%', '42%', '44%', '2019/20', '2023/24']));
    const many = renderLineChart({
      ...lineInput(),
      series: [
        {
          name: 'A',
          points: [...Array(30).keys()].map((i) => ({
            label: `${2000 + i}/${String((i + 1) % 100).padStart(2, '0')}`,
            value: i,
          })),
        },
      ],
    });
    const periods = texts(many).filter((x) => /^\d{4}\/\d{2}$/.test(x));
    expect(periods.length).toBeLessThan(30);
    expect(periods).toContain('2029/30');
  });

  it('gives the same string for the same input and different ids for different charts', () => {
    expect(renderLineChart(lineInput())).toBe(renderLineChart(lineInput()));
    const other = renderLineChart({ ...lineInput(), title: 'Another' });
    expect(/aria-labelledby="([\w-]+)-title/.exec(other)![1]).not.toBe(
      /aria-labelledby="([\w-]+)-title/.exec(renderLineChart(lineInput()))![1],
    );
    expect(renderLineChart({ ...lineInput(), id: 'trend' })).toContain('aria-labelledby="trend-title trend-desc"');
  });

  it('says there is no data when no series has a value', () => {
    const svg = renderLineChart({
      ...lineInput(),
      series: [{ name: 'A', points: years.map((label) => ({ label, value: null })) }],
    });
    assertWellFormed(svg);
    expect(texts(svg)).toContain('No data');
  });
});

describe('renderBarChart', () => {
  it('is an accessible SVG that escapes labels and keeps the order given', () => {
    const svg = renderBarChart(barInput());
    assertWellFormed(svg);
    expect(svg).toMatch(/role="img" aria-labelledby="(bar-\w+)-title \1-desc" focusable="false"/);
    const labels = texts(svg).filter((t) => /Wakefield|Barnsley|Rotherham|Doncaster/.test(t));
    expect(labels).toEqual(['Wakefield', '▶ Barnsley <&>', 'Rotherham', 'Doncaster']);
    expect(svg).toContain('▶ Barnsley &lt;&amp;&gt;');
  });

  it('patterns, outlines and marks the emphasised bar in text, and shows a missing value as "no data", not a bar', () => {
    const svg = renderBarChart(barInput());
    expect(countElements(svg, 'rect')).toBe(3 + 2); // three bars; the pattern's two rects
    expect(svg).toMatch(
      /<rect [^>]*fill="url\(#bar-\w+-emphasis\)" stroke="#0b0c0c" stroke-width="2"><title>Barnsley &lt;&amp;&gt;: £1,100 per head \(provisional\)<\/title>/,
    );
    expect(svg).toMatch(/font-weight="bold">▶ Barnsley/);
    expect(texts(svg)).toEqual(
      expect.arrayContaining(['£1,250', '£1,100 (provisional)', 'no data', '-£50', 'per head']),
    );
    expect(svg).not.toMatch(/<title>Rotherham/);
  });

  it('draws negative values to the left of zero', () => {
    const svg = renderBarChart(barInput());
    const zero = Number(/<line x1="([\d.]+)" x2="\1" y1="0" y2="[\d.]+" stroke="#0b0c0c"/.exec(svg)![1]);
    const doncaster = /<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*><title>Doncaster/.exec(svg)!;
    expect(Number(doncaster[1]) + Number(doncaster[2])).toBeCloseTo(zero, 0);
  });

  it('gives the same string for the same input', () => {
    expect(renderBarChart(barInput())).toBe(renderBarChart(barInput()));
  });
});

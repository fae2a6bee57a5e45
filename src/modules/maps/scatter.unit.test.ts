import { describe, expect, it } from 'vitest';
import { renderScatterChart } from './scatter.ts';
import { assertWellFormed, countElements, texts } from './svg-check.ts';

describe('renderScatterChart', () => {
  const input = {
    title: 'Spend against outcome',
    description: 'One point per council',
    x: { title: 'Spend per head', unit: '£ per head', decimalPlaces: 0 },
    y: { title: 'Satisfaction & trust', unit: '%', decimalPlaces: 1 },
    points: [
      { label: 'Trafford', x: 120, y: 61.5, emphasis: true },
      { label: 'Bolton', x: 100, y: 55 },
      { label: 'Bury', x: 140, y: 70 },
      { label: 'Oldham', x: Number.NaN, y: 70 },
    ],
  };

  it('draws a point per council with both figures, the chosen ones as labelled diamonds, with a title and description', () => {
    const svg = renderScatterChart(input);
    assertWellFormed(svg);
    expect(countElements(svg, 'circle')).toBe(2);
    expect(countElements(svg, 'path')).toBe(1);
    expect(texts(svg)).toContain('Trafford');
    expect(texts(svg)).not.toContain('Bolton');
    expect(svg).toMatch(/role="img" aria-labelledby="[^"]+-title [^"]+-desc"/);
    expect(texts(svg).some((t) => t.startsWith('Satisfaction & trust'))).toBe(true);
    expect(renderScatterChart(input)).toBe(svg);
  });

  it('says so when no council has both figures', () => {
    const svg = renderScatterChart({ ...input, points: [] });
    assertWellFormed(svg);
    expect(texts(svg)).toContain('No councils with both figures');
  });
});

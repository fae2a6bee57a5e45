import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import { renderBarChart, renderChoropleth, renderLineChart, type BoundaryFeature } from './index.ts';

/**
 * Writes one map and two charts to /tmp (SVG, and PNG when Chromium is present) for a person to look at. The PNGs are a
 * visual check, not an assertion: the assertions are that each renders and the screenshot is produced.
 */
const CHROMIUM = '/usr/bin/chromium';

function screenshot(svgFile: string, png: string, width: number, height: number): void {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'sli-chromium-'));
  const html = svgFile.replace(/\.svg$/, '.html');
  writeFileSync(html, `<!doctype html><html><body style="margin:0;background:#fff;width:${width}px">${readFileSync(svgFile, 'utf8')}</body></html>`);
  try {
    execFileSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', `--user-data-dir=${profile}`, '--hide-scrollbars', `--window-size=${width},${height}`, `--screenshot=${png}`, `file://${html}`], { stdio: 'ignore', timeout: 60_000 });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

const features = (): BoundaryFeature[] =>
  (JSON.parse(readFileSync(sharedFile('boundaries/england_ltla_2025.geojson'), 'utf8')) as { features: { properties: { areacd: string; areanm: string }; geometry: BoundaryFeature['geometry'] }[] }).features.map((f) => ({
    code: f.properties.areacd,
    name: f.properties.areanm,
    geometry: f.geometry,
  }));

describe.skipIf(!existsSync(CHROMIUM))('demo renderings in /tmp', () => {
  it('renders a choropleth of the 2025 council boundaries to /tmp/choropleth-demo.png', () => {
    const fs = features();
    const values = new Map<string, number | null>(fs.map((f, i) => [f.code, i % 37 === 5 ? null : i]));
    const svg = renderChoropleth({ title: 'Demo: feature index', description: 'Each council shaded by its position in the file.', unit: '%', decimalPlaces: 1, polarity: 'higher-is-better', features: fs, values, highlight: 'E08000035' });
    writeFileSync('/tmp/choropleth-demo.svg', svg);
    screenshot('/tmp/choropleth-demo.svg', '/tmp/choropleth-demo.png', 600, 1000);
    expect(existsSync('/tmp/choropleth-demo.png')).toBe(true);
  });

  it('renders a line chart and a bar chart to /tmp/line-demo.png and /tmp/bar-demo.png', () => {
    const years = ['2017/18', '2018/19', '2019/20', '2020/21', '2021/22', '2022/23', '2023/24', '2024/25'];
    const line = renderLineChart({
      title: 'Household recycling rate, Barnsley and comparators',
      description: 'Barnsley rose from 38.2% to 45.1%.',
      unit: '%',
      decimalPlaces: 1,
      series: [
        { name: 'Barnsley', emphasis: true, points: years.map((label, i) => ({ label, value: i === 3 ? null : 38.2 + i })) },
        { name: 'England', points: years.map((label, i) => ({ label, value: 43 + i * 0.3 })) },
        { name: 'Nearest neighbours median', points: years.map((label, i) => ({ label, value: i < 2 ? null : 40 + i * 0.5 })) },
      ],
    });
    writeFileSync('/tmp/line-demo.svg', line);
    screenshot('/tmp/line-demo.svg', '/tmp/line-demo.png', 640, 460);
    const bar = renderBarChart({
      title: 'Household recycling rate 2024/25, Barnsley and its nearest neighbours',
      description: 'Barnsley is 4th of 8.',
      unit: '%',
      decimalPlaces: 1,
      bars: [
        { label: 'Wakefield', value: 48.2 },
        { label: 'Rotherham', value: 46.5 },
        { label: 'Barnsley', value: 45.1, emphasis: true },
        { label: 'Doncaster', value: 44 },
        { label: 'England', value: 43.1, note: 'average' },
        { label: 'Kingston upon Hull, City of', value: 38.9 },
        { label: 'Stoke-on-Trent & <District>', value: null },
        { label: 'North East Lincolnshire', value: 30.2, note: 'provisional' },
      ],
    });
    writeFileSync('/tmp/bar-demo.svg', bar);
    screenshot('/tmp/bar-demo.svg', '/tmp/bar-demo.png', 640, 400);
    expect(existsSync('/tmp/line-demo.png') && existsSync('/tmp/bar-demo.png')).toBe(true);
  });
});

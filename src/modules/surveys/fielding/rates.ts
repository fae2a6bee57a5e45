/**
 * Response rates: respondents, frame size and rate by authority type, by region and overall, from the counts the
 * repository gathers per kind of respondent, type and region; and the same as CSV rows.
 */
import { typeInfo } from '../../areas/index.ts';
import type { RateRow } from './repository.ts';
import type { WaveDto } from './service.ts';

export interface RateLine {
  code: string;
  label: string;
  /** Frame members (null for anonymous respondents of an open wave: there is no frame). */
  frame: number | null;
  submitted: number;
  inProgress: number;
  notStarted: number | null;
  /** Submitted as a share of the frame, 0 to 1 (null without a frame). */
  rate: number | null;
}
export interface ResponseRates {
  wave: WaveDto;
  at: string;
  overall: RateLine;
  byAuthorityType: RateLine[];
  byRegion: RateLine[];
}

function rateLine(code: string, label: string, rows: RateRow[]): RateLine {
  const frameRows = rows.filter((r) => r.kind === 'frame');
  const frame = frameRows.reduce((s, r) => s + Number(r.members), 0);
  const submitted = rows.reduce((s, r) => s + Number(r.submitted), 0);
  const inProgress = rows.reduce((s, r) => s + Number(r.in_progress), 0);
  const hasFrame = frameRows.length > 0;
  return {
    code,
    label,
    frame: hasFrame ? frame : null,
    submitted,
    inProgress,
    notStarted: hasFrame ? frame - submitted - inProgress : null,
    rate: hasFrame && frame > 0 ? submitted / frame : null,
  };
}

function groupLines(rows: RateRow[], key: (r: RateRow) => string, label: (r: RateRow) => string): RateLine[] {
  const groups = new Map<string, RateRow[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return [...groups.entries()]
    .map(([k, rs]) => rateLine(k, label(rs[0]!), rs))
    .sort((a, b) => a.label.localeCompare(b.label));
}

const typeName = (prefix: string | null) => (prefix ? typeInfo(prefix).name : 'Unknown type');

/** A wave's rates from its rows of counts, as at `at`. */
export function responseRates(wave: WaveDto, rows: RateRow[], at: string): ResponseRates {
  const frame = rows.filter((r) => r.kind === 'frame');
  return {
    wave,
    at,
    overall: rateLine('all', wave.mode === 'open' ? 'All respondents' : 'All councils in the frame', rows),
    byAuthorityType: groupLines(
      frame,
      (r) => r.authority_type ?? '',
      (r) => typeName(r.authority_type),
    ),
    byRegion: groupLines(
      frame,
      (r) => r.region_code ?? '',
      (r) => r.region_name ?? 'No region',
    ),
  };
}

/** One CSV row per line: overall, then by authority type, then by region; the rate as a percentage to one place. */
export function rateCsvRows(r: ResponseRates) {
  const line = (breakdown: string) => (l: RateLine) => ({
    breakdown,
    code: l.code,
    label: l.label,
    frame: l.frame,
    submitted: l.submitted,
    in_progress: l.inProgress,
    not_started: l.notStarted,
    rate_percent: l.rate === null ? null : Math.round(l.rate * 1000) / 10,
  });
  return [
    line('overall')(r.overall),
    ...r.byAuthorityType.map(line('authority-type')),
    ...r.byRegion.map(line('region')),
  ];
}

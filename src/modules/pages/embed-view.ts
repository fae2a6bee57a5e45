/**
 * The compare embed: the council compared always in view. Its chart and table show the council with its neighbours
 * in rank (a few above and below), the rest behind a link to the full comparison; the iframe height suggested to the
 * host fits this content without JavaScript, and public/embed-height.js reports the exact height when it runs.
 */
import { responsiveBarChart } from '../maps/index.ts';

/** Councils shown either side of the one compared. */
export const EMBED_NEIGHBOURS = 3;

interface Member {
  name: string;
  code: string;
  isFocus: boolean;
  value: string;
  rank: string;
  quarter: string;
}

export interface EmbedInput {
  title: string;
  description: string;
  unit: string;
  decimalPlaces: number;
  median: number | null;
  caveats: string | null;
  /** Every member as the comparison lists them (best rank first, those without a rank last), with the raw value. */
  members: (Member & { raw: number | null })[];
}

/** The members around the council compared: `EMBED_NEIGHBOURS` either side, more at an end so the window stays full. */
export function membersAround<T extends { isFocus: boolean }>(
  members: T[],
  either = EMBED_NEIGHBOURS,
): { from: number; to: number; shown: T[] } {
  const i = Math.max(
    0,
    members.findIndex((m) => m.isFocus),
  );
  const size = Math.min(members.length, either * 2 + 1);
  const from = Math.max(0, Math.min(i - either, members.length - size));
  return { from, to: from + size, shown: members.slice(from, from + size) };
}

/**
 * The height the host page should give the iframe at 640 CSS px wide, in px: the text above and below the chart (at
 * most about three lines of title, three of summary, the "showing" line and the links, and the caveats at about 80
 * characters a line) plus the chart scaled to the frame's width. Measured against Chromium in the embed's browser test.
 */
export function suggestedHeight(chartSvg: string, caveats: string | null): number {
  const box = /viewBox="0 0 (\d+) (\d+)"/.exec(chartSvg);
  const chart = box ? (Number(box[2]) * Math.min(616, Number(box[1]))) / Number(box[1]) : 400;
  const caveatLines = caveats ? Math.ceil(caveats.length / 80) : 0;
  return Math.ceil((330 + chart + caveatLines * 20) / 10) * 10;
}

export function embedView(input: EmbedInput) {
  const { from, to, shown } = membersAround(input.members);
  const chart = responsiveBarChart({
    title: input.title,
    description: input.description,
    unit: input.unit,
    decimalPlaces: input.decimalPlaces,
    bars: [
      ...shown.map((m) => ({ label: m.name, value: m.raw, emphasis: m.isFocus })),
      ...(input.median !== null ? [{ label: 'Group median', value: input.median, note: 'median' }] : []),
    ],
  });
  return {
    members: shown,
    chart,
    window: { first: from + 1, last: to, of: input.members.length, all: shown.length === input.members.length },
    height: suggestedHeight(chart, input.caveats),
  };
}

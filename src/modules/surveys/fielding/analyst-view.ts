/** View models for the analysts' pages: the list of surveys and waves, and one wave's response rates. */
import type { FrameMemberDto } from './frames.ts';
import type { RateLine, ResponseRates } from './rates.ts';
import { closing, when } from './respondent-view.ts';
import type { WaveDto } from './service.ts';

const STATE_TEXT = { scheduled: 'not open yet', open: 'open now', closed: 'closed' } as const;
const percent = (r: number | null) => (r === null ? '–' : `${Math.round(r * 100)}%`);

/** A wave with its state in words and its dates as people read them. */
export const waveModel = (w: WaveDto) => ({
  ...w,
  stateText: STATE_TEXT[w.state],
  opens: when(w.opensAt),
  closes: closing(w.closesAt),
});

/** A wave's response rates page; `origin` makes the open link whole, `canReadResponses` offers the raw responses. */
export function ratesPageModel(r: ResponseRates, members: FrameMemberDto[], origin: string, canReadResponses: boolean) {
  const line = (l: RateLine) => ({ ...l, ratePct: percent(l.rate) });
  return {
    title: `${r.wave.name}: response rates`,
    wave: waveModel(r.wave),
    at: when(r.at),
    overall: line(r.overall),
    byType: r.byAuthorityType.map(line),
    byRegion: r.byRegion.map(line),
    frameSize: members.length,
    withoutLinks: members.filter((m) => !m.linkIssued).length,
    openLink: r.wave.openLink ? `${origin}${r.wave.openLink}` : null,
    canReadResponses,
  };
}

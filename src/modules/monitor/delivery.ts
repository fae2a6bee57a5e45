/**
 * Programme delivery in a period, from the modules themselves: peer challenges delivered and in the pipeline and peer
 * days donated (the peer module), surveys fielded and their response rates (the surveys module), and leadership
 * places taken and completed (the `lead` module, when the app hands one in: LeadershipSource is the extension point;
 * until then the figure is reported as not available, never as zero).
 */
import type { YearTakeUp } from '../lead/index.ts';
import type { PeerDelivery } from '../peer/index.ts';
import type { ResponseRates, WaveDto } from '../surveys/index.ts';

/**
 * The lead module as monitoring reads it (its service, handed in by the composition root): places taken and completed
 * in [from, to) (ISO dates), and for the evaluation report the take-up of subsidised places by council type and region
 * in each programme's window overlapping a year (the lead module's own take-up report, through its index).
 */
export interface LeadershipSource {
  places(from: string, to: string): Promise<{ taken: number; completed: number }>;
  takeUpInYear?(year: number): Promise<YearTakeUp[]>;
}

export interface DeliveryDeps {
  peer: { delivery(from: string, to: string): Promise<PeerDelivery> };
  surveys: { waves(): Promise<WaveDto[]>; responseRates(id: number): Promise<ResponseRates> };
  leadership?: LeadershipSource | undefined;
}

export interface SurveyRun {
  id: number;
  survey: string;
  name: string;
  opensAt: string;
  closesAt: string;
  frame: number | null;
  submitted: number;
  rate: number | null;
}

export const LEADERSHIP_MISSING = 'Leadership places are not yet recorded on this platform (the lead module).';

export function deliveryService(deps: DeliveryDeps) {
  return {
    /** Delivery in [from, to) (YYYY-MM-DD; `to` is the first day after). */
    async delivery(from: string, to: string) {
      const [peer, waves, leadership] = await Promise.all([
        deps.peer.delivery(from, to),
        deps.surveys.waves(),
        deps.leadership ? deps.leadership.places(from, to) : Promise.resolve(null),
      ]);
      const running = waves.filter((w) => w.opensAt.slice(0, 10) < to && w.closesAt.slice(0, 10) >= from);
      const surveys: SurveyRun[] = [];
      for (const w of running) {
        const r = await deps.surveys.responseRates(w.id);
        surveys.push({
          id: w.id,
          survey: w.survey,
          name: w.name,
          opensAt: w.opensAt,
          closesAt: w.closesAt,
          frame: r.overall.frame,
          submitted: r.overall.submitted,
          rate: r.overall.rate,
        });
      }
      return {
        from,
        to,
        peer,
        surveys,
        leadership: leadership
          ? { available: true as const, ...leadership, note: null }
          : { available: false as const, taken: null, completed: null, note: LEADERSHIP_MISSING },
      };
    },
  };
}
export type Delivery = Awaited<ReturnType<ReturnType<typeof deliveryService>['delivery']>>;

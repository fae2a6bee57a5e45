/**
 * The programme's delivery in a period, for programme monitoring: challenges delivered (feedback presented: the visit
 * is over) in [from, to) and before `to`, those in the pipeline at `to` (requested or scoping; confirmed: scheduled or
 * position statement received), and the peer days donated on the ones delivered in the period (days delivered, or
 * committed where no delivery is recorded). States as at `to` come from the dated steps, so a past quarter reads as it
 * stood then.
 */
import type { PeerContext } from './context.ts';
import { peerRepository as repo } from './repository.ts';

export interface PeerDelivery {
  delivered: number;
  deliveredToDate: number;
  requested: number;
  confirmed: number;
  daysDonated: number;
}

export function deliveryService(ctx: PeerContext) {
  return {
    async delivery(from: string, to: string): Promise<PeerDelivery> {
      const k = ctx.db.kysely;
      const state = new Map<number, string>();
      const deliveredOn = new Map<number, string>();
      for (const s of await repo.stepsBefore(k, to)) {
        state.set(s.engagement_id, s.state);
        if (s.state === 'feedback-presented' && !deliveredOn.has(s.engagement_id))
          deliveredOn.set(s.engagement_id, s.date);
      }
      const inPeriod = [...deliveredOn].filter(([, d]) => d >= from).map(([id]) => id);
      const days = await repo.engagementDays(k, inPeriod);
      const now = [...state.values()];
      return {
        delivered: inPeriod.length,
        deliveredToDate: deliveredOn.size,
        requested: now.filter((s) => s === 'requested' || s === 'scoping').length,
        confirmed: now.filter((s) => s === 'scheduled' || s === 'position-statement-received').length,
        daysDonated: days.reduce((n, d) => n + Number(d.days), 0),
      };
    },
  };
}

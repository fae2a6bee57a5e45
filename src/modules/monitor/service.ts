/**
 * Programme monitoring, built once in the composition root: the request recorder, the rollup that keeps raw events 60
 * days and daily totals after, the usage scorecard, programme delivery and the plan of deliverables.
 */
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { addDays } from './dates.ts';
import { deliverablesService } from './deliverables.ts';
import { deliveryService, type DeliveryDeps } from './delivery.ts';
import { evaluationService, type EvaluationDeps } from './evaluation.ts';
import { createRecorder, dayOf, type RecorderOptions } from './recorder.ts';
import { monitorRepository as repo } from './repository.ts';
import { scorecardService, type ScorecardDeps } from './scorecard.ts';

/** Raw events are kept this many days, then only their daily totals. */
export const RAW_DAYS = 60;
/** Days whose totals are written again at each rollup (a late flush may add to them). */
const REDO_DAYS = 2;

export type MonitorDeps = ScorecardDeps &
  DeliveryDeps &
  EvaluationDeps & { logger: Logger; recorder?: RecorderOptions };

export function createMonitor(db: Db, deps: MonitorDeps) {
  const log = deps.logger.child({ module: 'monitor' });
  const recorder = createRecorder(db, log, deps.recorder);
  const delivery = deliveryService(deps);
  const scorecards = scorecardService(db, deps);

  /**
   * Totals every completed day not yet totalled (and the last REDO_DAYS again), deletes raw events older than
   * RAW_DAYS and salts older than yesterday's, in one transaction.
   */
  async function rollup(now = new Date()) {
    const today = dayOf(now);
    return withTransaction(
      db,
      async (tx) => {
        const days = await repo.daysToTotal(tx.kysely, today, addDays(today, -REDO_DAYS));
        for (const d of days) await repo.totalDay(tx.kysely, d);
        // Every day before today now has its totals: its running counts and visitor set go.
        await repo.deleteLiveBefore(tx.kysely, today);
        const eventsDeleted = await repo.deleteEventsBefore(tx.kysely, addDays(today, -RAW_DAYS));
        const saltsDeleted = await repo.deleteSaltsBefore(tx.kysely, addDays(today, -1));
        return { daysTotalled: days.length, eventsDeleted, saltsDeleted };
      },
      { long: true },
    );
  }

  let schedule: NodeJS.Timeout | undefined;
  return {
    recorder,
    rollup,
    /** The web service rolls up every hour (the CLI's `sli monitor rollup` does the same on demand). */
    startSchedule(everyMs = 3_600_000) {
      schedule ??= setInterval(() => {
        rollup().catch((err: unknown) => log.warn({ err }, 'monitoring rollup failed; it is tried again in an hour'));
      }, everyMs);
      schedule.unref();
    },
    stopSchedule() {
      if (schedule) clearInterval(schedule);
      schedule = undefined;
    },
    ...scorecards,
    ...evaluationService(
      scorecards,
      delivery,
      () => deps.surveys.waves(),
      deps,
      () => dayOf(new Date()),
    ),
    delivery: delivery.delivery,
    plan: deliverablesService(db, delivery),
  };
}
export type MonitorService = ReturnType<typeof createMonitor>;

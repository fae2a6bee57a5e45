/**
 * The leadership programmes service: programmes, cohorts and modules; applications, approval, booking and the fair
 * waiting list; attendance, completion and survey contacts; take-up. Built once in the composition root.
 */
import type { Db } from '../../platform/db.ts';
import { bookingService } from './booking.ts';
import { createContext, type LeadDeps } from './context.ts';
import { evaluationService } from './evaluation.ts';
import { programmeService } from './programmes.ts';
import { progressService } from './progress.ts';
import { leadRepository as repo } from './repository.ts';

export function createLeadService(db: Db, deps: LeadDeps) {
  const ctx = createContext(db, deps);
  const progress = progressService(ctx);
  return {
    ...programmeService(ctx),
    ...bookingService(ctx),
    ...progress,
    ...evaluationService(ctx, progress.surveysDue),
    /** A form's council field as typed, matched against the councils on a date (the autocomplete's fallback). */
    councilField: (text: string | undefined, at?: string) => ctx.areas.councilField(text, at),
    /** Places taken and completed in [from, to) (ISO dates): programme monitoring's leadership figures. */
    places: (from: string, to: string) => repo.placesBetween(db.kysely, from, to),
  };
}
export type LeadService = ReturnType<typeof createLeadService>;

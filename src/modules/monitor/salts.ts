/**
 * The day's random salt for hashing client addresses, shared by every instance (the first to ask makes it, the others
 * read the same row) and deleted once two days old, so no hash can be linked to an address after that. The request
 * recorder hashes visitors with it; the budget module hashes the source of open-link submissions with it (handed in by
 * the composition root).
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../platform/db.ts';
import { addDays } from './dates.ts';
import { monitorRepository as repo } from './repository.ts';

export interface DailySalts {
  /** The salt of a UTC day (YYYY-MM-DD): today's or yesterday's; made when first asked. */
  forDay(day: string): Promise<string>;
}

export function createDailySalts(db: Db, now: () => Date = () => new Date()): DailySalts {
  const held = new Map<string, Promise<string>>();
  return {
    forDay(day) {
      const hit = held.get(day);
      if (hit) return hit;
      const made = (async () => {
        const salt = await repo.salt(db.kysely, day, randomBytes(32).toString('base64url'), now().toISOString());
        // The salt of the day before yesterday goes (a salt lives at most 48 hours).
        await repo.deleteSaltsBefore(db.kysely, addDays(day, -1));
        return salt;
      })();
      made.catch(() => held.delete(day));
      // Only today's and yesterday's are kept in memory.
      for (const d of held.keys()) if (d < addDays(day, -1)) held.delete(d);
      held.set(day, made);
      return made;
    },
  };
}

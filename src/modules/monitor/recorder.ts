/**
 * Requests counted without tracking people. Each response is classified (a page view, an API request or an embed
 * served; everything else is not counted), bots are dropped by their user agent, and the event is put in a buffer in
 * memory: recording costs the request a push onto an array. The buffer is written in batches (every FLUSH_MS, when
 * BATCH events are waiting, and when the app closes). The visitor is hashed at write time as sha256(the day's random
 * salt + client address + user agent); the address and user agent are never written. The client address is the
 * socket's, or the one a configured trusted proxy forwarded (Fastify's trustProxy, from SLI_TRUSTED_PROXIES).
 * If the database cannot take a batch, the batch is dropped and counted, with a warning at most once a minute: a
 * request never fails and the service never stops because of monitoring.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { monitorRepository as repo } from './repository.ts';
import { createDailySalts, type DailySalts } from './salts.ts';
import type { MonitorEventsTable } from './tables.ts';

export const KINDS = ['page', 'api', 'embed'] as const;
export type Kind = (typeof KINDS)[number];

/** Crawlers, link previews and uptime checkers, by user agent; a request with no user agent is one too. */
export const BOT_AGENT =
  /bot\b|bot\/|spider|crawl|slurp|archiver|facebookexternalhit|embedly|preview|pingdom|uptime|monitor|lighthouse|headless/i;

export interface Seen {
  method: string;
  /** The path and query as asked. */
  url: string;
  /** The route's pattern (`/councils/:code`), or undefined when no route matched. */
  route: string | undefined;
  status: number;
  contentType: string | undefined;
  ip: string;
  userAgent: string | undefined;
  /** The signed-in user's council, if any (only the council is kept, never the user). */
  councilCode: string | undefined;
}

/** What kind of event a response is, or null when it is not counted. */
export function kindOf(s: Seen): Kind | null {
  const path = s.url.split('?')[0] ?? '';
  if (path.startsWith('/embed/')) return s.method === 'GET' ? 'embed' : null;
  if (path.startsWith('/api/'))
    return path.startsWith('/api/v1/docs') || path === '/api/v1/openapi.json' ? null : 'api';
  if (s.method === 'GET' && (s.contentType ?? '').startsWith('text/html')) return 'page';
  return null;
}

export const isBot = (userAgent: string | undefined): boolean => !userAgent?.trim() || BOT_AGENT.test(userAgent);
export const dayOf = (d: Date): string => d.toISOString().slice(0, 10);

export interface RecorderOptions {
  flushMs?: number;
  batch?: number;
  /** Events held while the database is slow; beyond this, new events are dropped and counted. */
  maxBuffered?: number;
  now?: () => Date;
  /** The daily salts (one set per app, shared with the budget module); made here when not given. */
  salts?: DailySalts;
}

interface Pending {
  day: string;
  kind: Kind;
  route: string;
  status: number;
  ip: string;
  userAgent: string;
}

/**
 * Writes a batch of hashed events, the running counts they add to (the scorecard reads these, never raw events) and
 * the councils active on their days, together or not at all: the recorder's batch write.
 */
export async function writeEvents(
  db: Db,
  rows: MonitorEventsTable[],
  councilDays: { day: string; council_code: string }[] = [],
): Promise<void> {
  await withTransaction(db, async (tx) => {
    await repo.recordBatch(tx.kysely, rows);
    await repo.insertCouncilDays(tx.kysely, councilDays);
  });
}

export function createRecorder(db: Db, logger: Logger, options: RecorderOptions = {}) {
  const { flushMs = 2000, batch = 500, maxBuffered = 50_000, now = () => new Date() } = options;
  let buffer: Pending[] = [];
  let councils = new Map<string, { day: string; council_code: string }>();
  /** Councils already written, for today only (cleared when the day changes). */
  let written = { day: '', codes: new Set<string>() };
  const salts = options.salts ?? createDailySalts(db, now);
  /**
   * Counts, and the recorder's own time: `recordMs` inside record() (on the request's path, after its answer is sent),
   * `writeMs` from the start to the end of each batch write (an upper bound on the time it holds the event loop: on
   * PostgreSQL it includes the waits for the server, when other requests run).
   */
  const stats = { recorded: 0, written: 0, dropped: 0, bots: 0, failures: 0, recordMs: 0, writeMs: 0 };
  let unwarned = 0;
  let lastWarning = 0;
  let flushing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  function drop(count: number, err?: unknown) {
    stats.dropped += count;
    unwarned += count;
    const t = Date.now();
    if (t - lastWarning < 60_000) return;
    lastWarning = t;
    logger.warn(
      { err, dropped: unwarned, droppedSinceStart: stats.dropped },
      'monitoring: events dropped (the database did not take them); requests are unaffected',
    );
    unwarned = 0;
  }

  /** Records one response (synchronous, no I/O). */
  function record(s: Seen): void {
    const t0 = performance.now();
    try {
      recordTimed(s);
    } finally {
      stats.recordMs += performance.now() - t0;
    }
  }

  function recordTimed(s: Seen): void {
    const kind = kindOf(s);
    if (!kind) return;
    if (isBot(s.userAgent)) {
      stats.bots++;
      return;
    }
    const day = dayOf(now());
    if (s.councilCode && !(written.day === day && written.codes.has(s.councilCode)))
      councils.set(`${day}|${s.councilCode}`, { day, council_code: s.councilCode });
    if (buffer.length >= maxBuffered) return drop(1);
    buffer.push({
      day,
      kind,
      route: s.route ?? '(no route)',
      status: s.status,
      ip: s.ip,
      userAgent: s.userAgent ?? '',
    });
    stats.recorded++;
    if (buffer.length >= batch) void flush();
  }

  async function write(events: Pending[], days: { day: string; council_code: string }[]): Promise<void> {
    const t0 = performance.now();
    try {
      const rows: MonitorEventsTable[] = [];
      for (const e of events) {
        const salt = await salts.forDay(e.day);
        const visitor = createHash('sha256')
          .update(`${salt}\n${e.ip}\n${e.userAgent}`)
          .digest('base64url')
          .slice(0, 22);
        rows.push({ day: e.day, kind: e.kind, route: e.route, status: e.status, visitor });
      }
      await writeEvents(db, rows, days);
      stats.written += rows.length;
      for (const d of days) {
        if (written.day !== d.day) written = { day: d.day, codes: new Set() };
        written.codes.add(d.council_code);
      }
    } catch (err) {
      stats.failures++;
      drop(events.length, err);
    } finally {
      stats.writeMs += performance.now() - t0;
    }
  }

  /** Writes what is buffered; resolves when written or dropped, never rejects. */
  function flush(): Promise<void> {
    if (flushing) return flushing.then(() => (buffer.length || councils.size ? flush() : undefined));
    const events = buffer;
    const days = [...councils.values()];
    buffer = [];
    councils = new Map();
    if (!events.length && !days.length) return Promise.resolve();
    flushing = write(events, days).finally(() => {
      flushing = undefined;
    });
    return flushing;
  }

  return {
    record,
    flush,
    /** Starts writing every flushMs (the timer does not keep the process alive). */
    start() {
      timer ??= setInterval(() => void flush(), flushMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await flush();
    },
    stats: () => ({ ...stats, buffered: buffer.length }),
  };
}
export type Recorder = ReturnType<typeof createRecorder>;

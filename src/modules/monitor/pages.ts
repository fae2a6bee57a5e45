/**
 * The monitoring pages (no JavaScript): /monitoring (the scorecard for a month: headline figures for everyone,
 * per-council detail for the programme office and administrators, a council user's own council for them),
 * /monitoring/privacy (what is counted and how, without tracking people) and /monitoring/quarterly (the quarterly
 * report to the funder, programme office and administrators).
 */
import type { App } from '../../platform/app-types.ts';
import { AppError } from '../../platform/errors.ts';
import { today } from '../areas/index.ts';
import { isProgrammeOffice, officePage } from './access.ts';
import type { Quarter } from './dates.ts';
import { QUARTERS, quarterRange } from './dates.ts';
import { evaluationBody, evaluationTitle } from './evaluation-output.ts';
import { planPages } from './plan-pages.ts';
import { RAW_DAYS, type MonitorService } from './service.ts';
import { scorecardFor } from './routes.ts';
import * as S from './schemas.ts';

const pct = (v: number | null) => (v === null ? 'Not applicable' : `${Math.round(v * 100)}%`);

/** The financial year and quarter a day falls in. */
function quarterOf(day: string): { year: number; quarter: Quarter } {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  return m >= 4 ? { year: y, quarter: QUARTERS[Math.floor((m - 4) / 3)]! } : { year: y - 1, quarter: 'Q4' };
}

export function monitorPages(app: App, monitor: MonitorService, brandName: string): void {
  planPages(app, monitor);
  app.get('/monitoring', { schema: { hide: true, querystring: S.MonthQuery } }, async (req, reply) => {
    reply.header('cache-control', req.user ? 'private, no-store' : 'public, max-age=300');
    const card = await scorecardFor(monitor, req, req.query.month);
    return reply.view('monitor-scorecard.njk', {
      title: `Usage scorecard, ${card.month}`,
      card,
      pct,
      office: isProgrammeOffice(req.user),
      csv: `/api/v1/monitoring/scorecard.csv?month=${card.month}`,
    });
  });

  app.get('/monitoring/privacy', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=3600');
    return reply.view('monitor-privacy.njk', { title: 'How we count visits without tracking you', rawDays: RAW_DAYS });
  });

  app.get(
    '/monitoring/quarterly',
    {
      schema: {
        hide: true,
        querystring: {
          type: 'object',
          properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 }, quarter: { enum: [...QUARTERS] } },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      if (!officePage(req, reply, 'The quarterly report')) return reply;
      const q = req.query as { year?: number; quarter?: Quarter };
      const current = quarterOf(today());
      const year = q.year ?? current.year;
      const quarter = q.quarter ?? current.quarter;
      const report = await monitor.plan.quarterly(year, quarter);
      return reply.view('monitor-quarterly.njk', {
        title: `Quarterly report, ${quarter} ${report.yearLabel}`,
        report,
        range: quarterRange(year, quarter),
        quarters: QUARTERS,
        xlsx: `/api/v1/monitoring/quarterly.xlsx?year=${year}&quarter=${quarter}`,
      });
    },
  );

  app.get(
    '/monitoring/evaluation',
    {
      schema: {
        hide: true,
        querystring: {
          type: 'object',
          properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      if (!officePage(req, reply, 'The evaluation')) return reply;
      const year = (req.query as { year?: number }).year ?? Number(today().slice(0, 4));
      const view = { title: evaluationTitle(year), heading: evaluationTitle(year), year };
      try {
        const e = await monitor.evaluation(year);
        return reply.view('monitor-evaluation.njk', {
          ...view,
          body: evaluationBody(e, brandName),
          docx: `/api/v1/monitoring/evaluation.docx?year=${year}`,
        });
      } catch (e) {
        // A year with no evidence in any section: the page says why, each section's reason.
        if (e instanceof AppError && e.code === 'no-evidence')
          return reply.status(404).view('monitor-evaluation.njk', { ...view, reason: e.message });
        throw e;
      }
    },
  );
}

/** The scorecard as a tidy CSV: one row per month, measure and authority type. */
import { columnNames, csvColumns } from '../../platform/csv.ts';
import type { Scorecard } from './scorecard.ts';

export const SCORECARD_CSV = csvColumns([
  ['month', 'Month', 'string', 'YYYY-MM'],
  ['measure', 'Measure', 'string', 'What is counted (see the API description)'],
  ['authority_type', 'Authority type', 'string', 'GSS type prefix, or "all"'],
  ['value', 'Value', 'decimal', 'A count, or a share from 0 to 1'],
]);
export const SCORECARD_CSV_COLUMNS = columnNames(SCORECARD_CSV);

export function scorecardRows(s: Scorecard): (string | number | null)[][] {
  const rows: (string | number | null)[][] = [];
  const add = (measure: string, type: string, value: number | null) => rows.push([s.month, measure, type, value]);
  for (const l of [...s.councils.byType, { ...s.councils.total, type: 'all' }]) {
    add('registered_users', l.type, l.users);
    add('councils', l.type, l.councils);
    add('registered_councils', l.type, l.registered);
    add('registered_councils_share', l.type, l.registeredShare);
    add('active_30_days_share', l.type, l.active30Share);
    add('active_60_days_share', l.type, l.active60Share);
  }
  add('users_total', 'all', s.users.total);
  add('metrics_published', 'all', s.metrics.published);
  add('metrics_newly_published_share', 'all', s.metrics.newlyPublishedShare);
  add('metrics_updated_share', 'all', s.metrics.updatedShare);
  add('saved_reports', 'all', s.savedReports.total);
  add('page_views', 'all', s.traffic.pageViews);
  add('average_daily_unique_visitors', 'all', s.traffic.averageDailyUniqueVisitors);
  add('api_requests', 'all', s.traffic.apiRequests);
  add('embeds_served', 'all', s.traffic.embedsServed);
  return rows;
}

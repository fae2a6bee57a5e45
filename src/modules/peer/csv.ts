/**
 * The peer module's CSVs: coverage (one row per current council), a council's action plan (one row per action) and the
 * peer pool by home council (one row per council that gives peers).
 */
import { columnNames, csvColumns } from '../../platform/csv.ts';
import type { CoverageRow } from './coverage.ts';
import type { PoolCouncil } from './pool.ts';
import type { EngagementView } from './view.ts';

export const COVERAGE_CSV = csvColumns([
  ['area', 'Area code', 'string', 'GSS code of the current council'],
  ['area_name', 'Council', 'string', "The council's name"],
  [
    'area_type',
    'Council type',
    'string',
    'GSS type prefix (E06 unitary, E07 district, E08 metropolitan, E09 London, E10 county)',
  ],
  ['region', 'Region code', 'string', 'GSS code of the region'],
  [
    'last_onsite',
    'Last on site',
    'date',
    "First on-site day of the council's last corporate peer challenge (a predecessor code's included)",
  ],
  ['engagement', 'Engagement', 'integer', 'Id of the latest corporate peer challenge engagement'],
  ['state', 'State', 'string', "The latest engagement's state"],
  ['status', 'Status', 'string', 'due (within 12 months of five years), overdue, not-due or none'],
  ['due_by', 'Due by', 'date', 'Five years after the last visit'],
  ['early_warning_flags', 'Early-warning flags', 'string', 'Open flags of the sector screening: rule: evidence'],
]);
export const COVERAGE_CSV_COLUMNS = columnNames(COVERAGE_CSV);
export const coverageCsvRows = (rows: CoverageRow[]) =>
  rows.map((r) => [
    r.code,
    r.name,
    r.type,
    r.region,
    r.lastOnsite,
    r.lastEngagement,
    r.state,
    r.status,
    r.dueBy,
    r.flags.map((f) => `${f.rule}: ${f.evidence}`).join(' | '),
  ]);

export const ACTION_PLAN_CSV = csvColumns([
  ['engagement', 'Engagement', 'integer', 'The peer challenge engagement'],
  ['area', 'Area code', 'string', 'GSS code of the council'],
  ['recommendation', 'Recommendation', 'string', 'The stable id of the recommendation'],
  ['component', 'Component', 'string', 'The framework component (or local focus area) of the recommendation'],
  ['recommendation_text', 'Recommendation text', 'string', 'What the peer team recommended'],
  ['action', 'Action', 'integer', 'Id of the action'],
  ['action_text', 'Action text', 'string', 'What the council will do'],
  ['owner_role', 'Owner', 'string', 'Who is responsible (a role)'],
  ['due_date', 'Due', 'date', 'When it is due'],
  ['status', 'Status', 'string', 'not-started, on-track, at-risk or complete'],
  ['last_update', 'Last update', 'date', 'Date of the latest progress update'],
  ['last_update_note', 'Latest note', 'string', 'The latest progress note'],
  ['evidence', 'Evidence', 'string', 'Links to evidence, space-separated'],
]);
export const ACTION_PLAN_CSV_COLUMNS = columnNames(ACTION_PLAN_CSV);
export const actionPlanRows = (v: EngagementView) =>
  v.recommendations.flatMap((r) =>
    r.actions.map((a) => [
      v.id,
      v.council.code,
      r.id,
      r.component,
      r.text,
      a.id,
      a.text,
      a.ownerRole,
      a.dueDate,
      a.status,
      a.updates.at(-1)?.date ?? null,
      a.updates.at(-1)?.note ?? null,
      a.evidence.join(' '),
    ]),
  );

export const POOL_CSV = csvColumns([
  ['area', 'Area code', 'string', "GSS code of the peers' home council (its current code)"],
  ['area_name', 'Council', 'string', "The council's name"],
  ['area_type', 'Council type', 'string', 'GSS type prefix'],
  ['peers', 'Peers', 'integer', 'Peers in the pool from this council'],
  ['active_peers', 'Active peers', 'integer', 'Of them, active'],
  ['engagements', 'Places on teams', 'integer', 'Team places its peers took (withdrawn engagements left out)'],
  ['days_committed', 'Days committed', 'decimal', 'Days its peers committed'],
  ['days_delivered', 'Days delivered', 'decimal', 'Days its peers delivered, where recorded'],
  ['days_donated', 'Days donated', 'decimal', 'Days its peers delivered where recorded, else the days committed'],
  ['coverage', 'Coverage', 'string', "The council's own coverage status: due, overdue, not-due or none"],
  [
    'never_challenged',
    'Never challenged',
    'boolean',
    'true: gives peers but has no corporate peer challenge on record',
  ],
]);
export const POOL_CSV_COLUMNS = columnNames(POOL_CSV);
export const poolCsvRows = (rows: PoolCouncil[]) =>
  rows.map((c) => [
    c.code,
    c.name,
    c.type,
    c.peers,
    c.activePeers,
    c.engagements,
    c.daysCommitted,
    c.daysDelivered,
    c.daysDonated,
    c.coverage,
    c.neverChallenged,
  ]);

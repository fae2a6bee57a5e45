import type { ImportIssue } from './adapter.ts';
import type { BundleCounts } from './bundles-step.ts';
import type { CheckedFile } from './files.ts';
import type { MetricCounts } from './metrics-step.ts';
import type { ObservationCounts } from './observations-step.ts';

export interface ImportSummary extends BundleCounts {
  importId: number | null;
  adapter: string;
  state: 'published' | 'draft' | 'dry-run' | 'rejected' | 'unchanged';
  files: CheckedFile[];
  observations: ObservationCounts;
  /** Rows the adapter left out on purpose, by reason (e.g. Welsh rows in a UK-wide file). */
  skipped: Record<string, number>;
  /** What the adapter wanted said that is neither an error nor a row left out (e.g. measures defined generically). */
  notices: string[];
  metrics: MetricCounts;
  errors: ImportIssue[];
  errorCount: number;
  message: string;
}

/** What an import has counted so far: everything of a summary but its outcome. */
export interface ImportTally {
  files: CheckedFile[];
  observations: ObservationCounts;
  skipped: Record<string, number>;
  notices: string[];
  metrics: MetricCounts;
  bundles: BundleCounts;
  /** Metric definitions read (including unchanged ones). */
  metricsDefined: number;
}

export function summarise(
  adapter: string,
  tally: ImportTally,
  problems: { list: ImportIssue[]; count: number },
  outcome: { state: ImportSummary['state']; importId: number | null; message: string },
): ImportSummary {
  const { geography, boundaries, groups } = tally.bundles;
  return {
    importId: outcome.importId,
    adapter,
    state: outcome.state,
    files: tally.files,
    observations: tally.observations,
    skipped: tally.skipped,
    notices: tally.notices,
    metrics: tally.metrics,
    ...(geography ? { geography } : {}),
    ...(boundaries ? { boundaries } : {}),
    ...(groups ? { groups } : {}),
    errors: problems.list,
    errorCount: problems.count,
    message: outcome.message,
  };
}

/** Whether the import changed anything: observations, metric definitions, areas, boundaries or group families. */
export function changedAnything({ observations: obs, metrics, bundles }: ImportTally): boolean {
  const { geography, boundaries, groups } = bundles;
  return (
    obs.inserted + obs.updated + obs.withdrawn + metrics.created + metrics.updated > 0 ||
    (geography ? geography.created + geography.updated > 0 : false) ||
    (boundaries ? boundaries.created + boundaries.updated > 0 : false) ||
    (groups ? groups.families.created + groups.families.updated > 0 : false)
  );
}

const fmt = (n: number) => n.toLocaleString('en-GB');
const changes = (c: { created: number; updated: number; unchanged: number }) =>
  `${c.created} new, ${c.updated} changed, ${c.unchanged} unchanged`;

/** A tally with nothing counted yet. */
export function emptyTally(files: CheckedFile[]): ImportTally {
  const observations = { read: 0, inserted: 0, updated: 0, unchanged: 0, duplicates: 0, rejected: 0, withdrawn: 0 };
  const metrics = { created: 0, updated: 0, unchanged: 0 };
  return { files, observations, skipped: {}, notices: [], metrics, bundles: {}, metricsDefined: 0 };
}

export const filesRejectedMessage = (problemCount: number) =>
  `Nothing was imported: ${problemCount} problem(s) with the files given.`;

export const rejectedMessage = (problemCount: number) =>
  `Nothing was imported: ${fmt(problemCount)} problem(s) found. Fix them and import again.`;

/** "Nothing changed: all 1,200 observations, 3 metrics are already as in this file." */
export function unchangedMessage({ observations, metrics, bundles, files }: ImportTally): string {
  const { geography, boundaries, groups } = bundles;
  const parts = [`${fmt(observations.read)} observations`];
  if (metrics.unchanged) parts.push(`${fmt(metrics.unchanged)} metrics`);
  if (geography) parts.push(`${fmt(geography.unchanged)} areas`);
  if (boundaries) parts.push(`${fmt(boundaries.unchanged)} boundaries`);
  if (groups) parts.push(`${fmt(groups.families.unchanged)} group families`);
  const source = files.length > 1 ? 'these files' : 'this file';
  return `Nothing changed: all ${parts.join(', ')} are already as in ${source}.`;
}

function observationsText({ observations: obs, metrics }: ImportTally): string {
  const rows = [`${fmt(obs.inserted)} new`, `${fmt(obs.updated)} changed (previous values kept)`];
  rows.push(`${fmt(obs.unchanged)} unchanged`);
  if (obs.withdrawn) rows.push(`${fmt(obs.withdrawn)} withdrawn (no longer in the file; previous values kept)`);
  if (obs.duplicates) rows.push(`${fmt(obs.duplicates)} identical duplicates ignored`);
  return `${fmt(obs.read)} observations read: ${rows.join(', ')}; metrics: ${changes(metrics)}`;
}

/** What the import did, as one sentence of parts joined by semicolons (rows left out, observations, bundles). */
export function outcomeText(tally: ImportTally): string {
  const { geography, boundaries, groups } = tally.bundles;
  const parts: string[] = [];
  const skipped = Object.entries(tally.skipped).map(([reason, n]) => `${fmt(n)} ${reason}`);
  if (skipped.length > 0) parts.push(`rows left out on purpose: ${skipped.join(', ')}`);
  parts.push(...tally.notices);
  const bundlesOnly = !tally.observations.read && !tally.metricsDefined && (geography || boundaries || groups);
  if (bundlesOnly) parts.push(groups ? 'comparison groups only' : 'geography only');
  else parts.push(observationsText(tally));
  if (geography) parts.push(`areas: ${changes(geography)}`);
  if (boundaries) parts.push(`boundaries: ${changes(boundaries)}`);
  if (groups) {
    const sizes = `${fmt(groups.groups)} groups, ${fmt(groups.members)} members`;
    parts.push(`group families: ${changes(groups.families)} (${sizes})`);
  }
  return `${parts.join('; ')}.`;
}

export const dryRunMessage = (what: string) => `Dry run, nothing written. It would publish ${what}`;

export const draftMessage = (importId: number, what: string) =>
  `Import #${importId} is held as a draft: ${what} Publish it with "sli imports publish ${importId}".`;

export const publishedMessage = (importId: number, what: string) => `Published import #${importId}: ${what}`;

const plural = (n: number, one: string, many: string) => `${fmt(n)} ${n === 1 ? one : many}`;

/**
 * Why a publication was refused: published rows of the metrics and periods it covers are not in it, and how to confirm
 * their withdrawal (`confirm`: what to run).
 */
export function missingMessage(m: { count: number; examples: string[] }, confirm: string): string {
  const rows = plural(m.count, 'published observation', 'published observations');
  const verb = m.count === 1 ? 'is' : 'are';
  return (
    `Nothing was published: ${rows} of the metrics and periods in this import ${verb} no longer in it ` +
    `(for example ${m.examples.join('; ')}). To withdraw ${m.count === 1 ? 'it' : 'them'} (kept in the change feed ` +
    `as deletions, with the previous values), ${confirm}; otherwise check the file is complete.`
  );
}

/** A draft's or dry run's note on published rows it no longer holds, which publishing will ask to withdraw. */
export const missingNote = (count: number, confirm: string) =>
  ` ${plural(count, 'published observation', 'published observations')} of the same metrics and periods ` +
  `${count === 1 ? 'is' : 'are'} not in this import: publishing withdraws them only when confirmed (${confirm}).`;

/** A partial publication's note on published rows of its scope it left as they were. */
export const keptNote = (count: number) =>
  ` ${plural(count, 'published observation', 'published observations')} of the same metrics and periods not in ` +
  `this import ${count === 1 ? 'was' : 'were'} kept as ${count === 1 ? 'it was' : 'they were'} (--keep-missing).`;

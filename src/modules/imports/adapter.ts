import type { SourceIssue, SourceLocation } from '../../platform/source.ts';
import type { GeographyBundle } from '../areas/index.ts';
import type { GroupFamilyBundle } from '../groups/index.ts';
import type { BoundaryBundle } from '../maps/index.ts';
import type { MetricCategory, MetricDefinition } from '../metrics/index.ts';
import type { Period, StatusCode } from '../observations/index.ts';

/** Problems found while reading: each names where (file:line and field) and why. */
export type ImportIssue = SourceIssue;

export interface ObservationRecord {
  /** Metric code (defined earlier in the same import, or already in the catalogue). */
  metric: string;
  /** GSS code. */
  area: string;
  period: Period;
  value: number | null;
  status: StatusCode[];
  lci?: number | null | undefined;
  uci?: number | null | undefined;
  ciLevel?: number | null | undefined;
  numerator?: number | null | undefined;
  denominator?: number | null | undefined;
  note?: string | null | undefined;
  at: SourceLocation;
}

export type ImportItem =
  | { kind: 'metric'; metric: MetricDefinition; at: SourceLocation }
  | { kind: 'observation'; observation: ObservationRecord }
  | { kind: 'geography'; geography: GeographyBundle }
  | { kind: 'boundaries'; boundaries: BoundaryBundle; at: SourceLocation }
  | { kind: 'groups'; groups: GroupFamilyBundle; at: SourceLocation };

export interface AdapterContext {
  /** Reports bad input. Reading goes on so that every problem is listed; nothing is written when any is reported. */
  error(issue: ImportIssue): void;
  /** Bytes read so far across all files, for the progress bar. */
  progress(bytesRead: number): void;
  /**
   * Optional: a row left out on purpose, not an error (e.g. Welsh rows in a UK-wide file, or a unitary listed again
   * as an upper tier with the same values). Engines that do not count skipped rows may leave it out.
   */
  skipped?(at: SourceLocation, reason: string): void;
  /** Optional: a sentence for the summary, neither an error nor a row left out (e.g. measures defined generically). */
  notice?(text: string): void;
  /**
   * Optional: an area as the catalogue holds it (undefined when unknown), for adapters that must tell a publisher's
   * deliberately flagged legacy code from a mistake. Engines without a catalogue leave it out.
   */
  area?(code: string): KnownArea | undefined;
  /**
   * Optional: a metric already in the catalogue (undefined when unknown), for adapters whose rows may name one they do
   * not define (the long CSV reads a categorical metric's labels from it). Engines without a catalogue leave it out.
   */
  metric?(code: string): KnownMetric | undefined;
}

/** What the catalogue knows of a metric that an adapter's rows may use without defining it. */
export interface KnownMetric {
  code: string;
  unitType: string;
  /** A categorical metric's ordered categories (the value stored is the 1-based position); undefined otherwise. */
  categories?: MetricCategory[];
}

/** What the catalogue knows of an area: its validity and the codes that succeeded it. */
export interface KnownArea {
  code: string;
  name: string;
  validFrom: string | null;
  validTo: string | null;
  successors: string[];
}

export interface ImportAdapter {
  /** The name used on the command line: `sli import <name> <file>…`. */
  name: string;
  /** One line for `sli import --help`. */
  summary: string;
  /** What files it takes, e.g. "lait_indicators_long.csv and lait_data_dictionary.csv". */
  files: string;
  /**
   * Header columns that identify each of this adapter's files. Used to refuse a file given to the wrong adapter
   * and to suggest the right one.
   */
  signatures: string[][];
  /** Yields metric definitions before the observations that use them. */
  read(files: string[], ctx: AdapterContext): AsyncIterable<ImportItem>;
}

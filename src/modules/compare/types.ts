/** What a comparison is asked for and what it answers: the service's and the headline report's shapes. */
import type { FigureSource } from '../areas/index.ts';
import type { GroupDto } from '../groups/index.ts';
import type { Metric } from '../metrics/index.ts';
import type { CategoryDistribution } from './categorical.ts';
import type { TrendResult } from './direction.ts';
import type { GroupStatistics, MemberPosition } from './stats.ts';

export interface CompareQuery {
  metric: string;
  area: string;
  group: string;
  period?: string | undefined;
  /** Periods in the trend window, the chosen one included (default 5). */
  window?: number | undefined;
  /** Group membership as at this date (default: the end of the period, or today if earlier). */
  at?: string | undefined;
  tolerance?: number | undefined;
}

export interface MemberResult extends MemberPosition {
  name: string;
  /** A categorical measure's judgement: its category and when it was published; absent for a numeric measure. */
  category?: { code: string; label: string; period: string; periodLabel: string } | null;
  type: string;
  isFocus: boolean;
  status: string[];
  lci: number | null;
  uci: number | null;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
  /** Where the figure came from when it is not the council's own publication. */
  source: FigureSource | null;
  /** Rank in a neighbour set (1 = nearest), where the group has one. */
  neighbourRank: number | null;
  direction: { lastStep: TrendResult['lastStep']; overWindow: TrendResult['overWindow']; consecutive: number };
}

type ComparedMetricFields =
  | 'title'
  | 'shortTitle'
  | 'unit'
  | 'unitType'
  | 'decimalPlaces'
  | 'polarity'
  | 'caveats'
  | 'source'
  | 'topic'
  | 'applicableAreaTypes'
  | 'categories';
/** The metric as a comparison names it: its public id (the code) and what reading the figures needs. */
export type ComparedMetric = { id: string } & Pick<Metric, ComparedMetricFields>;

export interface Comparison {
  metric: ComparedMetric;
  area: { code: string; name: string; type: string };
  group: Omit<GroupDto, 'members'> & { compared: number };
  period: { period: string; label: string };
  window: { period: string; label: string }[];
  /** The council, the group's median (members the metric applies to, with a figure) and England over the window. */
  trend: {
    period: string;
    label: string;
    value: number | null;
    source: FigureSource | null;
    groupMedian: number | null;
    england: number | null;
  }[];
  statistics: GroupStatistics;
  /** A categorical measure's distribution over the group (counts per category, "Good or better"); numeric: absent. */
  categories?: CategoryDistribution;
  focus: MemberResult;
  members: MemberResult[];
  /** England's figure: the publisher's (method null) or one this platform computed from councils (method says how). */
  england: { value: number | null; status: string[]; method: string | null } | null;
  sentence: string;
  notes: string[];
  licence: string;
  attribution: string;
}

/** A metric the headline asked for that could not be compared, and why. */
export interface NotCompared {
  metric: string;
  problem: string;
}

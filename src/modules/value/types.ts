/** What a value-for-money profile answers (the service's shapes; schemas.ts gives the API's). */
import type { EnglandFigure } from './england.ts';
import type { Association } from './association.ts';

export interface ValueFigure {
  role: 'spend' | 'outcome';
  /** For spend: per-head or per-household. */
  base: string | null;
  why: string | null;
  metric: {
    id: string;
    title: string;
    unit: string;
    unitType: string;
    decimalPlaces: number;
    polarity: string;
    caveats: string | null;
  };
  period: { period: string; label: string };
  /** For a £ measure: its figures (council, group, England, trend) in cash or in real terms; null for other units. */
  prices: 'cash' | 'real' | null;
  value: number | null;
  status: string[];
  /** Where the council's figure came from when it is not its own publication (the figure-source rule). */
  figureSource: string | null;
  rank: number | null;
  rankOf: number;
  tied: boolean;
  quartileBand: number | null;
  group: { median: number | null; q1: number | null; q3: number | null; countWithData: number; n: number };
  england: EnglandFigure | null;
  trend: {
    lastStep: string | null;
    since: string | null;
    overWindow: string | null;
    points: {
      period: string;
      label: string;
      value: number | null;
      groupMedian: number | null;
      england: number | null;
    }[];
  };
  sentence: string;
  licence: string;
  attribution: string;
}

export interface ScatterPointT {
  code: string;
  name: string;
  spend: number;
  outcome: number;
  inGroup: boolean;
  isFocus: boolean;
}

export interface ValueScatter {
  spend: { id: string; title: string; unit: string; decimalPlaces: number; period: string };
  outcome: { id: string; title: string; unit: string; decimalPlaces: number; period: string; polarity: string };
  /** Councils of the council's own type with both figures; the group's members marked. */
  points: ScatterPointT[];
  group: Association;
  /** Every council of the same type, when the group is narrower than that. */
  sameType: Association | null;
}

export interface ValueService {
  id: string;
  title: string;
  runsService: boolean;
  /** Why the council is not scored on this service (a district and social care), naming who runs it. */
  notRunReason: string | null;
  spend: ValueFigure[];
  outcomes: ValueFigure[];
  /** Measures of the mapping with no figure to show, and why ("spend per head is not derived yet"). */
  missing: { metric: string; title: string; reason: string }[];
  scatters: ValueScatter[];
  caveats: string[];
}

/** The price basis of the profile's £ figures (docs/REAL-TERMS.md). */
export interface ValuePrices {
  basis: 'cash' | 'real';
  /** In real terms: the year whose prices every £ figure is in. */
  base: { period: string; label: string } | null;
  deflator: { id: string; title: string; publisher: string } | null;
  /** In words: cash terms, or the deflator, its base year and the formula. */
  note: string;
}

export interface ValueProfile {
  area: { code: string; name: string; type: string };
  group: { id: string; name: string; types: string[] };
  mapping: { id: string; version: string; name: string };
  prices: ValuePrices;
  services: ValueService[];
  caveats: string[];
  notes: string[];
  licences: string[];
  attribution: string[];
}

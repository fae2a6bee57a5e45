import type { SourceLocation } from '../../platform/source.ts';

/**
 * A family of comparison groups as published (DfE statistical neighbours, ONS similar areas or clusters) or as built by
 * our own model: the family's model, source and licence, and its groups with their members.
 */
export interface GroupFamilyBundle {
  family: {
    /** Stable code, e.g. `dfe-statistical-neighbours`. */
    code: string;
    /** The edition or model version, e.g. `2025`. */
    version: string;
    kind: 'nearest-neighbours' | 'family' | 'cluster';
    name: string;
    description?: string | undefined;
    method?: string | undefined;
    /** For a model we build: variables, weights and anything needed to explain it (stored as JSON). */
    model?: unknown;
    /** GSS prefixes the family covers. */
    areaTypes: string[];
    source: { publisher: string; url?: string | undefined; licence: string; attribution?: string | undefined };
    caveats?: string | undefined;
    publishedAt?: string | undefined;
  };
  groups: {
    /** Neighbour sets: the council the set belongs to. */
    owner?: string | undefined;
    /** Clusters: the cluster's label, e.g. `A`. */
    cluster?: string | undefined;
    name: string;
    description?: string | undefined;
    /** `at`: where the member was read, when it is not the group's own line. */
    members: {
      code: string;
      rank?: number | undefined;
      distance?: number | undefined;
      note?: string | undefined;
      detail?: unknown;
      at?: SourceLocation | undefined;
    }[];
    at: SourceLocation;
  }[];
}

/** Geography delivered by the areas adapter; applied whole by the areas module. */
export interface AreaRecord {
  code: string;
  name: string;
  validFrom: string | null;
  validTo: string | null;
  names?: { name: string; validFrom: string; validTo: string | null }[];
}
export interface AreaParentRecord {
  code: string;
  relation: 'region' | 'county' | 'upper-tier' | 'combined-authority' | 'fire-rescue-authority' | 'metropolitan-county';
  parent: string;
  validFrom: string;
  validTo: string | null;
}
export interface AreaSuccessionRecord {
  predecessor: string;
  successor: string;
  changeType: 'merger' | 'new-code' | 'boundary-change' | 'split' | 'abolition';
  effectiveDate: string;
  note?: string | undefined;
}
export interface GeographyBundle {
  areas: AreaRecord[];
  parents: AreaParentRecord[];
  successions: AreaSuccessionRecord[];
  source: string;
}

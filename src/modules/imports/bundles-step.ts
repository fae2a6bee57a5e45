import type { Tx } from '../../platform/transaction.ts';
import type { GeographyBundle, GeographyCounts } from '../areas/index.ts';
import type { GroupCounts, GroupFamilyBundle } from '../groups/index.ts';
import type { BoundaryBundle, BoundaryCounts } from '../maps/index.ts';
import type { ImportIssue } from './adapter.ts';
import type { ImportCatalogue } from './catalogue.ts';
import { importsRepository as repo } from './repository.ts';

type Apply<B, C> = (tx: Tx, bundle: B, ctx: { importId: number; now: string }) => Promise<C>;

/** The modules that store bundles inside the import's transaction (areas, maps, groups), as the caller wires them. */
export interface BundleAppliers {
  /** Applies a geography bundle inside the import's transaction (the areas module provides it). */
  applyGeography?: Apply<GeographyBundle, GeographyCounts>;
  /** Stores boundary shapes inside the import's transaction (the maps module provides it). */
  applyBoundaries?: Apply<BoundaryBundle, BoundaryCounts>;
  /** Stores a family of comparison groups inside the import's transaction (the groups module provides it). */
  applyGroups?: Apply<GroupFamilyBundle, GroupCounts>;
}

/** What the bundles of an import changed, each present once a bundle of its kind was read. */
export interface BundleCounts {
  geography?: Omit<GeographyCounts, 'issues'>;
  boundaries?: BoundaryCounts;
  groups?: Omit<GroupCounts, 'issues'>;
}

const addChanges = <C extends { created: number; updated: number; unchanged: number }>(a: C, b: C) => ({
  created: a.created + b.created,
  updated: a.updated + b.updated,
  unchanged: a.unchanged + b.unchanged,
});

/**
 * The bundles of an import, handed to the modules that own them: geography (the areas are read again after it, so
 * later rows are checked against it), boundary shapes and comparison groups (counts summed over bundles; problems a
 * group family has are reported like any other).
 */
export function createBundleStep(
  tx: Tx,
  appliers: BundleAppliers,
  ctx: {
    importId: number;
    now: string;
    catalogue: ImportCatalogue;
    counts: BundleCounts;
    report: (issue: ImportIssue) => void;
  },
) {
  const at = { importId: ctx.importId, now: ctx.now };
  const { counts } = ctx;

  async function onGeography(bundle: GeographyBundle): Promise<void> {
    if (!appliers.applyGeography) throw new Error('this import needs the areas module to apply geography');
    const { issues, ...c } = await appliers.applyGeography(tx, bundle, at);
    for (const i of issues) ctx.report(i);
    counts.geography = c;
    ctx.catalogue.areas = await repo.loadAreas(tx);
  }

  async function onBoundaries(bundle: BoundaryBundle): Promise<void> {
    if (!appliers.applyBoundaries) throw new Error('this import needs the maps module to store boundaries');
    const c = await appliers.applyBoundaries(tx, bundle, at);
    counts.boundaries = counts.boundaries ? addChanges(counts.boundaries, c) : c;
  }

  async function onGroups(bundle: GroupFamilyBundle): Promise<void> {
    if (!appliers.applyGroups) throw new Error('this import needs the groups module to store comparison groups');
    const { issues, ...c } = await appliers.applyGroups(tx, bundle, at);
    for (const i of issues) ctx.report(i);
    const sum = counts.groups;
    const families = sum ? addChanges(sum.families, c.families) : c.families;
    counts.groups = sum ? { families, groups: sum.groups + c.groups, members: sum.members + c.members } : c;
  }

  return { onGeography, onBoundaries, onGroups };
}

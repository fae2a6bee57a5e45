/**
 * Published families of similar councils (../shared/data/similar_councils), stored as comparison groups:
 *   dfe-statistical-neighbours  DfE children's services statistical neighbours, 10 ranked per upper-tier council, with
 *                               DfE's closeness band (files dfe_childrens_services_statistical_neighbours_<year>.csv;
 *                               the edition is the year in the file name, as DfE publishes no edition column)
 *   ons-similar-areas           ONS Explore Local Statistics "similar areas": 20 ranked per council on a global,
 *                               economic or demographic basis (ons_els_<basis>_neighbours.csv)
 *   ons-clusters                ONS clusters A to D on the same three bases (ons_els_cluster_allocation.csv with
 *                               ons_els_cluster_descriptions.json)
 * ONS compares councils across the UK: neighbours in Wales, Scotland and Northern Ireland are left out (we hold English
 * councils only) and counted; the English neighbours keep the rank ONS gave them, so a gap in the ranks shows where.
 */
import path from 'node:path';
import type { AdapterContext, ImportAdapter, ImportItem } from '../adapter.ts';
import type { GroupFamilyBundle } from '../../groups/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';
import { filesByKind, ImportFileError, readCsv, readHeader, type CsvRow } from '../csv.ts';
import { readJsonFile } from '../json.ts';
import { COUNCILS_AND_COMBINED_AUTHORITIES, LOWER_TIER, UPPER_TIER } from './tiers.ts';

const display = (file: string) => path.relative(process.cwd(), file) || file;
const GSS = /^[EWSN]\d{8}$/;
const ENGLISH = /^E\d{8}$/;
const OGL = 'OGL-UK-3.0';

type Group = GroupFamilyBundle['groups'][number];

/** Adds a member to a group's list, reporting a bad code or rank at the row. */
function member(
  ctx: AdapterContext,
  at: SourceLocation,
  field: string,
  code: string,
  rank: number | undefined,
  note?: string,
): Group['members'][number] | undefined {
  if (!GSS.test(code)) {
    ctx.error({ at, field, value: code, message: `"${code}" is not a GSS code (a letter and eight digits)` });
    return undefined;
  }
  if (!ENGLISH.test(code)) {
    ctx.skipped?.(at, 'a neighbour outside England (Wales, Scotland or Northern Ireland)');
    return undefined;
  }
  return { code, ...(rank !== undefined ? { rank } : {}), ...(note ? { note } : {}), at };
}

// ---------------------------------------------------------------------------------------------------------------------
// DfE statistical neighbours

const DFE_COLUMNS = ['gss_code', 'la_name', 'neighbour_rank', 'neighbour_gss_code', 'closeness'];
/**
 * DfE's bands, as DfE capitalises them in one edition or the other ("Very Close", "Very close"); stored in the first
 * form.
 */
const CLOSENESS = ['Extremely close', 'Very close', 'Close', 'Somewhat close', 'Not close'];
const closenessBand = (s: string) => CLOSENESS.find((c) => c.toLowerCase() === s.toLowerCase());
const DFE_EDITIONS: Record<string, string> = { '2021': '2021-04', '2025': '2025-05' };

async function* readDfe(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length === 0) throw new Error('dfe-statistical-neighbours takes one or more files, one per edition');
  for (const file of files) {
    const year = /(\d{4})\.csv$/i.exec(path.basename(file))?.[1];
    if (!year)
      throw new ImportFileError(
        { file: display(file), line: 0 },
        'the edition is read from the file name, which must end with the year, e.g. dfe_childrens_services_statistical_neighbours_2025.csv',
      );
    const groups = new Map<string, Group>();
    let first: SourceLocation | undefined;
    for await (const row of readCsv(file, { required: DFE_COLUMNS, adapter: 'dfe-statistical-neighbours' }, ctx)) {
      first ??= row.at;
      const owner = (row.get('gss_code') ?? '').trim();
      if (!ENGLISH.test(owner)) {
        ctx.error({
          at: row.at,
          field: 'gss_code',
          value: owner,
          message: `"${owner}" is not the GSS code of an English council`,
        });
        continue;
      }
      const rankText = (row.get('neighbour_rank') ?? '').trim();
      const rank = Number(rankText);
      const closenessText = (row.get('closeness') ?? '').trim();
      const closeness = closenessBand(closenessText);
      if (closenessText && !closeness)
        ctx.error({
          at: row.at,
          field: 'closeness',
          value: closenessText,
          message: `is not one of DfE's bands: ${CLOSENESS.join(', ')}`,
        });
      if (!Number.isInteger(rank) || rank < 1 || rank > 10) {
        ctx.error({
          at: row.at,
          field: 'neighbour_rank',
          value: rankText,
          message: 'is not a whole number from 1 to 10',
        });
        continue;
      }
      let g = groups.get(owner);
      if (!g)
        groups.set(
          owner,
          (g = {
            owner,
            name: `${(row.get('la_name') ?? owner).trim()}: DfE statistical neighbours ${year}`,
            members: [],
            at: row.at,
          }),
        );
      const m = member(
        ctx,
        row.at,
        'neighbour_gss_code',
        (row.get('neighbour_gss_code') ?? '').trim(),
        rank,
        closeness || undefined,
      );
      if (!m) continue;
      if (g.members.some((x) => x.rank === rank))
        ctx.error({
          at: row.at,
          field: 'neighbour_rank',
          value: rankText,
          message: `${owner} already has a neighbour ranked ${rank}`,
        });
      g.members.push(m);
    }
    const at = first ?? { file: display(file), line: 1 };
    const bundle: GroupFamilyBundle = {
      family: {
        code: 'dfe-statistical-neighbours',
        version: year,
        kind: 'nearest-neighbours',
        name: `DfE children's services statistical neighbours (${year})`,
        description:
          "Each upper-tier council's ten statistical neighbours for children's services, ranked, with DfE's closeness band.",
        method:
          "DfE's Children's Services Statistical Neighbour Benchmarking Tool: the ten upper-tier councils nearest on a weighted set of socio-economic variables, ranked from the closest; DfE bands each neighbour from Extremely Close to Not Close.",
        areaTypes: [...UPPER_TIER],
        source: {
          publisher: 'Department for Education (DfE)',
          url: 'https://www.gov.uk/government/publications/local-authority-interactive-tool-lait',
          licence: OGL,
          attribution: `DfE Children's Services Statistical Neighbour Benchmarking Tool (${year}), published with LAIT. Open Government Licence v3.0.`,
        },
        caveats:
          "Built for children's services: use it for other services with care. Codes are the councils of the edition's date; councils created later are not in it.",
        ...(DFE_EDITIONS[year] ? { publishedAt: DFE_EDITIONS[year] } : {}),
      },
      groups: [...groups.values()].map((g) => ({ ...g, members: [...g.members].sort((a, b) => a.rank! - b.rank!) })),
    };
    yield { kind: 'groups', groups: bundle, at };
  }
}

export const dfeStatisticalNeighboursAdapter: ImportAdapter = {
  name: 'dfe-statistical-neighbours',
  summary:
    "DfE children's services statistical neighbours (10 ranked per upper-tier council, with closeness bands), one edition per file",
  files: 'dfe_childrens_services_statistical_neighbours_<year>.csv (one or more editions)',
  signatures: [['dfe_la_number', 'gss_code', 'neighbour_rank', 'neighbour_gss_code', 'closeness']],
  read: readDfe,
};

// ---------------------------------------------------------------------------------------------------------------------
// ONS similar areas and clusters

const BASES = ['global', 'economic', 'demographic'] as const;
type Basis = (typeof BASES)[number];
const ONS_VERSION = '2026';
const ONS_SOURCE = {
  publisher: 'Office for National Statistics (ONS)',
  url: 'https://www.ons.gov.uk/explore-local-statistics/',
  licence: OGL,
  attribution:
    'ONS Explore Local Statistics (similar areas and clusters, updated March 2026). Contains public sector information licensed under the Open Government Licence v3.0.',
};
const BASIS_TEXT: Record<Basis, string> = {
  global: 'on all of the ONS indicators together',
  economic: 'on economic indicators',
  demographic: 'on demographic indicators',
};
const UK_WIDE =
  'ONS compares councils across the UK; neighbours in Wales, Scotland and Northern Ireland are left out here and the English neighbours keep the rank ONS gave them, so a gap in the ranks shows where one was.';

/** The row's AREACD when it is an English area; a bad code is an error, a Welsh, Scottish or NI one is left out. */
function englishArea(ctx: AdapterContext, row: CsvRow): string | undefined {
  const code = (row.get('AREACD') ?? '').trim();
  if (!GSS.test(code)) {
    ctx.error({ at: row.at, field: 'AREACD', value: code, message: `"${code}" is not a GSS code` });
    return undefined;
  }
  if (!ENGLISH.test(code)) {
    ctx.skipped?.(row.at, 'not an English area (Wales, Scotland or Northern Ireland)');
    return undefined;
  }
  return code;
}

async function neighbourFile(file: string, ctx: AdapterContext): Promise<ImportItem> {
  const basis = BASES.find((b) => path.basename(file).includes(`_${b}_`));
  if (!basis)
    throw new ImportFileError(
      { file: display(file), line: 0 },
      `the basis is read from the file name, which must contain _global_, _economic_ or _demographic_ (as ons_els_global_neighbours.csv does)`,
    );
  const ranks = Array.from({ length: 20 }, (_, i) => String(i + 1));
  const groups: Group[] = [];
  let first: SourceLocation | undefined;
  for await (const row of readCsv(file, { required: ['AREACD', ...ranks], adapter: 'ons-similar-areas' }, ctx)) {
    first ??= row.at;
    const owner = englishArea(ctx, row);
    if (!owner) continue;
    // Combined authorities have fewer neighbours than 20: their later cells are empty.
    const members = ranks
      .filter((r) => (row.get(r) ?? '').trim() !== '')
      .map((r) => member(ctx, row.at, r, (row.get(r) ?? '').trim(), Number(r)))
      .filter((m): m is NonNullable<typeof m> => !!m);
    groups.push({ owner, name: `ONS similar areas (${basis}) of ${owner}`, members, at: row.at });
  }
  return {
    kind: 'groups',
    at: first ?? { file: display(file), line: 1 },
    groups: {
      family: {
        code: `ons-similar-areas-${basis}`,
        version: ONS_VERSION,
        kind: 'nearest-neighbours',
        name: `ONS similar areas: ${basis}`,
        description: `The 20 councils most similar to each council ${BASIS_TEXT[basis]}, as ONS Explore Local Statistics lists them.`,
        method: `ONS Explore Local Statistics: nearest councils ${BASIS_TEXT[basis]}, ranked from the most similar. ${UK_WIDE}`,
        areaTypes: [...COUNCILS_AND_COMBINED_AUTHORITIES],
        source: ONS_SOURCE,
        caveats: UK_WIDE,
        publishedAt: '2026-03',
      },
      groups,
    },
  };
}

async function clusterFiles(allocation: string, descriptionsFile: string, ctx: AdapterContext): Promise<ImportItem[]> {
  const raw = await readJsonFile(descriptionsFile, 'ONS cluster descriptions');
  const described = (basis: Basis, letter: string): string | undefined => {
    const b = (raw.value as Record<string, Record<string, unknown>> | null)?.[basis];
    const d = b && typeof b === 'object' ? b[letter.toLowerCase()] : undefined;
    return typeof d === 'string' ? d : undefined;
  };
  const clusters = new Map<string, Group>();
  let first: SourceLocation | undefined;
  for await (const row of readCsv(
    allocation,
    { required: ['AREACD', 'AREANM', 'Global', 'Economic', 'Demographic'], adapter: 'ons-clusters' },
    ctx,
  )) {
    first ??= row.at;
    const code = englishArea(ctx, row);
    if (!code) continue;
    for (const basis of BASES) {
      const column = basis[0]!.toUpperCase() + basis.slice(1);
      const letter = (row.get(column) ?? '').trim().toUpperCase();
      if (letter === '[X]') {
        // ONS's marker for "not available": the Isles of Scilly and the City of London are too small to cluster on some
        // bases.
        ctx.skipped?.(row.at, `no ${basis} cluster ([x]: not available)`);
        continue;
      }
      if (!/^[A-Z]$/.test(letter)) {
        ctx.error({ at: row.at, field: column, value: letter, message: 'is not a cluster letter (A, B, C …)' });
        continue;
      }
      const key = `${basis}:${letter}`;
      let g = clusters.get(key);
      if (!g) {
        const description = described(basis, letter);
        if (!description)
          ctx.error({
            at: { file: display(descriptionsFile), line: 1 },
            field: `${basis}.${letter.toLowerCase()}`,
            value: letter,
            message: `cluster ${letter} (${basis}) has no description in ${display(descriptionsFile)}`,
          });
        clusters.set(
          key,
          (g = {
            cluster: letter,
            name: `ONS ${basis} cluster ${letter}`,
            ...(description ? { description } : {}),
            members: [],
            at: row.at,
          }),
        );
      }
      g.members.push({ code });
    }
  }
  const at = first ?? { file: display(allocation), line: 1 };
  return BASES.map((basis) => ({
    kind: 'groups',
    at,
    groups: {
      family: {
        code: `ons-clusters-${basis}`,
        version: ONS_VERSION,
        kind: 'cluster',
        name: `ONS clusters: ${basis}`,
        description: `Councils grouped into four clusters ${BASIS_TEXT[basis]} by ONS Explore Local Statistics, each with ONS's description.`,
        method: `ONS Explore Local Statistics clustering ${BASIS_TEXT[basis]}; clusters A to D. ONS clusters UK councils: English councils only are held here.`,
        areaTypes: [...LOWER_TIER],
        source: ONS_SOURCE,
        caveats:
          'Clusters are broad (dozens of councils each): a cluster is a setting for comparison, not a set of close neighbours.',
        publishedAt: '2026-03',
      },
      groups: [...clusters.values()]
        .filter((g) => clusters.get(`${basis}:${g.cluster}`) === g)
        .sort((a, b) => a.cluster!.localeCompare(b.cluster!)),
    },
  }));
}

const ALLOCATION = ['AREACD', 'AREANM', 'Global', 'Economic', 'Demographic'];

async function* readOns(files: string[], ctx: AdapterContext): AsyncGenerator<ImportItem> {
  if (files.length === 0)
    throw new Error(
      'ons-similar-areas takes the similar-areas files and/or the cluster allocation with its descriptions',
    );
  const kinds = await filesByKind(files, async (f) => {
    if (f.toLowerCase().endsWith('.json')) return 'descriptions';
    const header = await readHeader(f).catch(() => [] as string[]);
    if (ALLOCATION.every((c) => header.includes(c))) return 'allocation';
    if (header.includes('AREACD') && header.includes('20')) return path.basename(f);
    throw new ImportFileError(
      { file: display(f), line: 1 },
      `this is not an ONS similar-areas file (AREACD, 1 … 20), a cluster allocation (${ALLOCATION.join(', ')}) or the cluster descriptions (JSON)`,
      { wrongHeader: true },
    );
  });
  const allocation = kinds.get('allocation');
  const descriptions = kinds.get('descriptions');
  if (!!allocation !== !!descriptions)
    throw new ImportFileError(
      { file: display((allocation ?? descriptions)!), line: 0 },
      'the cluster allocation and the cluster descriptions go together: give both files',
    );
  for (const [kind, file] of kinds)
    if (kind !== 'allocation' && kind !== 'descriptions') yield await neighbourFile(file, ctx);
  if (allocation && descriptions) for (const item of await clusterFiles(allocation, descriptions, ctx)) yield item;
}

export const onsSimilarAreasAdapter: ImportAdapter = {
  name: 'ons-similar-areas',
  summary:
    'ONS Explore Local Statistics similar areas (20 ranked per council: global, economic, demographic) and clusters A to D',
  files:
    'ons_els_{global,economic,demographic}_neighbours.csv and/or ons_els_cluster_allocation.csv with ons_els_cluster_descriptions.json',
  signatures: [['AREACD', '1', '2', '20'], ALLOCATION],
  read: readOns,
};

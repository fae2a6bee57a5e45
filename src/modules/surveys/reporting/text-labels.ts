/**
 * Free-text answers are labelled with the respondent's authority type and region; a label that few councils share
 * would name the council (one London borough in the frame, one unitary in the North East). The tables' small-cell
 * rule applies: a label is shown only when at least `minBase` of the wave's population share it, the population being
 * the wave's frame (the councils asked), or for a wave without a frame (open) its respondents. Labels under that are
 * withheld, and so are the next smallest until the withheld together (with any unlabelled members) reach `minBase`, so
 * that the unlabelled answers cannot be told apart by elimination either.
 */

export interface Labelled {
  wave: string;
  authorityType: string | null;
  region: string | null;
}

/** How many members of a wave's population carry a label. */
export interface LabelCount {
  authorityType: string | null;
  region: string | null;
  members: number;
}

const keyOf = (l: { authorityType: string | null; region: string | null }) =>
  JSON.stringify([l.authorityType, l.region]);

/** The labels of one wave's population that must be withheld. */
export function withheldLabels(population: LabelCount[], minBase: number): Set<string> {
  const counts = new Map<string, number>();
  for (const p of population) counts.set(keyOf(p), (counts.get(keyOf(p)) ?? 0) + p.members);
  const unlabelled = keyOf({ authorityType: null, region: null });
  const shown = [...counts].filter(([k]) => k !== unlabelled).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  const withheld = new Set<string>();
  let pool = counts.get(unlabelled) ?? 0;
  for (const [k, n] of shown) {
    if (n >= minBase) break;
    withheld.add(k);
    pool += n;
  }
  // Secondary: the withheld together must not be a small cell themselves.
  for (const [k, n] of shown) {
    if (withheld.size === 0 || pool >= minBase) break;
    if (withheld.has(k)) continue;
    withheld.add(k);
    pool += n;
  }
  return withheld;
}

/**
 * The answers with labels withheld where the wave's population is too small to show them (both set to null), and how
 * many were withheld. `populations` gives each wave's population by the wave's label as the answers carry it.
 */
export function applyLabelRule<T extends Labelled>(
  answers: T[],
  populations: Map<string, LabelCount[]>,
  minBase: number,
): { answers: T[]; withheld: number } {
  const byWave = new Map<string, Set<string>>();
  for (const [wave, population] of populations) byWave.set(wave, withheldLabels(population, minBase));
  let withheld = 0;
  const out = answers.map((a) => {
    if (a.authorityType === null && a.region === null) return a;
    // A wave whose population is unknown shows no labels at all.
    const hide = byWave.get(a.wave)?.has(keyOf(a)) ?? true;
    if (!hide) return a;
    withheld++;
    return { ...a, authorityType: null, region: null };
  });
  return { answers: out, withheld };
}

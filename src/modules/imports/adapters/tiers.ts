/** The groups of council types that adapters' metrics and group families apply to, as the areas module defines them. */
import { COUNCIL_TYPES, typePrefixes } from '../../areas/index.ts';

function group(word: 'lower-tier' | 'upper-tier'): readonly string[] {
  const prefixes = typePrefixes(word);
  if (!prefixes) throw new Error(`the areas module has no "${word}" group of council types`);
  return [...prefixes];
}

/** Councils with lower-tier services: unitaries, shire districts, metropolitan districts, London boroughs. */
export const LOWER_TIER = group('lower-tier');
/** Councils with upper-tier services: unitaries, metropolitan districts, London boroughs, counties. */
export const UPPER_TIER = group('upper-tier');
/** Every council (unitaries, shire districts, metropolitan districts, London boroughs, counties). */
export { COUNCIL_TYPES };
/** Every council and the combined authorities. */
export const COUNCILS_AND_COMBINED_AUTHORITIES: readonly string[] = [...COUNCIL_TYPES, 'E47'];

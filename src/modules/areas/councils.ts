/**
 * The councils as the peer and leadership modules need them: every council (current and retired) by id and by code,
 * with its region, and the current code of a council re-coded since (the lineage). Kept while the geography is
 * unchanged.
 */
import type { AreasService } from './service.ts';

export interface Council {
  id: number;
  code: string;
  name: string;
  type: string;
  region: { code: string; name: string } | null;
  validFrom: string | null;
  validTo: string | null;
  /** The code this council is known by today: its own, or the later code it was re-coded as. */
  currentCode: string;
}

export interface Councils {
  byId: Map<number, Council>;
  byCode: Map<string, Council>;
  /** The councils live today. */
  current: Council[];
}

export function councilDirectory(areas: AreasService) {
  let kept: { stamp: string | null; value: Promise<Councils> } | undefined;
  async function load(): Promise<Councils> {
    const list = await areas.findAreas({ type: 'council', include: 'all', limit: 100_000 });
    const resolved = await areas.resolveCodes(list.areas.map((a) => a.code));
    const ids = new Map(resolved.areas.map((a) => [a.code, a.id]));
    const lineage = await areas.lineage();
    const byId = new Map<number, Council>();
    const byCode = new Map<string, Council>();
    for (const a of list.areas) {
      const id = ids.get(a.code);
      if (id === undefined) continue;
      const c: Council = {
        id,
        code: a.code,
        name: a.name,
        type: a.type,
        region: a.region,
        validFrom: a.validFrom,
        validTo: a.validTo,
        currentCode: lineage.recodedAs(id)?.code ?? a.code,
      };
      byId.set(id, c);
      byCode.set(a.code, c);
    }
    const current = list.areas
      .filter((a) => a.status === 'current')
      .map((a) => byCode.get(a.code))
      .filter((c): c is Council => c !== undefined);
    return { byId, byCode, current };
  }
  return async function councils(): Promise<Councils> {
    const stamp = await areas.lastModified();
    if (!kept || kept.stamp !== stamp) {
      const value = load();
      kept = { stamp, value };
      value.catch(() => (kept = undefined));
    }
    return kept.value;
  };
}
export type CouncilDirectory = ReturnType<typeof councilDirectory>;

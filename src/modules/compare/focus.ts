/**
 * Who is compared and with whom: the council (an English council's current or retired code), whether the metric
 * applies to it (if not, a 422 naming the council that runs the service), and the group by id as at a date.
 */
import { AppError, invalidParameter } from '../../platform/errors.ts';
import { COUNCIL_TYPES, typesInWords, type AreasService, type ResolvedArea } from '../areas/index.ts';
import type { GroupsService, ResolvedGroup, Viewer } from '../groups/index.ts';
import type { Metric } from '../metrics/index.ts';

export function createFocus(deps: { areas: AreasService; groups: GroupsService }) {
  const { areas, groups } = deps;

  async function focusArea(code: string): Promise<ResolvedArea> {
    const wanted = code.trim().toUpperCase();
    if (!/^E\d{8}$/.test(wanted)) throw invalidParameter('area', 'is not an English GSS code such as E08000009', code);
    const { areas: found } = await areas.resolveCodes([wanted]);
    const a = found[0];
    if (!a) {
      const problem = { field: 'area', message: 'is not a known area code', value: code };
      throw new AppError(400, 'unknown-area', `Unknown area "${wanted}". See /api/v1/areas.`, [problem]);
    }
    if (!COUNCIL_TYPES.includes(a.type)) {
      throw invalidParameter('area', `${a.code} (${a.name}) is not a council; comparisons are between councils`, code);
    }
    return a;
  }

  /** The 422 for a council the metric does not apply to, naming the council that runs the service where one does. */
  async function notApplicable(metric: Metric, a: ResolvedArea): Promise<AppError> {
    const types = metric.applicableAreaTypes;
    let hint = '';
    if (a.type === 'E07' && !types.includes('E07')) {
      const upper = (await areas.getArea(a.code)).parents.upperTier;
      const runs = `the county council that runs this service for ${a.name}`;
      if (upper) hint = ` Compare ${upper.name} (${upper.code}), ${runs}.`;
    } else if (a.type === 'E10' && !types.includes('E10')) {
      hint = ` This is a district-level service: compare one of ${a.name}'s districts.`;
    }
    const published = `it is published for ${typesInWords(types)}, so ${a.name} is not ranked on it.`;
    const problem = { field: 'area', message: 'the metric does not apply to this type of council', value: a.code };
    const detail = `${metric.title} does not apply to ${a.name} (${a.code}): ${published}${hint}`;
    return new AppError(422, 'not-applicable', detail, [problem]);
  }

  async function groupFor(id: string, at: string, viewer?: Viewer): Promise<ResolvedGroup> {
    try {
      return await groups.resolve(id, at, viewer);
    } catch (e) {
      if (e instanceof AppError && e.status === 404) {
        const see = 'See /api/v1/groups (or /api/v1/groups?area=CODE for the groups a council can be compared with).';
        const problem = { field: 'group', message: 'is not a group id', value: id };
        throw new AppError(400, 'unknown-group', `Unknown group "${id}". ${see}`, [problem]);
      }
      throw e;
    }
  }

  return { focusArea, notApplicable, groupFor };
}

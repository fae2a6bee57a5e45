/**
 * The report builder form (no JavaScript needed): one page with fieldsets. A form post becomes the API's body; the
 * service's per-field refusals come back as an error summary whose links go to the fields.
 */
import type { Db } from '../../platform/db.ts';
import type { FieldError } from '../../platform/errors.ts';
import type { SessionUser } from '../accounts/index.ts';
import { COUNCIL_TYPES, type AreaChoice, type AreaField, type AreasService } from '../areas/index.ts';
import type { GroupsService } from '../groups/index.ts';
import { type MetricsService, TOPICS } from '../metrics/index.ts';
import type { ReportBodyT, ReportDefinitionT } from './schemas.ts';

export const METRIC_FIELDS = ['metric1', 'metric2', 'metric3', 'metric4'] as const;
/** The councils to highlight: one field each, a name or a code (the API takes more). */
export const AREA_FIELDS = ['area1', 'area2', 'area3', 'area4'] as const;

export interface BuilderForm {
  title?: string;
  description?: string;
  chart?: string;
  metric1?: string;
  metric2?: string;
  metric3?: string;
  metric4?: string;
  area1?: string;
  area2?: string;
  area3?: string;
  area4?: string;
  group?: string;
  groupId?: string;
  periods?: string;
  visibility?: string;
  _csrf?: string;
}

/**
 * The form as the API's body, and which form field each metric and council in the body came from. `areas` are the
 * councils' codes, as the council fields were matched (builder.councils).
 */
export function formToBody(
  form: BuilderForm,
  councils: { field: string; code: string }[] = [],
): { body: ReportBodyT; metricFields: string[]; areaFields: string[] } {
  const metricFields = METRIC_FIELDS.filter((f) => (form[f] ?? '').trim() !== '');
  const areas = councils.map((c) => c.code);
  const group = (form.groupId ?? '').trim() || (form.group ?? '').trim();
  const definition = {
    metrics: metricFields.map((f) => form[f]!.trim()),
    ...(areas.length ? { areas } : {}),
    ...(group ? { group } : {}),
    ...((form.periods ?? '').trim() ? { periods: form.periods!.trim() } : {}),
    chart: (form.chart ?? '') as ReportDefinitionT['chart'],
  };
  return {
    body: {
      title: form.title ?? '',
      ...(form.description?.trim() ? { description: form.description } : {}),
      definition,
      ...(form.visibility ? { visibility: form.visibility as ReportBodyT['visibility'] & string } : {}),
    },
    metricFields,
    areaFields: councils.map((c) => c.field),
  };
}

/** The id of the form field an API error is about, so the error summary can link to it. */
export function fieldFor(e: FieldError, metricFields: string[], form: BuilderForm, areaFields: string[] = []): string {
  const f = e.field.replace(/^definition\./, '');
  const m = /^metrics\[(\d+)\]$/.exec(f);
  if (m) return metricFields[Number(m[1])] ?? 'metric1';
  if (f === 'metrics') return 'metric1';
  const a = /^areas\[(\d+)\]$/.exec(f);
  if (a) return areaFields[Number(a[1])] ?? 'area1';
  if (f.startsWith('areas')) return 'area1';
  if (f === 'group') return (form.groupId ?? '').trim() ? 'groupId' : 'group';
  if (f === 'chart') return 'chart';
  if (f === 'periods' || f === 'title' || f === 'visibility') return f;
  return 'title';
}

export function createBuilder(db: Db, deps: { metrics: MetricsService; groups: GroupsService; areas: AreasService }) {
  const { metrics, groups, areas } = deps;
  return {
    /**
     * The council fields as typed, matched by name or code: each field for the page, the councils found (with the
     * field each came from) and a problem per field that found none.
     */
    async councils(form: BuilderForm) {
      const fields: Record<string, AreaField<AreaChoice> | null> = {};
      const found: { field: string; code: string }[] = [];
      const problems: { field: string; message: string }[] = [];
      for (const f of AREA_FIELDS) {
        const field = await areas.councilField(form[f]);
        fields[f] = field;
        if (field?.area) found.push({ field: f, code: field.area.code });
        else if (field) problems.push({ field: f, message: field.error! });
      }
      return { fields, found, problems };
    },
    /** The options for the form: measures by service area, groups for the user's council, their own groups. */
    async options(user: SessionUser, form: BuilderForm) {
      const list = await metrics.list({ limit: 1000 });
      const metricOptions = METRIC_FIELDS.map((field) =>
        TOPICS.map((t) => ({
          label: t.title,
          options: list.metrics
            .filter((m) => m.topic === t.id && m.latestPeriod)
            .map((m) => ({ value: m.id, text: m.title, selected: m.id === form[field] })),
        })).filter((g) => g.options.length > 0),
      );
      const ids = new Map<string, string>();
      if (user.council)
        for (const g of await groups.groupsForArea(user.council.code))
          ids.set(g.id, `${g.name} (${g.members.length} councils)`);
      else
        for (const t of [...COUNCIL_TYPES, 'upper', 'lower'])
          ids.set(
            t.startsWith('E') ? `type:${t}` : `tier:${t}`,
            t.startsWith('E') ? `Councils of type ${t}` : `Councils running ${t}-tier services`,
          );
      for (const g of await groups.customGroupsOf(user))
        ids.set(g.id, `${g.name} (your group, ${g.members.length} councils)`);
      const groupOptions = [
        { value: '', text: 'No group', selected: !form.group },
        ...[...ids].map(([value, text]) => ({ value, text, selected: value === form.group })),
      ];
      return { metricOptions, groupOptions };
    },
  };
}
export type Builder = ReturnType<typeof createBuilder>;

/** View models for the comparison page and the sector overview (direction of travel). */
import { AppError } from '../../platform/errors.ts';
import { areaField, type AreasService } from '../areas/index.ts';
import { embedView } from './embed-view.ts';
import type { Comparison, CompareService } from '../compare/index.ts';
import { type GroupsService, groupPath, type Viewer } from '../groups/index.ts';
import { responsiveBarChart } from '../maps/index.ts';
import { type MetricsService, TOPICS } from '../metrics/index.ts';
import type { ObservationsService } from '../observations/index.ts';
import type { SectorService } from '../sector/index.ts';
import { directionTag, directionWords, formatValue, polarityWords, quarterWords, valueCell } from './format.ts';

/** The embed's view of a comparison (embed-view.ts): its chart and rows around the council, and its height. */
function embedFor(result: {
  c: Comparison;
  members: {
    name: string;
    code: string;
    isFocus: boolean;
    value: string;
    rank: string;
    quarter: string;
    raw: number | null;
    excluded: boolean;
  }[];
}) {
  const c = result.c;
  return embedView({
    title: `${c.metric.title}, ${c.period.label}: ${c.area.name} and the councils nearest in rank in ${c.group.name}`,
    description: c.sentence,
    unit: c.metric.unit,
    decimalPlaces: c.metric.decimalPlaces,
    median: c.statistics.median,
    caveats: c.metric.caveats ?? null,
    members: result.members.filter((m) => !m.excluded),
  });
}

export function createAnalysisPages(deps: {
  compare: CompareService;
  groups: GroupsService;
  metrics: MetricsService;
  areas: AreasService;
  sector: SectorService;
  observations: ObservationsService;
}) {
  const { compare, groups, metrics, areas, sector, observations } = deps;

  return {
    /** `viewer`: the signed-in user, who may compare with their own private groups. */
    async compare(
      q: {
        metric?: string | undefined;
        area?: string | undefined;
        group?: string | undefined;
        period?: string | undefined;
        /** The service area whose measures to offer (the first step of choosing a measure). */
        topic?: string | undefined;
        /** `measures`: only the service area's measures were asked for; missing fields are not yet errors. */
        step?: string | undefined;
      },
      viewer?: Viewer,
    ) {
      const choices = await metrics.choices();
      // Measures are chosen by service area, then measure: the service area asked for, or the chosen measure's.
      const ofMetric = choices.find((m) => m.id === q.metric)?.topic ?? undefined;
      const topic = (q.step === 'measures' ? q.topic : undefined) ?? ofMetric ?? q.topic;
      const topicOptions = TOPICS.map((t) => ({
        value: t.id,
        text: `${t.title} (${choices.filter((m) => m.topic === t.id).length} measures)`,
        selected: t.id === topic,
      })).filter((t) => choices.some((m) => m.topic === t.value));
      const metricOptions = topic
        ? choices
            .filter((m) => m.topic === topic)
            .map((m) => ({ value: m.id, text: m.title, selected: m.id === q.metric }))
        : [];
      // The council: a name (as the areas module matches names) or a code.
      const area = q.area ? areaField(q.area, await areas.matchArea(q.area)) : null;
      const areaCode = area?.area?.code;
      let groupOptions: { value: string; text: string; selected: boolean }[] = [];
      if (areaCode)
        groupOptions = (await groups.groupsForArea(areaCode)).map((g) => ({
          value: g.id,
          text: `${g.name} (${g.members.length})`,
          selected: g.id === q.group,
        }));
      // Once anything is asked for, every field still missing is said (unless only the measures were asked for).
      const errors: { field: string; message: string }[] = [];
      if ((q.metric || q.area || q.group || q.topic) && q.step !== 'measures') {
        if (!q.metric)
          errors.push(
            topic
              ? { field: 'metric', message: 'Choose a measure' }
              : { field: 'topic', message: 'Choose a service area, then a measure' },
          );
        else if (!choices.some((m) => m.id === q.metric))
          errors.push({ field: 'metric', message: `No measure has the id “${q.metric}”: choose one from the list` });
        if (!area) errors.push({ field: 'area', message: areaField(undefined, null).error! });
        else if (area.error) errors.push({ field: 'area', message: area.error });
        if (areaCode && !q.group)
          errors.push({ field: 'group', message: `Choose the councils to compare ${area!.area!.name} with` });
        else if (!areaCode && !q.group && !area?.choices.length)
          errors.push({ field: 'group', message: 'Choose the councils to compare with, once the council is found' });
      }
      const form = { topicOptions, metricOptions, groupOptions, area, areaName: area?.area?.name ?? null, q, errors };
      if (errors.length > 0 || !q.metric || !areaCode || !q.group)
        return { ...form, result: null, problem: errors[0] ?? null };
      try {
        const c = await compare.compare({ metric: q.metric, area: areaCode, group: q.group, period: q.period }, viewer);
        const dp = c.metric.decimalPlaces;
        const unit = c.metric.unit;
        const bars = c.members.filter((m) => m.excludedBecause === null);
        const d = c.categories;
        // A categorical measure (judgements): the chart counts councils per judgement; nothing plots the judgements
        // themselves as numbers, and there is no median, quartile, mean or rank.
        const chart = d
          ? responsiveBarChart({
              title: `${c.metric.title}: ${c.group.name}, councils by judgement`,
              description: c.sentence,
              unit: 'councils',
              decimalPlaces: 0,
              bars: d.counts.map((k) => ({
                label: k.label,
                value: k.count,
                emphasis: k.code === c.focus.category?.code,
              })),
            })
          : responsiveBarChart({
              title: `${c.metric.title}, ${c.period.label}: ${c.area.name} and ${c.group.name}`,
              description: c.sentence,
              unit,
              decimalPlaces: dp,
              bars: [
                ...bars.map((m) => ({ label: m.name, value: m.value, emphasis: m.isFocus })),
                ...(c.statistics.median !== null
                  ? [{ label: 'Group median', value: c.statistics.median, note: 'median' }]
                  : []),
              ],
            });
        const s = c.statistics;
        const result = {
          c,
          groupUrl: groupPath(c.group.id),
          chart,
          polarity: polarityWords(c.metric.polarity),
          stats: d
            ? [
                ['Councils compared', String(s.n)],
                ['With a judgement', String(d.of)],
                ...(s.notApplicable ? [['Not applicable (left out)', String(s.notApplicable)]] : []),
                ...(s.noData ? [['No judgement', String(s.noData)]] : []),
                ...d.counts.map((k) => [k.label, String(k.count)]),
                ...(d.better ? [[d.better.label, `${d.better.count} of ${d.of}`]] : []),
              ]
            : [
                ['Councils compared', String(s.n)],
                ['With a figure', String(s.countWithData)],
                ...(s.notApplicable ? [['Not applicable (left out)', String(s.notApplicable)]] : []),
                ...(s.noData ? [['No figure', String(s.noData)]] : []),
                ['Median', formatValue(s.median, dp, unit)],
                ['Lower and upper quartiles', `${formatValue(s.q1, dp, unit)} and ${formatValue(s.q3, dp, unit)}`],
                ['Mean', formatValue(s.mean, dp, unit)],
                ...(s.weightedMean !== null
                  ? [['Mean weighted by denominator', formatValue(s.weightedMean, dp, unit)]]
                  : []),
                ['Lowest and highest', `${formatValue(s.min, dp, unit)} and ${formatValue(s.max, dp, unit)}`],
                ...(c.england ? [['England', valueCell(c.england.value, c.england.status, dp, unit)]] : []),
              ],
          members: c.members.map((m) => ({
            name: m.name,
            code: m.code,
            isFocus: m.isFocus,
            raw: m.value,
            excluded: m.excludedBecause !== null,
            value: d
              ? m.category
                ? `${m.category.label} (${m.category.periodLabel})`
                : valueCell(null, m.status, dp, unit)
              : valueCell(m.value, m.status, dp, unit),
            source: m.source?.note ?? null,
            rank: d
              ? '–'
              : m.rank === null
                ? m.excludedBecause === 'not-applicable'
                  ? 'Not applicable'
                  : 'No figure'
                : `${m.rank}${m.tied ? ' (tied)' : ''}`,
            quarter: quarterWords(m.quartileBand, c.metric.polarity),
            significance:
              m.significance === null
                ? ''
                : m.significance === 'not-different'
                  ? 'Not significantly different'
                  : `Significantly ${m.significance === 'above' ? 'higher' : 'lower'}`,
            direction: directionWords(m.direction.lastStep?.direction),
            directionTag: directionTag(m.direction.lastStep?.direction),
          })),
          csvUrl: `/api/v1/compare.csv?metric=${encodeURIComponent(c.metric.id)}&area=${c.area.code}&group=${encodeURIComponent(c.group.id)}&period=${encodeURIComponent(c.period.period)}`,
          xlsxUrl: `/api/v1/compare.xlsx?metric=${encodeURIComponent(c.metric.id)}&area=${c.area.code}&group=${encodeURIComponent(c.group.id)}&period=${encodeURIComponent(c.period.period)}`,
          // The embed follows the latest period unless one was asked for, so a council's website stays current.
          embedUrl: `/embed/compare?metric=${encodeURIComponent(c.metric.id)}&area=${c.area.code}&group=${encodeURIComponent(c.group.id)}${q.period ? `&period=${encodeURIComponent(q.period)}` : ''}`,
        };
        return { ...form, problem: null, result: { ...result, embedHeight: embedFor(result).height } };
      } catch (e) {
        if (e instanceof AppError && e.status < 500) {
          const problem = { message: e.message, field: e.errors[0]?.field ?? 'metric' };
          return { ...form, errors: [problem], result: null, problem };
        }
        throw e;
      }
    },

    /** The compare embed: the comparison, with the council compared and its neighbours in rank in view. */
    async compareEmbed(q: { metric?: string; area?: string; group?: string; period?: string }) {
      const model = await this.compare(q);
      return { ...model, embed: model.result ? embedFor(model.result) : null };
    },

    async sector(q: { area?: string | undefined; basket?: string | undefined }) {
      let report;
      // The council by name or code; one that fits none or several is said at the field, over England's figures.
      const areaInput = await areas.councilField(q.area);
      const areaErrors = areaInput?.error ? [{ field: 'area', message: areaInput.error }] : [];
      try {
        report = await sector.directionOfTravel({ area: areaInput?.area?.code, basket: q.basket });
      } catch (e) {
        if (e instanceof AppError && (e.code === 'no-basket' || e.status === 400))
          return { report: null, problem: e.message, areaInput, areaErrors };
        throw e;
      }
      const chart = responsiveBarChart({
        title: `Measures that improved, by service area${report.area ? `: ${report.area.name}` : ': England'}`,
        description: report.summary.byTheme
          .map((t) => `${t.title}: ${t.improved} of ${t.classified} improved, ${t.worsened} worsened`)
          .join('; '),
        unit: 'measures',
        decimalPlaces: 0,
        bars: report.summary.byTheme.flatMap((t) => [
          { label: `${t.title}: improved`, value: t.improved },
          { label: `${t.title}: worsened`, value: t.worsened, note: t.flagged ? 'flagged' : '' },
        ]),
      });
      const csvQuery = new URLSearchParams({
        ...(report.area ? { area: report.area.code } : {}),
        ...(q.basket ? { basket: q.basket } : {}),
      }).toString();
      return {
        problem: null,
        areaInput,
        areaErrors,
        report,
        chart,
        metrics: report.metrics.map((m) => ({
          ...m,
          baselineText: endText(m, m.baseline, 'betterBefore'),
          latestText: endText(m, m.latest, 'betterNow'),
          themeTitle: TOPICS.find((t) => t.id === m.theme)?.title ?? m.theme,
          classificationText: directionWords(m.classification),
          tag: directionTag(m.classification),
          notes: [m.baseline?.note, m.baseline?.method, m.latest?.note].filter((x): x is string => !!x),
        })),
        csvUrl: `/api/v1/sector/direction-of-travel.csv${csvQuery ? `?${csvQuery}` : ''}`,
        reportUrl: `/sector/report.html${csvQuery ? `?${csvQuery}` : ''}`,
        reproduce: {
          cli: `npx sli analyse direction-of-travel --basket ${report.basket.id}@${report.basket.version}${report.area ? ` --area ${report.area.code}` : ''} --format json`,
          api: `/api/v1/sector/direction-of-travel.json?${new URLSearchParams({ basket: `${report.basket.id}@${report.basket.version}`, ...(report.area ? { area: report.area.code } : {}) }).toString()}`,
        },
        dataAsAt: await observations.lastPublished(),
        heading: `Direction of travel${report.area ? `: ${report.area.name} (${report.area.code})` : ' of the sector: England'}`,
        jsonUrl: `/api/v1/sector/direction-of-travel.json${csvQuery ? `?${csvQuery}` : ''}`,
      };
    },
  };
}
type SectorMetric = Awaited<ReturnType<SectorService['directionOfTravel']>>['metrics'][number];

/**
 * A basket measure's baseline or latest as text: the figure, a council's judgement by its label, or for England on a
 * categorical measure how many of the councils compared were "Good or better" (counts, never an average); where no
 * council has two judgements, no baseline and, as the latest, how many councils are "Good or better" now.
 */
function endText(m: SectorMetric, e: SectorMetric['baseline'], better: 'betterBefore' | 'betterNow'): string {
  const j = m.judgements;
  // One judgement per council: no baseline to show, and the latest is the distribution as it stands.
  const d = m.latestJudgements;
  if (d?.movement) {
    if (better === 'betterBefore') return 'No earlier judgement held';
    const [from, to] = [d.published?.from.slice(0, 4), d.published?.to.slice(0, 4)];
    return `${d.headline} (each council's latest judgement${from ? `, published ${from === to ? `in ${from}` : `${from} to ${to}`}` : ''})`;
  }
  if (j?.betterLabel && j.total[better] !== null && j.total.compared > 0)
    return `${j.betterLabel}: ${j.total[better]} of ${j.total.compared} councils`;
  if (!e) return '–';
  const figure = e.category ?? valueCell(e.value, e.status, m.metric.decimalPlaces, m.metric.unit);
  return `${figure} (${e.label})`;
}

export type AnalysisPages = ReturnType<typeof createAnalysisPages>;

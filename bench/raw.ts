/**
 * The raw-engine baseline the importer is measured against: the same records, resolved to ids, written with the
 * engine's own bulk path and nothing else (prepared inserts in one transaction on SQLite; COPY in one transaction on
 * PostgreSQL). No validation, no revision history, no duplicate detection.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import type { Db } from '../src/platform/db.ts';
import type { ImportAdapter } from '../src/modules/imports/adapter.ts';

const nullable = (v: number | null | undefined) => (v === null || v === undefined ? '\\N' : String(v));

export async function rawLoad(db: Db, adapter: ImportAdapter, files: string[]): Promise<number> {
  const now = new Date().toISOString();
  const areaIds = new Map(
    (await db.kysely.selectFrom('areas').select(['id', 'code']).execute()).map((a) => [a.code, a.id]),
  );
  const metricIds = new Map<string, number>();
  const periodIds = new Map<string, number>();
  let rows = 0;
  if (db.dialect === 'sqlite') {
    const s = db.sqlite!;
    s.exec('BEGIN IMMEDIATE');
    const insMetric = s.prepare(
      `INSERT INTO metrics (code, slug, title, unit, unit_type, decimal_places, polarity, period_type, applicable_area_types, source_publisher, licence, statistics_status, adapter, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'raw', ?, ?) RETURNING id`,
    );
    const insPeriod = s.prepare(
      'INSERT INTO periods (iso, type, start_date, end_date, label) VALUES (?, ?, ?, ?, ?) RETURNING id',
    );
    const insObs = s.prepare(
      'INSERT INTO observations (metric_id, period_id, area_id, value, status, lci, uci, ci_level, numerator, denominator, note, revision, import_id, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,1,0,?)',
    );
    for await (const item of adapter.read(files, { error: () => {}, progress: () => {} })) {
      if (item.kind === 'metric') {
        const m = item.metric;
        const r = insMetric.get(
          m.code,
          m.code,
          m.title,
          m.unit,
          m.unitType,
          m.decimalPlaces,
          m.polarity,
          m.periodType,
          JSON.stringify(m.applicableAreaTypes),
          m.source.publisher,
          m.source.licence,
          m.statisticsStatus,
          now,
          now,
        ) as { id: number };
        metricIds.set(m.code, r.id);
      } else if (item.kind === 'observation') {
        const o = item.observation;
        let p = periodIds.get(o.period.iso);
        if (p === undefined) {
          p = (
            insPeriod.get(o.period.iso, o.period.type, o.period.start, o.period.end, o.period.label) as { id: number }
          ).id;
          periodIds.set(o.period.iso, p);
        }
        insObs.run(
          metricIds.get(o.metric)!,
          p,
          areaIds.get(o.area)!,
          o.value,
          o.status.join(','),
          o.lci ?? null,
          o.uci ?? null,
          o.ciLevel ?? null,
          o.numerator ?? null,
          o.denominator ?? null,
          o.note ?? null,
          now,
        );
        rows++;
      }
    }
    s.exec('COMMIT');
    return rows;
  }
  const client = await db.pool!.connect();
  try {
    await client.query('BEGIN');
    let buffer: string[] = [];
    const flush = async () => {
      if (buffer.length === 0) return;
      const text = buffer.join('');
      buffer = [];
      await pipeline(
        Readable.from([text]),
        client.query(
          copyStreams.from(
            'COPY observations (metric_id, period_id, area_id, value, status, lci, uci, ci_level, numerator, denominator, note, revision, import_id, updated_at) FROM STDIN',
          ),
        ),
      );
    };
    for await (const item of adapter.read(files, { error: () => {}, progress: () => {} })) {
      if (item.kind === 'metric') {
        const m = item.metric;
        const r = await client.query(
          `INSERT INTO metrics (code, slug, title, unit, unit_type, decimal_places, polarity, period_type, applicable_area_types, source_publisher, licence, statistics_status, adapter, created_at, updated_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,'raw',$13,$14) RETURNING id`,
          [
            m.code,
            m.code,
            m.title,
            m.unit,
            m.unitType,
            m.decimalPlaces,
            m.polarity,
            m.periodType,
            JSON.stringify(m.applicableAreaTypes),
            m.source.publisher,
            m.source.licence,
            m.statisticsStatus,
            now,
            now,
          ],
        );
        metricIds.set(m.code, r.rows[0].id as number);
      } else if (item.kind === 'observation') {
        const o = item.observation;
        let p = periodIds.get(o.period.iso);
        if (p === undefined) {
          p = (
            await client.query(
              'INSERT INTO periods (iso, type, start_date, end_date, label) VALUES ($1,$2,$3,$4,$5) RETURNING id',
              [o.period.iso, o.period.type, o.period.start, o.period.end, o.period.label],
            )
          ).rows[0].id as number;
          periodIds.set(o.period.iso, p);
        }
        buffer.push(
          `${metricIds.get(o.metric)}\t${p}\t${areaIds.get(o.area)}\t${nullable(o.value)}\t${o.status.join(',')}\t${nullable(o.lci)}\t${nullable(o.uci)}\t${nullable(o.ciLevel)}\t${nullable(o.numerator)}\t${nullable(o.denominator)}\t${o.note ? o.note.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : '\\N'}\t1\t0\t${now}\n`,
        );
        rows++;
        if (buffer.length >= 250_000) await flush();
      }
    }
    await flush();
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
  return rows;
}

/** Reads the adapter's records and does nothing else: the cost both paths share. */
export async function readOnly(adapter: ImportAdapter, files: string[]): Promise<number> {
  let rows = 0;
  for await (const item of adapter.read(files, { error: () => {}, progress: () => {} }))
    if (item.kind === 'observation') rows++;
  return rows;
}

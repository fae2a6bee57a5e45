/**
 * The worker behind columnsReader: reads observation columns on its own read connection to the SQLite file and hands
 * them back (the typed arrays moved, not copied).
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { sqliteColumns } from './columns.ts';

const conn = new DatabaseSync((workerData as { file: string }).file, { readOnly: true });
conn.exec('PRAGMA busy_timeout = 10000');
conn.exec('PRAGMA cache_size = -65536');

parentPort!.on('message', (m: { id: number; metricIds: number[]; areaIds?: number[]; areaFirst: boolean }) => {
  try {
    const c = sqliteColumns(conn, m.metricIds, m.areaIds, m.areaFirst);
    const moved = [c.metric, c.period, c.area, c.value, c.lci, c.uci, c.flags].map((a) => a.buffer as ArrayBuffer);
    parentPort!.postMessage({ id: m.id, columns: c }, moved);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
});

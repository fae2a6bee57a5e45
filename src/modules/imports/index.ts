import type { Db } from '../../platform/db.ts';
import type { AppModule } from '../../platform/app-types.ts';
import type { ImportsService } from './preview.ts';
import { importsPages } from './pages.ts';
import { importsRoutes } from './routes.ts';
import { runImport, type ImportRequest, type ImportSummary } from './service.ts';
import { adapterForHeader, adapters, findAdapter } from './registry.ts';
import { readHeader } from './csv.ts';
import { applyBoundaries } from '../maps/index.ts';
import { applyGeography } from '../areas/index.ts';
import { applyGroupFamily } from '../groups/index.ts';

export {
  runImport,
  publishImport,
  discardImport,
  listImports,
  importsStamp,
  ImportStateError,
  withdrawObservations,
  WITHDRAW_ADAPTER,
  type ImportSummary,
  type WithdrawRequest,
} from './service.ts';
export { adapters, findAdapter, suggestAdapter } from './registry.ts';
export { createImportsService, type ImportsService } from './preview.ts';

/**
 * The imports API and pages for analysts: the list, and one import (a draft's preview of what publishing it would
 * change).
 */
export const importsModule: AppModule<{ imports: ImportsService }> = {
  name: 'imports',
  register(app, { imports }) {
    importsRoutes(app, imports);
    importsPages(app, imports);
  },
};
export type * from './adapter.ts';
export { readCsv, ImportFileError } from './csv.ts';

export class UnknownAdapterError extends Error {}

import type { ImportAdapter } from './adapter.ts';

/** Runs an import with an adapter given in code (e.g. a model built from the data service), with every store wired. */
export function importWith(
  db: Db,
  adapter: ImportAdapter,
  opts: Omit<ImportRequest, 'adapter' | 'files'> = {},
): Promise<ImportSummary> {
  return runImport(db, { adapter, files: [], applyBoundaries, applyGeography, applyGroups: applyGroupFamily, ...opts });
}

/** Imports files with the named adapter (the CLI's entry point). */
export async function importFiles(
  db: Db,
  adapterName: string,
  files: string[],
  opts: Omit<ImportRequest, 'adapter' | 'files'> = {},
): Promise<ImportSummary> {
  const adapter = findAdapter(adapterName);
  if (!adapter) {
    throw new UnknownAdapterError(
      `there is no "${adapterName}" importer; use one of: ${adapters()
        .map((a) => a.name)
        .join(', ')}`,
    );
  }
  return runImport(db, {
    adapter,
    files,
    applyBoundaries,
    applyGeography,
    applyGroups: applyGroupFamily,
    suggestAdapter: async (file) => {
      const other = adapterForHeader(await readHeader(file));
      return other && other.name !== adapter.name
        ? `it looks like a file for the "${other.name}" adapter: use "sli import ${other.name} …"`
        : undefined;
    },
    ...opts,
  });
}
export { defraRecyclingAdapter } from './adapters/defra-recycling.ts';
export { oflogAscAdapter } from './adapters/oflog-asc.ts';
export { ofstedIlacsAdapter } from './adapters/ofsted-ilacs.ts';
export { type ImportItem } from './adapter.ts';

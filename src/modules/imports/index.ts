import type { AppModule } from '../../platform/app-types.ts';
import type { ImportsService } from './preview.ts';
import { importsPages } from './pages.ts';
import { importsRoutes } from './routes.ts';
import { uploadPages } from './upload-pages.ts';
import type { Uploads } from './upload.ts';

export {
  runImport,
  publishImport,
  discardImport,
  deriveAll,
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
export {
  SHARED_DATA,
  planSharedData,
  anySharedData,
  entryName,
  type PlannedEntry,
  type SharedDataEntry,
  type SharedDataStepName,
} from './shared-data.ts';
export { loadedState, type LoadedState } from './loaded.ts';
export { abandonUnfinished } from './parts.ts';
export { createUploads, type Uploads } from './upload.ts';

/**
 * The imports API and pages for analysts: the list, and one import (a draft's preview of what publishing it would
 * change).
 */
export const importsModule: AppModule<{ imports: ImportsService; uploads: Uploads; uploadMaxMb: number }> = {
  name: 'imports',
  register(app, { imports, uploads, uploadMaxMb }) {
    importsRoutes(app, imports);
    importsPages(app, imports);
    uploadPages(app, { imports, uploads, maxMb: uploadMaxMb });
  },
};
export type * from './adapter.ts';
export { readCsv, ImportFileError } from './csv.ts';

export { importWith, importFiles, UnknownAdapterError } from './run-files.ts';
export { defraRecyclingAdapter } from './adapters/defra-recycling.ts';
export { oflogAscAdapter } from './adapters/oflog-asc.ts';
export { ofstedIlacsAdapter } from './adapters/ofsted-ilacs.ts';
export { type ImportItem } from './adapter.ts';
export {
  SERVICES as SERVICE_SPEND_SERVICES,
  MEASURES as SERVICE_SPEND_MEASURES,
  serviceMetricCode,
} from './adapters/mhclg-service-spend.ts';
export { raLineCode } from './adapters/mhclg-revenue-budget.ts';

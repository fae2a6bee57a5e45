import type { AccountsTables } from './accounts/tables.ts';
import type { AreasTables } from './areas/tables.ts';
import type { GroupsTables } from './groups/tables.ts';
import type { ImportsTables } from './imports/tables.ts';
import type { MapsTables } from './maps/tables.ts';
import type { MetricsTables } from './metrics/tables.ts';
import type { ObservationsTables } from './observations/tables.ts';
import type { SavedReportsTables } from './saved-reports/tables.ts';
import type { SectorTables } from './sector/tables.ts';
import type { SurveysTables } from './surveys/tables.ts';
import type { SurveyThemesTables } from './surveys/themes-repository.ts';

/** The whole schema as Kysely sees it: each module owns its tables. */
export interface Database extends AccountsTables, AreasTables, MetricsTables, ObservationsTables, ImportsTables, MapsTables, GroupsTables, SectorTables, SurveysTables, SurveyThemesTables, SavedReportsTables {}

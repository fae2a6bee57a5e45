/**
 * The surveys module's offline analysis, as the CLI uses it: definitions from files, a responses CSV checked against
 * the definition and its routing, report tables with significance, and rim weighting. No database needed.
 */
export { readDefinitionFile, definitionFromJson, definitionProblems, toSurveyJs, type SurveyDefinition } from '../definition/index.ts';
export { readResponsesCsv } from './responses-csv.ts';
export { loadResponses, type ResponseData, type ResponseProblem } from './responses.ts';
export { tabulate, type Tabulation, type TabulateOptions, type SurveyTable } from './tabulate.ts';
export { tablesCsvRows, tablesXlsx, TABLES_CSV_COLUMNS, formatP } from './output.ts';
export { weightResponses, readTargets, type WeightedFile } from '../analysis/weight-files.ts';
export { series, type Series, type SeriesPoint } from './series.ts';

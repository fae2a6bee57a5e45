/** Survey definitions: read SurveyJS JSON or XLSForm, normalise, validate. */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { badRequest } from '../../../platform/errors.ts';
import { fromSurveyJs } from './surveyjs.ts';
import { fromXlsForm } from './xlsform.ts';
import { assertValidDefinition } from './validate.ts';
import { toSurveyJs } from './surveyjs-out.ts';
import type { SurveyDefinition } from './types.ts';

export * from './types.ts';
export { responseColumns, partColumn, type ResponseColumn } from './columns.ts';
export { isAsked, pipeText, answerLabel } from './routing.ts';
export { definitionProblems, assertValidDefinition } from './validate.ts';
export { evaluate, parseExpression } from './expression.ts';
export { toSurveyJs, printExpression } from './surveyjs-out.ts';

const slug = (file: string) =>
  basename(file, extname(file))
    .replace(/[^\w-]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'survey';

/** Parses JSON text, turning a syntax error into one that names the line and column. */
export function parseJsonText(textIn: string, source: string): unknown {
  try {
    return JSON.parse(textIn);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    let where = '';
    if (m) {
      const before = textIn.slice(0, Number(m[1]));
      const line = before.split('\n').length;
      where = `:${line}:${Number(m[1]) - before.lastIndexOf('\n')}`;
    }
    throw badRequest(`${source}${where}: not valid JSON (${(err as Error).message})`, [
      { field: `${source}${where}`, message: 'not valid JSON' },
    ]);
  }
}

/** Reads a definition from a SurveyJS .json file or an XLSForm .xlsx file, validated. */
export async function readDefinitionFile(file: string): Promise<SurveyDefinition> {
  const ext = extname(file).toLowerCase();
  let def: SurveyDefinition;
  try {
    if (ext === '.json') def = fromSurveyJs(parseJsonText(await readFile(file, 'utf8'), file), slug(file));
    else if (ext === '.xlsx') def = await fromXlsForm(await readFile(file), slug(file));
    else throw badRequest(`${file}: a survey definition is SurveyJS JSON (.json) or an XLSForm spreadsheet (.xlsx)`);
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') throw badRequest(`${file}: no such file`);
    throw err;
  }
  return assertValidDefinition(def, file);
}

/** Parses a definition held in memory (an API upload): SurveyJS JSON object. */
export function definitionFromJson(json: unknown, fallbackCode = 'survey'): SurveyDefinition {
  return assertValidDefinition(fromSurveyJs(json, fallbackCode), 'definition');
}
export { routingInWords, unpipedText } from './words.ts';

/**
 * A definition uploaded as a file (a page's form): SurveyJS JSON (.json, or text starting with `{`) or an XLSForm
 * (.xlsx), validated, with the SurveyJS JSON to store (an XLSForm converted). Problems name the file and the question,
 * JSON path or sheet and row.
 */
export async function definitionFromUpload(
  filename: string,
  data: Buffer,
): Promise<{ definition: SurveyDefinition; json: unknown }> {
  const ext = extname(filename).toLowerCase();
  if (ext === '.xlsx') {
    const def = assertValidDefinition(await fromXlsForm(data, slug(filename)), filename);
    return { definition: def, json: toSurveyJs(def) };
  }
  const textIn = data.toString('utf8').replace(/^\uFEFF/, '');
  if (ext !== '.json' && !textIn.trimStart().startsWith('{'))
    throw badRequest(`${filename}: a questionnaire is SurveyJS JSON (.json) or an XLSForm spreadsheet (.xlsx)`, [
      { field: filename, message: 'is neither SurveyJS JSON nor an XLSForm (.xlsx)' },
    ]);
  const json = parseJsonText(textIn, filename);
  return {
    definition: assertValidDefinition(fromSurveyJs(json, slug(filename)), filename),
    json,
  };
}

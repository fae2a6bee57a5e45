/**
 * CSV on the Web (W3C "Model for Tabular Data and Metadata"): the metadata document beside every CSV the service
 * serves, at the CSV's address + `-metadata.json` (the same query), and the `Link: rel="describedby"` header that
 * points a CSV at it. The columns come from the same CsvColumn list the CSV's header is written from, so the two
 * cannot drift; licence, attribution and caveats come from the data the CSV holds.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CsvColumn } from './csv.ts';

export const CSVM = 'application/csvm+json';

/** Licence ids the catalogue uses, and the address of each licence's text. */
const LICENCE_URLS: Record<string, string> = {
  'OGL-UK-3.0': 'http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
  'OGL v3': 'http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
  'CC-BY-4.0': 'https://creativecommons.org/licenses/by/4.0/',
  'ODbL-1.0': 'https://opendatacommons.org/licenses/odbl/1-0/',
};

const Strings = (description: string) => Type.Array(Type.String(), { description });

export const CsvwColumnSchema = Type.Object({
  name: Type.String({ description: 'The name in the CSV header row' }),
  titles: Type.String(),
  datatype: Type.String({ description: 'A CSVW datatype: string, integer, decimal, boolean, date, dateTime' }),
  null: Type.String({ description: 'How a cell with no value is written (empty)' }),
  'dc:description': Type.String(),
});

export const CsvwSchema = Type.Object(
  {
    '@context': Type.Literal('http://www.w3.org/ns/csvw'),
    url: Type.String({ description: 'The CSV this document describes' }),
    'dc:title': Type.String(),
    'dc:description': Type.String(),
    'dc:license': Strings('The licences of the data: the address of each licence where known, else its name'),
    'dc:rights': Strings('The licences as the catalogue names them'),
    'dc:publisher': Strings('Attribution: whom to credit for the data'),
    'dc:source': Strings("The publishers' pages the data come from"),
    'dc:modified': Type.Optional(Type.String({ description: 'When the data last changed' })),
    'rdfs:comment': Strings('Caveats on the data (each naming what it qualifies) and notes on this download'),
    dialect: Type.Object({ header: Type.Boolean(), encoding: Type.String(), doubleQuote: Type.Boolean() }),
    tableSchema: Type.Object({ columns: Type.Array(CsvwColumnSchema) }),
  },
  {
    description:
      'CSVW metadata (W3C Model for Tabular Data, JSON-LD): the columns of the CSV in order with titles, datatypes and descriptions, its licence, attribution and caveats',
  },
);
export type Csvw = Static<typeof CsvwSchema>;

/** The OpenAPI response of a metadata route: the CSVW document as application/csvm+json. */
export const csvwResponse = {
  description: CsvwSchema.description!,
  content: { [CSVM]: { schema: CsvwSchema } },
};

export interface CsvwInput {
  /** The CSV's absolute address (csvUrl gives it for a request). */
  url: string;
  title: string;
  description: string;
  columns: readonly CsvColumn[];
  licences: readonly string[];
  attribution: readonly string[];
  sources?: readonly (string | null | undefined)[];
  /** Each caveat naming what it qualifies, e.g. "Household waste recycled (defra.recycling): …". */
  caveats?: readonly string[];
  notes?: readonly string[];
  modified?: string | null;
}

const distinct = (xs: readonly (string | null | undefined)[]): string[] => [
  ...new Set(xs.filter((x): x is string => !!x && x.trim() !== '')),
];

/** The CSVW metadata document of a CSV. */
export function csvw(i: CsvwInput): Csvw {
  const licences = distinct(i.licences);
  return {
    '@context': 'http://www.w3.org/ns/csvw',
    url: i.url,
    'dc:title': i.title,
    'dc:description': i.description,
    'dc:license': licences.map((l) => LICENCE_URLS[l] ?? l),
    'dc:rights': licences,
    'dc:publisher': distinct(i.attribution),
    'dc:source': distinct(i.sources ?? []),
    ...(i.modified ? { 'dc:modified': i.modified } : {}),
    'rdfs:comment': [...distinct(i.caveats ?? []), ...distinct(i.notes ?? [])],
    dialect: { header: true, encoding: 'utf-8', doubleQuote: true },
    tableSchema: {
      columns: i.columns.map((c) => ({
        name: c.name,
        titles: c.title,
        datatype: c.datatype,
        null: '',
        'dc:description': c.description,
      })),
    },
  };
}

/** "Title (id): caveat" for each item with caveats. */
export const caveatLines = (items: readonly { id: string; title: string; caveats: string | null | undefined }[]) =>
  distinct(items.filter((m) => m.caveats).map((m) => `${m.title} (${m.id}): ${m.caveats}`));

/** The service's public origin (SLI_PUBLIC_URL or the address it listens on), never a request's Host header. */
const origin = (req: FastifyRequest) => req.server.publicOrigin();
const queryOf = (req: FastifyRequest) => {
  const q = req.url.indexOf('?');
  return q < 0 ? '' : req.url.slice(q);
};

/**
 * The absolute address of the CSV a request is for: its own (a CSV route), or `csvPath` with the request's query (a
 * metadata route, or a route that answers CSV by content negotiation).
 */
export function csvUrl(req: FastifyRequest, csvPath?: string): string {
  const path = csvPath ?? req.url.split('?')[0]!.replace(/-metadata\.json$/, '');
  return `${origin(req)}${path}${queryOf(req)}`;
}

/** The address of a CSV's metadata document: the CSV's path + `-metadata.json`, with the same query. */
export function metadataUrl(csvPathWithQuery: string): string {
  const q = csvPathWithQuery.indexOf('?');
  return q < 0
    ? `${csvPathWithQuery}-metadata.json`
    : `${csvPathWithQuery.slice(0, q)}-metadata.json${csvPathWithQuery.slice(q)}`;
}

/**
 * Points a CSV response at its metadata: `Link: <…-metadata.json>; rel="describedby"; type="application/csvm+json"`.
 * `csvPath` when the request's own path is not the CSV's (content negotiation, a POST that answers CSV).
 */
export function describedBy(req: FastifyRequest, reply: FastifyReply, csvPath?: string): FastifyReply {
  const path = csvPath ?? req.url.split('?')[0]!;
  return reply.header('link', `<${metadataUrl(`${path}${queryOf(req)}`)}>; rel="describedby"; type="${CSVM}"`);
}

import { parse } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/node';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { csvColumns, csvStream, csvText, neutralise, safeRow } from './csv.ts';
import { csvw, metadataUrl } from './csvw.ts';
import { spreadsheet } from './spreadsheet.ts';

const COLUMNS = csvColumns([
  ['name', 'Name', 'string', 'A name'],
  ['value', 'Value', 'decimal', 'A number'],
  ['count', 'Count', 'integer', 'A whole number'],
]);

/** The text of one entry of an XLSX (a zip): found by name in the central directory, inflated with node:zlib. */
function zipEntry(zip: Buffer, name: string): string {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const entry = zip.subarray(at + 46, at + 46 + nameLength).toString();
    const local = zip.readUInt32LE(at + 42);
    if (entry === name) {
      const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const raw = zip.subarray(data, data + zip.readUInt32LE(at + 20));
      return (zip.readUInt16LE(at + 10) === 8 ? inflateRawSync(raw) : raw).toString();
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  throw new Error(`${name} is not in the workbook`);
}

describe('formula neutralisation', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","Click")', `'=HYPERLINK("http://evil.example","Click")`],
    ['+SUM(A1:A2)', "'+SUM(A1:A2)"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', "'\r=1+1"],
    ['-5', "'-5"],
    ['Trafford', 'Trafford'],
    ['a=b', 'a=b'],
    ['-', '-'],
    ['', ''],
  ])('a text cell %j is written %j', (value, written) => {
    expect(neutralise(value)).toBe(written);
  });

  it('a plain number in a numeric column stays as it is; anything else there is still neutralised', () => {
    expect(neutralise('-5', true)).toBe('-5');
    expect(neutralise('+1.5e3', true)).toBe('+1.5e3');
    expect(neutralise('-5+cmd', true)).toBe("'-5+cmd");
  });

  it('safeRow keeps numbers as numbers, neutralises text by column, and refuses a row that drifted from its columns', () => {
    expect(safeRow(['=1+1', -5, '-7'], COLUMNS)).toEqual(["'=1+1", -5, '-7']);
    expect(safeRow({ name: '-x', value: '-2.5', count: null, other: '=ignored' }, COLUMNS)).toEqual([
      "'-x",
      '-2.5',
      null,
    ]);
    expect(() => safeRow(['a', 1], COLUMNS)).toThrow(/2 cells for 3 columns/);
  });

  it('csvText and csvStream write the same neutralised file with the header from the columns', async () => {
    const rows = [
      ['=cmd', -1.5, 3],
      ['ok', null, -2],
    ];
    const text = csvText(rows, COLUMNS);
    expect(parse(text)).toEqual([
      ['name', 'value', 'count'],
      ["'=cmd", '-1.5', '3'],
      ['ok', '', '-2'],
    ]);
    let streamed = '';
    for await (const chunk of csvStream(rows, COLUMNS)) streamed += String(chunk);
    expect(streamed).toBe(text);
  });
});

describe('CSVW metadata', () => {
  it('describes the columns in order with the licence address, attribution and caveats', () => {
    const doc = csvw({
      url: 'http://x.example/api/v1/data.csv?metric=a',
      title: 'T',
      description: 'D',
      columns: COLUMNS,
      licences: ['OGL-UK-3.0', 'OGL-UK-3.0', 'Own terms'],
      attribution: ['Publisher A', 'Publisher A'],
      caveats: ['A (a): careful'],
      notes: ['a note'],
    });
    expect(doc['@context']).toBe('http://www.w3.org/ns/csvw');
    expect(doc['dc:license']).toEqual([
      'http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
      'Own terms',
    ]);
    expect(doc['dc:publisher']).toEqual(['Publisher A']);
    expect(doc['rdfs:comment']).toEqual(['A (a): careful', 'a note']);
    expect(doc.tableSchema.columns.map((c) => [c.name, c.titles, c.datatype])).toEqual([
      ['name', 'Name', 'string'],
      ['value', 'Value', 'decimal'],
      ['count', 'Count', 'integer'],
    ]);
  });

  it("a CSV's metadata is at its path + -metadata.json with the same query", () => {
    expect(metadataUrl('/api/v1/data.csv?metric=a&period=all')).toBe(
      '/api/v1/data.csv-metadata.json?metric=a&period=all',
    );
    expect(metadataUrl('/api/v1/reports/x.csv')).toBe('/api/v1/reports/x.csv-metadata.json');
  });
});

describe('spreadsheets', () => {
  it('write a text cell starting with = as neutralised text, never a formula; numbers stay numbers', async () => {
    const xlsx = await spreadsheet({
      title: '=TITLE()',
      cover: [{ heading: 'Source', text: '@publisher' }],
      notes: [{ number: 1, text: '+note' }],
      tables: [
        {
          sheet: 'Table',
          title: 'A table',
          about: [],
          columns: [{ header: 'Name' }, { header: 'Value' }],
          rows: [
            ['=HYPERLINK("http://evil.example","Click")', -5],
            ['-', null],
          ],
        },
      ],
    });
    const sheets = await readXlsxFile(xlsx);
    expect(sheets[0]!.data[0]![0]).toBe("'=TITLE()");
    expect(sheets[0]!.data.flat()).toContain("'@publisher");
    expect(sheets[2]!.data.flat()).toContain("'+note");
    expect(sheets[3]!.data.slice(-2)).toEqual([
      [`'=HYPERLINK("http://evil.example","Click")`, -5],
      ['-', '[x]'],
    ]);
    // No cell of any sheet is a formula (<f>), and the table's number is a number cell.
    for (const n of [1, 2, 3, 4]) expect(zipEntry(xlsx, `xl/worksheets/sheet${n}.xml`)).not.toMatch(/<f[ >]/);
    expect(zipEntry(xlsx, 'xl/worksheets/sheet4.xml')).toMatch(/<c r="B\d+"[^>]*><v>-5<\/v><\/c>/);
  });
});

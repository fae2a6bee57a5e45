import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from './helpers/app.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import type { App } from '../src/platform/app-types.ts';

interface Response {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
}
interface Operation {
  name: string;
  responses: Record<string, Response>;
}

/** What @fastify/swagger writes for a route that declares no response, or a response schema without a description. */
const DEFAULT = 'Default Response';

describe('the OpenAPI document', () => {
  let db: TestDb;
  let app: App;
  let operations: Operation[];
  beforeAll(async () => {
    db = await createTestDb();
    app = await createTestApp(db);
    const doc = (await app.inject('/api/v1/openapi.json')).json<{ paths: Record<string, Record<string, Operation>> }>();
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        name: `${method.toUpperCase()} ${path}`,
        responses: op.responses,
      })),
    );
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('holds the operations of every module, the surveys API included', () => {
    expect(operations.length).toBeGreaterThan(50);
    expect(operations.some((op) => op.name.includes('/api/v1/surveys/'))).toBe(true);
  });

  it('every operation declares its success responses, each with a schema (none only a default response)', () => {
    const wrong = operations.flatMap((op) => {
      const success = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
      if (success.length === 0) return [`${op.name}: no 2xx response`];
      return success
        .filter(([status, r]) => status !== '204' && !Object.values(r.content ?? {}).some((media) => media.schema))
        .map(([status, r]) => `${op.name} ${status}: no schema${r.description === DEFAULT ? ` (${DEFAULT})` : ''}`);
    });
    expect(wrong).toEqual([]);
  });

  it('every response says what it is', () => {
    const wrong = operations.flatMap((op) =>
      Object.entries(op.responses)
        .filter(([, r]) => !r.description || r.description === DEFAULT)
        .map(([status]) => `${op.name} ${status}`),
    );
    expect(wrong).toEqual([]);
  });

  it('every CSV download has a CSVW metadata document at its address + -metadata.json', () => {
    const csv = operations.filter((op) => {
      const media = Object.keys(op.responses['200']?.content ?? {});
      // A route that answers JSON or CSV by the Accept header points to the metadata of its .csv twin.
      return media.includes('text/csv') && !media.includes('application/json');
    });
    expect(csv.length).toBeGreaterThan(8);
    const byName = new Map(operations.map((op) => [op.name, op]));
    const wrong = csv
      .map((op) => `GET ${op.name.split(' ')[1]}-metadata.json`)
      .filter((name) => !byName.get(name)?.responses['200']?.content?.['application/csvm+json']?.schema);
    expect(wrong).toEqual([]);
  });

  it('every error response is the one problem shape, as application/problem+json', () => {
    const wrong = operations.flatMap((op) =>
      Object.entries(op.responses)
        .filter(([status]) => /^[45]/.test(status))
        .filter(([, r]) => {
          const media = Object.entries(r.content ?? {});
          return media.length !== 1 || media[0]![0] !== 'application/problem+json' || !isProblem(media[0]![1].schema);
        })
        .map(([status]) => `${op.name} ${status}`),
    );
    expect(wrong).toEqual([]);
  });
});

const isProblem = (schema: unknown) =>
  (schema as { $ref?: string } | undefined)?.$ref === '#/components/schemas/Problem';

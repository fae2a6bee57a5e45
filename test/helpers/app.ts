import { isDeepStrictEqual } from 'node:util';
import { buildApp, type App } from '../../src/app/app.ts';
import type { Services } from '../../src/app/services.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { TestDb } from './db.ts';

/**
 * A real app over a test database, for `app.inject` route tests; `services` when the test needs the very services the
 * app uses (for instance to flush the request recorder).
 */
export async function createTestApp(db: TestDb, env: Record<string, string> = {}, services?: Services): Promise<App> {
  const config = loadConfig({ SLI_LOG_LEVEL: 'silent', ...env }, { databaseUrl: db.url });
  const app = await buildApp({ db, config, logger: createLogger('silent') }, services);
  checkSerialization(app);
  await app.ready();
  return app;
}

/**
 * A response schema is also the serializer (fast-json-stringify): it leaves out what it does not name and coerces
 * types, so an incomplete schema would change a response without a word. In tests every JSON body sent is compared
 * with what the handler returned; a difference fails the request (500) and is written to stderr.
 */
function checkSerialization(app: App): void {
  const returned = new WeakMap<object, string>();
  app.addHook('preSerialization', async (_req, reply, payload) => {
    returned.set(reply, JSON.stringify(payload));
    return payload;
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const before = returned.get(reply);
    returned.delete(reply);
    if (before === undefined || typeof payload !== 'string') return payload;
    const want = JSON.parse(before) as unknown;
    const got = JSON.parse(payload) as unknown;
    if (isDeepStrictEqual(want, got)) return payload;
    const where = `${req.method} ${req.url} (${reply.statusCode})`;
    const message = `The response schema of ${where} changed the body:\n${differences(want, got, '').join('\n')}`;
    process.stderr.write(`${message}\n`);
    throw new Error(message);
  });
}

function differences(want: unknown, got: unknown, at: string): string[] {
  if (isDeepStrictEqual(want, got)) return [];
  if (want && got && typeof want === 'object' && typeof got === 'object') {
    const w = want as Record<string, unknown>;
    const g = got as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(w), ...Object.keys(g)])];
    return keys.flatMap((k) => differences(w[k], g[k], `${at}.${k}`)).slice(0, 10);
  }
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 200);
  return [`  ${at || '(body)'}: handler ${show(want)}, sent ${show(got)}`];
}

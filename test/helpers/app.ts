import { buildApp, type App } from '../../src/app/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { TestDb } from './db.ts';

/** A real app over a test database, for `app.inject` route tests. */
export async function createTestApp(db: TestDb, env: Record<string, string> = {}): Promise<App> {
  const config = loadConfig({ SLI_LOG_LEVEL: 'silent', ...env }, { databaseUrl: db.url });
  const app = await buildApp({ db, config, logger: createLogger('silent') });
  await app.ready();
  return app;
}

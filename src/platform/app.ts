import Fastify, { type FastifyError } from 'fastify';
import etag from '@fastify/etag';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { AppError, ProblemSchema, toProblem, type FieldError } from './errors.ts';
import { databaseUnavailable, isDatabaseUnavailable } from './db-errors.ts';
import { registerSecurity } from './security.ts';
import { registerViews } from './views.ts';
import { DataLoadStatus } from './data-load.ts';

import type { App, AppDeps } from './app-types.ts';
import { lazyCompilersFactory } from './lazy-schemas.ts';
import { trackInFlight } from './shutdown.ts';

export type { App, AppDeps } from './app-types.ts';

/** Turns Fastify/Ajv validation errors into our per-field errors, naming the parameter and the value. */
function validationErrors(err: FastifyError, input: Record<string, unknown>): FieldError[] {
  return (err.validation ?? []).map((v) => {
    const params = v.params as { additionalProperty?: string; missingProperty?: string };
    const field =
      params.additionalProperty ??
      params.missingProperty ??
      (v.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'request');
    const raw = input[field];
    const message = params.additionalProperty
      ? 'is not a known parameter'
      : params.missingProperty
        ? 'is required'
        : (v.message ?? 'is invalid');
    return { field, message, ...(typeof raw === 'string' ? { value: raw } : {}) };
  });
}

/** /readyz answers within a second whatever the database does; the database's share of that second. */
const DATABASE_CHECK_MS = 800;

/**
 * Whether the database answers a read of the schema within DATABASE_CHECK_MS: the check races a timer and loses to it
 * rather than waiting on a lock, a hung connection or a full pool. On PostgreSQL the check's statements carry timeouts
 * of their own, so a lost check does not linger; only one check runs at a time, later calls sharing it.
 */
function readinessCheck(deps: AppDeps): () => Promise<boolean> {
  const { db, logger } = deps;
  const query = async () => {
    if (db.dialect === 'postgres') {
      await db.kysely.transaction().execute(async (trx) => {
        await sql`SELECT set_config('statement_timeout', ${String(DATABASE_CHECK_MS)}, true),
          set_config('lock_timeout', ${String(DATABASE_CHECK_MS)}, true)`.execute(trx);
        await trx
          .selectFrom('imports')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst();
      });
    } else {
      await db.kysely
        .selectFrom('imports')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
    }
  };
  let running: Promise<boolean> | undefined;
  const check = () =>
    (running ??= query()
      .then(
        () => true,
        (err: unknown) => {
          logger.warn({ err }, 'readiness check failed');
          return false;
        },
      )
      .finally(() => {
        running = undefined;
      }));
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => {
        logger.warn(`readiness check: no answer from the database within ${DATABASE_CHECK_MS} ms`);
        resolve(false);
      }, DATABASE_CHECK_MS);
    });
    try {
      return await Promise.race([check(), late]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * A number parameter the route's schema asks for, given as text too large a number to hold (`1e309`): Ajv turns the
 * text into Infinity and lets it through as a valid integer, and the database refuses it. The field and its text, or
 * undefined when none is. (JSON numbers are not text: Ajv refuses an infinite one itself.)
 */
function infiniteNumber(schema: unknown, input: unknown): { field: string; value: string } | undefined {
  const props = (schema as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties;
  if (!props || !input || typeof input !== 'object') return undefined;
  for (const [field, value] of Object.entries(input as Record<string, unknown>)) {
    const type = Object.hasOwn(props, field) ? props[field]!.type : undefined;
    if ((type !== 'integer' && type !== 'number') || typeof value !== 'string') continue;
    const n = Number(value);
    if (value.trim() !== '' && !Number.isNaN(n) && !Number.isFinite(n)) return { field, value };
  }
  return undefined;
}

/**
 * The HTTP shell every module is registered into: request ids, the repeated-parameter guard, problem+json errors,
 * security headers, ETag, form bodies, OpenAPI, views, /healthz and /readyz. The composition root (src/app) adds the
 * modules.
 */
export async function buildHttp(deps: AppDeps): Promise<App> {
  const { config } = deps;
  // A request must arrive whole within the timeout (headers within the lesser of it and 20 s): a body that trickles in
  // is answered 408 and its connection closed. Node checks open requests every connectionsCheckingInterval.
  const requestTimeout = config.requestTimeoutMs;
  const app = Fastify({
    loggerInstance: deps.logger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    schemaController: { compilersFactory: lazyCompilersFactory() },
    routerOptions: { ignoreTrailingSlash: true },
    // The client's address and scheme come from X-Forwarded-* only when the request came from a configured proxy.
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    requestTimeout,
    http: {
      requestTimeout,
      headersTimeout: Math.min(requestTimeout, 20_000),
      connectionsCheckingInterval: Math.min(5000, Math.max(100, Math.floor(requestTimeout / 4))),
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  // On close, the requests in flight finish (or the request timeout passes) before the server closes, the modules'
  // closing hooks run and the caller closes the database (shutdown.ts).
  trackInFlight(app, requestTimeout);

  registerSecurity(app, config);

  // A parameter given twice is refused rather than silently picking one value.
  app.addHook('preValidation', async (req) => {
    const schema = req.routeOptions.schema;
    const huge =
      infiniteNumber(schema?.querystring, req.query) ??
      infiniteNumber(schema?.params, req.params) ??
      infiniteNumber(schema?.body, req.body); // a form's fields are text too
    if (huge)
      throw new AppError(400, 'invalid-parameter', `${huge.field} is too large a number ("${huge.value}").`, [
        { field: huge.field, message: 'is too large a number', value: huge.value },
      ]);
    const q = req.query as Record<string, unknown> | undefined;
    if (!q) return;
    const repeated = Object.entries(q).filter(([, v]) => Array.isArray(v));
    if (repeated.length > 0) {
      throw new AppError(
        400,
        'repeated-parameter',
        `Each query parameter may be given once; use a comma-separated list instead (${repeated.map(([k]) => k).join(', ')}).`,
        repeated.map(([k, v]) => ({ field: k, message: 'is repeated', value: (v as unknown[]).join('&') })),
      );
    }
  });

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    let problem: AppError;
    if (err instanceof AppError) problem = err;
    else if ((err as FastifyError).validation) {
      const input = { ...(req.query as object), ...(req.params as object) } as Record<string, unknown>;
      const errors = validationErrors(err as FastifyError, input);
      problem = new AppError(
        400,
        'invalid-parameter',
        errors.map((e) => `${e.field} ${e.message}${e.value !== undefined ? ` ("${e.value}")` : ''}`).join('; '),
        errors,
      );
    } else if (isDatabaseUnavailable(err)) {
      // The database is down, restarting, refusing connections or busy past a timeout: the client may try again.
      req.log.warn({ err }, 'database unavailable');
      problem = databaseUnavailable();
    } else if ((err as FastifyError).statusCode && (err as FastifyError).statusCode! < 500) {
      problem = new AppError(
        (err as FastifyError).statusCode!,
        (err as FastifyError).code ?? 'bad-request',
        err.message,
      );
    } else {
      req.log.error({ err }, 'unhandled error');
      problem = new AppError(
        500,
        'internal-error',
        'Something went wrong on our side. The request id identifies it in our logs.',
      );
    }
    if (problem.status >= 500 && err instanceof AppError) req.log.error({ err }, 'server error');
    for (const [k, v] of Object.entries(problem.headers)) reply.header(k, v);
    // A route may have set caching and validators before it failed: an error is never kept by a cache.
    if (problem.status >= 400) {
      reply.removeHeader('last-modified');
      if (!/no-store/.test(String(reply.getHeader('cache-control') ?? ''))) reply.header('cache-control', 'no-store');
    }
    const wantsHtml = !req.url.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html');
    if (wantsHtml) return reply.status(problem.status).view('error.njk', { problem: toProblem(problem, req.id) });
    return reply.status(problem.status).type('application/problem+json').send(toProblem(problem, req.id));
  });

  app.setNotFoundHandler((req, reply) => {
    const problem = new AppError(404, 'not-found', `There is nothing at ${req.url.split('?')[0]}.`);
    if (!req.url.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html')) {
      return reply.status(404).view('error.njk', { problem: toProblem(problem, req.id) });
    }
    return reply.status(404).type('application/problem+json').send(toProblem(problem, req.id));
  });

  app.addSchema(ProblemSchema);
  await app.register(etag, { weak: true });
  await app.register(formbody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sector-led improvement platform API',
        version: '1.0.0',
        description:
          'Keyless public API for English councils, metrics and observations. Data under the Open Government Licence v3.0 unless a metric says otherwise. Errors are application/problem+json.',
        license: {
          name: 'Open Government Licence v3.0',
          url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
        },
      },
      servers: [{ url: '/' }],
    },
    // Shared schemas (the Problem of every error response) keep their own names under components.schemas.
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/v1/docs' });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.decorate('dataLoad', new DataLoadStatus(config.sharedData));
  registerViews(app, { pageCacheBytes: deps.config.pageCacheMb * 1024 * 1024, brand: deps.config.brand });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  const ready = readinessCheck(deps);
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    // Ready while the publishers' files load: every page answers, saying how far the load has got.
    const load = app.dataLoad.view();
    if (await ready()) return { status: 'ready', database: deps.db.dialect, load };
    return reply.status(503).send({ status: 'unavailable', database: deps.db.dialect, load });
  });

  return app;
}

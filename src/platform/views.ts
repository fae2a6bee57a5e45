import { createHash } from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { App } from './app.ts';
import { metadataUrl } from './csvw.ts';
import { PageCache } from './page-cache.ts';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const govukRoot = path.dirname(require.resolve('govuk-frontend/package.json'));

declare module 'fastify' {
  interface FastifyReply {
    view(template: string, context?: object): FastifyReply;
    /**
     * A page that is the same for every visitor until the data change: rendered once per `stamp` (e.g. the newest
     * publication) and served from memory to visitors who are not signed in. Signed-in users always get it fresh.
     */
    viewCached(key: string, stamp: string, template: string, build: () => Promise<object>): Promise<FastifyReply>;
    /**
     * A JSON answer that is the same for everyone until the data change: serialized once per `stamp` by the route's
     * response schema and kept as bytes with its ETag in the same byte-bounded cache as the pages, so a large answer
     * (the catalogue) is neither rebuilt, serialized, encoded nor hashed on every request. `key` undefined: not kept.
     */
    jsonCached(key: string | undefined, stamp: string, build: () => Promise<unknown>): Promise<FastifyReply>;
  }
}

/** Nunjucks over our templates and the GOV.UK Frontend macros; GOV.UK assets served under /assets. */
export function createViewEnv(): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([path.join(here, '..', 'views'), path.join(govukRoot, 'dist')], { noCache: false }),
    { autoescape: true, throwOnUndefined: false },
  );
  env.addFilter('number', (v: unknown, dp = 0) =>
    typeof v === 'number' && Number.isFinite(v)
      ? v.toLocaleString('en-GB', { minimumFractionDigits: dp as number, maximumFractionDigits: dp as number })
      : '',
  );
  // A CSV link's CSVW metadata: the CSV's address + -metadata.json, same query (platform/csvw.ts).
  env.addFilter('csvMetadata', (url: unknown) => (typeof url === 'string' ? metadataUrl(url) : ''));
  return env;
}

/** `pageCacheBytes`: the memory kept pages may take (SLI_PAGE_CACHE_MB); the least recently used go first. */
export function registerViews(app: App, options: { pageCacheBytes: number }): void {
  const env = createViewEnv();
  void app.register(fastifyStatic, {
    root: path.join(govukRoot, 'dist', 'govuk', 'assets'),
    prefix: '/assets/',
    decorateReply: false,
  });
  void app.register(fastifyStatic, {
    root: path.join(govukRoot, 'dist', 'govuk'),
    prefix: '/govuk/',
    decorateReply: false,
    allowedPath: (p) => /^\/govuk-frontend\.min\.(css|js)$/.test(p),
  });
  void app.register(fastifyStatic, {
    root: path.join(here, '..', '..', 'public'),
    prefix: '/static/',
    decorateReply: false,
  });
  const render = (reply: FastifyReply, template: string, context: object) =>
    env.render(template, {
      ...context,
      currentPath: reply.request.url,
      user: reply.request.user ?? null,
      dataLoad: reply.server.dataLoad.view(),
    });
  // Pages may not be framed by other sites (clickjacking), except the embeds, which set their own policy: the Content
  // Security Policy of every HTML response is set in platform/security.ts.
  const send = (reply: FastifyReply, html: string | Buffer) => reply.type('text/html; charset=utf-8').send(html);
  app.decorateReply('view', function (this: FastifyReply, template: string, context: object = {}) {
    return send(this, render(this, template, context));
  });
  const pages = new PageCache(options.pageCacheBytes);
  app.decorateReply(
    'jsonCached',
    async function (this: FastifyReply, key: string | undefined, stamp: string, build: () => Promise<unknown>) {
      if (key === undefined) return this.send(await build());
      const hit = pages.get(`json:${key}`, stamp);
      const json = (body: Buffer) => this.type('application/json; charset=utf-8').send(body);
      if (hit) {
        this.header('etag', hit.etag);
        return json(hit.html);
      }
      const serialized = this.serialize(await build());
      const body = typeof serialized === 'string' ? Buffer.from(serialized) : Buffer.from(serialized as ArrayBuffer);
      const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
      pages.set(`json:${key}`, { stamp, html: body, etag });
      this.header('etag', etag);
      return json(body);
    },
  );
  app.decorateReply(
    'viewCached',
    async function (this: FastifyReply, key: string, stamp: string, template: string, build: () => Promise<object>) {
      // While the publishers' files load, every page says how far it has got: none is kept.
      if (this.request.user || this.server.dataLoad.active) return send(this, render(this, template, await build()));
      const hit = pages.get(key, stamp);
      // The ETag is worked out once per rendering (hashing a large page on every request costs more than sending it).
      if (hit) return send(this.header('etag', hit.etag), hit.html);
      // Kept as bytes: encoding a large page on every request costs more than sending it.
      const html = Buffer.from(render(this, template, await build()));
      const etag = `"${createHash('sha1').update(html).digest('base64url')}"`;
      pages.set(key, { stamp, html, etag });
      this.header('etag', etag);
      return send(this, html);
    },
  );
}

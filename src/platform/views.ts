import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { App } from './app.ts';
import { FONT_STACK, type Brand } from './brand.ts';
import { metadataUrl } from './csvw.ts';
import { PageCache } from './page-cache.ts';
import { CSS_DIR, ensureStylesheet } from './stylesheet.ts';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const govukRoot = path.dirname(require.resolve('govuk-frontend/package.json'));
const autocompleteRoot = path.dirname(require.resolve('accessible-autocomplete/package.json'));

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
  interface FastifyInstance {
    /**
     * The GET routes whose answer is an HTML page (not the API, static files or downloads), as registered: the
     * 320 px reflow test visits one of each and fails for a page type it does not know.
     */
    pageRoutes(): string[];
  }
}

/** A GET route that answers with a page: not the API, a static folder, a health check or a download. */
export const isPageRoute = (url: string): boolean =>
  !/^\/(api|css|govuk|static|brand|vendor)\//.test(url) &&
  !['/healthz', '/readyz'].includes(url) &&
  !/\.(csv|json|xlsx|atom|js|css|svg|png|jpg|webp)$/.test(url);

/**
 * Nunjucks over our templates and the GOV.UK Frontend macros (its patterns; none of its brand: layout.njk writes the
 * organisation's own header and footer). `brand`: the organisation the pages carry (config).
 */
export function createViewEnv(brand: Brand): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([path.join(here, '..', 'views'), path.join(govukRoot, 'dist')], { noCache: false }),
    { autoescape: true, throwOnUndefined: false },
  );
  env.addFilter('number', (v: unknown, dp = 0) =>
    typeof v === 'number' && Number.isFinite(v)
      ? v.toLocaleString('en-GB', { minimumFractionDigits: dp as number, maximumFractionDigits: dp as number })
      : '',
  );
  // A file's size for people: "340 KB", "2.4 MB".
  env.addFilter('fileSize', (v: unknown) =>
    typeof v !== 'number' || !Number.isFinite(v)
      ? ''
      : v < 1024 * 1024
        ? `${Math.max(1, Math.round(v / 1024))} KB`
        : `${(v / 1024 / 1024).toFixed(1)} MB`,
  );
  // A CSV link's CSVW metadata: the CSV's address + -metadata.json, same query (platform/csvw.ts).
  env.addGlobal('brand', brand);
  env.addGlobal('brandFontStack', FONT_STACK);
  env.addFilter('csvMetadata', (url: unknown) => (typeof url === 'string' ? metadataUrl(url) : ''));
  return env;
}

/**
 * `pageCacheBytes`: the memory kept pages may take (SLI_PAGE_CACHE_MB); the least recently used go first. The compiled
 * stylesheet is served under /css/ (built now if missing or stale); GOV.UK Frontend's script under /govuk/; none of its
 * assets (fonts, crown, icons, manifest): they are GOV.UK's brand.
 */
export function registerViews(app: App, options: { pageCacheBytes: number; brand: Brand }): void {
  const env = createViewEnv(options.brand);
  const pageRoutes = new Set<string>();
  app.addHook('onRoute', (r) => {
    const methods = [r.method].flat();
    if (methods.includes('GET') && isPageRoute(r.url)) pageRoutes.add(r.url);
  });
  app.decorate('pageRoutes', () => [...pageRoutes].sort());
  if (ensureStylesheet()) app.log.info({ dir: CSS_DIR }, 'stylesheet built');
  void app.register(fastifyStatic, { root: CSS_DIR, prefix: '/css/', decorateReply: false });
  void app.register(fastifyStatic, {
    root: path.join(govukRoot, 'dist', 'govuk'),
    prefix: '/govuk/',
    decorateReply: false,
    allowedPath: (p) => /^\/govuk-frontend\.min\.js$/.test(p),
  });
  // GOV.UK's accessible autocomplete, served from the installed package; public/autocomplete.js starts it.
  void app.register(fastifyStatic, {
    root: path.join(autocompleteRoot, 'dist'),
    prefix: '/vendor/accessible-autocomplete/',
    decorateReply: false,
    allowedPath: (p) => /^\/accessible-autocomplete\.min\.(css|js)$/.test(p),
  });
  const logo = options.brand.logo;
  if (logo) {
    const bytes = readFileSync(logo.file);
    app.get(logo.url, { schema: { hide: true } }, async (_req, reply) =>
      reply.type(logo.type).header('cache-control', 'public, max-age=3600').send(bytes),
    );
  }
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

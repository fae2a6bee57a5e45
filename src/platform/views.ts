import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { App } from './app.ts';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const govukRoot = path.dirname(require.resolve('govuk-frontend/package.json'));

declare module 'fastify' {
  interface FastifyReply {
    view(template: string, context?: object): FastifyReply;
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
  return env;
}

export function registerViews(app: App): void {
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
  void app.register(fastifyStatic, { root: path.join(here, '..', '..', 'public'), prefix: '/static/', decorateReply: false });
  app.decorateReply('view', function (this: FastifyReply, template: string, context: object = {}) {
    const html = env.render(template, { ...context, currentPath: this.request.url, user: this.request.user ?? null });
    return this.type('text/html; charset=utf-8').send(html);
  });
}

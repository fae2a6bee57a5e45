/**
 * The security headers of every response and the service's public address.
 *
 * Every response: `X-Content-Type-Options: nosniff`, a `Referrer-Policy` (unless a route chose a stricter one), and
 * `Strict-Transport-Security` when the service is reached over HTTPS. Every HTML response: a Content Security Policy
 * whose `script-src` allows only this service's script files and the one inline script of the GOV.UK template (by its
 * hash), and whose `frame-ancestors` is this service only, nobody for the API documentation, or anyone for the
 * embeds, which set their own policy with `contentSecurityPolicy('*')`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { App } from './app-types.ts';
import type { Config } from './config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The origin absolute links are built from (`https://host[:port]`): SLI_PUBLIC_URL, else the address the server
     * listens on. Never a request's Host or X-Forwarded-Host header, so no visitor can put another site into a page.
     */
    publicOrigin(): string;
  }
}

const require = createRequire(import.meta.url);
const govukTemplate = path.join(
  path.dirname(require.resolve('govuk-frontend/package.json')),
  'dist',
  'govuk',
  'template.njk',
);

/**
 * The hashes of the inline scripts of GOV.UK Frontend's page template (one: it marks the body `js-enabled`), read from
 * the installed template so that an upgrade cannot leave a stale hash behind.
 */
export function govukInlineScriptHashes(template = readFileSync(govukTemplate, 'utf8')): string[] {
  const hashes: string[] = [];
  for (const m of template.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    if (m[1]!.trim() === '') continue;
    hashes.push(`'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
  }
  return hashes;
}

const SCRIPT_SRC = ["'self'", ...govukInlineScriptHashes()].join(' ');

/** Who may frame a page: this service only, nobody, or anyone (the embeds). */
export type FrameAncestors = "'self'" | "'none'" | '*';

/**
 * The Content Security Policy of an HTML page: scripts and everything else from this service only (inline styles are
 * allowed: the embeds and the downloadable report carry their own), no plugins, no `<base>`, forms post here only.
 */
export function contentSecurityPolicy(frameAncestors: FrameAncestors = "'self'"): string {
  return [
    "default-src 'self'",
    `script-src ${SCRIPT_SRC}`,
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/** The API documentation (Swagger UI) may not be framed by anyone. */
const DOCS = '/api/v1/docs';

export function registerSecurity(app: App, config: Config): void {
  app.decorate('publicOrigin', function publicOrigin(): string {
    if (config.publicUrl) return config.publicUrl;
    const a = app.server.address();
    const listening = a && typeof a === 'object' ? a : { address: config.host, port: config.port, family: '' };
    const host = ['0.0.0.0', '::'].includes(listening.address) ? 'localhost' : listening.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${listening.port}`;
  });
  const httpsOnly = config.publicUrl?.startsWith('https:') ?? false;

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    // Browsers ignore it over plain HTTP; sent when the request came over TLS (or through a trusted proxy that says
    // so) or the public address is HTTPS.
    if (httpsOnly || req.protocol === 'https')
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html') && !reply.hasHeader('content-security-policy')) {
      const docs = req.url === DOCS || req.url.startsWith(`${DOCS}/`) || req.url.startsWith(`${DOCS}?`);
      reply.header('content-security-policy', contentSecurityPolicy(docs ? "'none'" : "'self'"));
    }
    // The older header for browsers without frame-ancestors: only where framing is limited.
    const csp = String(reply.getHeader('content-security-policy') ?? '');
    if (csp.includes("frame-ancestors 'none'")) reply.header('x-frame-options', 'DENY');
    else if (csp.includes("frame-ancestors 'self'")) reply.header('x-frame-options', 'SAMEORIGIN');
    return payload;
  });
}

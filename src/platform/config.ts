import { isIP } from 'node:net';
import path from 'node:path';
import { parseBrand, type Brand } from './brand.ts';

/** Typed configuration, parsed once at start. Every field can come from the environment; CLI flags override. */
export interface Config {
  /** `postgres://…` for PostgreSQL, otherwise `sqlite:<path>` or a bare file path for SQLite. */
  databaseUrl: string;
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest number of observations one /api/v1/data request may return before it is refused with 413. */
  maxDataRows: number;
  /**
   * Memory the rendered pages kept for visitors may take, in MB (SLI_PAGE_CACHE_MB, default 64; 0 keeps none). The
   * least recently used page is dropped first.
   */
  pageCacheMb: number;
  /** Secure flag on cookies (SLI_COOKIE_SECURE, default true; browsers accept Secure cookies from http://localhost). */
  cookieSecure: boolean;
  /** How long the web service waits on the database before answering 503 database-unavailable. */
  db: DbTimeouts;
  /**
   * The address the public reaches this service at (SLI_PUBLIC_URL, e.g. `https://sli.example.org`), an origin with no
   * path: every absolute link (embed code, permalinks, survey links) is built from it, never from a request's Host or
   * X-Forwarded-Host header. Unset: the address the server listens on (fine on one machine, not behind a proxy).
   */
  publicUrl: string | null;
  /**
   * The reverse proxies whose X-Forwarded-For, -Proto and -Host headers are believed (SLI_TRUSTED_PROXIES: IP addresses
   * or CIDR ranges, comma-separated, or `loopback`, `linklocal`, `uniquelocal`). Empty (the default): none; the client
   * is the socket's address whatever the headers say.
   */
  trustedProxies: string[];
  /**
   * Longest a client may take to send a whole request, headers and body (SLI_REQUEST_TIMEOUT_MS, default 30000): a
   * body that trickles in is cut off with 408 rather than holding a connection open.
   */
  requestTimeoutMs: number;
  /** Name, logo, colour, footer links and licence line of whoever runs the service (platform/brand.ts, SLI_BRAND_*). */
  brand: Brand;
  /**
   * Where the publishers' files are (SLI_SHARED_DATA, default ../shared/data): the first start of an empty SQLite
   * database loads what it finds there, and the pages' hints name it.
   */
  sharedData: string;
  /** Whether the first start of an empty SQLite database loads them (SLI_AUTOLOAD, default true). */
  autoload: boolean;
  /** Largest file analysts may upload on the imports pages, in MB (SLI_UPLOAD_MAX_MB, default 50). */
  uploadMaxMb: number;
  /**
   * Whether requests are counted for the usage scorecard (SLI_MONITOR_RECORDING, default true; modules/monitor). Off,
   * no event is recorded (the benchmark's soak measures what recording adds to a request this way).
   */
  monitorRecording: boolean;
  /** Outgoing email (modules/email): the SMTP server, or null when none is configured (messages stay queued). */
  smtp: SmtpConfig | null;
  surveys: SurveyConfig;
  mail: MailConfig;
}

/**
 * The SMTP server mail is sent through (SLI_SMTP_HOST, SLI_SMTP_PORT, SLI_SMTP_SECURE, SLI_SMTP_USER,
 * SLI_SMTP_PASSWORD). `secure`: `tls` (TLS from the first byte, usually port 465), `starttls` (plain connection that
 * must be upgraded with STARTTLS, usually 587; the default except on 465) or `none` (no TLS: a relay on this machine).
 */
export interface SmtpConfig {
  host: string;
  port: number;
  secure: 'tls' | 'starttls' | 'none';
  user: string | null;
  password: string | null;
}

export interface MailConfig {
  /** The From address (SLI_MAIL_FROM, e.g. `"Sector improvement" <noreply@example.org>`); needed with SLI_SMTP_HOST. */
  from: string | null;
  /** Run the queue's worker in the web service (SLI_MAIL_WORKER, default true when SMTP is configured). */
  worker: boolean;
  /** How often the worker looks for queued messages, ms (SLI_MAIL_POLL_MS, default 5000). */
  pollMs: number;
  /** Attempts before a message goes to the dead letters (SLI_MAIL_MAX_ATTEMPTS, default 8). */
  maxAttempts: number;
  /** Wait before the first retry, ms, doubling each time up to 6 hours (SLI_MAIL_RETRY_MS, default 60000). */
  retryMs: number;
  /** Longest an SMTP connection, greeting or reply may take, ms (SLI_SMTP_TIMEOUT_MS, default 30000). */
  timeoutMs: number;
}

/** Survey fielding (modules/surveys). */
export interface SurveyConfig {
  /**
   * The secret a frame member's link is derived from (SLI_LINK_SECRET, at least 32 characters): HMAC-SHA256 of it and
   * the member, so every invitation and reminder carries the same link, and a copy of the database (which holds only
   * the links' SHA-256) cannot rebuild them. Unset: a random secret is made once and kept in the database (links are
   * still stable, but a copy of the database can then rebuild them). After a change, each member's next message
   * carries a new link, and the one sent before stops working then.
   */
  linkSecret: string | null;
  /**
   * Days after a wave closes before its frame's contact details (email address and name) are erased
   * (SLI_SURVEY_CONTACT_DAYS, default 90); responses and counts are kept. The web service checks every hour;
   * `sli survey erase-contacts` does the same on demand.
   */
  contactDays: number;
}

/** Database timeouts in milliseconds (0: none). See README.md, "When the database goes away". */
export interface DbTimeouts {
  /** PostgreSQL: longest a statement of a request may run (SLI_DB_STATEMENT_TIMEOUT_MS, default 30000). */
  statementTimeoutMs: number;
  /** PostgreSQL: longest a statement waits for a lock another session holds (SLI_DB_LOCK_TIMEOUT_MS, default 5000). */
  lockTimeoutMs: number;
  /** PostgreSQL: longest to wait for a connection, new or from the pool (SLI_DB_CONNECT_TIMEOUT_MS, default 5000). */
  connectTimeoutMs: number;
  /**
   * SQLite: longest a write waits for another process's write lock (SLI_DB_BUSY_TIMEOUT_MS, default 1000). node:sqlite
   * waits synchronously, holding up the whole process, so it is kept short.
   */
  busyTimeoutMs: number;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function parseInteger(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; it is "${raw}". Fix or unset it.`);
  }
  return n;
}

/** A timeout in milliseconds from the environment, 0 (none) to a day. */
const milliseconds = (env: NodeJS.ProcessEnv, name: string, fallback: number) =>
  parseInteger(name, env[name] ?? String(fallback), 0, 86_400_000);

function parseBoolean(name: string, raw: string): boolean {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false; it is "${raw}".`);
}

/** SLI_PUBLIC_URL as an origin (`https://host[:port]`), or null when unset. */
function parsePublicUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  const why = `SLI_PUBLIC_URL must be the address the public uses, such as https://sli.example.org (http or https, no path, query or user); it is "${raw}".`;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(why);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash)
    throw new ConfigError(why);
  if (url.pathname !== '/') throw new ConfigError(why);
  return url.origin;
}

const PROXY_WORDS = ['loopback', 'linklocal', 'uniquelocal'];

/** SLI_TRUSTED_PROXIES: addresses or CIDR ranges (IPv4 or IPv6), or the words proxy-addr knows; checked here once. */
function parseTrustedProxies(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((entry) => {
    const e = entry.trim();
    if (PROXY_WORDS.includes(e)) return e;
    const [address, bits, extra] = e.split('/');
    const family = isIP(address ?? '');
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
    if (family === 0 || !bitsOk || extra !== undefined)
      throw new ConfigError(
        `SLI_TRUSTED_PROXIES must list IP addresses or CIDR ranges of your reverse proxies, comma-separated (e.g. 10.0.0.5,10.1.0.0/16), or loopback; "${e}" is not one.`,
      );
    return e;
  });
}

const SMTP_MODES = ['tls', 'starttls', 'none'] as const;

/** SLI_SMTP_* and SLI_MAIL_*: null SMTP when no host is set; a host without a sender is refused. */
function parseMail(env: NodeJS.ProcessEnv): { smtp: SmtpConfig | null; mail: MailConfig } {
  const host = env.SLI_SMTP_HOST?.trim() || null;
  const from = env.SLI_MAIL_FROM?.trim() || null;
  if (from && /[\r\n]/.test(from)) throw new ConfigError('SLI_MAIL_FROM must be one line.');
  if (from && !/@[^\s@>]+\.[^\s@>]+>?$/.test(from))
    throw new ConfigError(
      `SLI_MAIL_FROM must end with an email address, such as "Sector improvement" <noreply@example.org>; it is "${from}".`,
    );
  let smtp: SmtpConfig | null = null;
  if (host) {
    if (!from)
      throw new ConfigError(
        'SLI_SMTP_HOST is set but SLI_MAIL_FROM is not: set the address mail is sent from, such as noreply@example.org.',
      );
    const port = parseInteger('SLI_SMTP_PORT', env.SLI_SMTP_PORT ?? '587', 1, 65535);
    const secure = env.SLI_SMTP_SECURE ?? (port === 465 ? 'tls' : 'starttls');
    if (!(SMTP_MODES as readonly string[]).includes(secure))
      throw new ConfigError(`SLI_SMTP_SECURE must be one of ${SMTP_MODES.join(', ')}; it is "${secure}".`);
    const user = env.SLI_SMTP_USER?.trim() || null;
    const password = env.SLI_SMTP_PASSWORD ?? null;
    if (user && !password) throw new ConfigError('SLI_SMTP_USER is set but SLI_SMTP_PASSWORD is not.');
    smtp = { host, port, secure: secure as SmtpConfig['secure'], user, password: user ? password : null };
  }
  return {
    smtp,
    mail: {
      from,
      worker: parseBoolean('SLI_MAIL_WORKER', env.SLI_MAIL_WORKER ?? 'true'),
      pollMs: parseInteger('SLI_MAIL_POLL_MS', env.SLI_MAIL_POLL_MS ?? '5000', 10, 3_600_000),
      maxAttempts: parseInteger('SLI_MAIL_MAX_ATTEMPTS', env.SLI_MAIL_MAX_ATTEMPTS ?? '8', 1, 100),
      retryMs: parseInteger('SLI_MAIL_RETRY_MS', env.SLI_MAIL_RETRY_MS ?? '60000', 0, 86_400_000),
      timeoutMs: parseInteger('SLI_SMTP_TIMEOUT_MS', env.SLI_SMTP_TIMEOUT_MS ?? '30000', 100, 600_000),
    },
  };
}

/** SLI_LINK_SECRET and SLI_SURVEY_CONTACT_DAYS. */
function parseSurveys(env: NodeJS.ProcessEnv): SurveyConfig {
  const secret = env.SLI_LINK_SECRET;
  if (secret !== undefined && secret !== '' && secret.length < 32)
    throw new ConfigError(
      `SLI_LINK_SECRET must be at least 32 characters (it is ${secret.length}): make one with "openssl rand -base64 48", or unset it to keep a secret in the database.`,
    );
  return {
    linkSecret: secret || null,
    contactDays: parseInteger('SLI_SURVEY_CONTACT_DAYS', env.SLI_SURVEY_CONTACT_DAYS ?? '90', 0, 3650),
  };
}

export function defaultDatabaseUrl(cwd = process.cwd()): string {
  return `sqlite:${path.join(cwd, 'data', 'sli.sqlite')}`;
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Record<'databaseUrl' | 'port' | 'host', string | undefined>> = {},
): Config {
  const databaseUrl = overrides.databaseUrl ?? env.SLI_DATABASE_URL ?? defaultDatabaseUrl();
  if (
    !/^(postgres(ql)?:\/\/|sqlite:)/.test(databaseUrl) &&
    !databaseUrl.endsWith('.sqlite') &&
    !databaseUrl.endsWith('.db')
  ) {
    throw new ConfigError(
      `SLI_DATABASE_URL "${databaseUrl}" is neither a postgres:// URL nor sqlite:<file>. Example: postgres://user@127.0.0.1:5432/sli or sqlite:./data/sli.sqlite`,
    );
  }
  const logLevel = env.SLI_LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`SLI_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; it is "${logLevel}".`);
  }
  return {
    databaseUrl,
    host: overrides.host ?? env.SLI_HOST ?? '127.0.0.1',
    port: parseInteger('port (SLI_PORT or --port)', overrides.port ?? env.SLI_PORT ?? env.PORT ?? '3000', 0, 65535),
    logLevel: logLevel as Config['logLevel'],
    maxDataRows: parseInteger('SLI_MAX_DATA_ROWS', env.SLI_MAX_DATA_ROWS ?? '50000', 1, 10_000_000),
    pageCacheMb: parseInteger('SLI_PAGE_CACHE_MB', env.SLI_PAGE_CACHE_MB ?? '64', 0, 65_536),
    cookieSecure: parseBoolean('SLI_COOKIE_SECURE', env.SLI_COOKIE_SECURE ?? 'true'),
    db: {
      statementTimeoutMs: milliseconds(env, 'SLI_DB_STATEMENT_TIMEOUT_MS', 30_000),
      lockTimeoutMs: milliseconds(env, 'SLI_DB_LOCK_TIMEOUT_MS', 5000),
      connectTimeoutMs: milliseconds(env, 'SLI_DB_CONNECT_TIMEOUT_MS', 5000),
      busyTimeoutMs: milliseconds(env, 'SLI_DB_BUSY_TIMEOUT_MS', 1000),
    },
    publicUrl: parsePublicUrl(env.SLI_PUBLIC_URL),
    trustedProxies: parseTrustedProxies(env.SLI_TRUSTED_PROXIES),
    requestTimeoutMs: parseInteger('SLI_REQUEST_TIMEOUT_MS', env.SLI_REQUEST_TIMEOUT_MS ?? '30000', 500, 3_600_000),
    sharedData: path.resolve(env.SLI_SHARED_DATA?.trim() || path.join('..', 'shared', 'data')),
    autoload: parseBoolean('SLI_AUTOLOAD', env.SLI_AUTOLOAD ?? 'true'),
    uploadMaxMb: parseInteger('SLI_UPLOAD_MAX_MB', env.SLI_UPLOAD_MAX_MB ?? '50', 1, 4096),
    monitorRecording: parseBoolean('SLI_MONITOR_RECORDING', env.SLI_MONITOR_RECORDING ?? 'true'),
    ...parseMail(env),
    surveys: parseSurveys(env),
    brand: parseBrand(env),
  };
}

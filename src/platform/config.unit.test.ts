import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import path from 'node:path';

describe('the database timeouts in the configuration', () => {
  it('default to 30 s statements, 5 s lock waits, 5 s connects and a 1 s SQLite busy wait', () => {
    expect(loadConfig({}).db).toEqual({
      statementTimeoutMs: 30_000,
      lockTimeoutMs: 5000,
      connectTimeoutMs: 5000,
      busyTimeoutMs: 1000,
    });
  });

  it('come from SLI_DB_*_MS, 0 turning one off', () => {
    const env = {
      SLI_DB_STATEMENT_TIMEOUT_MS: '0',
      SLI_DB_LOCK_TIMEOUT_MS: '250',
      SLI_DB_CONNECT_TIMEOUT_MS: '2000',
      SLI_DB_BUSY_TIMEOUT_MS: '100',
    };
    expect(loadConfig(env).db).toEqual({
      statementTimeoutMs: 0,
      lockTimeoutMs: 250,
      connectTimeoutMs: 2000,
      busyTimeoutMs: 100,
    });
  });

  it('refuses what is not a whole number of milliseconds, naming the variable', () => {
    expect(() => loadConfig({ SLI_DB_LOCK_TIMEOUT_MS: '5s' })).toThrow(ConfigError);
    expect(() => loadConfig({ SLI_DB_LOCK_TIMEOUT_MS: '-1' })).toThrow(/SLI_DB_LOCK_TIMEOUT_MS/);
  });
});

describe('the public address, the trusted proxies and the request timeout', () => {
  it('default to none, none and 30 s', () => {
    const c = loadConfig({});
    expect([c.publicUrl, c.trustedProxies, c.requestTimeoutMs]).toEqual([null, [], 30_000]);
  });

  it('take SLI_PUBLIC_URL as an origin and SLI_TRUSTED_PROXIES as a list of addresses and ranges', () => {
    const c = loadConfig({
      SLI_PUBLIC_URL: 'https://SLI.example.org/',
      SLI_TRUSTED_PROXIES: '10.0.0.5, 10.1.0.0/16,::1,fd00::/8,loopback',
      SLI_REQUEST_TIMEOUT_MS: '2000',
    });
    expect(c.publicUrl).toBe('https://sli.example.org');
    expect(c.trustedProxies).toEqual(['10.0.0.5', '10.1.0.0/16', '::1', 'fd00::/8', 'loopback']);
    expect(c.requestTimeoutMs).toBe(2000);
  });

  it('refuses a public address with a path, query or user, or another scheme, and proxies that are not addresses', () => {
    for (const bad of [
      'sli.example.org',
      'ftp://sli.example.org',
      'https://sli.example.org/app',
      'https://u@x.org',
      'https://x.org/?a=1',
    ])
      expect(() => loadConfig({ SLI_PUBLIC_URL: bad }), bad).toThrow(/SLI_PUBLIC_URL/);
    for (const bad of ['proxy.example.org', '10.0.0.0/33', '10.0.0.300', '*', '10.0.0.1/8/8'])
      expect(() => loadConfig({ SLI_TRUSTED_PROXIES: bad }), bad).toThrow(/SLI_TRUSTED_PROXIES/);
    expect(() => loadConfig({ SLI_REQUEST_TIMEOUT_MS: '0' })).toThrow(/SLI_REQUEST_TIMEOUT_MS/);
  });
});

describe('the first start and the upload limit in the configuration', () => {
  it('default to loading ../shared/data on first start and uploads of up to 50 MB', () => {
    const c = loadConfig({});
    expect([c.sharedData, c.autoload, c.uploadMaxMb]).toEqual([path.resolve('..', 'shared', 'data'), true, 50]);
  });

  it('take SLI_SHARED_DATA, SLI_AUTOLOAD and SLI_UPLOAD_MAX_MB, refusing what they cannot be', () => {
    const c = loadConfig({ SLI_SHARED_DATA: '/srv/data', SLI_AUTOLOAD: 'false', SLI_UPLOAD_MAX_MB: '5' });
    expect([c.sharedData, c.autoload, c.uploadMaxMb]).toEqual(['/srv/data', false, 5]);
    expect(() => loadConfig({ SLI_AUTOLOAD: 'no' })).toThrow(/SLI_AUTOLOAD must be true or false/);
    expect([c.monitorRecording, loadConfig({ SLI_MONITOR_RECORDING: 'false' }).monitorRecording]).toEqual([
      true,
      false,
    ]);
    expect(() => loadConfig({ SLI_UPLOAD_MAX_MB: '0' })).toThrow(/SLI_UPLOAD_MAX_MB/);
  });
});

describe('outgoing mail in the configuration', () => {
  it('is off without SLI_SMTP_HOST, and a host needs a sender', () => {
    expect(loadConfig({}).smtp).toBeNull();
    expect(() => loadConfig({ SLI_SMTP_HOST: 'mail.example.org' })).toThrow(/SLI_MAIL_FROM/);
  });

  it('defaults to STARTTLS on 587 and implicit TLS on 465', () => {
    const from = { SLI_SMTP_HOST: 'mail.example.org', SLI_MAIL_FROM: 'noreply@example.org' };
    expect(loadConfig(from).smtp).toEqual({
      host: 'mail.example.org',
      port: 587,
      secure: 'starttls',
      user: null,
      password: null,
    });
    expect(loadConfig({ ...from, SLI_SMTP_PORT: '465' }).smtp?.secure).toBe('tls');
    expect(loadConfig({ ...from, SLI_SMTP_USER: 'u', SLI_SMTP_PASSWORD: 'p' }).smtp).toMatchObject({ user: 'u' });
  });

  it('refuses a mode it does not know, a user without a password and a sender on two lines', () => {
    const from = { SLI_SMTP_HOST: 'mail.example.org', SLI_MAIL_FROM: 'noreply@example.org' };
    expect(() => loadConfig({ ...from, SLI_SMTP_SECURE: 'ssl' })).toThrow(/SLI_SMTP_SECURE must be one of/);
    expect(() => loadConfig({ ...from, SLI_SMTP_USER: 'u' })).toThrow(/SLI_SMTP_PASSWORD/);
    expect(() => loadConfig({ SLI_MAIL_FROM: 'a@b.org\r\nBcc: c@d.org' })).toThrow(/one line/);
    expect(() => loadConfig({ SLI_MAIL_FROM: 'nobody' })).toThrow(/SLI_MAIL_FROM must end with an email address/);
  });
});

describe('survey fielding in the configuration', () => {
  it('keeps contact details 90 days after a wave closes unless told; a link secret needs 32 characters', () => {
    expect(loadConfig({}).surveys).toEqual({ linkSecret: null, contactDays: 90 });
    expect(loadConfig({ SLI_SURVEY_CONTACT_DAYS: '30' }).surveys.contactDays).toBe(30);
    expect(() => loadConfig({ SLI_SURVEY_CONTACT_DAYS: '-1' })).toThrow(/SLI_SURVEY_CONTACT_DAYS/);
    expect(() => loadConfig({ SLI_LINK_SECRET: 'short' })).toThrow(/SLI_LINK_SECRET must be at least 32/);
    const secret = 'x'.repeat(40);
    expect(loadConfig({ SLI_LINK_SECRET: secret }).surveys.linkSecret).toBe(secret);
  });
});

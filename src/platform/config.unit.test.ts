import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

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

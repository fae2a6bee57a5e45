import { describe, expect, it } from 'vitest';
import { PageCache, pageKey } from './page-cache.ts';

const page = (kb: number, stamp = 's1') => ({ stamp, html: Buffer.alloc(kb * 1024, 'x'), etag: '"e"' });

describe('PageCache', () => {
  it('keeps pages within a budget of bytes, dropping the least recently used first', () => {
    const cache = new PageCache(100 * 1024);
    expect(cache.set('/a', page(40))).toBe(true);
    expect(cache.set('/b', page(40))).toBe(true);
    expect(cache.bytes).toBeGreaterThan(80 * 1024);
    expect(cache.get('/a', 's1')).toBeDefined(); // /a is now the most recently used
    expect(cache.set('/c', page(40))).toBe(true); // 120 KB: /b goes
    expect(cache.get('/b', 's1')).toBeUndefined();
    expect(cache.get('/a', 's1')?.html.byteLength).toBe(40 * 1024);
    expect(cache.get('/c', 's1')).toBeDefined();
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBeLessThanOrEqual(100 * 1024);
  });

  it('counts many small pages by their bytes, not their number', () => {
    const cache = new PageCache(64 * 1024);
    for (let i = 0; i < 1000; i++) cache.set(`/areas/E0800000${i}`, page(2));
    expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(cache.size).toBeLessThan(32);
    expect(cache.get('/areas/E0800000999', 's1')).toBeDefined();
    expect(cache.get('/areas/E08000000', 's1')).toBeUndefined();
  });

  it('refuses a page larger than the whole budget, and drops a page kept at an older stamp', () => {
    const cache = new PageCache(10 * 1024);
    expect(cache.set('/big', page(11))).toBe(false);
    expect(cache.size).toBe(0);
    cache.set('/a', page(4, 'old'));
    expect(cache.get('/a', 'new')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
    // Replacing a page under the same key counts it once.
    cache.set('/a', page(4));
    cache.set('/a', page(4));
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBeLessThan(5 * 1024);
  });

  it('keeps nothing with a budget of 0', () => {
    const cache = new PageCache(0);
    expect(cache.set('/a', page(1))).toBe(false);
    expect(cache.get('/a', 's1')).toBeUndefined();
  });
});

describe('pageKey', () => {
  const today = '2026-12-06';
  const params = { at: (v: string) => v === today, group: (v: string) => v !== '' };

  it('gives one key to every spelling of the same query', () => {
    const key = pageKey('/areas/E08000009', '/areas/E08000009?group=type:E08', params);
    expect(key).toBe('/areas/E08000009?group=type%3AE08');
    expect(pageKey('/areas/E08000009', '/areas/E08000009?group=type%3AE08', params)).toBe(key);
    expect(pageKey('/areas/E08000009', `/areas/E08000009?at=${today}&group=type:E08`, params)).toBe(
      pageKey('/areas/E08000009', `/areas/E08000009?group=type:E08&at=${today}`, params),
    );
    expect(pageKey('/areas/E08000009', '/areas/e08000009', params)).toBe('/areas/E08000009');
  });

  it('refuses a query string that can vary without limit', () => {
    const refused = [
      '/areas/E08000009?at=2019-04-01', // any date of the past
      '/areas/E08000009?at=2019-04-02',
      '/areas/E08000009?utm_source=x', // a parameter the page does not name
      '/areas/E08000009?group=type:E08&group=type:E07', // one given twice
      '/areas/E08000009?group=',
      '/areas/E08000009?toString=1', // not an own property of the list
    ];
    for (const url of refused) expect(pageKey('/areas/E08000009', url, params), url).toBeUndefined();
  });
});

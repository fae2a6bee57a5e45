/**
 * Rendered pages kept in memory, bounded by bytes rather than by entries (2,000 large pages once grew the server by
 * 600 MB): the least recently used is dropped first. What a query string can multiply without limit is never kept
 * (pageKey below), so that no visitor can fill the cache with variants and push the pages everyone reads out of it.
 */

export interface CachedPage {
  /** The data version the page was rendered at (e.g. the newest publication); another stamp is a miss. */
  stamp: string;
  html: Buffer;
  etag: string;
}

/** Bytes an entry costs beyond its HTML: the key and ETag strings, the entry object and the map's slot. */
const ENTRY_OVERHEAD = 256;

export class PageCache {
  readonly #entries = new Map<string, CachedPage & { bytes: number }>();
  #bytes = 0;

  readonly budgetBytes: number;

  constructor(budgetBytes: number) {
    this.budgetBytes = budgetBytes;
  }

  /** Bytes held, by the measure the budget is kept in. */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The page kept under `key` at `stamp`; one kept at another stamp is dropped. */
  get(key: string, stamp: string): CachedPage | undefined {
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    this.#drop(key);
    if (hit.stamp !== stamp) return undefined;
    this.#entries.set(key, hit); // most recently used last
    this.#bytes += hit.bytes;
    return hit;
  }

  /** Keeps a page, dropping the least recently used until the budget holds; false when one page exceeds it alone. */
  set(key: string, page: CachedPage): boolean {
    this.#drop(key);
    const bytes = page.html.byteLength + 2 * (key.length + page.etag.length + page.stamp.length) + ENTRY_OVERHEAD;
    if (bytes > this.budgetBytes) return false;
    this.#entries.set(key, { ...page, bytes });
    this.#bytes += bytes;
    for (const oldest of this.#entries.keys()) {
      if (this.#bytes <= this.budgetBytes) break;
      this.#drop(oldest);
    }
    return true;
  }

  #drop(key: string) {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#entries.delete(key);
    this.#bytes -= e.bytes;
  }
}

/**
 * The one key a page is kept under, or undefined when it must not be kept: a parameter the page does not name, one
 * given twice, or a value `params` does not accept (e.g. an `?at=` date other than today: every date of the past is a
 * page of its own). Spellings of the same query (order, percent-encoding) share one key; `path` is the page's own
 * spelling of its path (the route's, not the request's).
 */
export function pageKey(
  path: string,
  url: string,
  params: Record<string, (value: string) => boolean>,
): string | undefined {
  const q = url.indexOf('?');
  const search = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const seen = new Map<string, string>();
  for (const [name, value] of search) {
    const accept = Object.hasOwn(params, name) ? params[name] : undefined;
    if (!accept || seen.has(name) || !accept(value)) return undefined;
    seen.set(name, value);
  }
  const parts = [...seen]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return parts.length > 0 ? `${path}?${parts.join('&')}` : path;
}

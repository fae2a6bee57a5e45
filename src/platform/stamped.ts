/**
 * Promises kept under a stamp (e.g. the imports stamp): while the stamp is the same, a key's promise is shared; a new
 * stamp forgets every entry. A rejected promise is forgotten, so an unknown basket or group is never remembered.
 */
export function stampedMemo(): <T>(stamp: string, key: string, load: () => Promise<T>) => Promise<T> {
  let kept: { stamp: string; entries: Map<string, Promise<unknown>> } = { stamp: '', entries: new Map() };
  return <T>(stamp: string, key: string, load: () => Promise<T>): Promise<T> => {
    if (kept.stamp !== stamp) kept = { stamp, entries: new Map() };
    const entries = kept.entries;
    let found = entries.get(key) as Promise<T> | undefined;
    if (!found) {
      found = load();
      found.catch(() => entries.delete(key));
      entries.set(key, found);
    }
    return found;
  };
}

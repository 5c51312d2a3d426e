/**
 * Answers of window reads, kept while what they were computed from is unchanged. A read names
 * its key (what it computes, over what, with which settings) and a signature of the rows in its
 * window (cheap: counts and sums over an index); the same key with the same signature is the
 * same answer, so the monitor page reading a window again every few seconds costs one cheap
 * query when nothing new has landed in it. A window that closed long enough ago needs no
 * signature at all: nothing can land in it any more.
 */

/** Answers kept at most; the oldest used goes first. */
const MAX_ENTRIES = 200;

interface Entry {
  signature: string;
  value: Promise<unknown>;
}

interface CacheState {
  entries: Map<string, Entry>;
  computed: number;
  hits: number;
}

const g = globalThis as unknown as { __readCache?: CacheState };
const cache: CacheState = (g.__readCache ??= { entries: new Map(), computed: 0, hits: 0 });

/**
 * The cached answer of `key` when its signature is still `signature`, else `compute()`'s (kept
 * for the next read). Two reads of one key and signature at once share one computation; a
 * computation that fails is not kept.
 */
export async function cachedRead<T>(key: string, signature: string, compute: () => Promise<T>): Promise<T> {
  const entry = cache.entries.get(key);
  if (entry && entry.signature === signature) {
    cache.entries.delete(key);
    cache.entries.set(key, entry); // most recently used last
    cache.hits++;
    return entry.value as Promise<T>;
  }
  cache.computed++;
  const value = compute();
  const fresh: Entry = { signature, value };
  cache.entries.delete(key);
  cache.entries.set(key, fresh);
  while (cache.entries.size > MAX_ENTRIES) cache.entries.delete(cache.entries.keys().next().value!);
  value.catch(() => cache.entries.get(key) === fresh && cache.entries.delete(key));
  return value;
}

/** Computations and cache hits so far (tests). */
export function readCacheStats(): { computed: number; hits: number } {
  return { computed: cache.computed, hits: cache.hits };
}

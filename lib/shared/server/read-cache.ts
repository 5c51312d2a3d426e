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

/** A key's computation under way, and the one follow-up the reads that came meanwhile share. */
interface Running {
  followUp: { signature: string; compute: () => Promise<unknown>; value: Promise<unknown>; start: () => void } | null;
}

interface CacheState {
  entries: Map<string, Entry>;
  running: Map<string, Running>;
  computed: number;
  hits: number;
}

declare global {
  /** The read cache, one per process whichever copy of this module asks. */
  var __readCache: CacheState | undefined;
}
const cache: CacheState = (globalThis.__readCache ??= { entries: new Map(), running: new Map(), computed: 0, hits: 0 });
cache.running ??= new Map(); // state made by an older copy of this module (next dev hot reload)

/**
 * The cached answer of `key` when its signature is still `signature`, else `compute()`'s (kept
 * for the next read). Two reads of one key and signature at once share one computation; a
 * computation that fails is not kept. Reads with a new signature while the key's computation
 * runs share ONE follow-up computation, started when it ends (with the latest read's `compute`,
 * whose window holds every earlier one's rows): a page polling once a second cannot queue up a
 * computation per poll behind a slow one, and no read is answered by a computation that began
 * before it did.
 */
export async function cachedRead<T>(key: string, signature: string, compute: () => Promise<T>): Promise<T> {
  const entry = cache.entries.get(key);
  if (entry && entry.signature === signature) {
    cache.entries.delete(key);
    cache.entries.set(key, entry); // most recently used last
    cache.hits++;
    return entry.value as Promise<T>;
  }
  const running = cache.running.get(key);
  if (running) {
    if (running.followUp) {
      running.followUp.signature = signature;
      running.followUp.compute = compute;
      return running.followUp.value as Promise<T>;
    }
    let start!: () => void;
    const value = new Promise<unknown>((resolve) => (start = () => resolve(computeAndKeep(key, followUp.signature, followUp.compute))));
    const followUp = { signature, compute: compute as () => Promise<unknown>, value, start };
    running.followUp = followUp;
    return value as Promise<T>;
  }
  return computeAndKeep(key, signature, compute);
}

function computeAndKeep<T>(key: string, signature: string, compute: () => Promise<T>): Promise<T> {
  cache.computed++;
  const running: Running = { followUp: null };
  cache.running.set(key, running);
  const value = Promise.resolve().then(compute);
  const fresh: Entry = { signature, value };
  cache.entries.delete(key);
  cache.entries.set(key, fresh);
  while (cache.entries.size > MAX_ENTRIES) cache.entries.delete(cache.entries.keys().next().value!);
  value.catch(() => cache.entries.get(key) === fresh && cache.entries.delete(key));
  const done = () => {
    if (cache.running.get(key) === running) cache.running.delete(key);
    running.followUp?.start();
  };
  value.then(done, done);
  return value;
}

/** Computations and cache hits so far (tests). */
export function readCacheStats(): { computed: number; hits: number } {
  return { computed: cache.computed, hits: cache.hits };
}

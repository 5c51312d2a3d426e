/** Plain-object helpers. Pure and browser-safe. */

/**
 * A copy without the keys whose value is undefined, so spreading it over defaults keeps the
 * defaults (`{ ...defaults, ...withoutUndefined(given) }`: a spread copies undefined over them),
 * and a stored object is plain JSON. Typed as the input: only keys that read undefined drop out,
 * and an absent key reads undefined just the same.
 */
export function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

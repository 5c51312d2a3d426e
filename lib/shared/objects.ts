/** Plain-object helpers. Pure and browser-safe. */

/**
 * A copy without the keys whose value is undefined, so spreading it over defaults keeps the
 * defaults (`{ ...defaults, ...withoutUndefined(given) }`): a spread copies undefined over them.
 */
export function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

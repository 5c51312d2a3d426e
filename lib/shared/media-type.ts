/** Content types, read the one way every body reader reads them. Browser-safe. */

/** A media type without its parameters, lower case: "Application/JSON; charset=utf-8" → "application/json". */
export function mediaTypeOf(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

/** `application/json` or `application/<name>+json` (RFC 6839). */
const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json$/;

/**
 * Whether a content type says JSON: `application/json` or `application/*+json`, any case, any
 * parameters. Not a type that merely mentions json (`text/plain;charset=json`, which a
 * cross-site HTML form can send), and not a missing one.
 */
export function isJsonContentType(contentType: string | null | undefined): boolean {
  return JSON_MEDIA_TYPE.test(mediaTypeOf(contentType));
}

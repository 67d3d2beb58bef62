/**
 * Certificate ids (the `jti` claim, the last segment of a certificate URL) and generation session
 * ids: lower-case RFC 9562 version 4 UUIDs. That is every id an issuer produces: it makes them
 * with crypto.randomUUID(), which writes version 4 in lower case, and PostgreSQL prints its uuid
 * type in lower case. The rule is the strictest that accepts all of them (version 4, variant
 * 10xx, lower case), so a truncated, made-up or other-version string is recognised as not an id
 * here rather than looked up, and an id signed in a certificate has exactly one spelling.
 * Exported as a pattern too, for schemas that publish it (JSON Schema `pattern`).
 */
export const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** An id exactly as the issuer writes it (what a signed `jti` must be). */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/**
 * An id as a person types it or a URL carries it: RFC 9562 compares UUIDs case-insensitively, so
 * upper case is accepted here (and folded to lower case before it is looked up).
 */
export function isIdAnyCase(text: string): boolean {
  return isId(text.toLowerCase());
}

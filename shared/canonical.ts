import { configure } from 'safe-stable-stringify';

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, JSON number formatting —
 * the same rules as RFC 8785 for the values MCP carries. Used for every fingerprint and hash, so
 * that key order never counts as a change while any other byte does.
 *
 * No depth cap here on purpose: a cap would silently truncate and make distinct values collide.
 * Depth is refused at parse time instead (see `jsonDepthExceeds`).
 */
const stringifyCanonical = configure({
  deterministic: true,
  circularValue: TypeError,
  bigint: false,
  strict: true,
});

export function canonicalJson(value: unknown): string {
  const text = stringifyCanonical(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

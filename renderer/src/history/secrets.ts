/**
 * Secret-shaped values in logged parameters. The log was redacted when written (values replaced
 * by «redacted:kind» markers), but a line written before a pattern was known — or edited into the
 * log — may still carry one: those are masked until clicked, like on a card. The markers
 * themselves hold nothing secret and stay readable.
 */
import { findSecrets, secretKindOfValue } from '../../../shared/secrets';
import type { SecretMark } from '../../../shared/types';

const MARKER = /^«redacted:[a-z0-9-]+»$/;

function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The value at a JSON Pointer (RFC 6901), or undefined. */
export function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let current: unknown = root;
  for (const token of pointer.slice(1).split('/').map(unescapeToken)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

/** Secrets to mask in logged parameters: everything `findSecrets` finds except redaction markers. */
export function maskableSecrets(params: unknown): SecretMark[] {
  return findSecrets(params).filter((mark) => {
    const value = valueAt(params, mark.pointer);
    return !(typeof value === 'string' && MARKER.test(value));
  });
}

/** Whether free text (a result summary, a note) still holds something secret-shaped. */
export function secretKindInText(text: string): string | undefined {
  return secretKindOfValue(text);
}

/** True when the logged parameters carry redaction markers (to say so next to them). */
export function hasRedactions(params: unknown): boolean {
  return JSON.stringify(params ?? null).includes('«redacted:');
}

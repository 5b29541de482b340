/**
 * Secret-shaped values: recognised by their shape (token formats) or by the name of the field that
 * holds them. Used to mask values on cards until clicked and to redact the audit log.
 */
import { isPlainObject } from './jsonrpc';
import type { SecretMark } from './types';

const VALUE_PATTERNS: Array<{ kind: string; pattern: RegExp }> = [
  { kind: 'private-key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { kind: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/ },
  { kind: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})\b/ },
  { kind: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/ },
  { kind: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { kind: 'slack-webhook', pattern: /hooks\.slack\.com\/services\/[A-Za-z0-9/]+/ },
  { kind: 'openai-key', pattern: /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b/ },
  { kind: 'stripe-key', pattern: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/ },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/ },
  { kind: 'bearer-token', pattern: /\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{16,}/ },
  { kind: 'basic-auth-url', pattern: /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i },
];

/** Field names whose values are secrets whatever they look like. */
const SECRET_KEY =
  /^(?:.*[_-])?(?:pass(?:word|wd|phrase)?|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth(?:orization)?|credentials?|cookie|session[_-]?id|pin|otp|ssn)(?:[_-].*)?$/i;

/** Names that contain a secret word but hold no secret (token counts, key names…). */
const NOT_SECRET_KEY = /(?:^|[_-])(?:count|limit|max|min|type|name|names|id_type|length|usage|budget|kind)$|^max[_-]?tokens$|^tokens?[_-]?(?:count|limit|used)$/i;

export function secretKindOfValue(value: string): string | undefined {
  for (const { kind, pattern } of VALUE_PATTERNS) if (pattern.test(value)) return kind;
  return undefined;
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !NOT_SECRET_KEY.test(key);
}

function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerJoin(parent: string, token: string | number): string {
  return `${parent}/${escapePointerToken(String(token))}`;
}

/** Walks a JSON value iteratively and reports every secret-shaped value with its JSON Pointer. */
export function findSecrets(value: unknown, root = ''): SecretMark[] {
  const marks: SecretMark[] = [];
  const stack: Array<{ value: unknown; pointer: string; key?: string }> = [{ value, pointer: root }];
  while (stack.length > 0) {
    const { value: current, pointer, key } = stack.pop()!;
    if (typeof current === 'string') {
      const kind = secretKindOfValue(current) ?? (key !== undefined && isSecretKey(key) && current.length > 0 ? 'secret-field' : undefined);
      if (kind) marks.push({ pointer, kind });
    } else if ((typeof current === 'number' || typeof current === 'boolean') && key !== undefined && isSecretKey(key)) {
      if (typeof current === 'number') marks.push({ pointer, kind: 'secret-field' });
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], pointer: pointerJoin(pointer, i), key });
    } else if (isPlainObject(current)) {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i]!;
        stack.push({ value: v, pointer: pointerJoin(pointer, k), key: k });
      }
    }
  }
  return marks;
}

export function redactionMarker(kind: string): string {
  return `«redacted:${kind}»`;
}

/** A copy of `value` with every secret-shaped value replaced by a marker naming its kind. */
export function redact(value: unknown): unknown {
  const marks = findSecrets(value);
  if (marks.length === 0) return value;
  const kinds = new Map(marks.map((m) => [m.pointer, m.kind]));
  const copy = (current: unknown, pointer: string): unknown => {
    const kind = kinds.get(pointer);
    if (kind !== undefined) return redactionMarker(kind);
    if (Array.isArray(current)) return current.map((item, i) => copy(item, pointerJoin(pointer, i)));
    if (isPlainObject(current)) {
      const result: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(current)) result[k] = copy(v, pointerJoin(pointer, k));
      return result;
    }
    return current;
  };
  return copy(value, '');
}

/** Redacts secret-shaped substrings inside free text (result summaries, error messages). */
const GLOBAL_PATTERNS = VALUE_PATTERNS.map(({ kind, pattern }) => ({ marker: redactionMarker(kind), pattern: new RegExp(pattern.source, `${pattern.flags}g`) }));

export function redactText(text: string): string {
  let result = text;
  for (const { marker, pattern } of GLOBAL_PATTERNS) result = result.replace(pattern, marker);
  return result;
}

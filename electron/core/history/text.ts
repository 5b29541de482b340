import type { CallRecord } from '../../../shared/history';

/** Bound on what one call contributes to the full-text index, so a huge parameter cannot bloat it. */
export const MAX_SEARCH_TEXT = 4000;

/**
 * The words a call can be found by: tool, server, host, method, who decided, resources, the note,
 * and every key and value of its (already redacted) parameters.
 */
export function searchableText(call: CallRecord): string {
  const parts: string[] = [call.target, call.server, call.host.name, call.method, call.decidedBy];
  for (const resource of call.resources) parts.push(resource.resolved === resource.raw ? resource.raw : `${resource.raw} ${resource.resolved}`);
  if (call.note) parts.push(call.note);
  let length = parts.reduce((n, p) => n + p.length + 1, 0);
  // Iterative walk: parameters come from agents and may nest deeply.
  const stack: unknown[] = [call.params];
  while (stack.length > 0 && length < MAX_SEARCH_TEXT) {
    const value = stack.pop();
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      const text = String(value);
      parts.push(text);
      length += text.length + 1;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push(entries[i]![1]);
        stack.push(entries[i]![0]);
      }
    }
  }
  const text = parts.join(' ');
  return text.length > MAX_SEARCH_TEXT ? text.slice(0, MAX_SEARCH_TEXT) : text;
}

/** Letters and digits, as the FTS5 `unicode61` tokenizer sees tokens. */
const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;

/**
 * Turns what a person typed into an FTS5 query: each whitespace-separated word becomes a phrase
 * of its tokens (`notes.md` → `"notes md"`), all words must match, and the last word also matches
 * tokens it begins (`"write fi"*`: search as you type). Earlier words match whole tokens: a
 * prefix makes FTS5 gather every term it begins up front, which at a million calls costs tens of
 * milliseconds per word. Only tokens are ever quoted into the query, so no input can inject FTS5
 * syntax.
 */
export function ftsQuery(text: string): string | undefined {
  const phrases: string[] = [];
  for (const word of text.normalize('NFKC').split(/\s+/)) {
    const tokens = word.match(TOKEN);
    if (!tokens) continue;
    phrases.push(`"${tokens.join(' ')}"`);
    if (phrases.length === 12) break;
  }
  if (phrases.length === 0) return undefined;
  phrases[phrases.length - 1] += '*';
  return phrases.join(' ');
}

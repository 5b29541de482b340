/**
 * One host file, whatever its format: where its servers are, how to turn an entry into an Airlock
 * wrapper (stdio or http), and how to put an original entry back. JSON/JSONC goes through json-doc (jsonc-parser),
 * TOML through toml-doc (toml-patch); neither ever edits text by hand.
 */
import { canonicalJson } from '../../../shared/canonical';
import { isPlainObject } from '../../../shared/jsonrpc';
import { CONNECTION_KEYS } from './entries';
import { MalformedHostFile } from './errors';
import { applyJsonChanges, parseJsonDoc, replaceJsonSource, sourceAt, type JsonChange, type JsonDoc } from './json-doc';
import { setTomlEntry, parseTomlDoc } from './toml-doc';
import type { ConfigLocation, HttpEntryShape } from './types';

export interface HostDoc {
  file: string;
  format: ConfigLocation['format'];
  text: string;
  data: Record<string, unknown>;
  json?: JsonDoc;
}

/** What Airlock keeps of an entry it replaced: its value, and for JSON its exact source text. */
export interface OriginalEntry {
  value: Record<string, unknown>;
  source?: string;
}

/** What a wrapped entry does instead: launch `airlock connect` (stdio), or reach Airlock's ingress (http). */
export type WrapperEntry =
  | { mode: 'stdio'; command: string; args: string[]; env: Record<string, string> }
  | { mode: 'http'; url: string; headers: Record<string, string>; shape: HttpEntryShape };

export function parseDoc(file: string, format: ConfigLocation['format'], text: string): HostDoc {
  if (format === 'toml') return { file, format, text, data: parseTomlDoc(text, file) };
  const json = parseJsonDoc(text, file);
  return { file, format, text, data: json.data ?? {}, json };
}

/** The servers object at `container`: `undefined` when absent; an error when something else is there. */
export function serversIn(doc: HostDoc, location: ConfigLocation): Record<string, unknown> | undefined {
  let current: unknown = doc.data;
  for (const name of location.container) {
    if (!isPlainObject(current)) return undefined;
    current = (current as Record<string, unknown>)[name];
    if (current === undefined) return undefined;
  }
  if (!isPlainObject(current)) throw new MalformedHostFile(`${doc.file}: ${location.where} is not an object; Airlock left the file untouched`);
  return current as Record<string, unknown>;
}

export function entryIn(doc: HostDoc, location: ConfigLocation, key: string): Record<string, unknown> | undefined {
  const value = serversIn(doc, location)?.[key];
  return isPlainObject(value) ? (value as Record<string, unknown>) : undefined;
}

export function originalOf(doc: HostDoc, location: ConfigLocation, key: string): OriginalEntry {
  const value = entryIn(doc, location, key);
  if (!value) throw new Error(`no entry "${key}" in ${doc.file}`);
  const source = doc.json ? sourceAt(doc.json, [...location.container, key]) : undefined;
  return { value: structuredClone(value), ...(source !== undefined ? { source } : {}) };
}

function isConnectionKey(key: string): boolean {
  return CONNECTION_KEYS.includes(key);
}

/** The `type` a wrapped entry needs: a remote entry's becomes `stdio`; an http wrapper says `http` where the host needs or has a type. */
function wrappedType(entry: Record<string, unknown>, wrapper: WrapperEntry): string | undefined {
  const current = entry.type;
  if (wrapper.mode === 'stdio') return typeof current === 'string' && /^(?:sse|http|streamable-?http)$/i.test(current) ? 'stdio' : undefined;
  return wrapper.shape.type === 'always' || current !== undefined ? 'http' : undefined;
}

/**
 * The entry with its connection keys replaced by the wrapper's; every other key stays where it is.
 * A `type` is only ever changed, never added, except where the host needs it for HTTP.
 */
export function wrapEntry(doc: HostDoc, location: ConfigLocation, key: string, wrapper: WrapperEntry): string {
  const entry = entryIn(doc, location, key);
  if (!entry) throw new Error(`no entry "${key}" in ${doc.file}`);
  const type = wrappedType(entry, wrapper);
  const nested = wrapper.mode === 'stdio' && location.shape === 'zed' && isPlainObject(entry.command);
  /** The keys the wrapper sets, in the order a new key is added. */
  const sets: Array<[string, unknown]> = [];
  if (type !== undefined && entry.type !== type) sets.push(['type', type]);
  if (wrapper.mode === 'stdio') {
    const env = Object.keys(wrapper.env).length ? wrapper.env : undefined;
    if (!nested) sets.push(['command', wrapper.command], ['args', wrapper.args], ['env', env]);
  } else {
    sets.push([wrapper.shape.urlKey, wrapper.url], [wrapper.shape.headersKey, wrapper.headers]);
  }
  const owned = new Set(sets.map(([k]) => k));
  // Every other connection key goes: the stdio keys of a local entry, the URL and headers of a remote one.
  // Zed's older nested shape keeps its `command: {path, args, env}` object (changed inside, below).
  const removed = CONNECTION_KEYS.filter((k) => k !== 'type' && !owned.has(k) && !(nested && (k === 'command' || k === 'args')) && entry[k] !== undefined);

  if (doc.format === 'toml') {
    const next: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entry)) if (!removed.includes(k)) next[k] = v;
    for (const [k, v] of sets) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    // Keys missing from the new entry are removed by the patch.
    return setTomlEntry(doc.text, doc.data, location.container, key, next);
  }
  const at = [...location.container, key];
  const changes: JsonChange[] = sets.map(([k, value]) => ({ path: [...at, k], value }));
  if (nested && wrapper.mode === 'stdio') {
    const env = Object.keys(wrapper.env).length ? wrapper.env : undefined;
    changes.push(
      { path: [...at, 'command', 'path'], value: wrapper.command },
      { path: [...at, 'command', 'args'], value: wrapper.args },
      { path: [...at, 'command', 'env'], value: env },
    );
  }
  for (const k of removed) changes.push({ path: [...at, k], value: undefined });
  return applyJsonChanges(doc.json!, changes);
}

function withoutConnectionKeys(value: Record<string, unknown>): string {
  return canonicalJson(Object.fromEntries(Object.entries(value).filter(([k]) => !isConnectionKey(k))));
}

/**
 * Puts the original connection keys back. When the rest of the entry is as it was, a JSON entry gets
 * its exact original text (comments included); otherwise only the connection keys are reverted and
 * what changed meanwhile in the entry is kept.
 */
export function restoreEntry(doc: HostDoc, location: ConfigLocation, key: string, original: OriginalEntry): string {
  const current = entryIn(doc, location, key);
  if (!current) throw new Error(`no entry "${key}" in ${doc.file}`);
  if (doc.format === 'toml') {
    const next: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(current)) if (!isConnectionKey(k)) next[k] = v;
    for (const [k, v] of Object.entries(original.value)) if (isConnectionKey(k)) next[k] = v;
    return setTomlEntry(doc.text, doc.data, location.container, key, next);
  }
  const at = [...location.container, key];
  if (original.source !== undefined && withoutConnectionKeys(current) === withoutConnectionKeys(original.value)) {
    const restored = replaceJsonSource(doc.json!, at, original.source);
    if (restored !== undefined) return restored;
  }
  const changes: JsonChange[] = CONNECTION_KEYS.filter((k) => canonicalJson(current[k] ?? null) !== canonicalJson(original.value[k] ?? null)).map((k) => ({
    path: [...at, k],
    value: original.value[k],
  }));
  return applyJsonChanges(doc.json!, changes);
}

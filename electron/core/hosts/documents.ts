/**
 * One host file, whatever its format: where its servers are, how to turn an entry into an Airlock
 * wrapper, and how to put an original entry back. JSON/JSONC goes through json-doc (jsonc-parser),
 * TOML through toml-doc (toml-patch); neither ever edits text by hand.
 */
import { canonicalJson } from '../../../shared/canonical';
import { isPlainObject } from '../../../shared/jsonrpc';
import { LAUNCH_KEYS } from './entries';
import { MalformedHostFile } from './errors';
import { applyJsonChanges, parseJsonDoc, replaceJsonSource, sourceAt, type JsonChange, type JsonDoc } from './json-doc';
import { setTomlEntry, parseTomlDoc } from './toml-doc';
import type { ConfigLocation } from './types';

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

export interface WrapperEntry {
  command: string;
  args: string[];
  env: Record<string, string>;
}

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

function isLaunchKey(key: string): boolean {
  return (LAUNCH_KEYS as readonly string[]).includes(key);
}

/** The entry with its launch fields replaced by the wrapper's; every other key stays where it is. */
export function wrapEntry(doc: HostDoc, location: ConfigLocation, key: string, wrapper: WrapperEntry): string {
  const entry = entryIn(doc, location, key);
  if (!entry) throw new Error(`no entry "${key}" in ${doc.file}`);
  const env = Object.keys(wrapper.env).length ? wrapper.env : undefined;
  const nested = location.shape === 'zed' && isPlainObject(entry.command);
  if (doc.format === 'toml') {
    const next: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entry)) if (!isLaunchKey(k)) next[k] = v;
    // Keys missing from the new entry are removed by the patch.
    Object.assign(next, { command: wrapper.command, args: wrapper.args }, env ? { env } : {});
    return setTomlEntry(doc.text, doc.data, location.container, key, next);
  }
  const at = [...location.container, key];
  const changes: JsonChange[] = nested
    ? [
        { path: [...at, 'command', 'path'], value: wrapper.command },
        { path: [...at, 'command', 'args'], value: wrapper.args },
        { path: [...at, 'command', 'env'], value: env },
      ]
    : [
        { path: [...at, 'command'], value: wrapper.command },
        { path: [...at, 'args'], value: wrapper.args },
        { path: [...at, 'env'], value: env },
      ];
  for (const k of LAUNCH_KEYS) if (k !== 'command' && k !== 'args' && (nested || k !== 'env')) changes.push({ path: [...at, k], value: undefined });
  return applyJsonChanges(doc.json!, changes);
}

function withoutLaunchKeys(value: Record<string, unknown>): string {
  return canonicalJson(Object.fromEntries(Object.entries(value).filter(([k]) => !isLaunchKey(k))));
}

/**
 * Puts the original launch fields back. When the rest of the entry is as it was, a JSON entry gets
 * its exact original text (comments included); otherwise only the launch fields are reverted and
 * what changed meanwhile in the entry is kept.
 */
export function restoreEntry(doc: HostDoc, location: ConfigLocation, key: string, original: OriginalEntry): string {
  const current = entryIn(doc, location, key);
  if (!current) throw new Error(`no entry "${key}" in ${doc.file}`);
  if (doc.format === 'toml') {
    const next: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(current)) if (!isLaunchKey(k)) next[k] = v;
    for (const [k, v] of Object.entries(original.value)) if (isLaunchKey(k)) next[k] = v;
    return setTomlEntry(doc.text, doc.data, location.container, key, next);
  }
  const at = [...location.container, key];
  if (original.source !== undefined && withoutLaunchKeys(current) === withoutLaunchKeys(original.value)) {
    const restored = replaceJsonSource(doc.json!, at, original.source);
    if (restored !== undefined) return restored;
  }
  const changes: JsonChange[] = LAUNCH_KEYS.map((k) => ({ path: [...at, k], value: original.value[k] }));
  return applyJsonChanges(doc.json!, changes);
}

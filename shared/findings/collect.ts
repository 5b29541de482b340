/**
 * Every string of a definition that reaches the model, with its dotted path and its role: names,
 * titles, descriptions, each nested schema's title, description, enum values, defaults, consts
 * and examples, property names, prompt arguments, URIs, instructions, and any vendor keyword a
 * schema carries (the model reads the whole schema). Icons are left out: hosts show them to the
 * person, not to the model.
 */
import { PINNED_FIELDS, SUBSCHEMA_KEYWORDS, schemaKeywordShape } from '../definitions';
import { isPlainObject, type JsonObject } from '../jsonrpc';
import type { DefinitionKind } from '../types';
import type { StringRole, VisibleString } from './finding';

/** Deeper than any honest schema; protects against stack exhaustion on hostile input. */
const MAX_DEPTH = 64;

const ROLE_OF_KEYWORD: Record<string, StringRole> = {
  title: 'title',
  description: 'description',
  $comment: 'description',
  default: 'default',
  const: 'const',
  examples: 'example',
  enum: 'enum',
};

/** Keywords whose strings carry no prose: skipped to keep scanning cheap. */
const SILENT_KEYWORDS = new Set(['type', 'required', 'format', '$schema', '$id', '$ref', '$anchor', '$dynamicRef', 'pattern']);

/** Standard keywords: their names are no message from the server, only their values may be. */
const STANDARD_KEYWORDS = new Set([
  ...SUBSCHEMA_KEYWORDS,
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems',
  'minProperties', 'maxProperties', 'minContains', 'maxContains', 'readOnly', 'writeOnly', 'deprecated', 'nullable', 'contentEncoding',
  'contentMediaType', 'contentSchema', 'dependentRequired', '$vocabulary', '$dynamicAnchor',
]);

/** Annotation keys the spec defines; any other key is the server's own words. */
const STANDARD_ANNOTATIONS = new Set(['title', 'readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint']);

function addValue(value: unknown, path: string, role: StringRole, into: VisibleString[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') into.push({ path, text: value, role });
  else if (Array.isArray(value)) value.forEach((item, i) => addValue(item, `${path}.${i}`, role, into, depth + 1));
  else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      into.push({ path: `${path}.${key}`, text: key, role: 'key' });
      addValue(item, `${path}.${key}`, role, into, depth + 1);
    }
  }
}

export function addSchema(schema: unknown, path: string, into: VisibleString[], depth = 0): void {
  if (depth > MAX_DEPTH) return;
  if (!isPlainObject(schema)) {
    addValue(schema, path, 'text', into, depth);
    return;
  }
  for (const [keyword, value] of Object.entries(schema)) {
    const at = `${path}.${keyword}`;
    const shape = schemaKeywordShape(keyword, value);
    if (shape === 'subschema') addSchema(value, at, into, depth + 1);
    else if (shape === 'subschema-list') (value as unknown[]).forEach((item, i) => addSchema(item, `${at}.${i}`, into, depth + 1));
    else if (shape === 'subschema-map') {
      for (const [name, sub] of Object.entries(value as JsonObject)) {
        into.push({ path: `${at}.${name}`, text: name, role: keyword === 'properties' ? 'property-name' : 'key' });
        addSchema(sub, `${at}.${name}`, into, depth + 1);
      }
    } else if (!SILENT_KEYWORDS.has(keyword)) {
      const role = ROLE_OF_KEYWORD[keyword];
      if (role) addValue(value, at, role, into, depth + 1);
      else if (STANDARD_KEYWORDS.has(keyword)) addValue(value, at, 'text', into, depth + 1);
      else {
        // A vendor keyword (`x-instructions`…): its name and its strings reach the model too.
        into.push({ path: at, text: keyword, role: 'key' });
        addValue(value, at, 'text', into, depth + 1);
      }
    }
  }
}

const FIELD_ROLES: Record<string, StringRole> = {
  name: 'name',
  title: 'title',
  description: 'description',
  uri: 'uri',
  uriTemplate: 'uri',
  websiteUrl: 'uri',
  mimeType: 'text',
  version: 'text',
};

function addPromptArguments(value: unknown, into: VisibleString[]): void {
  if (!Array.isArray(value)) return addValue(value, 'arguments', 'text', into, 1);
  value.forEach((argument, i) => {
    if (!isPlainObject(argument)) return addValue(argument, `arguments.${i}`, 'text', into, 2);
    for (const [field, item] of Object.entries(argument)) {
      const path = `arguments.${i}.${field}`;
      if (field === 'name' && typeof item === 'string') into.push({ path, text: item, role: 'property-name' });
      else addValue(item, path, field === 'description' ? 'description' : field === 'title' ? 'title' : 'text', into, 2);
    }
  });
}

/** The strings of a definition the model reads, in document order. */
export function visibleStrings(kind: DefinitionKind, definition: unknown): VisibleString[] {
  if (kind === 'instructions') return typeof definition === 'string' ? [{ path: 'instructions', text: definition, role: 'instructions' }] : [];
  if (!isPlainObject(definition)) return [];
  const into: VisibleString[] = [];
  for (const field of PINNED_FIELDS[kind]) {
    if (field === 'icons' || !(field in definition)) continue;
    const value = definition[field];
    if (field === 'inputSchema' || field === 'outputSchema') addSchema(value, field, into);
    else if (field === 'arguments') addPromptArguments(value, into);
    else if (field === 'annotations' && isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (!STANDARD_ANNOTATIONS.has(key)) into.push({ path: `annotations.${key}`, text: key, role: 'key' });
        addValue(item, `annotations.${key}`, 'title', into, 1);
      }
    }
    else {
      // A resource's name is a display label, not an identifier the model calls.
      const role = field === 'name' && (kind === 'resource' || kind === 'resource-template') ? 'title' : (FIELD_ROLES[field] ?? 'text');
      addValue(value, field, role, into, 0);
    }
  }
  return into;
}

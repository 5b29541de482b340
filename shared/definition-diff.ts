/**
 * A structured diff between an approved definition and the one a server sends now: title and
 * description (or the instructions) as word diffs, schemas per property path, annotations key by
 * key, and everything else by field. It compares pinned views, so exactly the changes that alter
 * a pin are reported, and hidden characters stay in the text parts for the UI to reveal.
 */
import { diffWordsWithSpace } from 'diff';
import { canonicalJson } from './canonical';
import { definitionName, pinnedView, schemaKeywordShape } from './definitions';
import { isPlainObject, type JsonObject } from './jsonrpc';
import type { DefinitionDiff, DefinitionKind, SchemaChange, TextDiffPart } from './types';

/**
 * Beyond this many edited words a word diff stops being readable and its cost grows with the
 * square of the text; the whole old text is shown removed and the whole new text added instead.
 */
const MAX_WORD_EDITS = 2000;

/** Fields of a pinned view that have their own place in a `DefinitionDiff`. */
const OWN_PLACE = new Set(['title', 'description', 'inputSchema', 'outputSchema', 'annotations', 'arguments']);

/** The field that names a definition; a difference there is a rename, reported as `previousName`. */
const IDENTITY_FIELD: Partial<Record<DefinitionKind, string>> = {
  tool: 'name',
  prompt: 'name',
  resource: 'uri',
  'resource-template': 'uriTemplate',
};

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}

function joinPath(...segments: Array<string | number>): string {
  return segments.filter((segment) => segment !== '').join('.');
}

/**
 * Word diff with every character kept: whitespace runs, newlines and zero-width or other
 * invisible characters are tokens of their own, so the parts joined give back each text exactly.
 */
export function wordDiff(before: string, after: string): TextDiffPart[] {
  const changes = diffWordsWithSpace(before, after, { maxEditLength: MAX_WORD_EDITS });
  if (!changes) {
    const parts: TextDiffPart[] = [];
    if (before) parts.push({ value: before, removed: true });
    if (after) parts.push({ value: after, added: true });
    return parts;
  }
  return changes.map((change) =>
    change.added ? { value: change.value, added: true } : change.removed ? { value: change.value, removed: true } : { value: change.value },
  );
}

// ── Schemas ────────────────────────────────────────────────────────────────────────────────────

const NAMED_CHANGES = new Set<SchemaChange['change']>(['type', 'description', 'default', 'enum']);

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function diffRequired(before: unknown, after: unknown, path: string, changes: SchemaChange[]): void {
  if (!(before === undefined || isStringList(before)) || !(after === undefined || isStringList(after))) {
    changes.push({ path: joinPath(path, 'required'), change: 'other', before, after });
    return;
  }
  const was = new Set(before ?? []);
  const is = new Set(after ?? []);
  for (const name of [...new Set([...was, ...is])].sort()) {
    if (was.has(name) !== is.has(name)) {
      changes.push({ path: joinPath(path, 'properties', name), change: 'required', before: was.has(name), after: is.has(name) });
    }
  }
}

/**
 * Compares two JSON Schemas keyword by keyword, descending into properties, items, combinators,
 * definitions and the other subschema keywords. Paths name schema locations
 * (`properties.opts.properties.force`); an `other` change's path ends with the keyword that changed.
 */
export function diffSchemas(before: unknown, after: unknown, path = '', changes: SchemaChange[] = []): SchemaChange[] {
  if (same(before, after)) return changes;
  if (before === undefined) {
    changes.push({ path, change: 'added', after });
    return changes;
  }
  if (after === undefined) {
    changes.push({ path, change: 'removed', before });
    return changes;
  }
  if (!isPlainObject(before) || !isPlainObject(after)) {
    changes.push({ path, change: 'other', before, after });
    return changes;
  }
  const keywords = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const keyword of keywords) {
    const was = before[keyword];
    const is = after[keyword];
    if (same(was, is)) continue;
    if (keyword === 'required') {
      diffRequired(was, is, path, changes);
      continue;
    }
    if (NAMED_CHANGES.has(keyword as SchemaChange['change'])) {
      changes.push({ path, change: keyword as SchemaChange['change'], before: was, after: is });
      continue;
    }
    const shapeBefore = was === undefined ? undefined : schemaKeywordShape(keyword, was);
    const shapeAfter = is === undefined ? undefined : schemaKeywordShape(keyword, is);
    const shape = shapeBefore ?? shapeAfter;
    if ((shapeBefore !== undefined && shapeAfter !== undefined && shapeBefore !== shapeAfter) || shape === 'value') {
      changes.push({ path: joinPath(path, keyword), change: 'other', before: was, after: is });
    } else if (shape === 'subschema') {
      diffSchemas(was, is, joinPath(path, keyword), changes);
    } else if (shape === 'subschema-list') {
      const listBefore = (was ?? []) as unknown[];
      const listAfter = (is ?? []) as unknown[];
      for (let i = 0; i < Math.max(listBefore.length, listAfter.length); i++) {
        diffSchemas(listBefore[i], listAfter[i], joinPath(path, keyword, i), changes);
      }
    } else if (shape === 'subschema-map') {
      const mapBefore = (was ?? {}) as JsonObject;
      const mapAfter = (is ?? {}) as JsonObject;
      for (const name of [...new Set([...Object.keys(mapBefore), ...Object.keys(mapAfter)])].sort()) {
        diffSchemas(mapBefore[name], mapAfter[name], joinPath(path, keyword, name), changes);
      }
    }
  }
  return changes;
}

// ── Other fields ───────────────────────────────────────────────────────────────────────────────

type OtherChange = DefinitionDiff['other'][number];

function diffPromptArguments(before: unknown, after: unknown, other: OtherChange[]): void {
  const byName = (value: unknown): Map<string, JsonObject> | undefined => {
    if (value === undefined) return new Map();
    if (!Array.isArray(value)) return undefined;
    const map = new Map<string, JsonObject>();
    for (const argument of value) {
      if (!isPlainObject(argument) || typeof argument.name !== 'string' || map.has(argument.name)) return undefined;
      map.set(argument.name, argument);
    }
    return map;
  };
  const was = byName(before);
  const is = byName(after);
  if (!was || !is) {
    other.push({ path: 'arguments', before, after });
    return;
  }
  for (const name of [...new Set([...was.keys(), ...is.keys()])].sort()) {
    const argumentBefore = was.get(name);
    const argumentAfter = is.get(name);
    if (!argumentBefore || !argumentAfter) {
      other.push({ path: `arguments.${name}`, before: argumentBefore, after: argumentAfter });
      continue;
    }
    for (const field of [...new Set([...Object.keys(argumentBefore), ...Object.keys(argumentAfter)])].sort()) {
      if (!same(argumentBefore[field], argumentAfter[field])) {
        other.push({ path: `arguments.${name}.${field}`, before: argumentBefore[field], after: argumentAfter[field] });
      }
    }
  }
}

function diffAnnotations(before: unknown, after: unknown, diff: DefinitionDiff): void {
  if (!(before === undefined || isPlainObject(before)) || !(after === undefined || isPlainObject(after))) {
    diff.other.push({ path: 'annotations', before, after });
    return;
  }
  const was = before ?? {};
  const is = after ?? {};
  for (const key of [...new Set([...Object.keys(was), ...Object.keys(is)])].sort()) {
    if (!same(was[key], is[key])) diff.annotations.push({ key, before: was[key], after: is[key] });
  }
}

/** A word diff when the text differs; `other` when the field is not text (a server may send anything). */
function diffTextField(field: 'title' | 'description', before: unknown, after: unknown, diff: DefinitionDiff): void {
  if (same(before, after)) return;
  const isText = (value: unknown): value is string | undefined => value === undefined || typeof value === 'string';
  if (isText(before) && isText(after) && (before ?? '') !== (after ?? '')) diff[field] = wordDiff(before ?? '', after ?? '');
  else diff.other.push({ path: field, before, after });
}

/**
 * How `after` differs from `before` (both as the server sent them). When the names differ the
 * diff is a rename and carries `previousName`. Hidden characters are kept in every text part.
 */
export function diffDefinitions(kind: DefinitionKind, before: unknown, after: unknown): DefinitionDiff {
  const viewBefore = pinnedView(kind, before);
  const viewAfter = pinnedView(kind, after);
  const name = definitionName(kind, after);
  const oldName = definitionName(kind, before);
  const diff: DefinitionDiff = { kind, name, inputSchema: [], outputSchema: [], annotations: [], other: [] };
  if (oldName !== name) diff.previousName = oldName;

  if (typeof viewBefore === 'string' || typeof viewAfter === 'string') {
    // Instructions: the text is the whole definition.
    if (viewBefore !== viewAfter) diff.description = wordDiff(String(viewBefore), String(viewAfter));
    return diff;
  }
  const was = viewBefore as JsonObject;
  const is = viewAfter as JsonObject;
  diffTextField('title', was.title, is.title, diff);
  diffTextField('description', was.description, is.description, diff);
  diffSchemas(was.inputSchema, is.inputSchema, '', diff.inputSchema);
  diffSchemas(was.outputSchema, is.outputSchema, '', diff.outputSchema);
  diffAnnotations(was.annotations, is.annotations, diff);
  diffPromptArguments(was.arguments, is.arguments, diff.other);

  const identity = IDENTITY_FIELD[kind];
  for (const field of [...new Set([...Object.keys(was), ...Object.keys(is)])].sort()) {
    if (OWN_PLACE.has(field) || field === identity) continue;
    if (!same(was[field], is[field])) diff.other.push({ path: field, before: was[field], after: is[field] });
  }
  // A difference no rule above could place (say `required: ["a", "a"]` against `["a"]`) still changes the pin.
  if (!hasChanges(diff) && !same(viewBefore, viewAfter)) diff.other.push({ path: '', before: viewBefore, after: viewAfter });
  return diff;
}

function textChanged(parts: TextDiffPart[] | undefined): boolean {
  return parts?.some((part) => part.added || part.removed) ?? false;
}

/** True when the diff records any change at all, a rename included. */
export function hasChanges(diff: DefinitionDiff): boolean {
  return (
    diff.previousName !== undefined ||
    textChanged(diff.title) ||
    textChanged(diff.description) ||
    diff.inputSchema.length > 0 ||
    diff.outputSchema.length > 0 ||
    diff.annotations.length > 0 ||
    diff.other.length > 0
  );
}

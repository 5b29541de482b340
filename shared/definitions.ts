/**
 * What a pinned definition is: which fields of a tool, prompt, resource, resource template, the
 * server's instructions and its serverInfo are fingerprinted, how a definition is keyed, how JSON
 * Schema nests (shared by the diff and the scanner), and how a removed definition is paired with
 * an added one so that a rename shows as a change rather than as a harmless new tool.
 *
 * The core hashes `canonicalJson(pinnedView(kind, definition))`. Canonical JSON sorts object keys,
 * so the order of tools and of schema properties never counts as a change. Beyond key order, only
 * arrays that are sets by meaning are put in a fixed order here: a schema's `required` and a
 * prompt's `arguments` (keyed by name). Every other byte the model reads counts, including the
 * order of `enum` values.
 */
import { isPlainObject, type JsonObject } from './jsonrpc';
import type { DefinitionKind } from './types';

export const DEFINITION_KINDS: readonly DefinitionKind[] = ['tool', 'prompt', 'resource', 'resource-template', 'instructions', 'server-info'];

/**
 * Fields the model (or the person choosing a server) reads, per kind. Left out on purpose:
 * `_meta` (vendor data hosts do not show the model), a tool's `execution` (transport detail),
 * a resource's `size` and `annotations` (they change whenever the content or its `lastModified`
 * changes, which is not a change of what the server claims to be).
 */
export const PINNED_FIELDS: Record<Exclude<DefinitionKind, 'instructions'>, readonly string[]> = {
  tool: ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations', 'icons'],
  prompt: ['name', 'title', 'description', 'arguments', 'icons'],
  resource: ['uri', 'name', 'title', 'description', 'mimeType', 'icons'],
  'resource-template': ['uriTemplate', 'name', 'title', 'description', 'mimeType', 'icons'],
  'server-info': ['name', 'title', 'version', 'description', 'websiteUrl', 'icons'],
};

/** Names for the two kinds a server has only one of. */
const SINGLETON_NAMES = { instructions: 'instructions', 'server-info': 'serverInfo' } as const;

// ── JSON Schema structure ──────────────────────────────────────────────────────────────────────

/** Keywords whose value is a single subschema (or, for `items` in older drafts, an array of them). */
export const SUBSCHEMA_KEYWORDS: readonly string[] = [
  'items',
  'additionalItems',
  'additionalProperties',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
];
/** Keywords whose value is an array of subschemas. */
export const SUBSCHEMA_LIST_KEYWORDS: readonly string[] = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
/** Keywords whose value maps names to subschemas. */
export const SUBSCHEMA_MAP_KEYWORDS: readonly string[] = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];

const SUBSCHEMA_KEYWORD_SET = new Set(SUBSCHEMA_KEYWORDS);
const SUBSCHEMA_LIST_KEYWORD_SET = new Set(SUBSCHEMA_LIST_KEYWORDS);
const SUBSCHEMA_MAP_KEYWORD_SET = new Set(SUBSCHEMA_MAP_KEYWORDS);

export type SchemaKeywordShape = 'subschema' | 'subschema-list' | 'subschema-map' | 'value';

/** How a keyword's value nests: one subschema, a list, a map of them, or a plain value. */
export function schemaKeywordShape(keyword: string, value: unknown): SchemaKeywordShape {
  if (SUBSCHEMA_MAP_KEYWORD_SET.has(keyword) && isPlainObject(value)) return 'subschema-map';
  if (SUBSCHEMA_LIST_KEYWORD_SET.has(keyword) && Array.isArray(value)) return 'subschema-list';
  // Draft 4–7 tuple form: `items: [schema, schema]`.
  if (keyword === 'items' && Array.isArray(value)) return 'subschema-list';
  if (SUBSCHEMA_KEYWORD_SET.has(keyword) && isPlainObject(value)) return 'subschema';
  return 'value';
}

/** A schema with its set-valued keywords in a fixed order, recursively; the input is not changed. */
export function normaliseSchema(schema: unknown): unknown {
  if (!isPlainObject(schema)) return schema;
  const result: JsonObject = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'required' && Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      result[keyword] = [...value].sort();
      continue;
    }
    switch (schemaKeywordShape(keyword, value)) {
      case 'subschema':
        result[keyword] = normaliseSchema(value);
        break;
      case 'subschema-list':
        result[keyword] = (value as unknown[]).map(normaliseSchema);
        break;
      case 'subschema-map':
        result[keyword] = Object.fromEntries(Object.entries(value as JsonObject).map(([name, sub]) => [name, normaliseSchema(sub)]));
        break;
      default:
        result[keyword] = value;
    }
  }
  return result;
}

// ── Pinned view and keys ───────────────────────────────────────────────────────────────────────

function sortPromptArguments(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const nameOf = (argument: unknown): string => (isPlainObject(argument) && typeof argument.name === 'string' ? argument.name : '');
  // Stable sort: arguments without a usable name keep their relative order.
  return [...value].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0));
}

/**
 * The part of a definition that is fingerprinted: the pinned fields that are present, with
 * schemas and prompt arguments normalised. For `instructions` it is the text itself.
 * Pass the result to `canonicalJson` before hashing.
 */
export function pinnedView(kind: DefinitionKind, definition: unknown): unknown {
  if (kind === 'instructions') return typeof definition === 'string' ? definition : '';
  const source: JsonObject = isPlainObject(definition) ? definition : {};
  const view: JsonObject = {};
  for (const field of PINNED_FIELDS[kind]) {
    if (!(field in source) || source[field] === undefined) continue;
    const value = source[field];
    if (field === 'inputSchema' || field === 'outputSchema') view[field] = normaliseSchema(value);
    else if (field === 'arguments') view[field] = sortPromptArguments(value);
    else view[field] = value;
  }
  return view;
}

/** The name a definition is keyed by: a tool's or prompt's name, a resource's URI, a template's URI template. */
export function definitionName(kind: DefinitionKind, definition: unknown): string {
  if (kind === 'instructions' || kind === 'server-info') return SINGLETON_NAMES[kind];
  if (!isPlainObject(definition)) return '';
  const field = kind === 'resource' ? 'uri' : kind === 'resource-template' ? 'uriTemplate' : 'name';
  const value = definition[field];
  return typeof value === 'string' ? value : '';
}

/** `tool:send_email`, `resource:file:///notes.md`, `instructions:instructions`. */
export function definitionKey(kind: DefinitionKind, name: string): string {
  return `${kind}:${name}`;
}

/** The inverse of `definitionKey`; undefined when the key does not start with a known kind. */
export function parseDefinitionKey(key: string): { kind: DefinitionKind; name: string } | undefined {
  const colon = key.indexOf(':');
  if (colon < 0) return undefined;
  const kind = key.slice(0, colon) as DefinitionKind;
  if (!DEFINITION_KINDS.includes(kind)) return undefined;
  return { kind, name: key.slice(colon + 1) };
}

// ── Rename pairing ─────────────────────────────────────────────────────────────────────────────

export interface RenameCandidate {
  kind: DefinitionKind;
  name: string;
  definition: unknown;
}

export interface RenamePair<T extends RenameCandidate> {
  removed: T;
  added: T;
  /** 0..1: how alike the two names are. */
  nameSimilarity: number;
  /** 0..1: how alike title, description and parameters are; 0 when neither says anything. */
  definitionSimilarity: number;
  /** What pairs are ranked by: the mean of the two similarities. */
  score: number;
}

/**
 * Thresholds, tuned so that `send_email` → `send_email_v2` (names 0.89), `sendEmail` →
 * `send-email` (1.0) and `read_file` → `read_files` (0.93) pair on their names alone, a renamed
 * tool whose definition is unchanged pairs on its definition alone, and siblings stay apart:
 * `get_weather` / `get_time` (names 0.5, definitions 0.8, mean 0.65) and `create_issue` /
 * `update_issue` (0.70, 0.72, mean 0.71) are different tools, not renames.
 *
 * Name similarity is the larger of two Dice coefficients: over the identifier's words
 * (`sendEmail` = `send_email`) and over letter pairs of the words joined (`v2` suffixes, typos).
 * Definition similarity is a weighted Dice over the words of title and description (stop words
 * dropped, weight 0.6), over parameter names with their types (0.4), and over the MIME type (0.1),
 * counting only the parts either side has.
 */
export const RENAME_THRESHOLDS = {
  /** Names this alike pair whatever the definitions say: a rug pull may rewrite both. */
  name: 0.8,
  /** Definitions this alike pair whatever the names are, given enough text to judge. */
  definition: 0.95,
  /** Otherwise both together: the mean of name and definition similarity. */
  combined: 0.75,
} as const;

/** Too little to call two definitions the same on content alone: fewer words and parameters than this. */
const MIN_INFORMATIVE_WORDS = 3;
const MIN_INFORMATIVE_PARAMETERS = 2;

const STOP_WORDS = new Set(
  'a an and are as at be by for from in into is it its of on or that the this to with will can you your'.split(' '),
);

interface Features {
  nameTokens: Set<string>;
  nameBigrams: Map<string, number>;
  words: Set<string>;
  parameters: Set<string>;
  extra: string;
}

/** `sendEmail`, `send-email`, `SEND_EMAIL` → send, email; `email2` → email, 2. */
export function identifierTokens(identifier: string): readonly string[] {
  const known = TOKEN_CACHE.get(identifier);
  if (known) return known;
  const tokens = splitIdentifier(identifier);
  // Parameter names repeat across a server's tools (path, owner, limit…); a bounded memo saves re-splitting them.
  if (TOKEN_CACHE.size >= TOKEN_CACHE_LIMIT) TOKEN_CACHE.clear();
  TOKEN_CACHE.set(identifier, tokens);
  return tokens;
}
const TOKEN_CACHE = new Map<string, readonly string[]>();
const TOKEN_CACHE_LIMIT = 4096;

function splitIdentifier(identifier: string): string[] {
  // The ASCII path is the common one and several times faster than the Unicode-aware one.
  const spaced = ASCII.test(identifier)
    ? identifier
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
        .replace(/([a-zA-Z])([0-9])/g, '$1 $2')
        .replace(/([0-9])([a-zA-Z])/g, '$1 $2')
    : identifier.replace(/(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/gu, ' ');
  return spaced
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0);
}
const ASCII = /^[\x00-\x7f]*$/;

function bigrams(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + 1 < text.length; i++) {
    const pair = text.slice(i, i + 2);
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  return counts;
}

function diceOfSets(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const item of small) if (large.has(item)) shared++;
  return (2 * shared) / (a.size + b.size);
}

function diceOfCounts(a: Map<string, number>, b: Map<string, number>): number {
  let sizeA = 0;
  let sizeB = 0;
  let shared = 0;
  for (const count of a.values()) sizeA += count;
  for (const count of b.values()) sizeB += count;
  if (sizeA === 0 || sizeB === 0) return 0;
  for (const [pair, count] of a) shared += Math.min(count, b.get(pair) ?? 0);
  return (2 * shared) / (sizeA + sizeB);
}

function contentWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) if (!STOP_WORDS.has(match[0])) words.add(match[0]);
  return words;
}

function schemaParameters(schema: unknown, prefix: string, into: Set<string>, depth = 0): void {
  if (!isPlainObject(schema) || depth > 8) return;
  const properties = schema.properties;
  if (isPlainObject(properties)) {
    for (const [name, sub] of Object.entries(properties)) {
      const type = isPlainObject(sub) && typeof sub.type === 'string' ? sub.type : '';
      into.add(`${prefix}${name}:${type}`);
      schemaParameters(sub, `${prefix}${name}.`, into, depth + 1);
    }
  }
  if (isPlainObject(schema.items)) schemaParameters(schema.items, `${prefix}[].`, into, depth + 1);
}

function featuresOf(candidate: RenameCandidate): Features {
  const view = pinnedView(candidate.kind, candidate.definition);
  const fields: JsonObject = isPlainObject(view) ? view : {};
  const tokens = identifierTokens(candidate.name);
  const text = typeof view === 'string' ? view : [fields.title, fields.description].filter((v) => typeof v === 'string').join(' ');
  const parameters = new Set<string>();
  schemaParameters(fields.inputSchema, 'in.', parameters);
  schemaParameters(fields.outputSchema, 'out.', parameters);
  if (Array.isArray(fields.arguments)) {
    for (const argument of fields.arguments) if (isPlainObject(argument) && typeof argument.name === 'string') parameters.add(`arg.${argument.name}`);
  }
  return {
    nameTokens: new Set(tokens),
    nameBigrams: bigrams(tokens.join('')),
    words: contentWords(text),
    parameters,
    extra: typeof fields.mimeType === 'string' ? fields.mimeType : '',
  };
}

function nameSimilarity(a: Features, b: Features): number {
  return Math.max(diceOfSets(a.nameTokens, b.nameTokens), diceOfCounts(a.nameBigrams, b.nameBigrams));
}

/** Weighted over the parts either side actually has; 0 when neither has any. */
function definitionSimilarity(a: Features, b: Features): { similarity: number; informative: boolean } {
  let weighted = 0;
  let weights = 0;
  if (a.words.size > 0 || b.words.size > 0) {
    weighted += 0.6 * diceOfSets(a.words, b.words);
    weights += 0.6;
  }
  if (a.parameters.size > 0 || b.parameters.size > 0) {
    weighted += 0.4 * diceOfSets(a.parameters, b.parameters);
    weights += 0.4;
  }
  if (a.extra || b.extra) {
    weighted += 0.1 * (a.extra === b.extra ? 1 : 0);
    weights += 0.1;
  }
  const informative =
    Math.min(a.words.size, b.words.size) >= MIN_INFORMATIVE_WORDS || Math.min(a.parameters.size, b.parameters.size) >= MIN_INFORMATIVE_PARAMETERS;
  return { similarity: weights === 0 ? 0 : weighted / weights, informative };
}

/**
 * Pairs removed definitions with added ones of the same kind that are probably the same thing
 * renamed. Each definition is used at most once; the most alike pairs are taken first and are
 * returned in that order.
 */
export function pairRenames<T extends RenameCandidate>(removed: readonly T[], added: readonly T[]): Array<RenamePair<T>> {
  if (removed.length === 0 || added.length === 0) return [];
  const removedFeatures = removed.map(featuresOf);
  const addedFeatures = added.map(featuresOf);
  const candidates: Array<{ i: number; j: number; pair: RenamePair<T> }> = [];
  for (let i = 0; i < removed.length; i++) {
    for (let j = 0; j < added.length; j++) {
      const before = removed[i]!;
      const after = added[j]!;
      if (before.kind !== after.kind) continue;
      const names = nameSimilarity(removedFeatures[i]!, addedFeatures[j]!);
      const { similarity: definitions, informative } = definitionSimilarity(removedFeatures[i]!, addedFeatures[j]!);
      const score = (names + definitions) / 2;
      const alike =
        names >= RENAME_THRESHOLDS.name ||
        (informative && definitions >= RENAME_THRESHOLDS.definition) ||
        score >= RENAME_THRESHOLDS.combined;
      if (alike) candidates.push({ i, j, pair: { removed: before, added: after, nameSimilarity: names, definitionSimilarity: definitions, score } });
    }
  }
  candidates.sort((a, b) => b.pair.score - a.pair.score || a.i - b.i || a.j - b.j);
  const usedRemoved = new Set<number>();
  const usedAdded = new Set<number>();
  const pairs: Array<RenamePair<T>> = [];
  for (const { i, j, pair } of candidates) {
    if (usedRemoved.has(i) || usedAdded.has(j)) continue;
    usedRemoved.add(i);
    usedAdded.add(j);
    pairs.push(pair);
  }
  return pairs;
}

/**
 * Parameters that collect secrets or send data elsewhere: names asking for passwords, tokens,
 * secret files or the model's own context; fields described as "internal" or "leave unchanged"
 * so a person skims past them while the model fills them; defaults that quietly carry an outside
 * address, a URL or a credential; and fields that an injected instruction elsewhere in the
 * definition tells the model to fill.
 */
import { identifierTokens, schemaKeywordShape } from '../definitions';
import { isPlainObject, type JsonObject } from '../jsonrpc';
import { isSecretKey, secretKindOfValue } from '../secrets';
import { excerpt, makeFinding, type VisibleString } from './finding';
import { sensitiveIdentifier } from './sensitive-paths';
import type { Finding, Severity } from '../types';

export interface SchemaProperty {
  name: string;
  schema: JsonObject;
  /** Dotted path of the property, e.g. `inputSchema.properties.opts.properties.force`. */
  path: string;
}

/** Every property declared anywhere in a schema: nested objects, array items, combinators, definitions. */
export function schemaProperties(schema: unknown, path: string, into: SchemaProperty[] = [], depth = 0): SchemaProperty[] {
  if (!isPlainObject(schema) || depth > 64) return into;
  for (const [keyword, value] of Object.entries(schema)) {
    const shape = schemaKeywordShape(keyword, value);
    if (shape === 'subschema') schemaProperties(value, `${path}.${keyword}`, into, depth + 1);
    else if (shape === 'subschema-list') (value as unknown[]).forEach((item, i) => schemaProperties(item, `${path}.${keyword}.${i}`, into, depth + 1));
    else if (shape === 'subschema-map') {
      for (const [name, sub] of Object.entries(value as JsonObject)) {
        const subPath = `${path}.${keyword}.${name}`;
        if (keyword === 'properties' && isPlainObject(sub)) into.push({ name, schema: sub, path: subPath });
        schemaProperties(sub, subPath, into, depth + 1);
      }
    }
  }
  return into;
}

const SECRET_WORDS = new Set(['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'credential', 'credentials', 'cookie', 'otp', 'totp', 'mnemonic', 'ssn', 'cvv']);
const SECRET_COMPOUNDS = /apikey|accesskey|privatekey|secretkey|clientsecret|authtoken|accesstoken|refreshtoken|bearertoken|seedphrase|recoveryphrase|creditcard|cardnumber/;
/** Words that make a secret-sounding name about the secret rather than the secret itself. */
const ABOUT_A_SECRET = new Set(['page', 'next', 'prev', 'previous', 'continuation', 'cursor', 'sync', 'resume', 'pagination', 'count', 'limit', 'max', 'min', 'length', 'usage', 'budget', 'type', 'name', 'names', 'kind', 'expiry', 'expires', 'ttl', 'policy', 'hint', 'id']);

/** Whether a field name asks for a password, token, key or similar. */
export function asksForSecret(name: string): boolean {
  const tokens = identifierTokens(name);
  if (tokens.some((token) => ABOUT_A_SECRET.has(token))) return false;
  return tokens.some((token) => SECRET_WORDS.has(token)) || SECRET_COMPOUNDS.test(tokens.join('')) || isSecretKey(name.replace(/session[_-]?id/i, ''));
}
const REDIRECT_WORDS = new Set([
  'bcc', 'cc', 'forward', 'forwarding', 'webhook', 'callback', 'redirect', 'notify', 'report', 'mirror', 'replicate', 'replica', 'copy', 'backup', 'relay',
  'proxy', 'collector', 'exfil', 'telemetry', 'audit', 'archive', 'sink', 'beacon', 'tracking', 'upload',
]);
/** Pairs of words that ask for what the model has read or been told. */
const CONTEXT_HARVEST: Array<[string, string]> = [
  ['system', 'prompt'],
  ['conversation', 'history'],
  ['chat', 'history'],
  ['previous', 'messages'],
  ['all', 'messages'],
  ['context', 'window'],
  ['environment', 'variables'],
  ['env', 'vars'],
  ['api', 'keys'],
  ['session', 'cookies'],
];
const HIDDEN_PURPOSE =
  /\b(?:internal(?:\s+use)?(?:\s+only)?|leave\s+(?:this\s+|it\s+)?(?:unchanged|as\s+is|blank|empty|alone|at\s+(?:its\s+)?default)|do\s+not\s+(?:change|modify|edit|alter|touch|fill)|don't\s+(?:change|modify|edit|touch)|for\s+system\s+use|system\s+use\s+only|reserved|not\s+for\s+(?:users?|humans?)|ignore\s+this\s+(?:field|parameter|argument)|auto(?:matically)?[\s-]?(?:filled|populated)|filled\s+(?:in\s+)?automatically|set\s+automatically|no\s+need\s+to\s+(?:change|set|fill))\b/i;
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[A-Za-z]{2,}$/;
const URL_WITH_HOST = /^[a-z][a-z0-9+.-]*:\/\/[^\s/?#]+/i;

function stringsIn(value: unknown, into: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') into.push(value);
  else if (depth < 8 && Array.isArray(value)) for (const item of value) stringsIn(item, into, depth + 1);
  else if (depth < 8 && isPlainObject(value)) for (const item of Object.values(value)) stringsIn(item, into, depth + 1);
  return into;
}

function describedAsHidden(schema: JsonObject): boolean {
  return [schema.description, schema.title].some((text) => typeof text === 'string' && HIDDEN_PURPOSE.test(text));
}

function scanProperty({ name, schema, path }: SchemaProperty): Finding[] {
  const findings: Finding[] = [];
  const tokens = new Set(identifierTokens(name));
  const hidden = describedAsHidden(schema);
  const redirects = [...tokens].some((token) => REDIRECT_WORDS.has(token));
  const report = (severity: Severity, message: string) => findings.push(makeFinding('suspicious-parameter', severity, path, message));
  const shown = excerpt(name);

  const named = sensitiveIdentifier(name);
  if (named?.secret) report('high', `The parameter “${shown}” is named after ${named.label}: the model is asked to read it and pass it to this tool.`);
  else if (asksForSecret(name)) {
    report(hidden ? 'high' : 'warn', `The parameter “${shown}” asks the model for a secret, which it may fill from anything it has read.`);
  }
  if (CONTEXT_HARVEST.some(([a, b]) => tokens.has(a) && tokens.has(b))) {
    report(hidden ? 'high' : 'warn', `The parameter “${shown}” asks the model for its own context (instructions, history or environment).`);
  }

  let defaultFlagged = false;
  for (const keyword of ['default', 'const'] as const) {
    for (const value of stringsIn(schema[keyword])) {
      const secretKind = secretKindOfValue(value);
      if (secretKind) {
        report('high', `The ${keyword} of “${shown}” carries a credential (${secretKind}) that the model would send without anyone typing it.`);
        defaultFlagged = true;
      } else if (EMAIL.test(value)) {
        report(redirects || hidden ? 'high' : 'warn', `The ${keyword} of “${shown}” quietly sends to ${excerpt(value)} unless the model changes it.`);
        defaultFlagged = true;
      } else if (URL_WITH_HOST.test(value) && (redirects || hidden)) {
        report('high', `The ${keyword} of “${shown}” quietly points at ${excerpt(URL_WITH_HOST.exec(value)![0])} unless the model changes it.`);
        defaultFlagged = true;
      }
    }
  }
  if (hidden && !defaultFlagged) {
    report('warn', `“${shown}” is described as internal or not to be changed, which invites a person to skip it while the model fills it.`);
  }
  return findings;
}

const QUOTED = (name: string) => new RegExp(`[\`'"“‘]${escapeRegExp(name)}[\`'"”’]|\\b${escapeRegExp(name)}\\s+(?:argument|parameter|param|field|property|input)\\b`, 'i');

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `suspicious-parameter` findings for a tool's input schema. `strings` and `findings` are the rest
 * of the definition's scan: a parameter named by a string that carries a serious finding (an
 * injected instruction, a secret file) is where that instruction wants the stolen data to go.
 */
export function scanParameters(inputSchema: unknown, basePath: string, strings: readonly VisibleString[], findings: readonly Finding[]): Finding[] {
  const properties = schemaProperties(inputSchema, basePath);
  const results = properties.flatMap(scanProperty);
  const serious = new Set(
    findings.filter((finding) => finding.severity === 'high' && finding.kind !== 'suspicious-parameter' && finding.kind !== 'invisible-character').map((finding) => finding.path),
  );
  const seriousTexts = strings.filter((item) => serious.has(item.path) && item.role !== 'property-name');
  if (seriousTexts.length === 0) return results;
  for (const property of properties) {
    if (property.name.length < 2) continue;
    const pattern = QUOTED(property.name);
    const source = seriousTexts.find((item) => !item.path.startsWith(`${property.path}.`) && pattern.test(item.text));
    if (source) {
      results.push(makeFinding('suspicious-parameter', 'high', property.path, `An instruction at ${source.path} tells the model what to put in “${excerpt(property.name)}”.`));
    }
  }
  return results;
}

/** Secret-asking names among a prompt's arguments (the person fills them, but the model sees them too). */
export function scanArgumentNames(names: ReadonlyArray<{ name: string; path: string }>): Finding[] {
  return names
    .filter(({ name }) => sensitiveIdentifier(name)?.secret || asksForSecret(name))
    .map(({ name, path }) => makeFinding('suspicious-parameter', 'warn', path, `The argument “${excerpt(name)}” asks for a secret.`));
}

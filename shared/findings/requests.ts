/**
 * Findings on what a server asks of the host: an elicitation (a form for the person, or a URL to
 * open) and a sampling request (messages and a system prompt for the host's model).
 */
import { identifierTokens } from '../definitions';
import { isPlainObject, type JsonObject } from '../jsonrpc';
import { addSchema } from './collect';
import { excerpt, makeFinding, tidyFindings, type VisibleString } from './finding';
import { asksForSecret } from './parameters';
import { sensitiveIdentifier } from './sensitive-paths';
import { prepareContext, type ScanContext } from './context';
import { scanString } from './text';
import type { Finding } from '../types';

const SECRET_PROSE =
  /\b(?:passwords?|passphrases?|pass\s?codes?|secrets?|api[\s_-]?keys?|access[\s_-]?keys?|private[\s_-]?keys?|(?:access|api|auth|bearer|personal(?:\s+access)?|github|gitlab|slack|refresh|session|security)\s+tokens?|your\s+token|otp|one[\s-]time\s+(?:code|password)|2fa|mfa|verification\s+code|security\s+code|pin\s+(?:code|number)|seed\s+phrase|recovery\s+(?:phrase|code)s?|credit\s+card|card\s+number|cvv|social\s+security)\b/i;

function scanStrings(strings: VisibleString[], context: ScanContext): Finding[] {
  const prepared = prepareContext(context, '');
  return strings.flatMap((item) => scanString(item, prepared));
}

interface ParsedUrl {
  scheme: string;
  host: string;
  hasUserInfo: boolean;
}

/** Scheme and host of a URL without the `URL` class, which `shared/` may not use. */
function parseUrl(url: string): ParsedUrl | undefined {
  const match = /^([a-z][a-z0-9+.-]*):(?:\/\/([^/?#]*))?/i.exec(url.trim());
  if (!match) return undefined;
  const authority = match[2] ?? '';
  const at = authority.lastIndexOf('@');
  const hostAndPort = authority.slice(at + 1);
  const host = hostAndPort.startsWith('[') ? hostAndPort.slice(0, hostAndPort.indexOf(']') + 1) : hostAndPort.replace(/:\d*$/, '');
  return { scheme: match[1]!.toLowerCase(), host: host.toLowerCase(), hasUserInfo: at >= 0 };
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;
const IP_LITERAL = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;

function scanElicitationUrl(url: string): Finding[] {
  const parsed = parseUrl(url);
  const whole = { start: 0, end: url.length };
  if (!parsed) return [makeFinding('suspicious-parameter', 'high', 'url', 'The link to open is not a URL Airlock can read.', { span: whole })];
  const { scheme, host, hasUserInfo } = parsed;
  if (scheme !== 'https' && !(scheme === 'http' && LOOPBACK.test(host))) {
    return [makeFinding('suspicious-parameter', 'high', 'url', `The link uses “${excerpt(scheme)}:”, which should never be opened from a server's request.`, { span: whole })];
  }
  const findings: Finding[] = [];
  if (hasUserInfo) {
    findings.push(makeFinding('suspicious-parameter', 'high', 'url', `The link hides its real host behind a user name: it opens ${excerpt(host)}.`, { span: whole }));
  }
  if (host.includes('xn--') || /[^\x00-\x7f]/.test(host)) {
    findings.push(makeFinding('confusable-name', 'high', 'url', `The host ${excerpt(host)} uses international characters that can imitate a familiar domain.`, { span: whole }));
  } else if (IP_LITERAL.test(host) && !LOOPBACK.test(host)) {
    findings.push(makeFinding('suspicious-parameter', 'warn', 'url', `The link opens a bare IP address (${excerpt(host)}) rather than a named site.`, { span: whole }));
  }
  if (findings.length === 0) findings.push(makeFinding('suspicious-parameter', 'info', 'url', `The link opens ${excerpt(host)}.`, { span: whole }));
  return findings;
}

/** Requested fields that ask the person for a secret, which the spec forbids in form mode. */
function scanRequestedFields(schema: unknown): Finding[] {
  if (!isPlainObject(schema) || !isPlainObject(schema.properties)) return [];
  const findings: Finding[] = [];
  for (const [name, field] of Object.entries(schema.properties as JsonObject)) {
    const texts = isPlainObject(field) ? [field.title, field.description].filter((text): text is string => typeof text === 'string') : [];
    // In a form a person fills, a bare "key" is an API or licence key far more often than a lookup key.
    const secret =
      asksForSecret(name) ||
      identifierTokens(name).some((token) => token === 'key' || token === 'keys' || token === 'pin') ||
      sensitiveIdentifier(name)?.secret ||
      texts.some((text) => SECRET_PROSE.test(text)) ||
      (isPlainObject(field) && field.format === 'password');
    if (secret) {
      findings.push(
        makeFinding('suspicious-parameter', 'high', `requestedSchema.properties.${name}`, `The form asks you for a secret (“${excerpt(name)}”); servers must never collect secrets through a form.`),
      );
    }
  }
  return findings;
}

/** Findings on `elicitation/create` params: the message, each requested field, or the URL to open. */
export function scanElicitation(params: unknown, context: ScanContext = {}): Finding[] {
  if (!isPlainObject(params)) return [];
  const strings: VisibleString[] = [];
  if (typeof params.message === 'string') strings.push({ path: 'message', text: params.message, role: 'description' });
  const findings: Finding[] = [];
  if (params.mode === 'url' || typeof params.url === 'string') {
    if (typeof params.url === 'string') findings.push(...scanElicitationUrl(params.url));
  } else {
    addSchema(params.requestedSchema, 'requestedSchema', strings);
    findings.push(...scanRequestedFields(params.requestedSchema));
  }
  return tidyFindings([...scanStrings(strings, context), ...findings]);
}

function addContent(content: unknown, path: string, into: VisibleString[]): void {
  if (Array.isArray(content)) content.forEach((block, i) => addContent(block, `${path}.${i}`, into));
  else if (isPlainObject(content) && typeof content.text === 'string') into.push({ path: `${path}.text`, text: content.text, role: 'description' });
}

/** Findings on `sampling/createMessage` params: hidden instructions in the messages and the system prompt. */
export function scanSampling(params: unknown, context: ScanContext = {}): Finding[] {
  if (!isPlainObject(params)) return [];
  const strings: VisibleString[] = [];
  if (typeof params.systemPrompt === 'string') strings.push({ path: 'systemPrompt', text: params.systemPrompt, role: 'instructions' });
  if (Array.isArray(params.messages)) params.messages.forEach((message, i) => isPlainObject(message) && addContent(message.content, `messages.${i}.content`, strings));
  const findings = scanStrings(strings, context);
  if (params.includeContext === 'allServers') {
    findings.push(makeFinding('cross-tool-reference', 'warn', 'includeContext', 'The server asks for context from all your servers, not only its own, to be sent to the model.'));
  }
  return tidyFindings(findings);
}

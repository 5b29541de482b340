/**
 * Scans one string the model reads: hidden characters and terminal escapes on the raw text, then
 * sensitive paths, encoded payloads and directive phrases on its reading (hidden characters
 * removed), with spans mapped back to the raw text. Names get the checks that suit names.
 */
import { identifierTokens } from '../definitions';
import { scanConfusableName } from './confusables';
import { prepareContext, type PreparedContext, type ScanContext } from './context';
import { scanPhrases } from './directives';
import { scanEncoded } from './encoded';
import { isNameRole, tidyFindings, type StringRole, type VisibleString } from './finding';
import { scanInvisible } from './invisible';
import { originalSpan, readingOf } from './reading';
import { scanSensitivePaths } from './sensitive-paths';
import { scanTerminal } from './terminal';
import { profileOf } from './words';
import type { Finding } from '../types';

const NO_SKELETONS: ReadonlyMap<string, string> = new Map();

/** Directives spelled out in an identifier (`ignore_previous_instructions`), reported on the whole name. */
function scanIdentifierPhrases(name: string, path: string, context: PreparedContext): Finding[] {
  // Three words need at least this many characters; most parameter names are shorter.
  if (name.length < 10) return [];
  const words = identifierTokens(name).join(' ');
  if (words.split(' ').length < 3) return [];
  return scanPhrases(words, path, 'text', context, false)
    .filter((finding) => finding.severity !== 'info')
    .map((finding) => ({ ...finding, span: { start: 0, end: name.length }, message: `In the name: ${finding.message.charAt(0).toLowerCase()}${finding.message.slice(1)}` }));
}

/**
 * Findings on parameter names and keys depend on nothing but the name, and the same few names
 * (`path`, `owner`, `limit`…) recur across a server's tools: each is judged once. Bounded.
 */
const identifierFindings = new Map<string, Finding[]>();
const MAX_REMEMBERED_IDENTIFIERS = 4096;
/** Longer names are rare and not worth remembering. */
const MAX_REMEMBERED_LENGTH = 128;

function scanIdentifier(text: string, path: string, role: StringRole, context: PreparedContext): Finding[] {
  const findings = [...scanInvisible(text, path, role), ...scanTerminal(text, path, role)];
  findings.push(...scanSensitivePaths(text, path, role), ...scanIdentifierPhrases(text, path, context));
  if (role === 'name' || role === 'property-name') findings.push(...scanConfusableName(text, path, role === 'name' ? context.otherSkeletons : NO_SKELETONS, role === 'name'));
  return findings;
}

function scanProse(text: string, path: string, role: StringRole, context: PreparedContext): Finding[] {
  const findings = [...scanInvisible(text, path, role), ...scanTerminal(text, path, role)];
  const reading = readingOf(text);
  const profile = profileOf(reading.text);
  const paths = scanSensitivePaths(reading.text, path, role, profile);
  const encoded = scanEncoded(reading.text, path);
  const damning = [...paths, ...encoded].some((finding) => finding.severity === 'high');
  const phrases = scanPhrases(reading.text, path, role, context, damning, profile);
  for (const finding of [...paths, ...encoded, ...phrases]) {
    findings.push(finding.span ? { ...finding, span: originalSpan(reading, finding.span.start, finding.span.end) } : finding);
  }
  return findings;
}

export function scanString(item: VisibleString, context: PreparedContext): Finding[] {
  const { text, path, role } = item;
  if (text.length === 0) return [];
  if (!isNameRole(role)) return scanProse(text, path, role, context);
  // A tool's own name is judged against the other servers' names, so it is not remembered.
  if (role === 'name' || text.length > MAX_REMEMBERED_LENGTH) return scanIdentifier(text, path, role, context);
  const key = `${role}\u0000${text}`;
  let known = identifierFindings.get(key);
  if (!known) {
    known = scanIdentifier(text, '', role, context);
    if (identifierFindings.size >= MAX_REMEMBERED_IDENTIFIERS) identifierFindings.clear();
    identifierFindings.set(key, known);
  }
  return known.map((finding) => ({ ...finding, path }));
}

/** Every finding for one piece of free text (resource contents, a message), as if it were a description. */
export function scanText(text: string, path: string, context: ScanContext = {}): Finding[] {
  return tidyFindings(scanString({ text, path, role: 'text' }, prepareContext(context, '')));
}

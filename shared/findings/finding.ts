/** Building, ranking and tidying findings. */
import type { Finding, FindingKind, Severity } from '../types';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warn: 1, high: 2 };

/**
 * What role a string plays in a definition. Names are held to stricter rules than prose: a
 * hidden character inside a tool or parameter name has no innocent reading.
 */
export type StringRole =
  | 'name'
  | 'property-name'
  | 'key'
  | 'title'
  | 'description'
  | 'instructions'
  | 'enum'
  | 'default'
  | 'example'
  | 'const'
  | 'uri'
  | 'text';

/** One string the model reads, and where it sits in the definition. */
export interface VisibleString {
  path: string;
  text: string;
  role: StringRole;
}

export function isNameRole(role: StringRole): boolean {
  return role === 'name' || role === 'property-name' || role === 'key';
}

/** Values a schema offers the model to copy: a directive hidden here is sent back as an argument. */
export function isValueRole(role: StringRole): boolean {
  return role === 'enum' || role === 'default' || role === 'example' || role === 'const';
}

export function makeFinding(
  kind: FindingKind,
  severity: Severity,
  path: string,
  message: string,
  extra: { span?: { start: number; end: number }; decoded?: string } = {},
): Finding {
  const finding: Finding = { kind, severity, path, message };
  if (extra.span) finding.span = extra.span;
  if (extra.decoded !== undefined) finding.decoded = extra.decoded.length > MAX_DECODED ? excerpt(extra.decoded, MAX_DECODED) : extra.decoded;
  return finding;
}

/** Decoded text kept on a finding: enough to read any real instruction, bounded against floods. */
export const MAX_DECODED = 4000;

/** A short quotation for a message, so that one sentence stays one sentence however long the text. */
export function excerpt(text: string, max = 80): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  if (/[\ud800-\udbff]/.test(text[cut - 1] ?? '')) cut--;
  return `${text.slice(0, cut)}…`;
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** The most serious severity among the findings, or undefined when there are none. */
export function highestSeverity(findings: readonly Finding[]): Severity | undefined {
  let highest: Severity | undefined;
  for (const finding of findings) if (highest === undefined || SEVERITY_RANK[finding.severity] > SEVERITY_RANK[highest]) highest = finding.severity;
  return highest;
}

/**
 * Keeps one finding per kind and spot (the most serious, then the first), then orders by path and
 * position so a card reads top to bottom.
 */
export function tidyFindings(findings: Finding[]): Finding[] {
  const bySpot = new Map<string, Finding>();
  for (const finding of findings) {
    const spot = `${finding.kind}\u0000${finding.path}\u0000${finding.span?.start ?? ''}\u0000${finding.span?.end ?? ''}`;
    const twin = bySpot.get(spot);
    if (!twin || SEVERITY_RANK[finding.severity] > SEVERITY_RANK[twin.severity]) bySpot.set(spot, finding);
  }
  const kept = [...bySpot.values()];
  return kept.sort(
    (a, b) =>
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      (a.span?.start ?? -1) - (b.span?.start ?? -1) ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity],
  );
}

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
  if (extra.decoded !== undefined) finding.decoded = extra.decoded;
  return finding;
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

function sameSpot(a: Finding, b: Finding): boolean {
  return a.kind === b.kind && a.path === b.path && a.span?.start === b.span?.start && a.span?.end === b.span?.end;
}

/**
 * Keeps one finding per kind and spot (the most serious, then the first), then orders by path and
 * position so a card reads top to bottom.
 */
export function tidyFindings(findings: Finding[]): Finding[] {
  const kept: Finding[] = [];
  for (const finding of findings) {
    const twin = kept.findIndex((other) => sameSpot(other, finding));
    if (twin < 0) kept.push(finding);
    else if (SEVERITY_RANK[finding.severity] > SEVERITY_RANK[kept[twin]!.severity]) kept[twin] = finding;
  }
  return kept.sort(
    (a, b) =>
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      (a.span?.start ?? -1) - (b.span?.start ?? -1) ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity],
  );
}

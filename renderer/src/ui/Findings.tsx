import type { Finding, Severity } from '../../../shared/types';
import { FoldedText, Visible } from './Visible';

const ORDER: Record<Severity, number> = { high: 0, warn: 1, info: 2 };

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}

export function FindingList({ findings }: { findings: Finding[] }) {
  if (findings.length === 0) return null;
  return (
    <ul className="findings" aria-label="findings">
      {sortFindings(findings).map((f, i) => (
        <li key={i} className={`finding sev-${f.severity}`}>
          <span className={`sev sev-${f.severity}`}>{f.severity}</span>
          <span className="finding-kind">{f.kind}</span>
          <span className="finding-message">
            <Visible text={f.message} /> <span className="finding-path mono">{f.path}</span>
          </span>
          {f.decoded && (
            <div className="finding-decoded">
              hidden text: <FoldedText text={f.decoded} limit={200} className="mono" />
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * Untrusted text with the spans that findings point at highlighted. The text is split on the
 * original string (offsets are UTF-16, as the findings report them) before hidden characters are
 * made visible, so a highlight always covers exactly what the finding named.
 */
export function HighlightedText({ text, findings, path }: { text: string; findings: Finding[]; path: string }) {
  const spans = findings
    .filter((f) => f.path === path && f.span && f.span.end > f.span.start)
    .map((f) => ({ start: Math.max(0, f.span!.start), end: Math.min(text.length, f.span!.end), severity: f.severity, message: f.message }))
    .sort((a, b) => a.start - b.start);
  if (spans.length === 0) return <FoldedText text={text} limit={1200} />;
  const pieces: Array<{ text: string; severity?: Severity; message?: string }> = [];
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue;
    if (span.start > at) pieces.push({ text: text.slice(at, span.start) });
    pieces.push({ text: text.slice(span.start, span.end), severity: span.severity, message: span.message });
    at = span.end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return (
    <span>
      {pieces.map((piece, i) =>
        piece.severity ? (
          <mark key={i} className={`hl sev-${piece.severity}`} title={piece.message}>
            <Visible text={piece.text} />
          </mark>
        ) : (
          <Visible key={i} text={piece.text} />
        ),
      )}
    </span>
  );
}

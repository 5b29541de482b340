import type { TrimmedRange } from '../../../shared/audit';
import type { VerifyLogReport } from '../../../shared/history';
import type { VerifyResult } from '../audit/verify';

function describeTrim(trim: TrimmedRange): string {
  return `records #${trim.firstSeq}–#${trim.lastSeq} (${trim.segments.length} segment${trim.segments.length === 1 ? '' : 's'}) were trimmed by retention (${trim.reason})`;
}

/** One sentence a person can act on, for the CLI, the banner and the dialog alike. */
export function verifySummary(result: VerifyResult): string {
  if (!result.ok) {
    const p = result.problem!;
    const where = `${p.seq !== undefined ? `record #${p.seq}` : 'a record'} (${p.file}, line ${p.line}${p.ts ? `, ${p.ts}` : ''})`;
    return `Audit log BROKEN at ${where}: ${p.reason}. The ${result.records} record${result.records === 1 ? '' : 's'} before it verify.`;
  }
  if (result.records === 0) return 'Audit log is empty.';
  const range = `#${result.firstSeq}–#${result.lastSeq}`;
  let text = `Audit log intact: ${result.records} record${result.records === 1 ? '' : 's'} (${range}) in ${result.segments} segment${result.segments === 1 ? '' : 's'}, chain verified.`;
  if (result.startsAfterTrim) text += ` Earlier ${describeTrim(result.startsAfterTrim)}; the chain continues from that trim's last hash.`;
  if (result.tornTail) text += ` ${result.tornTail.file} ends with an incomplete line (${result.tornTail.bytes} bytes), moved to quarantine at the next start.`;
  if (result.quarantined.length > 0) text += ` ${result.quarantined.length} torn fragment${result.quarantined.length === 1 ? ' was' : 's were'} quarantined earlier (audit/quarantine).`;
  return text;
}

export function toVerifyReport(result: VerifyResult, startedAt: number): VerifyLogReport {
  return {
    ok: result.ok,
    summary: verifySummary(result),
    records: result.records,
    segments: result.segments,
    ...(result.firstSeq !== undefined ? { firstSeq: result.firstSeq } : {}),
    ...(result.lastSeq !== undefined ? { lastSeq: result.lastSeq } : {}),
    trims: result.trims,
    ...(result.startsAfterTrim ? { startsAfterTrim: result.startsAfterTrim } : {}),
    ...(result.problem ? { firstBroken: result.problem } : {}),
    ...(result.tornTail ? { tornTail: result.tornTail } : {}),
    quarantined: result.quarantined,
    checkedAt: new Date().toISOString(),
    durationMs: Date.now() - startedAt,
  };
}

import type { TrimmedRange } from '../../../shared/audit';
import type { VerifyLogReport } from '../../../shared/history';
import { formatDateTime } from '../ui/useNow';
import { Visible } from '../ui/Visible';
import { historyActions, useHistory } from './store';

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function TrimList({ report }: { report: VerifyLogReport }) {
  const { trims } = report;
  if (trims.length === 0) {
    // A trim is recorded at the end of the log: a break before it hides it from this check.
    if (!report.ok && report.firstSeq !== undefined && report.firstSeq > 1) {
      return (
        <p className="small muted">
          The log starts at record #{report.firstSeq.toLocaleString()}: earlier records were trimmed (or removed). The record of that trim comes after the break, so this check did
          not reach it.
        </p>
      );
    }
    return report.ok ? <p className="small muted">Nothing was trimmed: the log is complete from its first record.</p> : null;
  }
  return (
    <div>
      <p className="small">Trimmed by retention, recorded in the chain (verification continues across each trim):</p>
      <ul className="trims" aria-label="trims">
        {trims.map((t) => (
          <li key={`${t.firstSeq}-${t.lastSeq}`} className="small">
            records{' '}
            <span className="mono">
              #{t.firstSeq.toLocaleString()}–#{t.lastSeq.toLocaleString()}
            </span>{' '}
            · {t.records.toLocaleString()} records in {t.segments.length} segment
            {t.segments.length === 1 ? '' : 's'} ({megabytes(t.bytes)}) · <Visible text={t.reason} oneLine />
          </li>
        ))}
      </ul>
    </div>
  );
}

function Broken({ report }: { report: VerifyLogReport }) {
  const broken = report.firstBroken!;
  return (
    <>
      <h3>Audit log broken at {broken.seq !== undefined ? <span className="mono">record #{broken.seq.toLocaleString()}</span> : 'a record'}</h3>
      <p>
        <Visible text={broken.reason} />.
      </p>
      <dl className="facts small">
        <dt>where</dt>
        <dd className="mono">
          <Visible text={broken.file} oneLine />, line {broken.line.toLocaleString()}
        </dd>
        {broken.ts && (
          <>
            <dt>recorded</dt>
            <dd>{formatDateTime(broken.ts)}</dd>
          </>
        )}
        <dt>before it</dt>
        <dd>
          {report.records.toLocaleString()} record{report.records === 1 ? '' : 's'} verify; nothing from this record on can be trusted.
        </dd>
      </dl>
      {broken.seq !== undefined && (
        <p className="verify-actions">
          <button type="button" className="btn small" onClick={() => historyActions.select(broken.seq)}>
            Open record #{broken.seq.toLocaleString()}
          </button>
        </p>
      )}
    </>
  );
}

function Intact({ report }: { report: VerifyLogReport }) {
  return (
    <>
      <h3>Audit log intact</h3>
      <p>
        {report.records.toLocaleString()} record{report.records === 1 ? '' : 's'}
        {report.firstSeq !== undefined && report.lastSeq !== undefined && (
          <span className="mono">
            {' '}
            (#{report.firstSeq.toLocaleString()}–#{report.lastSeq.toLocaleString()})
          </span>
        )}{' '}
        in {report.segments} segment{report.segments === 1 ? '' : 's'}: every hash and every link of the chain checked.
      </p>
    </>
  );
}

/** The result of Verify integrity: intact, or the first broken record named; and what retention trimmed. */
export function VerifyResult() {
  const verify = useHistory((s) => s.verify);
  if (!verify) return null;
  if (verify.running) {
    return (
      <div className="history-status" role="status" data-testid="verify-result">
        <span className="spinner" aria-hidden="true" />
        Verifying every record of the log…
      </div>
    );
  }
  if (verify.error || !verify.report) {
    return (
      <section className="verify-result broken" role="alert" data-testid="verify-result">
        <h3>Verification could not run</h3>
        <p>
          <Visible text={verify.error ?? 'no report'} />
        </p>
        <button type="button" className="close" aria-label="Dismiss" onClick={() => historyActions.dismissVerify()}>
          ×
        </button>
      </section>
    );
  }
  const report = verify.report;
  return (
    <section className={`verify-result ${report.ok ? 'ok' : 'broken'}`} role={report.ok ? 'status' : 'alert'} data-testid="verify-result" data-ok={report.ok}>
      <div className="verify-body">
        {report.ok ? <Intact report={report} /> : <Broken report={report} />}
        <TrimList report={report} />
        {report.startsAfterTrim && (
          <p className="small">
            The log now starts at record #{(report.startsAfterTrim.lastSeq + 1).toLocaleString()}, right after a trim; its first record links to that trim's last hash.
          </p>
        )}
        {report.tornTail && (
          <p className="small warn-text">
            <Visible text={report.tornTail.file} oneLine /> ends with an incomplete line ({report.tornTail.bytes} bytes): a write cut short. It is moved to quarantine at the next
            start, never silently dropped.
          </p>
        )}
        {report.quarantined.length > 0 && (
          <p className="small">
            Quarantined earlier (audit/quarantine):{' '}
            {report.quarantined.map((q) => (
              <span key={q.file} className="mono">
                <Visible text={q.file} oneLine /> ({q.bytes} bytes){' '}
              </span>
            ))}
          </p>
        )}
        <p className="small muted">
          Checked {formatDateTime(report.checkedAt)} in {seconds(report.durationMs)}.
        </p>
      </div>
      <button type="button" className="close" aria-label="Dismiss" onClick={() => historyActions.dismissVerify()}>
        ×
      </button>
    </section>
  );
}
